//! A depth-first walk over a spec's JSON value that gives every node its
//! JSON Pointer, for the checks that look at every field the same way.

use serde_json::Value;

use crate::read::yaml::escape;

/// What to do after visiting a node.
pub(super) enum Next {
    /// Visit the node's children.
    Descend,
    /// Leave its children alone (the node is already reported as a whole).
    Skip,
}

/// Call `visit(pointer, field_name, node)` for the root (pointer `""`, no
/// field name) and every node below it; `field_name` is set for object
/// entries. One pointer buffer is grown and cut back as the walk goes.
pub(super) fn walk(value: &Value, visit: &mut impl FnMut(&str, Option<&str>, &Value) -> Next) {
    let mut pointer = String::new();
    step(value, None, &mut pointer, visit);
}

fn step(
    value: &Value,
    field: Option<&str>,
    pointer: &mut String,
    visit: &mut impl FnMut(&str, Option<&str>, &Value) -> Next,
) {
    if let Next::Skip = visit(pointer, field, value) {
        return;
    }
    let parent = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointer.push('/');
                pointer.push_str(&escape(key));
                step(child, Some(key), pointer, visit);
                pointer.truncate(parent);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&i.to_string());
                step(child, None, pointer, visit);
                pointer.truncate(parent);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Next, walk};

    #[test]
    fn gives_every_node_its_pointer_and_honours_skip() {
        let value = json!({"a": {"b/c": [1, {"d": 2}]}, "skip": {"hidden": 3}});
        let mut seen = Vec::new();
        walk(&value, &mut |pointer, field, _| {
            seen.push((pointer.to_string(), field.map(str::to_string)));
            if field == Some("skip") {
                Next::Skip
            } else {
                Next::Descend
            }
        });
        let pointers: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "",
                "/a",
                "/a/b~1c",
                "/a/b~1c/0",
                "/a/b~1c/1",
                "/a/b~1c/1/d",
                "/skip"
            ]
        );
        assert_eq!(seen[2].1.as_deref(), Some("b/c"), "field names unescaped");
        assert_eq!(seen[3].1, None, "list items have no field name");
    }
}
