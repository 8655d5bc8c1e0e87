//! The review as Markdown, for a pull-request comment or a CI job summary:
//! the verdict, one table of the clusters merging touches, then per cluster
//! its changes with their steps and a collapsed diff of its generated
//! files. Bounded in size: forges cap a comment (GitHub at 65,536
//! characters), so diffs are cut first, with a note that says so.

use super::{ClusterReview, FolderDiff, Review, State};
use crate::read::diagnostic::Diagnostics;

/// The size the Markdown stays under, in bytes: below GitHub's cap on a
/// comment, with room for what a workflow adds around it.
pub(crate) const LIMIT: usize = 60_000;

/// The review as Markdown of at most `limit` bytes (the diffs are cut to
/// fit; the rest is always whole).
pub(crate) fn review(review: &Review, limit: usize) -> String {
    let mut out = format!(
        "## pgrender: what merging this does to the running clusters\n\n\
         Judged against `{}` as committed at `{}`, what ArgoCD syncs before the merge.\n\n",
        review.out_root, review.revision
    );
    out.push_str(&verdict(review));
    let shown: Vec<&ClusterReview> = review
        .clusters
        .iter()
        .filter(|c| c.state != State::Unchanged || !c.stale.is_empty())
        .collect();
    let unchanged = review.clusters.len() - shown.len();
    if !shown.is_empty() {
        out.push_str(
            "| cluster | on merge | impact | committed output |\n| --- | --- | --- | --- |\n",
        );
        for cluster in &shown {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                cluster.name,
                cluster.state.as_str(),
                impact(cluster),
                if cluster.stale.is_empty() {
                    "current".to_string()
                } else {
                    format!("**stale**: {} file(s) differ", cluster.stale.len())
                }
            ));
        }
        out.push('\n');
    }
    if unchanged > 0 {
        out.push_str(&format!(
            "{unchanged} other cluster(s): unchanged, output current.\n\n"
        ));
    }
    let sections: Vec<String> = shown.iter().map(|c| section(c)).collect();
    let fixed: usize = out.len() + sections.iter().map(String::len).sum::<usize>();
    // Each diff's wrapper and its note, whether or not the diff fits.
    let wrappers = shown.len() * 400;
    let mut budget = limit.saturating_sub(fixed + wrappers);
    for (cluster, section) in shown.iter().zip(sections) {
        out.push_str(&section);
        out.push_str(&details(&cluster.diff, &mut budget, &review.revision));
    }
    out
}

/// The first lines: what the exit code says, in words.
fn verdict(review: &Review) -> String {
    if !review.current() {
        "**The committed output is stale**: it is not what the specs render. Run `pgrender render` and commit \
         the result; until then this report describes what the specs would do, not what would be synced.\n\n"
            .to_string()
    } else if review.needs_a_person() {
        "**A person must act**: a change below needs a manual step, a sync Kubernetes refuses, or loses data. \
         Follow its steps, in order, before or at the merge.\n\n"
            .to_string()
    } else if review.impact().is_some() {
        "The committed output is current and every change applies by itself at the next sync.\n\n"
            .to_string()
    } else {
        "No cluster changes: the committed output is current and equal to the base's.\n\n"
            .to_string()
    }
}

fn impact(cluster: &ClusterReview) -> String {
    match cluster.impact() {
        Some(impact) if impact >= crate::backend::kit::footprint::Impact::ManualStep => {
            format!("**{}**", impact.as_str())
        }
        Some(impact) => impact.as_str().to_string(),
        None => "none".to_string(),
    }
}

