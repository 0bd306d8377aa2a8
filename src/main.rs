#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        None | Some("serve") => studio_console::server::run().await,
        Some(_) => studio_console::server::programs::cli::run(&args).await,
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("studio-console: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
