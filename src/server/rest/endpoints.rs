//! THE table of the public API: each endpoint's route, handler, the permission it needs
//! and what `/v1/openapi.json` says of it. The router is built from it, the document is
//! built from it, and the authorization test calls every row with every kind of key.

use super::{chat, files, fine_tuning, models, upload_body_limit};
use crate::domain::permissions::Action;
use crate::server::config::Config;
use crate::server::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, delete, get, post};

const JSON: &str = "application/json";

pub struct Endpoint {
    pub method: &'static str,
    /// With `{name}` path parameters, as axum writes them.
    pub path: &'static str,
    pub operation_id: &'static str,
    pub summary: &'static str,
    /// The request body: (media type, schema name).
    pub body: Option<(&'static str, &'static str)>,
    /// The success response's schema name; `None` for a download.
    pub response: Option<&'static str>,
    /// What the key's creator must be allowed to do in the workspace (the matrix decides;
    /// the handler's service checks it, the authorization test expects it).
    pub action: Action,
    /// The route; handlers are thin calls to `services::workspace_resources`.
    pub handler: fn(&Config) -> MethodRouter<AppState>,
    /// Query parameters: (name, description).
    pub query: &'static [Param],
}

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "post",
        path: "/v1/chat/completions",
        operation_id: "createChatCompletion",
        summary: "A chat completion from a base model or one of the workspace's fine-tuned models, plain or streamed (server-sent events); metered from the answer's usage.",
        body: Some((JSON, "ChatCompletionRequest")),
        response: Some("ChatCompletion"),
        action: Action::RunInference,
        handler: |_| post(chat::complete).layer(DefaultBodyLimit::max(chat::MAX_REQUEST_BYTES)),
        query: &[],
    },
    Endpoint {
        method: "get",
        path: "/v1/models",
        operation_id: "listModels",
        summary: "The base models and the workspace's fine-tuned models.",
        body: None,
        response: Some("ModelList"),
        action: Action::UseWorkspace,
        handler: |_| get(models::list),
        query: &[],
    },
    Endpoint {
        method: "get",
        path: "/v1/models/{id}",
        operation_id: "getModel",
        summary: "One model.",
        body: None,
        response: Some("Model"),
        action: Action::UseWorkspace,
        handler: |_| get(models::get),
        query: &[],
    },
    Endpoint {
        method: "delete",
        path: "/v1/models/{id}",
        operation_id: "deleteModel",
        summary: "Deletes a fine-tuned model of the workspace (base models cannot be deleted).",
        body: None,
        response: Some("Deleted"),
        action: Action::DeleteWorkspaceResources,
        handler: |_| delete(models::delete),
        query: &[],
    },
    Endpoint {
        method: "post",
        path: "/v1/files",
        operation_id: "uploadFile",
        summary: "Uploads a JSONL fine-tuning dataset; each line is checked.",
        body: Some(("multipart/form-data", "FileUpload")),
        response: Some("File"),
        action: Action::AddWorkspaceResources,
        handler: |config| {
            post(files::upload).layer(DefaultBodyLimit::max(upload_body_limit(config)))
        },
        query: &[],
    },
    Endpoint {
        method: "get",
        path: "/v1/files",
        operation_id: "listFiles",
        summary: "The workspace's datasets, newest first, paged by OpenAI's cursor or Mistral's pages.",
        body: None,
        response: Some("FileList"),
        action: Action::UseWorkspace,
        handler: |_| get(files::list),
        query: &[
            CURSOR.0,
            CURSOR.1,
            CURSOR.2,
            (
                "page",
                "Mistral's pages: the page, from 0 (with `page_size`, instead of the cursor).",
            ),
            (
                "page_size",
                "Mistral's pages: files per page, 1 to 100 (default 100).",
            ),
            (
                "include_total",
                "Mistral's pages: whether to count them all in `total` (default true).",
            ),
            (
                "purpose",
                "Only files of this purpose (all are `fine-tune`).",
            ),
            (
                "search",
                "Only files whose name contains this, ignoring case (at most 200 characters).",
            ),
            (
                "sample_type",
                "Only files of these sample types (all are `instruct`).",
            ),
            (
                "source",
                "Only files from these sources (all are `upload`).",
            ),
        ],
    },
    Endpoint {
        method: "get",
        path: "/v1/files/{id}",
        operation_id: "getFile",
        summary: "One dataset.",
        body: None,
        response: Some("File"),
        action: Action::UseWorkspace,
        handler: |_| get(files::get),
        query: &[],
    },
    Endpoint {
        method: "delete",
        path: "/v1/files/{id}",
        operation_id: "deleteFile",
        summary: "Deletes a dataset.",
        body: None,
        response: Some("Deleted"),
        action: Action::DeleteWorkspaceResources,
        handler: |_| delete(files::delete),
        query: &[],
    },
    Endpoint {
        method: "get",
        path: "/v1/files/{id}/content",
        operation_id: "downloadFile",
        summary: "A dataset's content (JSONL).",
        body: None,
        response: None,
        action: Action::UseWorkspace,
        handler: |_| get(files::content),
        query: &[],
    },
    Endpoint {
        method: "get",
        path: "/v1/files/{id}/url",
        operation_id: "getFileSignedUrl",
        summary: "A link that downloads the dataset without a key, for `expiry` hours (Mistral's signed URL).",
        body: None,
        response: Some("SignedUrl"),
        action: Action::UseWorkspace,
        handler: |_| get(files::signed_url),
        query: &[(
            "expiry",
            "How long the link lasts, in hours: 1 to 168 (default 24).",
        )],
    },
    Endpoint {
        method: "post",
        path: "/v1/fine_tuning/jobs",
        operation_id: "createFineTuningJob",
        summary: "Queues a fine-tuning job; a trainer runs it.",
        body: Some((JSON, "JobRequest")),
        response: Some("FineTuningJob"),
        action: Action::AddWorkspaceResources,
        handler: |_| post(fine_tuning::create),
        query: &[],
    },
    Endpoint {
        method: "get",
        path: "/v1/fine_tuning/jobs",
        operation_id: "listFineTuningJobs",
        summary: "The workspace's jobs, newest first.",
        body: None,
        response: Some("FineTuningJobList"),
        action: Action::UseWorkspace,
        handler: |_| get(fine_tuning::list),
        query: &[
            CURSOR.0,
            ("limit", "How many jobs, 1 to 100 (default 20)."),
            CURSOR.2,
        ],
    },
    Endpoint {
        method: "get",
        path: "/v1/fine_tuning/jobs/{id}",
        operation_id: "getFineTuningJob",
        summary: "One job, with its status and progress.",
        body: None,
        response: Some("FineTuningJob"),
        action: Action::UseWorkspace,
        handler: |_| get(fine_tuning::get),
        query: &[],
    },
    Endpoint {
        method: "post",
        path: "/v1/fine_tuning/jobs/{id}/cancel",
        operation_id: "cancelFineTuningJob",
        summary: "Cancels a queued or running job (409 when it has finished).",
        body: None,
        response: Some("FineTuningJob"),
        action: Action::AddWorkspaceResources,
        handler: |_| post(fine_tuning::cancel),
        query: &[],
    },
    Endpoint {
        method: "get",
        path: "/v1/fine_tuning/jobs/{id}/events",
        operation_id: "listFineTuningEvents",
        summary: "What happened to a job, newest first: created, started, the trainer's progress messages, the outcome.",
        body: None,
        response: Some("FineTuningJobEventList"),
        action: Action::UseWorkspace,
        handler: |_| get(fine_tuning::events),
        query: &[
            CURSOR.0,
            ("limit", "How many events, 1 to 100 (default 20)."),
            CURSOR.2,
        ],
    },
    Endpoint {
        method: "get",
        path: "/v1/fine_tuning/jobs/{id}/checkpoints",
        operation_id: "listFineTuningJobCheckpoints",
        summary: "The checkpoints the job's trainer reported, newest first (empty until it reports one).",
        body: None,
        response: Some("FineTuningJobCheckpointList"),
        action: Action::UseWorkspace,
        handler: |_| get(fine_tuning::checkpoints),
        query: &[
            CURSOR.0,
            ("limit", "How many checkpoints, 1 to 100 (default 10)."),
            CURSOR.2,
        ],
    },
];

type Param = (&'static str, &'static str);

/// OpenAI's cursor parameters, as every list takes them.
const CURSOR: (Param, Param, Param) = (
    ("after", "The id of the last item of the previous page."),
    ("limit", "How many, 1 to 100 (default 100)."),
    ("order", "`desc` (newest first, the default) or `asc`."),
);
