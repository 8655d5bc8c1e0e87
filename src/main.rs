//! The `pgrender` binary: everything lives in the library.
fn main() -> std::process::ExitCode {
    pgrender::cli::main()
}
