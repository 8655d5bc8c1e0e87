//! The command line as data: every case under `tests/cmd/` is a command
//! (or, in a `.md` case, a sequence of commands run in one sandbox) with
//! its input folder (`<case>.in/`), the exact stdout and stderr it prints,
//! its exit code, and for some the files it must leave (`<case>.out/`).
//! After an intended change: `TRYCMD=overwrite cargo test cmd::`, then
//! review the diff.

#[test]
fn every_cli_case_prints_what_it_records() {
    trycmd::TestCases::new()
        .register_bin(
            "pgrender",
            std::path::Path::new(env!("CARGO_BIN_EXE_pgrender")),
        )
        // clap wraps help text at the terminal's width: pin it.
        .env("COLUMNS", "100")
        .case("tests/cmd/*.toml")
        .case("tests/cmd/*.md");
}
