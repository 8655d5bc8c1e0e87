//! The one rule for comparing JSON numbers as f64, shared by the schema walk
//! (src/validate/schema_eval.rs) and the build-time generator that writes its
//! numbers (src/validate/schema_walk_gen.rs, also included by build.rs): a
//! number the generator accepts is one the walk compares exactly.

/// The number as f64 when that loses nothing.
pub(crate) fn exact_f64(number: &serde_json::Number) -> Option<f64> {
    const EXACT: u64 = 1 << 53;
    if let Some(u) = number.as_u64() {
        return (u <= EXACT).then_some(u as f64);
    }
    if let Some(i) = number.as_i64() {
        return (i.unsigned_abs() <= EXACT).then_some(i as f64);
    }
    number.as_f64()
}
