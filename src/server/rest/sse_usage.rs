//! Reads the `usage` off a chat completion stream (server-sent events) while passing the
//! stream on, event by event. The console asks the upstream for usage
//! (`stream_options.include_usage`) to meter every stream; when the client did not ask,
//! the usage-only chunk is taken out, so the client sees the stream it asked for.

use crate::server::services::metering::CompletionUsage;
use serde_json::Value;

/// An event longer than this is passed on unread (no upstream sends one).
const MAX_EVENT: usize = 1024 * 1024;

pub struct UsageTap {
    pending: Vec<u8>,
    /// Keep usage-only chunks (the client asked for them).
    client_wants_usage: bool,
    pub usage: Option<CompletionUsage>,
}

impl UsageTap {
    pub fn new(client_wants_usage: bool) -> UsageTap {
        UsageTap {
            pending: Vec::new(),
            client_wants_usage,
            usage: None,
        }
    }

    /// Takes bytes from the upstream; returns the complete events to pass on.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(end) = event_end(&self.pending) {
            let event: Vec<u8> = self.pending.drain(..end).collect();
            if self.keep(&event) {
                out.extend_from_slice(&event);
            }
        }
        if self.pending.len() > MAX_EVENT {
            out.append(&mut self.pending);
        }
        out
    }

    /// The rest, when the upstream has ended.
    pub fn finish(&mut self) -> Vec<u8> {
        let rest = std::mem::take(&mut self.pending);
        if self.keep(&rest) { rest } else { Vec::new() }
    }

    /// Reads one event's usage; false for a usage-only chunk the client did not ask for.
    fn keep(&mut self, event: &[u8]) -> bool {
        let text = String::from_utf8_lossy(event);
        let data: String = text
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(str::trim_start)
            .collect::<Vec<_>>()
            .join("\n");
        let Ok(chunk) = serde_json::from_str::<Value>(&data) else {
            return true;
        };
        let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) else {
            return true;
        };
        self.usage = Some(CompletionUsage {
            prompt_tokens: usage["prompt_tokens"].as_i64().unwrap_or(0),
            completion_tokens: usage["completion_tokens"].as_i64().unwrap_or(0),
        });
        let usage_only = chunk["choices"].as_array().is_some_and(Vec::is_empty);
        self.client_wants_usage || !usage_only
    }
}

/// Where the first complete event ends (after its blank line), if one is complete.
fn event_end(bytes: &[u8]) -> Option<usize> {
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4);
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n\
        data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n\
        data: [DONE]\n\n";

    fn run(tap: &mut UsageTap, cut: usize) -> String {
        let mut out = tap.feed(&STREAM.as_bytes()[..cut]);
        out.extend(tap.feed(&STREAM.as_bytes()[cut..]));
        out.extend(tap.finish());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_usage_is_read_wherever_the_bytes_are_cut() {
        for cut in 0..STREAM.len() {
            let mut tap = UsageTap::new(false);
            let out = run(&mut tap, cut);
            let usage = tap.usage.as_ref().expect("usage read");
            assert_eq!((usage.prompt_tokens, usage.completion_tokens), (3, 1));
            assert!(!out.contains("usage"), "the client did not ask for it");
            assert!(out.contains("Hi") && out.ends_with("data: [DONE]\n\n"));
        }
    }

    #[test]
    fn a_client_that_asked_gets_the_usage_chunk() {
        let mut tap = UsageTap::new(true);
        assert_eq!(run(&mut tap, 10), STREAM);
    }
}
