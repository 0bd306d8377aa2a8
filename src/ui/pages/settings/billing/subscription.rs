//! Billing -> Subscription: the plan and seats, a change reviewed with its prorated amount
//! before it is confirmed, and the billing details invoices carry. Works without
//! JavaScript: "Review change" is a GET form that puts the choice in the address
//! (`?plan=team&seats=12`), and the page shows the quote with a form to confirm it.

use super::super::layout::{SettingsLayout, SettingsSection};
use super::{BillingTab, BillingTabs};
use crate::api::billing::{
    ChangeSubscription, SaveBillingDetails, get_subscription, get_subscription_quote,
};
use crate::domain::Error;
use crate::domain::billing::{BillingDetails, Money, Plan, Quote, SubscriptionPage};
use crate::domain::format::thousands;
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::{FormAlert, SubmitButton, TextField, field_error, focus_first_invalid};
use crate::ui::layout::{ConsolePage, ErrorPanel, list_body, server_once};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BillingSubscriptionPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Billing>
                <BillingTabs org_id=shell.org.id.clone() current=BillingTab::Subscription/>
                <Subscription shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

#[component]
fn Subscription(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let query = use_query_map();
    let changed = move || query.with(|q| q.get("changed").is_some());
    // Read again after a confirmed change (its redirect adds `changed`).
    let page = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), changed())
        },
        |(org_id, _)| get_subscription(org_id),
    );
    let wanted = Signal::derive(move || {
        query.with(|q| match (q.get("plan"), q.get("seats")) {
            (Some(plan), Some(seats)) => Some((plan, seats)),
            _ => None,
        })
    });
    let quote = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), wanted.get())
        },
        |(org_id, wanted)| async move {
            match wanted {
                Some((plan, seats)) => get_subscription_quote(org_id, plan, seats).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let body = list_body(page, "Loading the subscription…", move |page| {
        let org_id = org_id.clone();
        view! {
            <p role="status" class="status-text">
                {move || changed().then(|| view! { <span class="alert alert-success">"Your subscription was changed."</span> })}
            </p>
            <Current page=page.clone()/>
            {page.can_manage.then(|| view! {
                <ChangePlan page=page.clone() org_id=org_id.clone() wanted quote/>
            })}
            <Details details=page.details.clone() org_id=org_id.clone() can_manage=page.can_manage/>
        }
    });
    view! { {body} }
}

#[component]
fn Current(page: SubscriptionPage) -> impl IntoView {
    let seats = format!(
        "{} ({} in use: members and pending invitations)",
        thousands(page.current.seats),
        thousands(page.seats_in_use)
    );
    view! {
        <section class="card" aria-labelledby="plan-title">
            <h2 class="h2" id="plan-title">"Your plan"</h2>
            <dl class="facts">
                <dt>"Plan"</dt>
                <dd>{page.plan_name.clone()}</dd>
                <dt>"Seats"</dt>
                <dd>{seats}</dd>
                <dt>"Monthly price"</dt>
                <dd>{page.monthly.format(&page.currency)}</dd>
                <dt>"Status"</dt>
                <dd><span class="badge">{page.status.label()}</span></dd>
                <dt>"Current period"</dt>
                <dd>{page.period.label()}" (invoiced when it ends, with its usage)"</dd>
            </dl>
        </section>
    }
}

fn plan_text(plan: &Plan, currency: &str) -> String {
    match (plan.seat_price.0, plan.included_seats) {
        (0, n) => format!("{}: {n} seats, free", plan.name),
        (_, 0) => format!(
            "{}: {} per seat a month",
            plan.name,
            plan.seat_price.format(currency)
        ),
        (_, n) => format!(
            "{}: {n} seats included, then {} per seat a month",
            plan.name,
            plan.seat_price.format(currency)
        ),
    }
}

#[component]
fn ChangePlan(
    page: SubscriptionPage,
    org_id: String,
    wanted: Signal<Option<(String, String)>>,
    quote: Resource<Result<Option<Quote>, Error>>,
) -> impl IntoView {
    let here = paths::billing_subscription(&org_id);
    let chosen = wanted.get_untracked();
    let chosen_plan = chosen
        .as_ref()
        .map_or(page.current.plan_id.clone(), |(p, _)| p.clone());
    let chosen_seats = chosen
        .as_ref()
        .map_or(page.current.seats.to_string(), |(_, s)| s.clone());
    let options = page
        .plans
        .iter()
        .map(|p| {
            view! { <option value=p.id.clone() selected=p.id == chosen_plan>{plan_text(p, &page.currency)}</option> }
        })
        .collect_view();
    let currency = page.currency.clone();
    let review = move || {
        let (org_id, currency) = (org_id.clone(), currency.clone());
        Suspend::new(async move {
            match quote.await {
                Ok(Some(q)) => view! { <Review quote=q org_id currency/> }.into_any(),
                Ok(None) => ().into_any(),
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="change-title">
            <h2 class="h2" id="change-title">"Change plan or seats"</h2>
            <p class="muted">"Seats can't go below the seats in use. You see what the change costs before you confirm it."</p>
            <form method="get" action=here class="form form-inline">
                <div class="field">
                    <label class="field-label" for="field-plan">"Plan"</label>
                    <select class="input" id="field-plan" name="plan">{options}</select>
                </div>
                <div class="field">
                    <label class="field-label" for="field-seats">"Seats"</label>
                    <input class="input" id="field-seats" type="number" name="seats" min="1" max="100000" value=chosen_seats required/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-secondary">"Review change"</button>
                </div>
            </form>
        </section>
        <Transition fallback=|| view! { <p class="muted pad">"Working out the amount…"</p> }>{server_once(review)}</Transition>
    }
}

/// The quote, and the form that confirms exactly it.
#[component]
fn Review(quote: Quote, org_id: String, currency: String) -> impl IntoView {
    let action = ServerAction::<ChangeSubscription>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let money = |m: Money| m.format(&currency);
    let prorated = if quote.prorated.0 >= 0 {
        format!(
            "{} is added to the invoice for {} (the {} days left, today included).",
            money(quote.prorated),
            quote.period.label(),
            quote.days_left
        )
    } else {
        format!(
            "{} is credited on the invoice for {} (the {} days left, today included).",
            money(Money(-quote.prorated.0)),
            quote.period.label(),
            quote.days_left
        )
    };
    let cancel = paths::billing_subscription(&org_id);
    view! {
        <section class="card quote" aria-labelledby="review-title">
            <h2 class="h2" id="review-title">"Review the change"</h2>
            <dl class="facts">
                <dt>"New plan"</dt>
                <dd>{format!("{}, {} seats", quote.plan_name, thousands(quote.to.seats))}</dd>
                <dt>"Monthly price"</dt>
                <dd>{format!("{} (now {})", money(quote.monthly_after), money(quote.monthly_before))}</dd>
                <dt>"This period"</dt>
                <dd>{prorated}</dd>
            </dl>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="plan" value=quote.to.plan_id.clone()/>
                <input type="hidden" name="seats" value=quote.to.seats.to_string()/>
                <input type="hidden" name="quoted" value=quote.prorated.0.to_string()/>
                <FormAlert error fields=&[]/>
                <div class="form-actions">
                    <SubmitButton label="Confirm change" busy_label="Changing…" pending=action.pending()/>
                    <a class="btn btn-secondary" href=cancel>"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn Details(details: BillingDetails, org_id: String, can_manage: bool) -> impl IntoView {
    if !can_manage {
        let or_none = |s: &str| {
            if s.is_empty() {
                "Not set".to_owned()
            } else {
                s.to_owned()
            }
        };
        return view! {
            <section class="card" aria-labelledby="details-title">
                <h2 class="h2" id="details-title">"Billing details"</h2>
                <dl class="facts">
                    <dt>"Billing email"</dt><dd>{or_none(&details.email)}</dd>
                    <dt>"Company"</dt><dd>{or_none(&details.company_name)}</dd>
                    <dt>"Address"</dt><dd class="invoice-address">{or_none(&details.address)}</dd>
                    <dt>"Tax ID"</dt><dd>{or_none(&details.tax_id)}</dd>
                </dl>
            </section>
        }
        .into_any();
    }
    let action = ServerAction::<SaveBillingDetails>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    focus_first_invalid(error);
    let address_error = field_error(error, "address");
    view! {
        <section class="card" aria-labelledby="details-title">
            <h2 class="h2" id="details-title">"Billing details"</h2>
            <p class="muted">"Invoices are emailed to the billing email and name the company, address and tax ID below."</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="org_id" value=org_id/>
                <FormAlert error fields=&["email", "company_name", "address", "tax_id"]/>
                <TextField label="Billing email" name="email" kind="email" autocomplete="email"
                    value=details.email.clone() maxlength=254 error=field_error(error, "email")/>
                <TextField label="Company name" name="company_name" autocomplete="organization" optional=true
                    value=details.company_name.clone() maxlength=200 error=field_error(error, "company_name")/>
                <div class="field">
                    <label class="field-label" for="field-address">"Address"</label>
                    <textarea class="input textarea" id="field-address" name="address" rows="3" maxlength="500"
                        autocomplete="street-address"
                        aria-invalid=move || address_error.get().is_some().then_some("true")
                        aria-describedby=move || address_error.get().is_some().then_some("field-address-error")
                    >{details.address.clone()}</textarea>
                    {move || address_error.get().map(|m| view! { <p class="field-error" id="field-address-error">{m}</p> })}
                </div>
                <TextField label="Tax ID" name="tax_id" optional=true help="A VAT or other tax number, if your company has one."
                    value=details.tax_id.clone() maxlength=40 error=field_error(error, "tax_id")/>
                <div class="form-actions">
                    <SubmitButton label="Save details" busy_label="Saving…" pending=action.pending()/>
                    <p role="status" class="status-text">{move || saved().then_some("Saved.")}</p>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}
