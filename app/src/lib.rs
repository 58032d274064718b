//! Tessera's application library: every page, component and server function, plus (behind the
//! `ssr` feature) the backend services they and the server's REST API call.
//!
//! Features live only here: `ssr` for the server build, `hydrate` for the wasm build.

// Leptos views are nested static types; the Settings tab's is deep enough that release builds
// exceed the default query depth while computing its layout.
#![recursion_limit = "256"]

mod string_enum;

pub mod api;
pub mod app;
mod chunks;
pub mod applications;
pub mod components;
pub mod connections;
pub mod error;
pub mod failures;
pub mod logs_activity;
pub mod organizations;
pub mod pages;
pub mod roles;
pub mod tenant;
pub mod text;

#[cfg(feature = "ssr")]
pub mod backend;

pub use app::{shell, App};
