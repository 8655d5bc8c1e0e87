//! Any bytes as a spec file: parse, validate, render. Nothing may panic, and
//! whatever validates must render to YAML that parses again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pgrender::SpecFile;
use pgrender::RenderOptions;
use pgrender::{render_spec, renderer};
use pgrender::{check_file, check_together};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(document) = pgrender::parse_document(text) else {
        return;
    };
    let file = SpecFile {
        display: "fuzz.yaml".into(),
        file_name: "fuzz.yaml".into(),
        repository_path: None,
        document,
    };
    let Ok(valid) = check_file(&file) else {
        return;
    };
    if check_together(std::slice::from_ref(&valid), &[]).is_err() {
        return;
    }
    let plan = render_spec(&valid, &renderer(), &RenderOptions::default()).expect("a valid spec renders");
    for path in plan.manifest_paths() {
        pgrender::parse_stream(&plan.files[path]).expect("rendered YAML parses");
    }
});
