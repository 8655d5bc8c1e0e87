//! Accepts valid specs without compiling the schema.
//!
//! Compiling the schema with the jsonschema crate costs about a millisecond
//! per process (it also validates the schema against the draft-07
//! meta-schema, with no public switch to skip that): a quarter of a whole
//! `render`. Almost every spec pgrender reads is valid, so this module walks
//! the committed schema directly and answers only "valid" or "not sure".
//! Anything it is not sure about goes to the compiled validator, which also
//! words the errors. Two safeguards keep the answers the same:
//!
//! - build.rs turns the schema into `WALK` with schema_walk_gen.rs, which
//!   knows every keyword evaluated here; a schema with any other keyword
//!   builds with `WALK = None`, and every spec then takes the full path (a
//!   test keeps the committed schema walkable);
//! - a property test compares this walk with jsonschema on valid specs and on
//!   thousands of mutated ones.
//!
//! The walk is static data, not parsed at run time: reading the schema into
//! a tree took ~150 us of a ~2 ms render, most of it allocating.

use serde_json::Value;

use super::numbers::exact_f64;

/// One schema object: the draft-07 keywords our generated schema uses.
/// Absent keywords are `Node::ANY`'s (no constraint).
pub(super) struct Node {
    /// `type`; empty when absent.
    types: &'static [JsonType],
    /// `enum`
    one_of_values: Option<&'static [Literal]>,
    /// `const`
    constant: Option<Literal>,
    /// `$ref`, resolved at build time (it stands alone in draft 7).
    reference: Option<&'static Node>,
    all_of: &'static [Node],
    any_of: Option<&'static [Node]>,
    /// Sorted by name.
    properties: &'static [(&'static str, Node)],
    additional: Additional,
    required: &'static [&'static str],
    items: Option<&'static Node>,
    min_items: Option<u64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    minimum: Option<f64>,
    maximum: Option<f64>,
}

impl Node {
    /// The empty schema, which accepts everything.
    const ANY: Node = Node {
        types: &[],
        one_of_values: None,
        constant: None,
        reference: None,
        all_of: &[],
        any_of: None,
        properties: &[],
        additional: Additional::Any,
        required: &[],
        items: None,
        min_items: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
    };
}

#[derive(Clone, Copy)]
enum JsonType {
    Object,
    Array,
    String,
    Boolean,
    Null,
    Number,
    Integer,
}

/// An `enum` or `const` value; the generator allows scalars only, and
/// numbers only when f64 holds them exactly.
#[allow(
    dead_code,
    reason = "the generator supports every scalar; today's schema uses strings and numbers"
)]
enum Literal {
    Null,
    Bool(bool),
    Number(f64),
    Str(&'static str),
}

/// `additionalProperties`
enum Additional {
    Any,
    None,
    Each(&'static Node),
}

// `WALK` and the statics it points to.
include!(concat!(env!("OUT_DIR"), "/schema_walk.rs"));

impl Node {
    /// `true` only when `value` satisfies this node; `false` means invalid
    /// or not sure, and the caller asks jsonschema.
    pub(super) fn accepts(&self, value: &Value) -> bool {
        if let Some(target) = self.reference {
            return target.accepts(value);
        }
        (self.types.is_empty() || self.types.iter().any(|t| t.admits(value)))
            && self
                .one_of_values
                .is_none_or(|options| options.iter().any(|o| o.equals(value)))
            && self.constant.as_ref().is_none_or(|c| c.equals(value))
            && self.all_of.iter().all(|n| n.accepts(value))
            && self
                .any_of
                .is_none_or(|any| any.iter().any(|n| n.accepts(value)))
            && self.accepts_shape(value)
    }

