//! Inline SVG icons (24×24 outline, drawn for Tessera). Decorative: hidden from screen readers;
//! the text next to them carries the meaning.

use leptos::prelude::*;

macro_rules! outline_icon {
    ($name:ident, $($d:literal),+) => {
        #[component]
        pub fn $name(#[prop(into, optional)] class: String) -> impl IntoView {
            view! {
                <svg class=class xmlns="http://www.w3.org/2000/svg" fill="none" viewBox="0 0 24 24"
                    stroke-width="1.6" stroke="currentColor" aria-hidden="true">
                    $(<path stroke-linecap="round" stroke-linejoin="round" d=$d/>)+
                </svg>
            }
        }
    };
}

outline_icon!(Plug, "M9 3v4m6-4v4M7 7h10v4a5 5 0 0 1-10 0V7Zm5 9v5");
outline_icon!(Squares, "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z");
outline_icon!(Building, "M4 21V5a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v16M15 9h4a1 1 0 0 1 1 1v11M3 21h18M8 8h3M8 12h3M8 16h3");
outline_icon!(Users, "M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM21 19v-1a4 4 0 0 0-3-3.87M15.5 3.13a3.5 3.5 0 0 1 0 6.75");
outline_icon!(ListLines, "M8 6h13M8 12h13M8 18h13M3.5 6h.01M3.5 12h.01M3.5 18h.01");
outline_icon!(Cog, "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z", "M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z");
outline_icon!(ChevronDoubleLeft, "M18 17l-5-5 5-5M11 17l-5-5 5-5");
outline_icon!(ChevronDoubleRight, "M6 17l5-5-5-5M13 17l5-5-5-5");
outline_icon!(ArrowRightOnRect, "M15 3h4a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-4M10 17l5-5-5-5M15 12H3");
outline_icon!(CheckCircle, "M9 12.5l2 2 4-4.5M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z");
outline_icon!(XCircle, "M15 9l-6 6M9 9l6 6M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z");
outline_icon!(ExclamationTriangle, "M12 9v4M12 17h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z");
outline_icon!(Clipboard, "M9 5H7a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-2M9 5a2 2 0 0 0 2 2h2a2 2 0 0 0 2-2M9 5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2");
outline_icon!(Plus, "M12 5v14M5 12h14");
outline_icon!(MagnifyingGlass, "M21 21l-4.3-4.3M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13Z");
outline_icon!(LockClosed, "M7 11V7a5 5 0 0 1 10 0v4M5 11h14v10H5z");
outline_icon!(Shield, "M12 3 5 6v5c0 4.5 3 8.5 7 10 4-1.5 7-5.5 7-10V6l-7-3Z", "M9 12l2 2 4-4");
outline_icon!(Wrench, "M14.7 6.3a4 4 0 0 0-5.4 5.4L3 18l3 3 6.3-6.3a4 4 0 0 0 5.4-5.4l-2.5 2.5-2.8-.7-.7-2.8 2.5-2.5a4 4 0 0 0-1.5-.4Z");

/// A spinner for slow actions; pair it with text such as "Checking…".
#[component]
pub fn Spinner(#[prop(into, optional)] class: String) -> impl IntoView {
    view! {
        <svg class=format!("animate-spin {class}") xmlns="http://www.w3.org/2000/svg" fill="none" viewBox="0 0 24 24" aria-hidden="true">
            <circle class="opacity-25" cx="12" cy="12" r="10" stroke="currentColor" stroke-width="4"></circle>
            <path class="opacity-75" fill="currentColor" d="M4 12a8 8 0 0 1 8-8v4a4 4 0 0 0-4 4H4Z"></path>
        </svg>
    }
}

/// The Tessera mark: four tiles of a mosaic.
#[component]
pub fn TesseraMark(#[prop(into, optional)] class: String) -> impl IntoView {
    view! {
        <svg class=class xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" aria-hidden="true">
            <rect x="3" y="3" width="12" height="12" rx="2.5" fill="#4f46e5"/>
            <rect x="17" y="3" width="12" height="12" rx="2.5" fill="#818cf8"/>
            <rect x="3" y="17" width="12" height="12" rx="2.5" fill="#a5b4fc"/>
            <rect x="17" y="17" width="12" height="12" rx="2.5" fill="#312e81"/>
        </svg>
    }
}
