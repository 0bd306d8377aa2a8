//! A stand-in DNS server for demos and tests, NOT a real one: it answers TXT questions from
//! a zone file (`name text` per line, read again at every question so a record added
//! while it runs is seen at once) over UDP and TCP on one address. Point the console's
//! `DOMAIN_RESOLVER` at it to verify a domain such as `acme.test` without a public DNS.

use hickory_resolver::proto::op::{Message, MessageType, ResponseCode};
use hickory_resolver::proto::rr::rdata::TXT;
use hickory_resolver::proto::rr::{RData, Record, RecordType};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

/// TXT records by name (lower-case, no trailing dot).
pub type Zone = HashMap<String, Vec<String>>;

/// Where the records come from at each question.
pub type ZoneSource = Arc<dyn Fn() -> Zone + Send + Sync>;

/// Reads a zone file: one record per line, the name, spaces, then the text; `#` comments.
/// A missing file is an empty zone.
pub fn read_zone_file(path: &std::path::Path) -> Zone {
    let mut zone = Zone::new();
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((name, value)) = line.split_once(char::is_whitespace) {
            zone.entry(canonical(name))
                .or_default()
                .push(value.trim().trim_matches('"').to_owned());
        }
    }
    zone
}

fn canonical(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The answer to one question, as bytes; `None` for what is not a DNS question.
pub fn answer(question: &[u8], zone: &Zone) -> Option<Vec<u8>> {
    let request = Message::from_vec(question).ok()?;
    if request.metadata.message_type != MessageType::Query {
        return None;
    }
    let mut response = Message::response(request.metadata.id, request.metadata.op_code);
    response.metadata.authoritative = true;
    response.metadata.recursion_desired = request.metadata.recursion_desired;
    if let Some(query) = request.queries.first() {
        response.add_query(query.clone());
        let name = canonical(&query.name().to_ascii());
        match zone.get(&name) {
            None => response.metadata.response_code = ResponseCode::NXDomain,
            Some(texts) if query.query_type() == RecordType::TXT => {
                for text in texts {
                    let data = RData::TXT(TXT::new(vec![text.clone()]));
                    response.add_answer(Record::from_rdata(query.name().clone(), 60, data));
                }
            }
            Some(_) => {}
        }
    }
    response.to_vec().ok()
}

/// Answers on `udp` (and on `tcp`, when given) until the task is dropped.
pub async fn serve(udp: UdpSocket, tcp: Option<TcpListener>, zone: ZoneSource) {
    if let Some(tcp) = tcp {
        tokio::spawn(serve_tcp(tcp, zone.clone()));
    }
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((n, from)) = udp.recv_from(&mut buf).await else {
            // A failing socket would fail again at once: don't spin.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        };
        if let Some(reply) = answer(&buf[..n], &zone()) {
            let _ = udp.send_to(&reply, from).await;
        }
    }
}

/// DNS over TCP: each message is preceded by its length on two bytes.
async fn serve_tcp(listener: TcpListener, zone: ZoneSource) {
    while let Ok((mut stream, _)) = listener.accept().await {
        let zone = zone.clone();
        tokio::spawn(async move {
            // A connection quiet for this long is closed.
            let idle = std::time::Duration::from_secs(10);
            loop {
                let Ok(Ok(len)) = tokio::time::timeout(idle, stream.read_u16()).await else {
                    return;
                };
                let mut question = vec![0u8; len as usize];
                if stream.read_exact(&mut question).await.is_err() {
                    return;
                }
                let Some(reply) = answer(&question, &zone()) else {
                    return;
                };
                let Ok(reply_len) = u16::try_from(reply.len()) else {
                    return;
                };
                if stream.write_u16(reply_len).await.is_err()
                    || stream.write_all(&reply).await.is_err()
                {
                    return;
                }
            }
        });
    }
}

/// `studio-console demo-dns`: serves the zone file's TXT records on `listen`.
pub async fn run(listen: &str, zone_file: PathBuf) -> Result<(), String> {
    let addr: SocketAddr = listen
        .parse()
        .map_err(|_| format!("--listen {listen:?}: use an address such as 127.0.0.1:5353"))?;
    let udp = UdpSocket::bind(addr)
        .await
        .map_err(|e| format!("listening on udp {addr}: {e}"))?;
    let tcp = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("listening on tcp {addr}: {e}"))?;
    // On stdout, once listening: whoever started it waits for this line.
    println!(
        "demo DNS (a stand-in, not a DNS server) answering TXT questions from {} on {addr}",
        zone_file.display()
    );
    let zone: ZoneSource = Arc::new(move || read_zone_file(&zone_file));
    serve(udp, Some(tcp), zone).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_files_name_records_case_blind() {
        let file = std::env::temp_dir().join(format!("zone-{}", std::process::id()));
        std::fs::write(&file, "# demo\nAcme.Test. \"v=1\"\nacme.test v=2\n\n").unwrap();
        let zone = read_zone_file(&file);
        assert_eq!(zone["acme.test"], vec!["v=1", "v=2"]);
        std::fs::remove_file(&file).unwrap();
        assert!(
            read_zone_file(&file).is_empty(),
            "a missing file is an empty zone"
        );
    }
}
