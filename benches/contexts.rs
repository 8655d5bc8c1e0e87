//! Prints what the templates of each spec under a path read, one JSON
//! object per line (`{"name": …, "context": …}`), for the Python peer of
//! the benchmarks (`benches/baseline.py`): it renders the same templates
//! from pgrender's own context instead of restating each backend's facts.
//! `benches/run.sh` runs it before it times anything.
//!
//! Usage: cargo bench --bench contexts -- SPECS > contexts.jsonl

use std::process::ExitCode;

fn main() -> ExitCode {
    // cargo adds `--bench` to the arguments.
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench contexts -- SPECS");
        return ExitCode::from(2);
    };
    let loaded = match pgrender::load_specs(std::path::Path::new(&path)) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let renderer = pgrender::renderer();
    let options = pgrender::RenderOptions::default();
    for spec in &loaded.specs {
        match pgrender::template_context(spec, &renderer, &options) {
            Ok(context) => println!(
                "{}",
                serde_json::json!({ "name": spec.cluster.metadata.name, "context": context })
            ),
            Err(error) => {
                eprintln!("error: {}: {error}", spec.cluster.metadata.name);
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}
