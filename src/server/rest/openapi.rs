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
            json!({ "description": "The file", "content": { "application/jsonl": { "schema": { "type": "string" } } } })
        }
    };
    let error = |description: &str| json!({ "description": description, "content": { JSON: { "schema": reference("Error") } } });
    let mut op = json!({
        "operationId": e.operation_id,
        "summary": e.summary,
        "parameters": parameters,
        "responses": {
            "200": ok,
            "400": error("Bad input; the message names the field."),
            "401": error("Missing, invalid, expired or revoked key, a key of an archived workspace, or one whose creator is no longer a member (`key_owner_not_member`)."),
            "403": error("The key's creator may not do this in the workspace (for example, delete as a Contributor)."),
            "404": error("Not found in the key's workspace."),
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
    json!({
        "Error": { "type": "object", "properties": { "error": { "type": "object", "properties": {
            "message": string, "type": string, "code": string } } } },
        "Model": { "type": "object", "properties": {
            "id": string, "object": { "const": "model" }, "created": int, "owned_by": string,
            "parent": string, "job_id": string } },
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
        "FileUpload": { "type": "object", "required": ["purpose", "file"], "properties": {
            "purpose": { "const": "fine-tune" },
            "file": { "type": "string", "format": "binary",
                      "description": "JSONL: one object per line with a `messages` array of {role, content}." } } },
        "File": { "type": "object", "properties": {
            "id": string, "object": { "const": "file" }, "bytes": int, "created_at": int,
            "filename": string, "purpose": string } },
        "FileList": list("File"),
        "JobRequest": { "type": "object", "required": ["model", "training_file"], "properties": {
            "model": string, "training_file": string, "validation_file": string,
            "suffix": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,18}$" },
            "hyperparameters": { "type": "object", "properties": {
                "n_epochs": auto_or("integer"), "batch_size": auto_or("integer"),
                "learning_rate_multiplier": auto_or("number") } } } },
        "FineTuningJob": { "type": "object", "properties": {
            "id": string, "object": { "const": "fine_tuning.job" }, "model": string,
            "created_at": int, "finished_at": nullable("integer"),
            "fine_tuned_model": nullable("string"),
            "status": { "enum": crate::domain::fine_tuning::JobStatus::ALL.map(|s| s.as_str()) },
            "progress": int, "training_file": string, "validation_file": nullable("string"),
            "hyperparameters": { "type": "object" }, "trained_tokens": nullable("integer"),
            "user_provided_suffix": nullable("string"), "error": { "type": ["object", "null"] } } },
        "FineTuningJobList": { "type": "object", "properties": {
            "object": { "const": "list" }, "data": { "type": "array", "items": reference("FineTuningJob") },
            "has_more": { "type": "boolean" } } },
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
            "description": "Workspace resources: datasets, fine-tuning jobs and models. \
                            Authenticate with a workspace API key: `Authorization: Bearer sk-...`.",
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
