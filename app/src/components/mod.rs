//! Reusable pieces of the dashboard's look: the frame, icons, toasts, form fields.

pub mod browser;
pub mod danger;
pub mod form;
pub mod icons;
pub mod issuer_field;
pub mod layout;
pub mod name_field;
pub mod save_bar;
pub mod toast;
