//! A DNS server on loopback for the company-domain checks: the console's own demo server
//! (`programs::demo_dns`) over a zone the test changes as it goes, or one that never answers.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use studio_console::server::adapters::dns::DnsSettings;
use studio_console::server::programs::demo_dns::{self, Zone};
use tokio::net::{TcpListener, UdpSocket};

pub struct DnsServer {
    pub addr: SocketAddr,
    zone: Arc<Mutex<Zone>>,
}

/// A UDP socket and a TCP listener on one loopback port.
async fn bind_pair() -> (UdpSocket, TcpListener) {
    for _ in 0..20 {
        let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind tcp");
        let addr = tcp.local_addr().expect("tcp address");
        if let Ok(udp) = UdpSocket::bind(addr).await {
            return (udp, tcp);
        }
    }
    panic!("no loopback port free for both UDP and TCP");
}

impl DnsServer {
    pub async fn start() -> DnsServer {
        let (udp, tcp) = bind_pair().await;
        let addr = udp.local_addr().expect("udp address");
        let zone = Arc::new(Mutex::new(Zone::new()));
        let source = {
            let zone = zone.clone();
            Arc::new(move || zone.lock().unwrap().clone())
        };
        tokio::spawn(demo_dns::serve(udp, Some(tcp), source));
        DnsServer { addr, zone }
    }

    /// Puts TXT records at `name` (replacing what was there).
    pub fn set_txt(&self, name: &str, texts: &[&str]) {
        let texts = texts.iter().map(|t| (*t).to_owned()).collect();
        self.zone.lock().unwrap().insert(name.to_owned(), texts);
    }

    pub fn settings(&self) -> DnsSettings {
        DnsSettings {
            resolver: Some(self.addr),
            timeout: Duration::from_secs(3),
        }
    }
}

/// A DNS server that takes questions and never answers; kept open while the guard lives.
pub async fn silent() -> (DnsSettings, (UdpSocket, TcpListener)) {
    let (udp, tcp) = bind_pair().await;
    let settings = DnsSettings {
        resolver: Some(udp.local_addr().expect("udp address")),
        timeout: Duration::from_millis(600),
    };
    (settings, (udp, tcp))
}
