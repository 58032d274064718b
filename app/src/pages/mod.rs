//! One module per screen.

pub mod applications;
pub mod connection;
pub mod connection_new;
pub mod enterprise;
pub mod logs;
pub mod not_found;
pub mod organization;
pub mod organization_manual;
pub mod organizations;
pub mod roles;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod setup;
pub mod signin;
pub mod table;
pub mod users;
