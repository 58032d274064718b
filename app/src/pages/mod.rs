//! One module per screen.

/// The script of the pages that ship no wasm (`/signin`, the setup screens), inlined with the
/// response's nonce: spinners on the buttons that post, copy buttons.
#[cfg(feature = "ssr")]
pub const PLAIN_FORMS_SCRIPT: &str = include_str!("plain_forms.js");

pub mod applications;
pub mod connection;
pub mod connection_new;
pub mod enterprise;
pub mod logs;
pub mod not_found;
pub mod organization;
pub mod organization_manual;
pub mod organizations;
pub mod role;
pub mod roles;
pub mod settings;
pub mod signin;
pub mod table;
pub mod users;
