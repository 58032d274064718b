//! Signing in through a connection: the one service behind `/authorize`, `/login/callback` and
//! the dashboard's "Try". [`authorize`] checks an application's request and [`start_login`]
//! sends the browser to the IdP with a single-use state (10 minutes, bound to the browser by a
//! cookie, kept in the database so any replica can finish the login). [`finish_login`] takes
//! that state back, gets and validates the ID token (front channel: posted by the IdP; back
//! channel: from the token endpoint), upserts the user, records the outcome and, for an
//! application, issues Tessera's authorization code.
//!
//! The jobs, one file each: [`request`] (`/authorize` checked), [`sso`] (single sign-on),
//! [`realm`] (home realm discovery), [`start`], [`finish`] and [`answer`] (back to the
//! application).

pub mod answer;
pub mod consent;
pub mod finish;
pub mod jwk;
pub mod realm;
pub mod request;
pub mod sso;
pub mod start;
pub mod verify;

pub use answer::{AppRequest, ResponseMode, ResponseType, ToApplication};
pub use consent::{answer_consent, ConsentPrompt, CONSENT_TTL_MS};
pub use finish::{finish_login, prune, CallbackParams, Failed, Finished};
pub use realm::{discover, enabled_connections, home_realm};
pub use request::{authorize, AuthorizeError, AuthorizeParams, Authorized, Prompt};
pub use sso::{single_sign_on, SingleSignOn};
pub use start::{start_login, start_setup_test, SetupTest, Started, LOGIN_TTL_MS};
