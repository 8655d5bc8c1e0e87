//! No spec string may hold control characters: they are invisible in
//! review, and no Kubernetes name, URL or path needs them.

use serde_json::Value;

use super::walk::{Next, walk};
use crate::read::diagnostic::Report;

pub(super) fn check(value: &Value, report: &mut Report<'_>) {
    walk(value, &mut |pointer, field, node| {
        if field.is_some_and(|name| name.chars().any(char::is_control)) {
            report.at_key(pointer, "a field name contains a control character");
            return Next::Skip;
        }
        if let Some(c) = node
            .as_str()
            .and_then(|text| text.chars().find(|c| c.is_control()))
        {
            report.at_value(
                pointer,
                format!(
                    "contains the control character U+{:04X}; remove it",
                    u32::from(c)
                ),
            );
        }
        Next::Descend
    });
}
