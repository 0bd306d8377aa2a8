#[tokio::main]
async fn main() -> std::process::ExitCode {
    match studio_console::server::run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("studio-console: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
