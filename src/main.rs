//! The seawall binary: everything lives in the library.
fn main() -> std::process::ExitCode {
    seawall::cli::main()
}
