//! A connection's last 24 hours of sign-ins, as the connection page draws them: one bar per hour,
//! successes in green under failures in red. Drawn as SVG on the server, so it shows without
//! JavaScript.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One hour: when it starts (Unix ms) and how its sign-ins went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourCount {
    pub start_ms: i64,
    pub succeeded: u32,
    pub failed: u32,
}

const WIDTH: u32 = 480;
const HEIGHT: u32 = 64;
const GAP: u32 = 2;

/// The chart with its totals; `hours` oldest first.
#[component]
pub fn ActivityChart(hours: Vec<HourCount>) -> impl IntoView {
    let succeeded: u64 = hours.iter().map(|h| u64::from(h.succeeded)).sum();
    let failed: u64 = hours.iter().map(|h| u64::from(h.failed)).sum();
    let peak = hours.iter().map(|h| h.succeeded.saturating_add(h.failed)).max().unwrap_or(0).max(1);
    let n = u32::try_from(hours.len()).unwrap_or(1).max(1);
    let bar = (WIDTH / n).saturating_sub(GAP).max(1);
    let scale = |count: u32| -> u32 { (u64::from(count) * u64::from(HEIGHT) / u64::from(peak)) as u32 };
    let summary = format!("{succeeded} successful and {failed} failed sign-ins in the last 24 hours");
    let bars = hours
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let x = u32::try_from(i).unwrap_or(0) * (bar + GAP);
            let (ok_h, failed_h) = (scale(h.succeeded), scale(h.failed));
            let hour = crate::text::format_utc(h.start_ms);
            let title = format!("{hour}: {} successful, {} failed", h.succeeded, h.failed);
            view! {
                <g>
                    <title>{title}</title>
                    <rect x=x.to_string() y="0" width=bar.to_string() height=HEIGHT.to_string() fill="transparent"/>
                    <rect x=x.to_string() y=(HEIGHT - ok_h).to_string() width=bar.to_string() height=ok_h.to_string() rx="1" class="fill-green-500"/>
                    <rect x=x.to_string() y=(HEIGHT - ok_h - failed_h).to_string() width=bar.to_string() height=failed_h.to_string() rx="1" class="fill-red-500"/>
                </g>
            }
        })
        .collect_view();
    view! {
        <section class="mt-6 rounded-xl border border-gray-200 bg-white px-5 py-4 shadow-sm" aria-labelledby="activity-title" data-testid="sign-in-activity">
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 id="activity-title" class="text-sm font-semibold text-gray-900">"Sign-ins, last 24 hours"</h2>
                <div class="flex items-center gap-4 text-xs text-gray-600">
                    <span class="inline-flex items-center gap-1.5"><span class="h-2 w-2 rounded-sm bg-green-500"></span><span data-testid="activity-succeeded">{succeeded}</span>" successful"</span>
                    <span class="inline-flex items-center gap-1.5"><span class="h-2 w-2 rounded-sm bg-red-500"></span><span data-testid="activity-failed">{failed}</span>" failed"</span>
                </div>
            </div>
            <svg class="mt-3 h-16 w-full" viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img" aria-label=summary>
                <line x1="0" y1=HEIGHT.to_string() x2=WIDTH.to_string() y2=HEIGHT.to_string() class="stroke-gray-200" stroke-width="1"/>
                {bars}
            </svg>
            <div class="mt-1 flex justify-between text-[11px] text-gray-400"><span>"24 h ago"</span><span>"now"</span></div>
            {(succeeded + failed == 0).then(|| view! { <p class="mt-2 text-xs text-gray-500">"No sign-ins through this connection in the last 24 hours. Use Try to test it."</p> })}
        </section>
    }
}
