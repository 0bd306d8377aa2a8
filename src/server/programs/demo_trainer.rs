//! `studio-console demo-trainer`: a stand-in for a GPU cluster, to try fine-tuning without
//! one. It claims queued jobs through the trainer endpoints, downloads each job's training
//! file, reports simulated progress, and completes the job, which registers the model.
//! It speaks plain HTTP/1.1 to the console (meant for a console on the same machine).

use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Options {
    host: String,
    token: String,
    steps: i64,
    step: Duration,
    once: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let value = |name: &str| super::cli::flag_value(args, name).map(str::to_owned);
    let number = |name: &str, default: u64| -> Result<u64, String> {
        value(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("{name} {v:?}: use a whole number"))
        })
    };
    let url = value("--url").unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let host = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("--url {url:?}: use an http:// address"))?
        .trim_end_matches('/')
        .to_owned();
    let token = std::env::var("TRAINER_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or("set TRAINER_TOKEN to the console's trainer token")?;
    Ok(Options {
        host,
        token: token.trim().to_owned(),
        steps: number("--steps", 10)?.clamp(1, 1000) as i64,
        step: Duration::from_millis(number("--step-ms", 1000)?),
        once: args.iter().any(|a| a == "--once"),
    })
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

/// One request on its own connection (`Connection: close`), answer read to the end.
async fn call(o: &Options, method: &str, path: &str, body: Option<Value>) -> Result<Reply, String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = tokio::net::TcpStream::connect(&o.host)
        .await
        .map_err(|e| format!("cannot reach the console at {}: {e}", o.host))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        o.host,
        o.token,
        body.len()
    );
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .map_err(|e| e.to_string())?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("a malformed answer")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("an answer without a status")?;
    let body = raw[split + 4..].to_vec();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(&body)
    } else {
        body
    };
    Ok(Reply { status, body })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        if size == 0 || data.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[(eol + 4 + size).min(data.len())..];
    }
    out
}

/// Runs one claimed job to its end; returns what happened, for the log.
async fn train(o: &Options, job: &Value) -> Result<String, String> {
    let id = job["id"].as_str().ok_or("a job without an id")?;
    let file = job["training_file"].as_str().unwrap_or_default();
    let data = call(
        o,
        "GET",
        &format!("/internal/trainer/jobs/{id}/files/{file}"),
        None,
    )
    .await?;
    if data.status != 200 {
        let failed =
            json!({ "status": "failed", "message": "The training file could not be downloaded." });
        call(
            o,
            "POST",
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
        });
        let reply = call(
            o,
            "POST",
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
        "POST",
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

pub async fn run(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    println!("demo trainer: polling {} for queued jobs", o.host);
    loop {
        let claimed = call(&o, "POST", "/internal/trainer/jobs/claim", Some(json!({}))).await?;
        match claimed.status {
            200 => println!("{}", train(&o, &claimed.json()).await?),
            204 if o.once => return Ok(()),
            204 => tokio::time::sleep(Duration::from_secs(2)).await,
            401 => return Err("the console refused the trainer token (TRAINER_TOKEN)".into()),
            other => return Err(format!("claiming a job failed with {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            super::dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            b"hello world"
        );
    }
}
