//! The OpenAPI 3.1 document of `/v1`, served at `/v1/openapi.json`, built from the one
//! table of the public API (`endpoints::ENDPOINTS`).

use super::endpoints::{ENDPOINTS, Endpoint};
use serde_json::{Value, json};

const JSON: &str = "application/json";

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn operation(e: &Endpoint) -> Value {
    let mut parameters: Vec<Value> = e
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect();
    parameters.extend(e.query.iter().map(|(name, description)| {
        json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "string" } })
    }));
    let ok = match e.response {
        Some(schema) => {
            json!({ "description": "OK", "content": { JSON: { "schema": reference(schema) } } })
        }
        None => {
            json!({ "description": "The file's bytes (JSONL)", "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } })
        }
    };
    let error = |description: &str| json!({ "description": description, "content": { JSON: { "schema": reference("Error") } } });
    let mut op = json!({
        "operationId": e.operation_id,
        "summary": e.summary,
        "parameters": parameters,
        "responses": {
            "200": ok,
            "400": error("Bad input; `param` names the field."),
            "401": error("Missing, invalid, expired or revoked key, a key of an archived workspace, or one whose creator is no longer a member (`key_owner_not_member`)."),
            "403": error("The key's creator may not do this in the workspace (for example, delete as a Contributor)."),
            "404": error("Not found in the key's workspace."),
            "405": error("Not a method of this path (`Allow` lists those that are)."),
            "409": error("The object's state forbids it (a finished job, an archived workspace)."),
            "422": error("A JSON body of the wrong shape; `param` names the field."),
            "429": error("A rate limit (`rate_limit_exceeded`, with `Retry-After`) or a spend cap (`usage_limit_reached`, with `x-should-retry: false`)."),
            "5XX": error("The console or the inference server failed; the message has a reference for the operator."),
        },
    });
    if let Some((media, schema)) = e.body {
        op["requestBody"] =
            json!({ "required": true, "content": { media: { "schema": reference(schema) } } });
    }
    op
}

fn schemas() -> Value {
    let string = json!({ "type": "string" });
    let int = json!({ "type": "integer" });
    let nullable = |t: &str| json!({ "type": [t, "null"] });
    let list = |item: &str| {
        json!({ "type": "object", "properties": {
        "object": { "const": "list" }, "data": { "type": "array", "items": reference(item) } } })
    };
    let auto_or = |t: &str| json!({ "oneOf": [{ "const": "auto" }, { "type": t }] });
    let page = |item: &str, description: &str| {
        json!({ "type": "object", "description": description, "properties": {
            "object": { "const": "list" }, "data": { "type": "array", "items": reference(item) },
            "has_more": { "type": "boolean" }, "first_id": nullable("string"),
            "last_id": nullable("string") } })
    };
    let cursor_page = |item: &str| {
        page(
            item,
            "A page; ask for the next with `after` = `last_id` while `has_more`.",
        )
    };
    let mut file_list = page(
        "File",
        "A page by cursor (`has_more`, `last_id`) or by Mistral's pages (`total`, counted unless `include_total=false`).",
    );
    file_list["properties"]["total"] = int.clone();
    let error_fields = json!({
        "message": string, "type": string, "param": nullable("string"), "code": string });
    json!({
        "Error": { "type": "object", "description": "OpenAI's `error` object and Mistral's top-level fields, in one body.",
            "properties": {
                "error": { "type": "object", "properties": error_fields },
                "object": { "const": "error" }, "message": string, "type": string,
                "param": nullable("string"), "code": string,
                "detail": { "type": "array", "description": "On a 422, the field at fault as FastAPI names it.",
                    "items": { "type": "object" } } } },
        "Model": { "type": "object", "properties": {
            "id": string, "object": { "const": "model" }, "created": int, "owned_by": string,
            "type": { "enum": ["base", "fine-tuned"] },
            "capabilities": { "type": "object", "properties": {
                "completion_chat": { "type": "boolean" }, "fine_tuning": { "type": "boolean" } } },
            "root": string, "job": string, "parent": string, "job_id": string,
            "aliases": { "type": "array", "items": string }, "archived": { "type": "boolean" } } },
        "ModelList": list("Model"),
        "ChatCompletionRequest": { "type": "object", "required": ["model", "messages"], "properties": {
            "model": string,
            "messages": { "type": "array", "minItems": 1, "items": { "type": "object", "properties": {
                "role": string, "content": string } } },
            "stream": { "type": "boolean" }, "max_tokens": int,
            "stream_options": { "type": "object", "properties": { "include_usage": { "type": "boolean" } } } } },
        "ChatCompletion": { "type": "object", "properties": {
            "id": string, "object": { "const": "chat.completion" }, "created": int, "model": string,
            "choices": { "type": "array", "items": { "type": "object" } },
            "usage": { "type": "object", "properties": {
                "prompt_tokens": int, "completion_tokens": int, "total_tokens": int } } } },
        "Deleted": { "type": "object", "properties": { "id": string, "object": string, "deleted": { "type": "boolean" } } },
        "FileUpload": { "type": "object", "required": ["file"], "properties": {
            "purpose": { "const": "fine-tune", "description": "May be left out (Mistral's default)." },
            "file": { "type": "string", "format": "binary",
                      "description": "JSONL: one object per line with a `messages` array of {role, content}." } } },
        "File": { "type": "object", "properties": {
            "id": string, "object": { "const": "file" }, "bytes": int, "created_at": int,
            "filename": string, "purpose": { "const": "fine-tune" }, "status": { "const": "processed" },
            "sample_type": { "const": "instruct" }, "source": { "const": "upload" },
            "num_lines": int, "mimetype": string, "visibility": string,
            "deleted": { "type": "boolean" }, "expires_at": nullable("integer") } },
        "FileList": file_list,
        "SignedUrl": { "type": "object", "properties": { "url": { "type": "string", "format": "uri",
            "description": "Downloads the file without a key until it expires or the file is deleted." } } },
        "JobRequest": { "type": "object", "required": ["model", "training_file"], "properties": {
            "model": string, "training_file": string, "validation_file": string,
            "suffix": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,18}$" },
            "hyperparameters": { "type": "object", "properties": {
                "n_epochs": auto_or("integer"), "batch_size": auto_or("integer"),
                "learning_rate_multiplier": auto_or("number") } } } },
        "FineTuningJob": { "type": "object", "properties": {
            "id": string, "object": { "const": "fine_tuning.job" }, "model": string,
            "organization_id": string, "created_at": int, "finished_at": nullable("integer"),
            "fine_tuned_model": nullable("string"),
            "status": { "enum": crate::domain::fine_tuning::JobStatus::ALL.map(|s| s.as_str()) },
            "progress": int, "training_file": string, "validation_file": nullable("string"),
            "hyperparameters": { "type": "object" }, "trained_tokens": nullable("integer"),
            "user_provided_suffix": nullable("string"), "error": { "type": ["object", "null"] },
            "result_files": { "type": "array", "items": string } } },
        "FineTuningJobList": cursor_page("FineTuningJob"),
        "FineTuningJobEvent": { "type": "object", "properties": {
            "id": string, "object": { "const": "fine_tuning.job.event" }, "created_at": int,
            "level": { "enum": ["info", "warn", "error"] }, "message": string,
            "type": { "const": "message" }, "data": { "type": "object" } } },
        "FineTuningJobEventList": cursor_page("FineTuningJobEvent"),
        "FineTuningJobCheckpoint": { "type": "object", "properties": {
            "id": string, "object": { "const": "fine_tuning.job.checkpoint" }, "created_at": int,
            "fine_tuned_model_checkpoint": string, "fine_tuning_job_id": string,
            "step_number": int, "metrics": { "type": "object", "additionalProperties": { "type": "number" } } } },
        "FineTuningJobCheckpointList": cursor_page("FineTuningJobCheckpoint"),
    })
}

