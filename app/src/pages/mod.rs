//! One module per screen.

pub mod enterprise;
pub mod not_found;
pub mod placeholder;
pub mod signin;
