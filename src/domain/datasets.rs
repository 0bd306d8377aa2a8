//! Fine-tuning datasets: JSONL, one training example per line, each an object with a
//! `messages` array of `{role, content}`.
//!
//! A line is read into small typed structs, never into a `serde_json::Value`: a line of a
//! million zeros (`{"messages":[0,0,...]}`) fails at its first element instead of building
//! a million values, and unknown fields are skipped without being kept.

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The longest line accepted by default (`MAX_LINE_BYTES`): 1 MB.
pub const DEFAULT_MAX_LINE_BYTES: u64 = 1024 * 1024;

#[derive(serde::Deserialize)]
struct Example {
    messages: Option<Vec<Message>>,
}

#[derive(serde::Deserialize)]
struct Message {
    role: Option<Text>,
    content: Option<Text>,
}

/// A JSON value that is kept only when it is a string; anything else is skipped unread.
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text, E> {
                Ok(Text(Some(v)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Text, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Text, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

const SHAPE: &str = "expected an object with a \"messages\" array of {role, content} objects";

/// Checks one line (1-based `n`) of a fine-tuning JSONL file. Blank lines are allowed.
pub fn check_line(n: usize, line: &str) -> Result<(), String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(());
    }
    let example: Example = serde_json::from_str(line).map_err(|e| {
        if e.is_data() {
            format!("Line {n}: {SHAPE} ({e}).")
        } else {
            format!("Line {n}: not valid JSON ({e}).")
        }
    })?;
    let messages = example
        .messages
        .ok_or_else(|| format!("Line {n}: {SHAPE}."))?;
    if messages.is_empty() {
        return Err(format!("Line {n}: \"messages\" is empty."));
    }
    for (i, m) in messages.iter().enumerate() {
        let role = m.role.as_ref().and_then(|r| r.0.as_deref());
        let content = m.content.as_ref().and_then(|c| c.0.as_deref());
        match (role, content) {
            (Some("system" | "user" | "assistant" | "tool"), Some(_)) => {}
            (Some(other), Some(_)) => {
                return Err(format!(
                    "Line {n}: message {} has an unknown role \"{other}\".",
                    i + 1
                ));
            }
            _ => {
                return Err(format!(
                    "Line {n}: message {} needs a \"role\" and a \"content\" string.",
                    i + 1
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_line;

    #[test]
    fn lines_are_checked_and_named() {
        assert!(check_line(1, r#"{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}"#).is_ok());
        assert!(check_line(2, "   ").is_ok());
        assert!(
            check_line(3, "{nope")
                .unwrap_err()
                .starts_with("Line 3: not valid JSON")
        );
        assert!(
            check_line(4, r#"{"prompt":"x"}"#)
                .unwrap_err()
                .contains("\"messages\" array")
        );
        assert!(
            check_line(5, r#"{"messages":[]}"#)
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            check_line(6, r#"{"messages":[{"role":"user"}]}"#)
                .unwrap_err()
                .contains("message 1")
        );
        assert!(
            check_line(7, r#"{"messages":[{"role":"robot","content":"x"}]}"#)
                .unwrap_err()
                .contains("robot")
        );
        assert!(
            check_line(8, r#"{"messages":[{"role":"user","content":{"a":[1]}}]}"#)
                .unwrap_err()
                .contains("message 1")
        );
        // Extra fields are allowed and skipped.
        assert!(
            check_line(
                9,
                r#"{"messages":[{"role":"tool","content":"x","name":{"deep":[[1]]}}],"meta":[1,2]}"#
            )
            .is_ok()
        );
        assert!(
            check_line(10, "[1, 2]")
                .unwrap_err()
                .contains("\"messages\" array")
        );
    }

    #[test]
    fn a_line_of_a_million_zeros_fails_at_its_first() {
        let zeros = format!("{{\"messages\":[{}0]}}", "0,".repeat(1_000_000));
        let err = check_line(1, &zeros).unwrap_err();
        assert!(err.starts_with("Line 1: expected an object"), "{err}");
    }
}
