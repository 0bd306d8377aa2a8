//! The upstream inference server (`INFERENCE_URL`): any OpenAI-compatible server (vLLM,
//! llama.cpp's server, Ollama, or `studio-console demo-inference`). One shared HTTP client,
//! so connections are kept and reused.

use serde_json::Value;
use std::time::Duration;

#[derive(Clone)]
pub struct Inference {
    client: reqwest::Client,
    /// The base URL, ending in `/v1` as the servers above serve it; none when not set.
    base: Option<String>,
    /// A bearer token for the upstream (`INFERENCE_API_KEY`), if it wants one.
    api_key: Option<String>,
}

/// Why the upstream gave no answer.
#[derive(Debug)]
pub enum Unavailable {
    /// `INFERENCE_URL` is not set.
    NotConfigured,
    /// It could not be reached, or did not answer in time.
    Unreachable(String),
}

impl Inference {
    pub fn new(base: Option<String>, api_key: Option<String>) -> Inference {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // Between two reads; a long stream may take as long as it keeps talking.
            .read_timeout(Duration::from_secs(300))
            .build()
            .expect("a plain HTTP client builds");
        Inference {
            client,
            base: base.map(|b| b.trim_end_matches('/').to_owned()),
            api_key,
        }
    }

    /// Sends a chat completion request as it is.
    pub async fn chat(&self, request: &Value) -> Result<reqwest::Response, Unavailable> {
        let base = self.base.as_deref().ok_or(Unavailable::NotConfigured)?;
        let mut req = self
            .client
            .post(format!("{base}/chat/completions"))
            .json(request);
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key);
        }
        req.send()
            .await
            .map_err(|e| Unavailable::Unreachable(e.without_url().to_string()))
    }
}
