//! Reading a domain's TXT records, to prove a company domain. The resolver is
//! `DOMAIN_RESOLVER` (an address: the tests start a DNS server on loopback) or the
//! system's. Each check builds its own resolver without a cache of its own: an Admin who
//! just added the record and checks again is not answered from this process's memory
//! (the resolver asked may still cache a "no such record" for the zone's negative TTL).

use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{Resolver, TokioResolver};
use std::net::SocketAddr;
use std::time::Duration;

/// Where and how long to ask.
#[derive(Debug, Clone)]
pub struct DnsSettings {
    /// A DNS server to ask; `None`: the system's (`/etc/resolv.conf`).
    pub resolver: Option<SocketAddr>,
    /// How long one check may take, all tries included.
    pub timeout: Duration,
}

impl Default for DnsSettings {
    fn default() -> Self {
        DnsSettings {
            resolver: None,
            timeout: Duration::from_secs(5),
        }
    }
}

/// Why no TXT record could be read.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The name has no TXT record (or does not exist).
    NoRecord,
    /// The server did not answer in time.
    Timeout,
    /// Anything else (refused, unreachable, malformed), as the resolver put it.
    Failed(String),
}

/// The texts of the TXT records at `name` (each record's strings joined, as RFC 7208 reads
/// them).
pub async fn txt_records(settings: &DnsSettings, name: &str) -> Result<Vec<String>, Lookup> {
    let resolver = resolver(settings)?;
    // The resolver's own timeout is per try; this bounds the whole check.
    let fqdn = format!("{}.", name.trim_end_matches('.'));
    let answer = tokio::time::timeout(settings.timeout, resolver.txt_lookup(fqdn))
        .await
        .map_err(|_| Lookup::Timeout)?;
    match answer {
        Ok(lookup) => Ok(lookup
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect()),
        Err(e) if e.is_no_records_found() || e.is_nx_domain() => Err(Lookup::NoRecord),
        Err(NetError::Timeout) => Err(Lookup::Timeout),
        Err(e) => Err(Lookup::Failed(e.to_string())),
    }
}

fn resolver(settings: &DnsSettings) -> Result<TokioResolver, Lookup> {
    let provider = TokioRuntimeProvider::default();
    let mut builder = match settings.resolver {
        Some(addr) => {
            let connections = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
                .into_iter()
                .map(|mut c| {
                    c.port = addr.port();
                    c
                })
                .collect();
            let server = NameServerConfig::new(addr.ip(), true, connections);
            Resolver::builder_with_config(ResolverConfig::from_name_servers(vec![server]), provider)
        }
        None => Resolver::builder(provider)
            .map_err(|e| Lookup::Failed(format!("reading the system's DNS settings: {e}")))?,
    };
    let options: &mut ResolverOpts = builder.options_mut();
    options.cache_size = 0;
    options.attempts = 2;
    options.timeout = settings.timeout / 2;
    builder
        .build()
        .map_err(|e| Lookup::Failed(format!("setting up the DNS resolver: {e}")))
}
