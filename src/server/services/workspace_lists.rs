//! The workspace's lists as `/v1` pages them: datasets, fine-tuning jobs, and a job's
//! events and checkpoints, for any member or key that may use the workspace. A cursor is
//! the id of the previous page's last item; one that names nothing of the list is refused
//! by name, so a client never loops over the same page.

use crate::domain::Error;
use crate::domain::api_lists::{ListRequest, Page};
use crate::domain::permissions::Action;
use crate::server::authz::WorkspaceActor;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::ids::time_of;
use crate::server::repo::files::{self, FileRow};
use crate::server::repo::fine_tuning::{self as jobs, JobRow};
use crate::server::repo::job_history::{self, CheckpointRow, EventRow, History};
use crate::server::services::datasets::FILE_ID_PREFIX;

/// The cursor (created_at, id) of `list.after`, given where its row was found.
fn cursor(list: &ListRequest, found: Option<i64>) -> Result<Option<(i64, &str)>, Error> {
    match (&list.after, found) {
        (None, _) => Ok(None),
        (Some(id), Some(at)) => Ok(Some((at, id.as_str()))),
        (Some(id), None) => Err(Error::invalid(
            "after",
            format!("{id} is not in this list: pass the id of an item of the previous page."),
        )),
    }
}

/// Which datasets a list shows: names containing `search`; `none` when a filter asks for
/// kinds of file the console does not keep (another purpose, sample type or source).
#[derive(Debug, Default)]
pub struct FileFilter {
    pub search: Option<String>,
    pub none: bool,
}

pub async fn datasets(
    db: &Db,
    ws: &WorkspaceActor,
    list: &ListRequest,
    filter: &FileFilter,
) -> Result<Page<FileRow>, Error> {
    ws.require(Action::UseWorkspace)?;
    let workspace_id = &ws.workspace.id;
    let found = match &list.after {
        // A dataset deleted since its page was read still says where the next one starts.
        Some(id) => files::created_at(&db.pool, workspace_id, id)
            .await
            .or_internal("reading a list cursor")?
            .or_else(|| time_of(FILE_ID_PREFIX, id)),
        None => None,
    };
    let cursor = cursor(list, found)?;
    if filter.none {
        return Ok(Page::of(Vec::new(), list, list.with_total.then_some(0)));
    }
    let search = filter.search.as_deref();
    let rows = files::page(&db.pool, workspace_id, list, cursor, search)
        .await
        .or_internal("listing files")?;
    let total = match list.with_total {
        true => Some(
            files::count(&db.pool, workspace_id, search)
                .await
                .or_internal("counting files")?,
        ),
        false => None,
    };
    Ok(Page::of(rows, list, total))
}

pub async fn jobs(db: &Db, ws: &WorkspaceActor, list: &ListRequest) -> Result<Page<JobRow>, Error> {
    ws.require(Action::UseWorkspace)?;
    let workspace_id = &ws.workspace.id;
    let found = match &list.after {
        Some(id) => jobs::job_created_at(&db.pool, workspace_id, id)
            .await
            .or_internal("reading a list cursor")?,
        None => None,
    };
    let rows = jobs::list_jobs(&db.pool, workspace_id, list, cursor(list, found)?)
        .await
        .or_internal("listing jobs")?;
    Ok(Page::of(rows, list, None))
}

/// The job of the workspace whose history is asked for ("not found" otherwise).
async fn job_of(db: &Db, ws: &WorkspaceActor, job_id: &str) -> Result<(), Error> {
    ws.require(Action::UseWorkspace)?;
    super::fine_tuning::find(db, &ws.workspace.id, job_id)
        .await
        .map(|_| ())
}

async fn history_cursor(
    db: &Db,
    table: History,
    job_id: &str,
    list: &ListRequest,
) -> Result<Option<i64>, Error> {
    match &list.after {
        Some(id) => job_history::created_at(&db.pool, table, job_id, id)
            .await
            .or_internal("reading a list cursor"),
        None => Ok(None),
    }
}

/// The job's events, newest first unless asked otherwise.
pub async fn job_events(
    db: &Db,
    ws: &WorkspaceActor,
    job_id: &str,
    list: &ListRequest,
) -> Result<Page<EventRow>, Error> {
    job_of(db, ws, job_id).await?;
    let found = history_cursor(db, History::Events, job_id, list).await?;
    let rows = job_history::events(&db.pool, job_id, list, cursor(list, found)?)
        .await
        .or_internal("listing job events")?;
    Ok(Page::of(rows, list, None))
}

/// The checkpoints the job's trainer reported, newest first unless asked otherwise.
pub async fn job_checkpoints(
    db: &Db,
    ws: &WorkspaceActor,
    job_id: &str,
    list: &ListRequest,
) -> Result<Page<CheckpointRow>, Error> {
    job_of(db, ws, job_id).await?;
    let found = history_cursor(db, History::Checkpoints, job_id, list).await?;
    let rows = job_history::checkpoints(&db.pool, job_id, list, cursor(list, found)?)
        .await
        .or_internal("listing job checkpoints")?;
    Ok(Page::of(rows, list, None))
}
