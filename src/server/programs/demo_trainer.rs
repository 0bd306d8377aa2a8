//! `studio-console demo-trainer`: a stand-in for a GPU cluster, to try fine-tuning without
//! one. It claims queued jobs through the trainer endpoints, downloads each job's training
//! file, reports simulated progress, and completes the job, which registers the model.
//! It speaks plain HTTP to the console (meant for a console on the same machine).

use serde_json::{Value, json};
use std::time::Duration;

/// What `studio-console demo-trainer` was asked to do.
pub struct Options {
    base: String,
    token: String,
    steps: i64,
    step: Duration,
    once: bool,
    http: reqwest::Client,
}

impl Options {
    pub fn new(url: &str, steps: u64, step_ms: u64, once: bool) -> Result<Options, String> {
        if !url.starts_with("http://") {
            return Err(format!("--url {url:?}: use an http:// address"));
        }
        let token = std::env::var("TRAINER_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .ok_or("set TRAINER_TOKEN to the console's trainer token")?;
        Ok(Options {
            base: url.trim_end_matches('/').to_owned(),
            token: token.trim().to_owned(),
            steps: steps.clamp(1, 1000) as i64,
            step: Duration::from_millis(step_ms),
            once,
            http: reqwest::Client::new(),
        })
    }
}

struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One call to a trainer endpoint: a JSON body for a POST, none for a GET.
async fn call(o: &Options, path: &str, body: Option<Value>) -> Result<Reply, String> {
    let url = format!("{}{path}", o.base);
    let request = match body {
        Some(body) => o.http.post(&url).json(&body),
        None => o.http.get(&url),
    };
    let res = request
        .bearer_auth(&o.token)
        .send()
        .await
        .map_err(|e| format!("cannot reach the console at {}: {e}", o.base))?;
    let status = res.status().as_u16();
    let body = res.bytes().await.map_err(|e| e.to_string())?.to_vec();
    Ok(Reply { status, body })
}

/// Runs one claimed job to its end; returns what happened, for the log.
async fn train(o: &Options, job: &Value) -> Result<String, String> {
    let id = job["id"].as_str().ok_or("a job without an id")?;
    let file = job["training_file"].as_str().unwrap_or_default();
    let data = call(
        o,
        &format!("/internal/trainer/jobs/{id}/files/{file}"),
        None,
    )
    .await?;
    if data.status != 200 {
        let failed =
            json!({ "status": "failed", "message": "The training file could not be downloaded." });
        call(
            o,
            &format!("/internal/trainer/jobs/{id}/complete"),
            Some(failed),
        )
        .await?;
        return Ok(format!("{id}: failed (training file {file} unavailable)"));
    }
    let examples = data
        .body
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count() as i64;
    for step in 1..=o.steps {
        tokio::time::sleep(o.step).await;
        let progress = json!({
            "progress": (step * 100 / o.steps).min(99),
            "message": format!("Step {step} of {}", o.steps),
            "trained_tokens": examples * 64 * step,
            "checkpoint": {
                "step_number": step,
                "metrics": { "train_loss": 2.0 / (step as f64 + 1.0) },
            },
        });
        let reply = call(
            o,
            &format!("/internal/trainer/jobs/{id}/progress"),
            Some(progress),
        )
        .await?;
        if reply.status == 409 {
            return Ok(format!(
                "{id}: stopped, the job is {}",
                reply.json()["status"]
            ));
        }
    }
    let done =
        json!({ "status": "succeeded", "message": format!("Trained on {examples} examples.") });
    let reply = call(
        o,
        &format!("/internal/trainer/jobs/{id}/complete"),
        Some(done),
    )
    .await?;
    match reply.status {
        200 => Ok(format!(
            "{id}: succeeded, model {}",
            reply.json()["fine_tuned_model"]
        )),
        status => Ok(format!(
            "{id}: not completed ({status}) {}",
            String::from_utf8_lossy(&reply.body)
        )),
    }
}

pub async fn run(o: Options) -> Result<(), String> {
    println!("demo trainer: polling {} for queued jobs", o.base);
    loop {
        let claimed = call(&o, "/internal/trainer/jobs/claim", Some(json!({}))).await?;
        match claimed.status {
            200 => println!("{}", train(&o, &claimed.json()).await?),
            204 if o.once => return Ok(()),
            204 => tokio::time::sleep(Duration::from_secs(2)).await,
            401 => return Err("the console refused the trainer token (TRAINER_TOKEN)".into()),
            other => return Err(format!("claiming a job failed with {other}")),
        }
    }
}
