//! A page of a `/v1` list in the shape both SDK dialects read: OpenAI's `data`, `has_more`,
//! `first_id` and `last_id`, and Mistral's `total` when its page dialect asked for one.

use crate::domain::api_lists::Page;
use serde_json::{Value, json};

/// The page as JSON, each item rendered by `render` (which must give it an `id`).
pub fn list_json<T>(page: Page<T>, render: impl Fn(&T) -> Value) -> Value {
    let data: Vec<Value> = page.items.iter().map(render).collect();
    let id = |item: Option<&Value>| item.map(|v| v["id"].clone()).unwrap_or(Value::Null);
    let mut list = json!({
        "object": "list",
        "first_id": id(data.first()),
        "last_id": id(data.last()),
        "has_more": page.has_more,
        "data": data,
    });
    if let Some(total) = page.total {
        list["total"] = json!(total);
    }
    list
}
