//! In-process benchmarks (divan): the steps of one render, and the
//! cross-spec checks at fleet scale (which must grow n log n, not n²).
//! Whole-process timings against baselines: `benches/run.sh`.

use pgrender::RenderOptions;
use pgrender::SpecFile;
use pgrender::{ValidSpec, check_file, check_together};
use pgrender::{render_spec, renderer};

fn main() {
    divan::main();
}

const REFERENCE: &str = include_str!("../kubernetes/specs/postgresql.yaml");

fn spec_file(text: &str, name: &str) -> SpecFile {
    SpecFile {
        display: format!("{name}.yaml"),
        file_name: format!("{name}.yaml"),
        repository_path: None,
        document: pgrender::parse_document(text).expect("parses"),
    }
}

fn fleet(n: usize) -> Vec<ValidSpec> {
    (0..n)
        .map(|i| {
            let (a, b) = (i / 256, i % 256);
            let text = format!(
                "apiVersion: pgrender.dev/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: pg-{i}\nspec:\n  network:\n    loadBalancerIP: 10.{a}.{b}.1\n    addressPool:\n      name: pool-{i}\n      addresses: [10.{a}.{b}.0/30]\n  argocd:\n    applicationName: pg-{i}\n"
            );
            check_file(&spec_file(&text, &format!("pg-{i}"))).expect("valid")
        })
        .collect()
}

#[divan::bench]
fn parse_reference() -> pgrender::Document {
    pgrender::parse_document(divan::black_box(REFERENCE)).expect("parses")
}

#[divan::bench]
fn validate_reference(bencher: divan::Bencher) {
    let file = spec_file(REFERENCE, "postgresql");
    bencher.bench(|| check_file(divan::black_box(&file)).expect("valid"));
}

#[divan::bench]
fn render_reference(bencher: divan::Bencher) {
    let valid = check_file(&spec_file(REFERENCE, "postgresql")).expect("valid");
    let renderer = renderer();
    let options = RenderOptions::default();
    bencher.bench(|| render_spec(divan::black_box(&valid), &renderer, &options).expect("renders"));
}

#[divan::bench(args = [1_000, 10_000])]
fn cross_spec_checks(bencher: divan::Bencher, n: usize) {
    let specs = fleet(n);
    bencher.bench(|| check_together(divan::black_box(&specs), &[]).expect("no overlap"));
}
