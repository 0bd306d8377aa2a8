//! `/o/{org}/w/{ws}/api-keys`: the workspace's API keys. What a key creates belongs to
//! the workspace, so every member can use it.

use crate::api::api_keys::{CreateApiKey, RevokeApiKey, list_api_keys};
use crate::domain::api_keys::{ApiKeyView, KeyStatus};
use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::shell::ShellData;
use crate::domain::validation::MAX_ENTITY_NAME;
use crate::ui::components::{
    Column, ConfirmForm, CopyField, Dialog, DialogActions, EmptyState, FallbackForm, FormAlert,
    Pager, PagerText, SubmitButton, Table, TextField, field_error, focus_first_invalid,
    use_page_at, when,
};
use crate::ui::layout::{
    ConsolePage, WorkspaceFrame, WorkspaceSection, list_body, open_dialog, server_once,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const NEW: &str = "new-key";
const REVOKE: &str = "revoke-key";

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! { <ConsolePage page=|shell| view! { <ApiKeys shell/> }/> }
}

#[component]
fn ApiKeys(shell: ShellData) -> impl IntoView {
    let Some(ws) = shell.workspace.clone() else {
        return ().into_any();
    };
    let org_id = shell.org.id.clone();
    let can_create = shell.can(Action::CreateApiKey);
    let revoke_any = shell.can(Action::RevokeAnyApiKey);
    let me = shell.user.id.clone();
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let at = use_page_at();
    let list = Resource::new(
        {
            let (org_id, ws_id) = (org_id.clone(), ws.id.clone());
            move || {
                (
                    org_id.clone(),
                    ws_id.clone(),
                    at.get(),
                    create.version().get(),
                    revoke.version().get(),
                )
            }
        },
        |(org, ws, at, ..)| {
            let (after, before) = at.into_query();
            list_api_keys(org, ws, after, before)
        },
    );
    let here = paths::workspace_api_keys(&org_id, &ws.id);
    let dialog = open_dialog();
    let query = use_query_map();
    let table = {
        let (here, me) = (here.clone(), me.clone());
        list_body(list, "Loading keys…", move |page| {
            if page.keys.is_empty() {
                return view! {
                    <EmptyState>"No API keys yet. A key lets programs upload datasets, start fine-tuning jobs and use models on behalf of this workspace."</EmptyState>
                }
                .into_any();
            }
            // Rows open their dialogs over this page.
            let (base, me) = (here.clone(), me.clone());
            let (keys, neighbours, here) =
                (page.keys, page.neighbours, at.get_untracked().on(&here));
            view! {
                <KeyTable keys here me revoke_any/>
                <Pager neighbours base text=PagerText::newest_first("Pages of API keys")/>
            }
            .into_any()
        })
    };
    let dialogs = {
        let (org_id, ws_id, here) = (org_id.clone(), ws.id.clone(), here.clone());
        move || {
            let which = dialog.get()?;
            let (org_id, ws_id, here) = (org_id.clone(), ws_id.clone(), at.get().on(&here));
            match which.as_str() {
                NEW if can_create => {
                    Some(view! { <NewKeyDialog org_id ws_id close=here action=create/> }.into_any())
                }
                REVOKE => {
                    let key_id = query.with(|q| q.get("key"))?;
                    Some(
                        Suspend::new(async move {
                            let keys = list.await.map(|p| p.keys).unwrap_or_default();
                            keys.into_iter().find(|k| k.id == key_id).map(|key| {
                                view! { <RevokeDialog org_id ws_id key close=here action=revoke/> }
                            })
                        })
                        .into_any(),
                    )
                }
                _ => None,
            }
        }
    };
    view! {
        <WorkspaceFrame shell=shell.clone() current=WorkspaceSection::ApiKeys section="API keys">
                <section class="card card-flush" aria-labelledby="keys-title">
                    <div class="section-header">
                        <div>
                            <h2 class="h2" id="keys-title">"API keys"</h2>
                            <p class="muted">"Use a key as a Bearer token. What a key creates belongs to the workspace: every member can use it."</p>
                        </div>
                        {can_create.then(|| view! {
                            <a class="btn btn-primary" href=format!("{here}?{}={NEW}", paths::DIALOG_PARAM)>"Create API key"</a>
                        })}
                    </div>
                    {table}
                </section>
        </WorkspaceFrame>
        <Suspense>{server_once(dialogs)}</Suspense>
    }
    .into_any()
}

