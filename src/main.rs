use clap::Parser;
use studio_console::server::programs::cli::{Cli, run};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("studio-console: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
