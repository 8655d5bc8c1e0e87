//! The `pgrender` binary: everything lives in the library (`pgrender::main`).

fn main() -> std::process::ExitCode {
    pgrender::main()
}
