//! The review as workflow commands (`::error file=…,line=…::message`), the
//! lines GitHub Actions turns into annotations on a pull request's changed
//! lines; Forgejo and Gitea Actions runners accept the same syntax. Spec
//! problems are errors at their line and column; each change is one
//! annotation on the first line of its spec that differs from the base's,
//! its level by its impact; stale output is an error on the folder's file.

use super::{ClusterReview, Review};
use crate::backend::kit::footprint::Impact;
use crate::read::diagnostic::Diagnostics;

/// A workflow command's level.
fn level(impact: Impact) -> &'static str {
    match impact {
        Impact::Safe | Impact::RollingRestart => "notice",
        Impact::ManualStep => "warning",
        Impact::RefusedByKubernetes | Impact::DestroysData => "error",
    }
}

/// One workflow command. `properties` are `(key, value)`; values and the
/// message are escaped as the runner's parser expects (`%`, CR, LF; in
/// values also `:` and `,`), so no input can end the command early.
fn command(level: &str, properties: &[(&str, String)], message: &str) -> String {
    let escape_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    let space = if properties.is_empty() { "" } else { " " };
    format!(
        "::{level}{space}{}::{}\n",
        properties.join(","),
        escape_data(message)
    )
}

/// The review's annotations: stale output first, then every change, most
/// harmful first (a runner shows a limited number per step).
pub(crate) fn review(review: &Review) -> String {
    let mut out = String::new();
    for cluster in &review.clusters {
        if let Some(first) = cluster.stale.first() {
            out.push_str(&command(
                "error",
                &[
                    ("file", first.clone()),
                    ("title", format!("pgrender: {}: stale output", cluster.name)),
                ],
                &format!(
                    "{} generated file(s) differ from what the specs render: {}. Run `pgrender render` and commit the result.",
                    cluster.stale.len(),
                    cluster.stale.join(", ")
                ),
            ));
        }
    }
    let mut changes: Vec<(&ClusterReview, &crate::backend::kit::footprint::Change)> = review
        .clusters
        .iter()
        .flat_map(|c| {
            c.change
                .iter()
                .flat_map(move |cc| cc.changes.iter().map(move |ch| (c, ch)))
        })
        .collect();
    changes.sort_by_key(|(_, change)| std::cmp::Reverse(change.impact));
    for (cluster, change) in changes {
        let mut properties = Vec::new();
        if let Some(spec) = &cluster.spec {
            properties.push(("file", spec.file.clone()));
            properties.push(("line", spec.line.to_string()));
        }
        properties.push((
            "title",
            format!("pgrender: {}: {}", cluster.name, change.impact.as_str()),
        ));
        let mut message = change.what.clone();
        for (i, step) in change.steps.iter().enumerate() {
            message.push_str(&format!("\n{}. {step}", i + 1));
        }
        out.push_str(&command(level(change.impact), &properties, &message));
    }
    out
}

/// Spec problems, each at its file, line and column.
pub(crate) fn problems(diagnostics: &Diagnostics) -> String {
    diagnostics
        .0
        .iter()
        .map(|d| {
            let message = if d.field.is_empty() {
                d.message.clone()
            } else {
                format!("{}: {}", d.field, d.message)
            };
            command(
                "error",
                &[
                    ("file", d.file.trim_start_matches("./").to_string()),
                    ("line", d.pos.line.to_string()),
                    ("col", d.pos.column.to_string()),
                    ("title", "pgrender: invalid spec".to_string()),
                ],
                &message,
            )
        })
        .collect()
}

/// Any other error, with no place to point at.
pub(crate) fn error(message: &str) -> String {
    command("error", &[("title", "pgrender".to_string())], message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_value_can_end_a_command_early_or_forge_a_second_one() {
        assert_eq!(
            command(
                "error",
                &[("file", "a,b:c.yaml".into()), ("line", "3".into())],
                "50% done\n::error::forged"
            ),
            "::error file=a%2Cb%3Ac.yaml,line=3::50%25 done%0A::error::forged\n"
        );
        assert_eq!(error("x"), "::error title=pgrender::x\n");
    }
}
