//! Programs the binary runs besides the server: operator commands and the demo trainer
//! and inference server.

pub mod cli;
pub mod demo_inference;
pub mod demo_trainer;