/// A cluster's changes with their steps.
fn section(cluster: &ClusterReview) -> String {
    let mut out = format!("### `{}`: {}\n\n", cluster.name, impact(cluster));
    if !cluster.stale.is_empty() {
        out.push_str(&format!(
            "- **stale output**: {} differ from what the specs render; run `pgrender render` and commit\n",
            cluster
                .stale
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for change in cluster.change.iter().flat_map(|c| &c.changes) {
        out.push_str(&format!(
            "- **{}**: {}\n",
            change.impact.as_str(),
            inline(&change.what)
        ));
        for (i, step) in change.steps.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", i + 1, inline(step)));
        }
    }
    if cluster.change.is_none() && cluster.stale.is_empty() {
        out.push_str("- nothing it runs changes\n");
    }
    out.push('\n');
    out
}

/// The diff, collapsed, cut to what is left of `budget`.
fn details(diff: &FolderDiff, budget: &mut usize, revision: &str) -> String {
    if diff.files == 0 {
        return String::new();
    }
    let mut shown = String::new();
    let mut cut = 0;
    for line in diff.text.split_inclusive('\n') {
        if cut == 0 && shown.len() + line.len() <= *budget {
            shown.push_str(line);
        } else {
            cut += 1;
        }
    }
    *budget -= shown.len();
    let fence = fence_for(&shown);
    let mut out = format!(
        "<details><summary>Generated files: {} changed, +{} -{} lines</summary>\n\n",
        diff.files, diff.added, diff.removed
    );
    if !shown.is_empty() {
        out.push_str(&format!("{fence}diff\n{shown}{fence}\n\n"));
    }
    if cut > 0 {
        out.push_str(&format!(
            "*Cut: {cut} more line(s) of this diff do not fit in one comment; \
             `pgrender check --base {revision}` prints the whole diff.*\n\n"
        ));
    }
    out.push_str("</details>\n\n");
    out
}

/// A code fence longer than any run of backticks in `text`.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// pgrender's own sentence as Markdown: what is outside code spans is
/// escaped for HTML, so a placeholder like `<old>` is shown, not parsed as
/// a tag; code spans are left as they are (Markdown shows them literally).
fn inline(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                part.to_string()
            } else {
                part.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('|', "\\|")
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// Spec problems as Markdown: the reviewer sees why the check failed.
pub(crate) fn problems(diagnostics: &Diagnostics) -> String {
    let mut out = format!(
        "## pgrender: the specs are invalid\n\n{} problem(s); nothing can be judged until they are fixed:\n\n",
        diagnostics.0.len()
    );
    for d in &diagnostics.0 {
        out.push_str(&format!("- `{}:{}:{}`: ", d.file, d.pos.line, d.pos.column));
        if !d.field.is_empty() {
            out.push_str(&format!("`{}`: ", d.field));
        }
        out.push_str(&inline(&d.message.replace('`', "'")));
        out.push('\n');
    }
    out
}

/// Any other error as Markdown.
pub(crate) fn error(message: &str) -> String {
    format!(
        "## pgrender: the check failed\n\n{}\n",
        inline(&message.replace('`', "'"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::review::{ClusterReview, FolderDiff};

    fn cluster(name: &str, diff_lines: usize) -> ClusterReview {
        let text: String = (0..diff_lines).map(|i| format!("+line {i}\n")).collect();
        ClusterReview {
            name: name.into(),
            state: State::New,
            change: None,
            stale: Vec::new(),
            spec: None,
            diff: FolderDiff {
                text,
                files: 1,
                added: diff_lines,
                removed: 0,
            },
        }
    }

    #[test]
    fn diffs_are_cut_to_the_limit_with_a_note_and_the_rest_stays_whole() {
        let review = Review {
            revision: "origin/main".into(),
            out_root: "kubernetes/applications".into(),
            clusters: vec![cluster("a", 5_000), cluster("b", 5_000)],
        };
        let text = super::review(&review, 20_000);
        assert!(text.len() <= 20_000, "{}", text.len());
        assert!(text.contains("### `a`") && text.contains("### `b`"));
        assert!(
            text.contains("more line(s) of this diff do not fit"),
            "{text}"
        );
        assert!(text.contains("`pgrender check --base origin/main`"));
        let whole = super::review(&review, 10_000_000);
        assert!(!whole.contains("do not fit"));
        assert!(whole.contains("+line 4999\n"));
    }

    #[test]
    fn placeholders_outside_code_are_escaped_and_code_is_left_alone() {
        assert_eq!(
            inline("patch application <old> with `kubectl get <x>` | a"),
            "patch application &lt;old&gt; with `kubectl get <x>` \\| a"
        );
        assert_eq!(fence_for("a ```` b"), "`````");
        assert_eq!(fence_for("plain"), "```");
    }
}
