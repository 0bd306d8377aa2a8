//! The links under a list that page through it by keyset (`domain::keyset`): plain
//! anchors, so paging works before hydration and without JavaScript.

use crate::domain::keyset::{Neighbours, PageAt};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Where the page the URL names starts (`?after=` / `?before=`).
pub fn use_page_at() -> Memo<PageAt> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|p| PageAt::from_query(p.get_str("after"), p.get_str("before"))))
}

/// How a list's pager reads: its links' labels, and its name for screen readers.
#[derive(Clone, Copy)]
pub struct PagerText {
    pub back: &'static str,
    pub on: &'static str,
    pub label: &'static str,
}

impl PagerText {
    /// A list in its own order (members by name).
    pub const fn pages(label: &'static str) -> PagerText {
        PagerText {
            back: "Previous",
            on: "Next",
            label,
        }
    }

    /// A newest-first list (invitations, datasets, jobs, models).
    pub const fn newest_first(label: &'static str) -> PagerText {
        PagerText {
            back: "Newer",
            on: "Older",
            label,
        }
    }
}

/// "Previous" / "Next" from `base` (the list's URL with its filters, without a cursor),
/// beside an optional summary ("51–100 of 10,000"); nothing on a list of one page
/// without a summary.
#[component]
pub fn Pager(
    neighbours: Neighbours,
    base: String,
    text: PagerText,
    #[prop(optional, into)] summary: String,
) -> impl IntoView {
    let back = neighbours.previous_href(&base);
    let on = neighbours.next_href(&base);
    if back.is_none() && on.is_none() && summary.is_empty() {
        return None;
    }
    Some(view! {
        <nav class="table-foot pager" aria-label=text.label>
            <span>{summary}</span>
            <span class="pager-links">
                {back.map(|href| view! { <a class="btn btn-small btn-secondary" href=href rel="prev">{text.back}</a> })}
                {on.map(|href| view! { <a class="btn btn-small btn-secondary" href=href rel="next">{text.on}</a> })}
            </span>
        </nav>
    })
}
