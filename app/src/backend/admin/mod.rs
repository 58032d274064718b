//! Admins of the dashboard and of the Management API: accounts and passwords, sign-in with its
//! throttle, server-side sessions, and API bearer tokens.

pub mod accounts;
pub mod password;
pub mod sessions;
pub mod signin;
pub mod throttle;
pub mod tokens;

pub use accounts::Admin;
pub use sessions::CurrentAdmin;