/// The whole document.
pub fn document(server_url: &str) -> Value {
    let mut paths = serde_json::Map::new();
    for e in ENDPOINTS {
        let item = paths.entry(e.path).or_insert_with(|| json!({}));
        item[e.method] = operation(e);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Studio Console API",
            "version": "1",
            "description": "Chat completions and a workspace's datasets, fine-tuning jobs and \
                            models, compatible with OpenAI's SDKs (`base_url` = this server + `/v1`) \
                            and Mistral's (`server_url` = this server). Authenticate with a \
                            workspace API key: `Authorization: Bearer sk-...`.",
        },
        "servers": [{ "url": server_url }],
        "security": [{ "apiKey": [] }],
        "components": {
            "securitySchemes": { "apiKey": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas(),
        },
        "paths": paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_documented_once_with_known_schemas() {
        let doc = document("http://localhost");
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut seen = std::collections::HashSet::new();
        for e in ENDPOINTS {
            assert!(
                seen.insert((e.method, e.path)),
                "{} {} twice",
                e.method,
                e.path
            );
            let op = &doc["paths"][e.path][e.method];
            assert_eq!(op["operationId"], e.operation_id);
            let names = e.response.into_iter().chain(e.body.map(|(_, s)| s));
            for name in names {
                assert!(schemas.contains_key(name), "{name} is not defined");
            }
        }
        let text = doc.to_string();
        for name in text.split("#/components/schemas/").skip(1) {
            let name = name.split('"').next().unwrap();
            assert!(
                schemas.contains_key(name),
                "{name} is referenced but not defined"
            );
        }
    }
}