    /// The keywords that apply to one JSON type only.
    fn accepts_shape(&self, value: &Value) -> bool {
        match value {
            Value::Object(map) => {
                self.required.iter().all(|k| map.contains_key(*k))
                    && map.iter().all(|(key, item)| match self.property(key) {
                        Some(node) => node.accepts(item),
                        None => match self.additional {
                            Additional::Any => true,
                            Additional::None => false,
                            Additional::Each(node) => node.accepts(item),
                        },
                    })
            }
            Value::Array(list) => {
                self.min_items.is_none_or(|min| list.len() as u64 >= min)
                    && self
                        .items
                        .is_none_or(|node| list.iter().all(|item| node.accepts(item)))
            }
            Value::String(text) => {
                // Lengths count characters (code points), as JSON Schema does.
                let length = text.chars().count() as u64;
                self.min_length.is_none_or(|min| length >= min)
                    && self.max_length.is_none_or(|max| length <= max)
            }
            Value::Number(number) => {
                // Not sure about numbers f64 cannot hold exactly: say no and
                // let the full validator decide.
                let Some(n) = exact_f64(number) else {
                    return self.minimum.is_none() && self.maximum.is_none();
                };
                self.minimum.is_none_or(|min| n >= min) && self.maximum.is_none_or(|max| n <= max)
            }
            Value::Bool(_) | Value::Null => true,
        }
    }

