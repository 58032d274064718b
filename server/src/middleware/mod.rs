//! Request middleware, outermost first: request logs, who is signed in, CSRF refusal, and the
//! guard that keeps every dashboard page behind sign-in.

pub mod csrf;
pub mod page_guard;
pub mod rpc_errors;
pub mod session;
pub mod trace;
