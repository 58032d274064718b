//! One module per screen.

pub mod activity;
pub mod applications;
pub mod connection;
pub mod connection_new;
pub mod enterprise;
pub mod not_found;
pub mod placeholder;
pub mod roles;
pub mod settings;
pub mod signin;
