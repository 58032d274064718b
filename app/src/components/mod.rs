//! Reusable pieces of the dashboard's look: the frame, icons, toasts, form fields.

pub mod icons;
pub mod layout;
pub mod toast;
