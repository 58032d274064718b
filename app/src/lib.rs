//! Tessera's application library: every page, component and server function, plus (behind the
//! `ssr` feature) the backend services they and the server's REST API call.
//!
//! Features live only here: `ssr` for the server build, `hydrate` for the dashboard's wasm build.
//! The setup screens an IT admin opens from a link are rendered on the server only
//! (`setup_screens`): they ship no wasm.

// Leptos views are nested static types; the Settings tab's is deep enough that release builds
// exceed the default query depth while computing its layout.
#![recursion_limit = "256"]

mod string_enum;

pub mod api;
pub mod app;
mod chunks;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod applications;
pub mod components;
pub mod connections;
pub mod error;
pub mod failures;
pub mod flash;
pub mod logs_activity;
pub mod organizations;
pub mod pages;
pub mod roles;
#[cfg(feature = "ssr")]
pub mod setup_screens;
pub mod tenant;
pub mod text;
pub mod web_url;

#[cfg(feature = "ssr")]
pub mod backend;

pub use app::{shell, App};
