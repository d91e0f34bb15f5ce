//! The `bleibe` binary: hands over to [`bleibe::cli`].

fn main() -> std::process::ExitCode {
    bleibe::cli::run()
}
