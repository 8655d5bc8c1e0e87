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
//! - the schema is read into `Node`, which lists every keyword it evaluates;
//!   a schema with any other keyword does not load, and every spec then
//!   takes the full path (a test keeps the committed schema loadable here);
//! - a property test compares this walk with jsonschema on valid specs and on
//!   thousands of mutated ones.
//!
//! The walk reads `WALK_SCHEMA`, the committed schema without annotations
//! (build.rs, the one list of what may be ignored): a quarter of the bytes,
//! and 36% fewer instructions to load.
//! The tests compare it with jsonschema compiled from the committed file.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// One schema object, restricted to the draft-07 keywords our generated
/// schema uses.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Node {
    #[serde(rename = "type")]
    types: Option<Types>,
    #[serde(rename = "enum")]
    one_of_values: Option<Vec<Value>>,
    #[serde(rename = "const")]
    constant: Option<Value>,
    #[serde(rename = "$ref")]
    reference: Option<String>,
    #[serde(rename = "allOf")]
    all_of: Option<Vec<Node>>,
    #[serde(rename = "anyOf")]
    any_of: Option<Vec<Node>>,
    properties: Option<BTreeMap<String, Node>>,
    #[serde(rename = "additionalProperties")]
    additional_properties: Option<Additional>,
    required: Option<Vec<String>>,
    items: Option<Box<Node>>,
    #[serde(rename = "minItems")]
    min_items: Option<u64>,
    #[serde(rename = "minLength")]
    min_length: Option<u64>,
    #[serde(rename = "maxLength")]
    max_length: Option<u64>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    format: Option<String>,
    definitions: Option<BTreeMap<String, Node>>,
}

/// `type`: one name or a list. (Hand-written visitors: serde's untagged
/// enums buffer every value first, which doubled the load time.)
#[derive(Debug)]
enum Types {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for Types {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypesVisitor;
        impl<'de> serde::de::Visitor<'de> for TypesVisitor {
            type Value = Types;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a type name or a list of them")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Types, E> {
                Ok(Types::One(name.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Types, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element()? {
                    names.push(name);
                }
                Ok(Types::Many(names))
            }
        }
        deserializer.deserialize_any(TypesVisitor)
    }
}

/// `additionalProperties`: a boolean or a schema.
#[derive(Debug)]
enum Additional {
    Allowed(bool),
    Each(Box<Node>),
}

impl<'de> Deserialize<'de> for Additional {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AdditionalVisitor;
        impl<'de> serde::de::Visitor<'de> for AdditionalVisitor {
            type Value = Additional;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a boolean or a schema")
            }
            fn visit_bool<E: serde::de::Error>(self, allowed: bool) -> Result<Additional, E> {
                Ok(Additional::Allowed(allowed))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Additional, A::Error> {
                let node = Node::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Additional::Each(Box::new(node)))
            }
        }
        deserializer.deserialize_any(AdditionalVisitor)
    }
}

/// The committed schema without annotations, as build.rs prepares it.
pub(super) const WALK_SCHEMA: &str = include_str!(concat!(env!("OUT_DIR"), "/schema-walk.json"));

/// `format`s the walk may ignore: the ones schemars writes for Rust number
/// types, which jsonschema does not know and so never asserts (a test checks
/// that against jsonschema). Asking jsonschema at run time would build its
/// options, and seed their hash maps from /dev/urandom, on every valid render.
const UNASSERTED_FORMATS: [&str; 10] = [
    "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float", "double",
];

/// The schema's root, ready to walk; `None` when the schema uses a keyword
/// this module does not evaluate (or a `format` outside `UNASSERTED_FORMATS`,
/// or a `$ref` beside other keywords, which draft 7 ignores).
pub(super) fn load(schema_json: &str) -> Option<Node> {
    let root: Node = serde_json::from_str(schema_json).ok()?;
    root.is_supported().then_some(root)
}

impl Node {
    fn is_supported(&self) -> bool {
        let checked_format = self
            .format
            .as_deref()
            .is_some_and(|f| !UNASSERTED_FORMATS.contains(&f));
        let beside_ref = self.reference.is_some()
            && (self.types.is_some()
                || self.one_of_values.is_some()
                || self.constant.is_some()
                || self.all_of.is_some()
                || self.any_of.is_some()
                || self.properties.is_some()
                || self.additional_properties.is_some()
                || self.required.is_some()
                || self.items.is_some()
                || self.min_items.is_some()
                || self.min_length.is_some()
                || self.max_length.is_some()
                || self.minimum.is_some()
                || self.maximum.is_some()
                || self.format.is_some());
        let local_ref = self
            .reference
            .as_deref()
            .is_none_or(|r| r.starts_with("#/definitions/"));
        !checked_format && !beside_ref && local_ref && self.children().all(Node::is_supported)
    }

    fn children(&self) -> impl Iterator<Item = &Node> {
        let lists = [&self.all_of, &self.any_of]
            .into_iter()
            .flatten()
            .flat_map(|list| list.iter());
        let maps = [&self.properties, &self.definitions]
            .into_iter()
            .flatten()
            .flat_map(|map| map.values());
        let additional = match &self.additional_properties {
            Some(Additional::Each(node)) => Some(node.as_ref()),
            _ => None,
        };
        lists
            .chain(maps)
            .chain(self.items.as_deref())
            .chain(additional)
    }

