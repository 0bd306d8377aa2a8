//! Programs the binary runs besides the server: operator commands and the demo trainer.

pub mod cli;
pub mod demo_trainer;
