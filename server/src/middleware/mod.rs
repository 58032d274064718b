//! Request middleware, outermost first: request logs, security headers, who is signed in, CSRF
//! refusal, the guard that keeps every dashboard page behind sign-in, and the one in front of
//! the server functions.

pub mod csrf;
pub mod headers;
pub mod page_guard;
pub mod rpc_errors;
pub mod rpc_guard;
pub mod session;
pub mod trace;