    fn property(&self, name: &str) -> Option<&Node> {
        self.properties
            .binary_search_by(|(key, _)| (*key).cmp(name))
            .ok()
            .map(|i| &self.properties[i].1)
    }
}

impl JsonType {
    fn admits(self, value: &Value) -> bool {
        match self {
            JsonType::Object => value.is_object(),
            JsonType::Array => value.is_array(),
            JsonType::String => value.is_string(),
            JsonType::Boolean => value.is_boolean(),
            JsonType::Null => value.is_null(),
            JsonType::Number => value.is_number(),
            // Draft 7: an integer is any number without a fractional part (1.0 too).
            JsonType::Integer => match value {
                Value::Number(n) => {
                    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
                }
                _ => false,
            },
        }
    }
}

impl Literal {
    /// JSON equality as JSON Schema defines it: numbers by value (1 == 1.0).
    fn equals(&self, value: &Value) -> bool {
        match (self, value) {
            (Literal::Null, Value::Null) => true,
            (Literal::Bool(a), Value::Bool(b)) => a == b,
            (Literal::Number(a), Value::Number(n)) => exact_f64(n) == Some(*a),
            (Literal::Str(a), Value::String(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    //! The walk must agree with jsonschema: never accept what it rejects
    //! (that would let a bad spec through), and accept what it accepts (or
    //! the fast path is lost).

    use std::path::{Path, PathBuf};

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::super::schema_walk_gen::{UNASSERTED_FORMATS, generate};
    use super::{Node, WALK};

    const SCHEMA: &str = include_str!("../../schemas/pgcluster.schema.json");

    fn walkable() -> &'static Node {
        WALK.expect("the committed schema uses only keywords the walk evaluates")
    }

    /// Whether the generator takes `schema` (as JSON text).
    fn walks(schema: &str) -> bool {
        generate(&serde_json::from_str(schema).expect("test schema is JSON")).is_ok()
    }

    fn compiled() -> jsonschema::Validator {
        let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        jsonschema::options()
            .build(&schema)
            .expect("schema compiles")
    }

    fn agree(walk: &Node, full: &jsonschema::Validator, value: &Value) -> Result<(), String> {
        let fast = walk.accepts(value);
        let slow = full.is_valid(value);
        if fast == slow {
            Ok(())
        } else {
            Err(format!(
                "walk says {fast}, jsonschema says {slow} for {value:#}"
            ))
        }
    }

    /// Every spec-like YAML file under tests/ (golden specs, bad corpus).
    fn yaml_files(dir: &Path) -> Vec<PathBuf> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .map(walkdir::DirEntry::into_path)
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect()
    }

    fn parse(path: &Path) -> Option<Value> {
        let text = std::fs::read_to_string(path).ok()?;
        crate::yaml::parse_document(&text).ok().map(|d| d.value)
    }

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn valid_specs() -> Vec<Value> {
        let mut specs: Vec<Value> = yaml_files(&root().join("tests/golden"))
            .iter()
            .filter(|p| p.components().any(|c| c.as_os_str() == "specs"))
            .filter_map(|p| parse(p))
            .filter(|v| v.get("kind") == Some(&json!("PostgresCluster")))
            .collect();
        specs
            .push(parse(&root().join("kubernetes/specs/postgresql.yaml")).expect("reference spec"));
        specs
    }

    #[test]
    fn the_committed_schema_is_walkable() {
        walkable();
    }

    #[test]
    fn a_schema_with_an_unknown_keyword_is_not_walked() {
        assert!(!walks(r##"{"type": "string", "pattern": "^a"}"##));
        assert!(!walks(r##"{"type": "string", "format": "ipv4"}"##));
        assert!(!walks(
            r##"{"$ref": "#/definitions/A", "minLength": 1, "definitions": {"A": {}}}"##
        ));
        assert!(!walks(r##"{"$ref": "other.json#/definitions/A"}"##));
        assert!(!walks(r##"{"$ref": "#/definitions/Missing"}"##));
        assert!(!walks(r##"{"type": "decimal"}"##));
        assert!(!walks(r##"{"enum": [[1], {"a": 1}]}"##));
        assert!(!walks(r##"{"const": 18446744073709551615}"##));
        assert!(!walks(r##"{"items": [{"type": "string"}]}"##));
        assert!(!walks(r##"{"properties": {"a": {"definitions": {}}}}"##));
        assert!(!walks("true"));
        assert!(walks(r##"{"type": "integer", "format": "uint32"}"##));
        assert!(walks(
            r##"{"$ref": "#/definitions/A", "description": "x", "definitions": {"A": {}}}"##
        ));
    }

    #[test]
    fn the_formats_the_walk_ignores_are_ones_jsonschema_never_asserts() {
        let draft7 = jsonschema::options().with_draft(jsonschema::Draft::Draft7);
        for format in UNASSERTED_FORMATS {
            assert!(
                !draft7.is_known_format(jsonschema::Draft::Draft7, format),
                "jsonschema checks `{format}`: the walk must not ignore it"
            );
        }
        assert!(draft7.is_known_format(jsonschema::Draft::Draft7, "ipv4"));
    }

    #[test]
    fn agrees_on_every_golden_spec_and_every_bad_corpus_file() {
        let (walk, full) = (walkable(), compiled());
        let mut values = valid_specs();
        assert!(values.len() >= 10, "golden specs found: {}", values.len());
        for spec in &values {
            assert!(
                walk.accepts(spec),
                "a golden spec is not accepted by the walk: {spec:#}"
            );
        }
        values.extend(
            yaml_files(&root().join("tests/corpus/bad"))
                .iter()
                .filter_map(|p| parse(p)),
        );
        for value in &values {
            agree(walk, &full, value).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    /// Every JSON Pointer in `value`.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    pointers(item, format!("{at}/{}", crate::yaml::escape(key)), out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    pointers(item, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            prop::sample::select(vec![
                json!(0),
                json!(1),
                json!(2),
                json!(-1),
                json!(1.0),
                json!(1.5),
                json!(16),
                json!(15.0),
                json!(99),
                json!(100),
                json!(65535),
                json!(65536),
                json!(4294967295u64),
                json!(4294967296u64),
                json!(u64::MAX),
                json!(i64::MIN),
                json!(1e300),
                json!(-0.0),
            ]),
            prop::sample::select(vec![
                "",
                "a",
                "16",
                "15",
                "async",
                "sync",
                "bitnami-postgresql-ha",
                "cloudnative-pg",
                "pgrender.dev/v1alpha1",
                "PostgresCluster",
                "2Gi",
                "é",
                "0 2 * * *",
            ])
            .prop_map(Value::from),
            "[a-z]{0,70}".prop_map(Value::from),
            (0usize..300).prop_map(|n| Value::from("x".repeat(n))),
        ]
    }

    fn any_value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[derive(Debug, Clone)]
    enum Edit {
        Replace(Value),
        /// Put a value taken from elsewhere in a spec (right type, wrong place).
        Transplant(usize),
        Remove,
        AddField(String, Value),
        /// Give a string this many characters (around the length limits).
        Resize(usize),
        /// Move a number across its bounds.
        Nudge(i64),
        /// Give a number a fractional part (or none: 2.0).
        Fraction(f64),
    }

    impl Edit {
        /// Whether the edit means something at a value like `value`; edits
        /// aimed at strings or numbers only pick those, so that the length
        /// and range limits are really probed.
        fn fits(&self, value: &Value) -> bool {
            match self {
                Edit::Resize(_) => value.is_string(),
                Edit::Nudge(_) | Edit::Fraction(_) => value.is_number(),
                _ => true,
            }
        }
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            3 => any_value().prop_map(Edit::Replace),
            2 => any::<usize>().prop_map(Edit::Transplant),
            1 => Just(Edit::Remove),
            1 => ("[a-zA-Z]{1,12}", any_value()).prop_map(|(k, v)| Edit::AddField(k, v)),
            2 => prop::sample::select(vec![0usize, 1, 2, 52, 53, 54, 62, 63, 64, 253, 254, 255, 300])
                .prop_map(Edit::Resize),
            2 => prop::sample::select(vec![-1000i64, -2, -1, 1, 2, 1000, 100_000])
                .prop_map(Edit::Nudge),
            1 => prop::sample::select(vec![0.0, 0.5]).prop_map(Edit::Fraction),
        ]
    }

    fn apply(spec: &mut Value, at: &str, edit: &Edit, donors: &[Value]) {
        let (parent, key) = match at.rfind('/') {
            Some(cut) => (
                &at[..cut],
                at[cut + 1..].replace("~1", "/").replace("~0", "~"),
            ),
            None => ("", String::new()),
        };
        match edit {
            Edit::Replace(_) | Edit::Transplant(_) => {
                let v = match edit {
                    Edit::Transplant(i) => donors[i % donors.len()].clone(),
                    Edit::Replace(v) => v.clone(),
                    _ => return,
                };
                if let Some(slot) = spec.pointer_mut(at) {
                    *slot = v;
                }
            }
            Edit::Remove => match spec.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                _ => {}
            },
            Edit::Resize(n) => {
                if let Some(slot @ Value::String(_)) = spec.pointer_mut(at) {
                    *slot = Value::from("a".repeat(*n));
                }
            }
            Edit::Nudge(delta) => {
                if let Some(slot @ Value::Number(_)) = spec.pointer_mut(at) {
                    let moved = slot.as_i64().map_or(*delta, |n| n.saturating_add(*delta));
                    *slot = Value::from(moved);
                }
            }
            Edit::Fraction(part) => {
                if let Some(slot @ Value::Number(_)) = spec.pointer_mut(at) {
                    let whole = slot.as_f64().unwrap_or_default().trunc();
                    *slot = json!(whole + part);
                }
            }
            Edit::AddField(name, v) => {
                if let Some(Value::Object(map)) = spec.pointer_mut(at) {
                    map.insert(name.clone(), v.clone());
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        #[test]
        fn agrees_with_jsonschema_on_edited_specs(
            pick in any::<usize>(),
            edits in prop::collection::vec((any::<usize>(), edit()), 1..4),
        ) {
            let (walk, full) = (walkable(), compiled());
            let specs = valid_specs();
            let mut spec = specs[pick % specs.len()].clone();
            let mut donors = Vec::new();
            for s in &specs {
                let mut all = Vec::new();
                pointers(s, String::new(), &mut all);
                donors.extend(all.iter().filter_map(|p| s.pointer(p).cloned()));
            }
            for (target, edit) in &edits {
                let mut all = Vec::new();
                pointers(&spec, String::new(), &mut all);
                all.retain(|p| spec.pointer(p).is_some_and(|v| edit.fits(v)));
                if all.is_empty() {
                    continue;
                }
                let at = all[target % all.len()].clone();
                apply(&mut spec, &at, edit, &donors);
            }
            prop_assert!(agree(walk, &full, &spec).is_ok(), "{}", agree(walk, &full, &spec).unwrap_err());
        }
    }
}
