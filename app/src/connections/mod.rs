//! The enterprise connection: its model, its one set of validation rules, and the outcome of the
//! issuer check. Isomorphic: the dashboard uses the same types and rules in the browser for
//! instant feedback, and the backend applies them again on every write.

pub mod address;
pub mod issuer;
pub mod model;
pub mod options;
pub mod readiness;
pub mod validate;

pub use issuer::IssuerCheck;
pub use model::*;
pub use options::{OptionsInput, OptionsView};
