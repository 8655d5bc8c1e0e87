//! The `pgrender` binary: everything lives in the library (`pgrender::cli`).

fn main() -> std::process::ExitCode {
    pgrender::cli::main()
}
