//! No spec string may hold control characters: they are invisible in
//! review, and no Kubernetes name, URL or path needs them.

use serde_json::Value;

use super::Report;

pub(super) fn check(value: &Value, report: &mut Report<'_>) {
    walk(value, String::new(), report);
}

fn walk(value: &Value, pointer: String, report: &mut Report<'_>) {
    match value {
        Value::String(text) => {
            if let Some(c) = text.chars().find(|c| c.is_control()) {
                report.at_value(
                    &pointer,
                    format!(
                        "contains the control character U+{:04X}; remove it",
                        u32::from(c)
                    ),
                );
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, format!("{pointer}/{i}"), report);
            }
        }
        Value::Object(map) => {
            for (key, child) in map {
                let child_pointer = format!("{pointer}/{}", crate::yaml::escape(key));
                if key.chars().any(char::is_control) {
                    report.at_key(&child_pointer, "a field name contains a control character");
                    continue;
                }
                walk(child, child_pointer, report);
            }
        }
        _ => {}
    }
}