#[component]
fn KeyTable(keys: Vec<ApiKeyView>, here: String, me: String, revoke_any: bool) -> impl IntoView {
    let rows = keys
        .into_iter()
        .map(|k| {
            let can_revoke = k.status == KeyStatus::Active && (revoke_any || k.created_by_id.as_deref() == Some(me.as_str()));
            let status_class = match k.status {
                KeyStatus::Active => "status status-ok",
                KeyStatus::Expired => "status status-warn",
                KeyStatus::Revoked => "status status-muted",
            };
            let revoke_link = can_revoke.then(|| {
                let href = paths::with_param(&here, &format!("{}={REVOKE}&key={}", paths::DIALOG_PARAM, k.id));
                view! { <a class="btn btn-small btn-danger-outline" href=href aria-label=format!("Revoke {}", k.name)>"Revoke"</a> }
            });
            view! {
                <tr>
                    <td>{k.name.clone()}</td>
                    <td data-label="Key"><code>{format!("{}…", k.prefix)}</code></td>
                    <td data-label="Created by">{k.created_by.clone().unwrap_or_else(|| "—".into())}</td>
                    <td data-label="Created">{when(Some(k.created_at), "")}</td>
                    <td data-label="Last used">{when(k.last_used_at, "Never")}</td>
                    <td data-label="Expires">{when(k.expires_at, "Never")}</td>
                    <td data-label="Status"><span class=status_class>{k.status.label()}</span></td>
                    <td class="row-actions">{revoke_link}</td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[
        Column::text("Name"),
        Column::text("Key"),
        Column::text("Created by"),
        Column::text("Created"),
        Column::text("Last used"),
        Column::text("Expires"),
        Column::text("Status"),
        Column::ACTIONS,
    ];
    view! { <Table caption="API keys of this workspace" columns=COLUMNS>{rows}</Table> }
}

#[component]
fn NewKeyDialog(
    org_id: String,
    ws_id: String,
    close: String,
    action: ServerAction<CreateApiKey>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    // A memo, so a failed attempt does not rebuild the form (and lose what was typed).
    let created = Memo::new(move |_| action.value().get().and_then(Result::ok));
    let close_done = close.clone();
    view! {
        <Dialog id="new-key" title="Create API key"
            description="The key is shown once, right after you create it. Store it in a secret manager."
            close_href=close.clone()>
            {move || match created.get() {
                Some(c) => view! {
                    <CopyField id="new-secret"
                        label=format!("Your key \"{}\" — copy it now, it won't be shown again", c.key.name)
                        value=c.secret.clone()/>
                    <div class="dialog-actions"><a class="btn btn-primary" href=close_done.clone()>"Done"</a></div>
                }
                .into_any(),
                None => {
                    let (org_id, ws_id, close) = (org_id.clone(), ws_id.clone(), close.clone());
                    let fallback = paths::api_key_form(&org_id, &ws_id);
                    view! {
                        <FallbackForm action fallback class="form">
                            <input type="hidden" name="org_id" value=org_id/>
                            <input type="hidden" name="workspace_id" value=ws_id/>
                            <FormAlert error fields=&["name", "expiry"]/>
                            <TextField label="Name" name="name" maxlength=MAX_ENTITY_NAME
                                help="What uses it, e.g. \"CI pipeline\"." error=field_error(error, "name")/>
                            <div class="field">
                                <label class="field-label" for="field-expiry">"Expires"</label>
                                <select class="input" id="field-expiry" name="expiry"
                                    aria-invalid=move || field_error(error, "expiry").get().is_some().then_some("true")>
                                    <option value="30">"In 30 days"</option>
                                    <option value="90">"In 90 days"</option>
                                    <option value="never">"Never"</option>
                                    <option value="date">"On a date"</option>
                                </select>
                            </div>
                            <div class="field">
                                <label class="field-label" for="field-expires_on">"Date (for \"On a date\")"</label>
                                <input class="input" type="date" id="field-expires_on" name="expires_on"/>
                                {move || field_error(error, "expiry").get().map(|m| view! { <p class="field-error">{m}</p> })}
                            </div>
                            <DialogActions close_href=close>
                                <SubmitButton label="Create key" busy_label="Creating…" pending=action.pending()/>
                            </DialogActions>
                        </FallbackForm>
                    }
                    .into_any()
                }
            }}
        </Dialog>
    }
}

#[component]
fn RevokeDialog(
    org_id: String,
    ws_id: String,
    key: ApiKeyView,
    close: String,
    action: ServerAction<RevokeApiKey>,
) -> impl IntoView {
    let done = Memo::new(move |_| matches!(action.value().get(), Some(Ok(()))));
    let close_done = close.clone();
    let fields = vec![
        ("org_id", org_id),
        ("workspace_id", ws_id),
        ("key_id", key.id.clone()),
    ];
    view! {
        <Dialog id="revoke-key" title=format!("Revoke {}?", key.name)
            description="Programs using it get 401 from the next request. What it created stays in the workspace."
            close_href=close.clone()>
            {move || done.get().then(|| view! {
                <p class="alert alert-success" role="status">"Revoked."</p>
                <div class="dialog-actions"><a class="btn btn-primary" href=close_done.clone()>"Done"</a></div>
            })}
            <div hidden=move || done.get()>
                <ConfirmForm action fields button="Revoke key" close_href=close/>
            </div>
        </Dialog>
    }
}
