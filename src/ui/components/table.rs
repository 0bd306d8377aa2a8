//! The one table of the console's lists: a caption for screen readers, the column headers,
//! and a scroll box of its own, so that a wide table scrolls inside its card instead of
//! pushing the page sideways (the row's actions stay reachable).
//!
//! In a narrow card (under 600 px: a phone, or a tablet beside the section menu) a table of
//! more than two columns stacks: each row becomes a block, its first cell the title and
//! each other cell a line named by its column. A row's cells carry that name in
//! `data-label` (the stylesheet shows it); the end-to-end tests check that it matches the
//! column's header.

use leptos::prelude::*;

/// A column header: its label, and how its cells align.
#[derive(Clone, Copy)]
pub struct Column {
    label: &'static str,
    align: Align,
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Start,
    /// Numbers, right-aligned with tabular figures.
    End,
    Center,
    /// The row actions: the header is for screen readers only.
    Actions,
}

impl Column {
    pub const fn text(label: &'static str) -> Self {
        Column {
            label,
            align: Align::Start,
        }
    }

    pub const fn number(label: &'static str) -> Self {
        Column {
            label,
            align: Align::End,
        }
    }

    pub const fn centered(label: &'static str) -> Self {
        Column {
            label,
            align: Align::Center,
        }
    }

    /// The last column, with each row's buttons.
    pub const ACTIONS: Column = Column {
        label: "Actions",
        align: Align::Actions,
    };

    fn header(self) -> impl IntoView {
        let class = match self.align {
            Align::End => Some("num"),
            Align::Center => Some("center"),
            Align::Start | Align::Actions => None,
        };
        let label = if self.align == Align::Actions {
            view! { <span class="visually-hidden">{self.label}</span> }.into_any()
        } else {
            self.label.into_any()
        };
        view! { <th scope="col" class=class>{label}</th> }
    }
}

/// A table of rows (the children, `<tr>` each) under `columns`.
#[component]
pub fn Table(
    /// What the table lists, read by screen readers.
    caption: &'static str,
    columns: &'static [Column],
    children: Children,
) -> impl IntoView {
    let class = if columns.len() > 2 {
        "table stacks"
    } else {
        "table"
    };
    view! {
        // On a narrow screen a table scrolls inside its card: focusable and named, so that
        // the keyboard can scroll it too.
        <div class="table-scroll" tabindex="0" role="region" aria-label=caption>
            <table class=class>
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>{columns.iter().map(|c| c.header()).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// What a list shows when it has nothing yet: what goes there and how it gets there.
#[component]
pub fn EmptyState(children: Children) -> impl IntoView {
    view! {
        <div class="empty-state pad">
            <p class="muted">{children()}</p>
        </div>
    }
}
