//! Programs the binary runs besides the server: operator commands and the demo trainer
//! and inference server, and the demo DNS server that proves company domains.

pub mod backup;
pub mod cli;
pub mod demo_dns;
pub mod demo_inference;
pub mod demo_trainer;
