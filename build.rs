//! Prepares the committed JSON Schema for the validator's direct walk
//! (src/validate/schema_eval.rs): the same schema without its annotations
//! (`title`, `description`, `default`, `$schema`), which never make a value
//! invalid. The committed file carries a whole default spec at every level
//! for editors; without them the walk reads 6 KB instead of 26 KB on every
//! start.

use std::path::Path;

use serde_json::Value;

const SCHEMA: &str = "schemas/pgcluster.schema.json";
const ANNOTATIONS: [&str; 4] = ["title", "description", "default", "$schema"];

fn main() {
    println!("cargo::rerun-if-changed={SCHEMA}");
    let text = std::fs::read_to_string(SCHEMA).expect("the committed schema is readable");
    let mut schema: Value = serde_json::from_str(&text).expect("the committed schema is JSON");
    strip(&mut schema);
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(
        Path::new(&out).join("schema-walk.json"),
        serde_json::to_string(&schema).expect("JSON serializes"),
    )
    .expect("OUT_DIR is writable");
}

/// Drop annotations from a schema and the schemas inside it. Only keywords
/// whose values are schemas are entered: an `enum` or `const` value, or a
/// property named `description`, is data and stays as it is.
fn strip(schema: &mut Value) {
    let Value::Object(map) = schema else {
        return; // `true`/`false` schemas
    };
    map.retain(|key, _| !ANNOTATIONS.contains(&key.as_str()));
    for (keyword, value) in map.iter_mut() {
        match (keyword.as_str(), value) {
            ("properties" | "definitions", Value::Object(named)) => {
                named.values_mut().for_each(strip)
            }
            ("allOf" | "anyOf" | "oneOf", Value::Array(list)) => list.iter_mut().for_each(strip),
            ("items" | "additionalProperties" | "not", child) => strip(child),
            _ => {}
        }
    }
}
