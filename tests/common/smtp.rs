//! A mail sink on loopback for the SMTP tests: plain, STARTTLS or TLS from the first byte,
//! with a self-signed certificate for 127.0.0.1 written to a PEM file the console can trust
//! (`SMTP_CA_FILE`). It keeps each message it receives and whether it came over TLS.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    Plain,
    StartTls,
    Implicit,
}

/// A received message: its raw DATA and whether the session was encrypted.
#[derive(Clone, Debug)]
pub struct Received {
    pub data: String,
    pub over_tls: bool,
}

pub struct Sink {
    pub port: u16,
    /// The certificate's PEM, to trust.
    pub ca_file: std::path::PathBuf,
    pub received: Arc<Mutex<Vec<Received>>>,
}

pub async fn start(mode: Mode, dir: &std::path::Path) -> Sink {
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let ca_file = dir.join(format!("smtp-ca-{}.pem", std::process::id()));
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&ca_file, cert.cert.pem()).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(cert.cert.der().to_vec())], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, kept) = (acceptor.clone(), kept.clone());
            tokio::spawn(async move {
                let _ = match mode {
                    Mode::Implicit => match acceptor.accept(tcp).await {
                        Ok(tls) => session(tls, true, true, false, kept).await.map(|_| ()),
                        Err(_) => Ok(()),
                    },
                    Mode::Plain | Mode::StartTls => {
                        let offer = mode == Mode::StartTls;
                        match session(tcp, false, true, offer, kept.clone()).await {
                            // After STARTTLS the client speaks first: no second greeting.
                            Ok(Some(tcp)) => match acceptor.accept(tcp).await {
                                Ok(tls) => session(tls, true, false, false, kept).await.map(|_| ()),
                                Err(_) => Ok(()),
                            },
                            _ => Ok(()),
                        }
                    }
                };
            });
        }
    });
    Sink {
        port,
        ca_file,
        received,
    }
}

/// Serves one SMTP session. Returns the stream when the client asked for STARTTLS.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    over_tls: bool,
    greet: bool,
    offer_starttls: bool,
    kept: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<Option<S>> {
    let mut io = BufReader::new(stream);
    if greet {
        io.get_mut().write_all(b"220 sink ESMTP\r\n").await?;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if io.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" if offer_starttls => b"250-sink\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
            "EHLO" | "HELO" => b"250-sink\r\n250 8BITMIME\r\n",
            "STAR" if offer_starttls => {
                io.get_mut().write_all(b"220 ready for TLS\r\n").await?;
                io.get_mut().flush().await?;
                return Ok(Some(io.into_inner()));
            }
            "STAR" => b"502 not here\r\n",
            "DATA" => {
                io.get_mut().write_all(b"354 end with a dot\r\n").await?;
                let mut data = String::new();
                loop {
                    let mut l = String::new();
                    if io.read_line(&mut l).await? == 0 {
                        return Ok(None);
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    data.push_str(&l);
                }
                kept.lock().unwrap().push(Received { data, over_tls });
                b"250 queued\r\n"
            }
            "QUIT" => {
                io.get_mut().write_all(b"221 bye\r\n").await?;
                return Ok(None);
            }
            _ => b"250 OK\r\n",
        };
        io.get_mut().write_all(reply).await?;
    }
}