    /// `true` only when `value` satisfies this node (`root` resolves `$ref`s);
    /// `false` means invalid or not sure, and the caller asks jsonschema.
    pub(super) fn accepts(&self, root: &Node, value: &Value) -> bool {
        if let Some(reference) = &self.reference {
            let name = reference.trim_start_matches("#/definitions/");
            return root
                .definitions
                .as_ref()
                .and_then(|d| d.get(name))
                .is_some_and(|target| target.accepts(root, value));
        }
        self.types.as_ref().is_none_or(|t| t.admit(value))
            && self
                .one_of_values
                .as_ref()
                .is_none_or(|options| options.iter().any(|o| same_json(o, value)))
            && self.constant.as_ref().is_none_or(|c| same_json(c, value))
            && self
                .all_of
                .as_ref()
                .is_none_or(|all| all.iter().all(|n| n.accepts(root, value)))
            && self
                .any_of
                .as_ref()
                .is_none_or(|any| any.iter().any(|n| n.accepts(root, value)))
            && self.accepts_shape(root, value)
    }

    /// The keywords that apply to one JSON type only.
    fn accepts_shape(&self, root: &Node, value: &Value) -> bool {
        match value {
            Value::Object(map) => {
                let known = |key: &str| self.properties.as_ref().and_then(|p| p.get(key));
                self.required
                    .as_ref()
                    .is_none_or(|keys| keys.iter().all(|k| map.contains_key(k)))
                    && map.iter().all(|(key, item)| match known(key) {
                        Some(node) => node.accepts(root, item),
                        None => match &self.additional_properties {
                            None | Some(Additional::Allowed(true)) => true,
                            Some(Additional::Allowed(false)) => false,
                            Some(Additional::Each(node)) => node.accepts(root, item),
                        },
                    })
            }
            Value::Array(list) => {
                self.min_items.is_none_or(|min| list.len() as u64 >= min)
                    && self
                        .items
                        .as_ref()
                        .is_none_or(|node| list.iter().all(|item| node.accepts(root, item)))
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
}

impl Types {
    fn admit(&self, value: &Value) -> bool {
        match self {
            Types::One(name) => type_matches(name, value),
            Types::Many(names) => names.iter().any(|name| type_matches(name, value)),
        }
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        // Draft 7: an integer is any number without a fractional part (1.0 too).
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        // An unknown type name matches nothing; jsonschema would refuse the
        // schema, and `load` never sees one in the committed schema.
        _ => false,
    }
}

/// JSON equality as JSON Schema defines it: numbers by value (1 == 1.0).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (exact_f64(x), exact_f64(y)) {
            (Some(x), Some(y)) => x == y,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, a)| y.get(key).is_some_and(|b| same_json(a, b)))
        }
        _ => a == b,
    }
}

/// The number as f64 when that loses nothing.
fn exact_f64(number: &serde_json::Number) -> Option<f64> {
    const EXACT: u64 = 1 << 53;
    if let Some(u) = number.as_u64() {
        return (u <= EXACT).then_some(u as f64);
    }
    if let Some(i) = number.as_i64() {
        return (i.unsigned_abs() <= EXACT).then_some(i as f64);
    }
    number.as_f64()
}

#[cfg(test)]
mod tests {
    //! The walk must agree with jsonschema: never accept what it rejects
    //! (that would let a bad spec through), and accept what it accepts (or
    //! the fast path is lost).

    use std::path::{Path, PathBuf};

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::{Node, UNASSERTED_FORMATS, WALK_SCHEMA, load};

    const SCHEMA: &str = include_str!("../../schemas/pgcluster.schema.json");

    fn walkable() -> Node {
        load(WALK_SCHEMA).expect("the committed schema uses only keywords the walk evaluates")
    }

    fn compiled() -> jsonschema::Validator {
        let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
        jsonschema::options()
            .build(&schema)
            .expect("schema compiles")
    }

    fn agree(walk: &Node, full: &jsonschema::Validator, value: &Value) -> Result<(), String> {
        let fast = walk.accepts(walk, value);
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
        assert!(load(r##"{"type": "string", "pattern": "^a"}"##).is_none());
        assert!(load(r##"{"type": "string", "format": "ipv4"}"##).is_none());
        assert!(
            load(r##"{"$ref": "#/definitions/A", "minLength": 1, "definitions": {"A": {}}}"##)
                .is_none()
        );
        assert!(load(r##"{"$ref": "other.json#/definitions/A"}"##).is_none());
        assert!(load(r##"{"type": "integer", "format": "uint32"}"##).is_some());
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
                walk.accepts(&walk, spec),
                "a golden spec is not accepted by the walk: {spec:#}"
            );
        }
        values.extend(
            yaml_files(&root().join("tests/corpus/bad"))
                .iter()
                .filter_map(|p| parse(p)),
        );
        for value in &values {
            agree(&walk, &full, value).unwrap_or_else(|e| panic!("{e}"));
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
            prop_assert!(agree(&walk, &full, &spec).is_ok(), "{}", agree(&walk, &full, &spec).unwrap_err());
        }
    }
}
