//! A table cell's date: the day, with the full timestamp on hover, or a word when none.

use crate::domain::format::{format_date, format_timestamp};
use leptos::prelude::*;

pub fn when(ms: Option<i64>, none: &'static str) -> AnyView {
    match ms {
        Some(ms) => view! { <time title=format_timestamp(ms)>{format_date(ms)}</time> }.into_any(),
        None => view! { <span class="muted-cell">{none}</span> }.into_any(),
    }
}
