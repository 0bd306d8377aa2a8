//! Fine-tuning datasets: JSONL, one training example per line, each an object with a
//! `messages` array of `{role, content}`.

/// Checks one line (1-based `n`) of a fine-tuning JSONL file. Blank lines are allowed.
pub fn check_line(n: usize, line: &str) -> Result<(), String> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(());
    }
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("Line {n}: not valid JSON ({e})."))?;
    let messages = value
        .get("messages")
        .and_then(|m| m.as_array())
        .ok_or_else(|| format!("Line {n}: expected an object with a \"messages\" array."))?;
    if messages.is_empty() {
        return Err(format!("Line {n}: \"messages\" is empty."));
    }
    for (i, m) in messages.iter().enumerate() {
        let role = m.get("role").and_then(|r| r.as_str());
        let content = m.get("content").and_then(|c| c.as_str());
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
    }
}
