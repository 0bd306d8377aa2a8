//! A table cell's date: the day, with the full timestamp on hover, or a word when none;
//! or, where the hour matters, the day and the time.

use crate::domain::format::{format_date, format_timestamp};
use leptos::prelude::*;

pub fn when(ms: Option<i64>, none: &'static str) -> AnyView {
    match ms {
        Some(ms) => view! { <time title=format_timestamp(ms)>{format_date(ms)}</time> }.into_any(),
        None => view! { <span class="muted-cell">{none}</span> }.into_any(),
    }
}

/// A table cell's moment, to the minute: the day, and the time (UTC) under it, for lists
/// where the hour matters (the audit log, sessions).
pub fn when_exactly(ms: Option<i64>, none: &'static str) -> AnyView {
    match ms {
        Some(ms) => {
            let exact = format_timestamp(ms);
            let time = exact
                .split_once(' ')
                .map(|(_, t)| t.to_owned())
                .unwrap_or_default();
            view! {
                <time title=exact.clone()>
                    {format_date(ms)}
                    <span class="muted small block">{time}</span>
                </time>
            }
            .into_any()
        }
        None => view! { <span class="muted-cell">{none}</span> }.into_any(),
    }
}
