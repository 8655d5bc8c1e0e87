//! `check`, for CI: render in memory, compare with the folders on disk,
//! say what each change would do, print the diff; exit 1 on drift. With
//! `--base REV` it is the review of a pull request: every cluster judged
//! against the output committed at REV (what ArgoCD syncs before the
//! merge), clusters added and removed, exit 3 when a change needs a
//! person; `--format` prints it as text, Markdown or workflow commands.

use std::path::Path;

use super::{
    BATCH, Console, EXIT_DRIFT, EXIT_OK, EXIT_REVIEW, orphan_folders, renamed_folders, warn,
};
use crate::error::Error;
use crate::judge::ValidSpec;
use crate::output;
use crate::output::changes::{self, ClusterChange};
use crate::output::review::{self, ClusterReview, Review, SpecLine, State};
use crate::pipeline::{Loaded, Pipeline};
use crate::plan::Plan;

/// How `check` prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Format {
    // Variants without doc comments: clap would show them in --help only,
    // and -h and --help print one text (the argument's help says each).
    // The change report and a unified diff, for a terminal or a CI log.
    #[default]
    Text,
    // A pull-request comment or job summary: a table of the clusters, their
    // steps, a collapsed diff of the generated files.
    Markdown,
    // Workflow commands (`::error file=…,line=…::`) that GitHub, Forgejo and
    // Gitea Actions read.
    Github,
}

/// What `check` is asked.
pub(crate) struct CheckRequest<'a> {
    pub path: &'a Path,
    pub out_root: &'a Path,
    /// The revision the changes are judged against; `None`: `HEAD`, and no
    /// exit 3.
    pub base: Option<&'a str>,
    pub format: Format,
}

impl CheckRequest<'_> {
    /// Whether this is a review (a base, or a format for one), which lists
    /// new and removed clusters as changes.
    fn reviewing(&self) -> bool {
        self.base.is_some() || self.format != Format::Text
    }
}

pub(crate) fn check(console: &mut dyn Console, request: &CheckRequest) -> Result<u8, Error> {
    match examine(console, request) {
        Ok(found) => print(console, request, &found),
        Err(error) => {
            // The review's reader sees why there is none, in its format.
            match request.format {
                Format::Text => {}
                Format::Markdown => console.out(&match diagnostics(&error) {
                    Some(d) => review::markdown::problems(d),
                    None => review::markdown::error(&error.to_string()),
                })?,
                Format::Github => console.out(&match diagnostics(&error) {
                    Some(d) => review::annotations::problems(d),
                    None => review::annotations::error(&error.to_string()),
                })?,
            }
            Err(error)
        }
    }
}

fn diagnostics(error: &Error) -> Option<&crate::read::diagnostic::Diagnostics> {
    match error {
        Error::Invalid(d) | Error::InvalidFile { diagnostics: d, .. } => Some(d),
        _ => None,
    }
}

/// Everything `check` found, before it is printed.
struct Found {
    specs: usize,
    baseline: output::Baseline,
    drift: Vec<output::Drift>,
    /// Folders that differ from the specs, for the note on uncommitted renders.
    drifted: Vec<String>,
    /// What render would refuse to replace: the advice must name it first.
    refusals: Vec<String>,
    /// The change report as text prints it.
    changes: Vec<ClusterChange>,
    review: Review,
}

fn examine(console: &mut dyn Console, request: &CheckRequest) -> Result<Found, Error> {
    let out_root = request.out_root;
    // A base that cannot be read fails first, before any work; `HEAD` is
    // read by git while the specs load.
    let pending = match request.base {
        Some(revision) => {
            output::PendingBaseline::Ready(output::Baseline::base(out_root, revision)?)
        }
        None => output::Baseline::start(out_root),
    };
    let pipeline = Pipeline::writing(request.path, out_root)?;
    let loaded = pipeline.load()?;
    warn(console, &loaded.warnings);
    let leftovers: Vec<String> = output::leftovers(out_root)
        .iter()
        .map(|l| format!("{} was left by an interrupted render; the next render removes it (or says why it cannot)", l.display()))
        .collect();
    warn(console, &leftovers);
    let mut found = Found {
        specs: loaded.specs.len(),
        baseline: output::Baseline::Disk,
        drift: Vec::new(),
        drifted: Vec::new(),
        refusals: Vec::new(),
        changes: Vec::new(),
        review: Review {
            revision: String::new(),
            out_root: out_root.display().to_string(),
            clusters: Vec::new(),
        },
    };
    let mut pending = Some(pending);
    let mut created = Vec::new();
    for batch in loaded.specs.chunks(BATCH) {
        let plans = pipeline.plan(batch)?;
        // Waited for once the first plans are made, so that git ran meanwhile.
        if let Some(pending) = pending.take() {
            found.baseline = pending.wait();
        }
        for (spec, plan) in batch.iter().zip(&plans) {
            if let Some(name) = cluster(&mut found, request, spec, plan)? {
                created.push(name);
            }
        }
    }
    if let Some(pending) = pending.take() {
        found.baseline = pending.wait();
    }
    let at_base = at_base(console, request, &found.baseline)?;
    removed_clusters(&mut found, request, &loaded, &created, at_base)?;
    found.review.revision = found
        .baseline
        .committed()
        .map_or_else(|| "the output on disk".to_string(), |c| c.revision.clone());
    Ok(found)
}

/// The folders the baseline's commit renders, for the clusters a review
/// lists as removed (the text report without a base names only orphan
/// folders on disk); a base with none is said.
fn at_base(
    console: &mut dyn Console,
    request: &CheckRequest,
    baseline: &output::Baseline,
) -> Result<std::collections::BTreeSet<String>, Error> {
    let Some(committed) = baseline.committed().filter(|_| request.reviewing()) else {
        return Ok(Default::default());
    };
    let folders = committed
        .generated_folders()
        .map_err(|why| output::OutputError::Git {
            path: request.out_root.to_path_buf(),
            why,
        })?;
    if let (Some(revision), true) = (request.base, folders.is_empty()) {
        warn(
            console,
            &[format!(
                "{revision} has no output in {}: every cluster is reported as new (if the base has output elsewhere, give that folder with --out-root)",
                request.out_root.display()
            )],
        );
    }
    Ok(folders)
}

/// One planned cluster: its drift, its change against the baseline, its
/// line in the review. The name when its folder is new on disk.
fn cluster(
    found: &mut Found,
    request: &CheckRequest,
    spec: &ValidSpec,
    plan: &Plan,
) -> Result<Option<String>, Error> {
    let out_root = request.out_root;
    let folder = out_root.join(&plan.name);
    let on_disk = output::read_folder(out_root, &plan.name)?;
    let drift = output::compare(out_root, plan, on_disk.as_ref());
    if !drift.is_empty() {
        found.drifted.push(plan.name.clone());
    }
    let stale = drift.iter().filter_map(drifted_file).collect();
    found.drift.extend(drift);
    if let Some(old) = &on_disk {
        found
            .refusals
            .extend(output::render_would_refuse(&folder, old));
    }
    let old = found.baseline.folder(out_root, &plan.name)?;
    let (state, change) = match &old {
        Some(old) => match changes::classify(old, plan) {
            Some(change) => (State::Changed, Some(change)),
            None => (State::Unchanged, None),
        },
        // Said only in a review: `render` and a plain `check` call it `created`.
        None => (
            State::New,
            request.reviewing().then(|| changes::added(&folder, plan)),
        ),
    };
    // Without a base, a new folder is `created`, not a change (as `render` says it).
    if state == State::Changed || request.base.is_some() {
        found.changes.extend(change.clone());
    }
    let diff = if request.format == Format::Markdown && state != State::Unchanged {
        review::folder_diff(
            &folder.display().to_string(),
            old.as_ref(),
            Some(&plan.files),
        )
    } else {
        review::FolderDiff::default()
    };
    let spec_line = if request.format == Format::Github {
        spec_line(&found.baseline, spec)
    } else {
        None
    };
    found.review.clusters.push(ClusterReview {
        name: plan.name.clone(),
        state,
        change,
        stale,
        spec: spec_line,
        diff,
    });
    Ok(on_disk.is_none().then(|| plan.name.clone()))
}

/// The file a drift entry names, as shown.
fn drifted_file(drift: &output::Drift) -> Option<String> {
    match drift {
        output::Drift::Missing { path }
        | output::Drift::Extra { path }
        | output::Drift::Changed { path, .. } => Some(path.display().to_string()),
        output::Drift::Orphan { .. } => None,
    }
}

/// Where an annotation about `spec` goes: its first line that differs
/// from the baseline's copy of it.
fn spec_line(baseline: &output::Baseline, spec: &ValidSpec) -> Option<SpecLine> {
    let file = spec.source.repository_path.clone()?;
    let now = std::fs::read_to_string(&spec.source.display).ok()?;
    let before = baseline
        .committed()
        .and_then(|c| c.file(&file).ok().flatten())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    let line = review::first_changed_line(before.as_deref(), &now);
    Some(SpecLine { file, line })
}

/// Folders the baseline's commit (`at_base`) or the disk has and no spec
/// renders any more: a
/// rename when new clusters appear, else a removal; an orphan folder
/// still on disk is drift as well.
fn removed_clusters(
    found: &mut Found,
    request: &CheckRequest,
    loaded: &Loaded,
    created: &[String],
    at_base: std::collections::BTreeSet<String>,
) -> Result<(), Error> {
    let out_root = request.out_root;
    // Only a check that saw the whole fleet can see folders whose spec is gone.
    let orphans = orphan_folders(out_root, loaded);
    let created: Vec<&str> = created.iter().map(String::as_str).collect();
    let mut gone: std::collections::BTreeSet<String> = orphans
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    if let Some(names) = &loaded.fleet_names {
        gone.extend(at_base.into_iter().filter(|name| !names.contains(name)));
    }
    if request.base.is_none() {
        found.changes.extend(renamed_folders(&orphans, &created));
    }
    let new: Vec<&str> = found
        .review
        .clusters
        .iter()
        .filter(|c| c.state == State::New)
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>();
    let mut removed = Vec::new();
    for name in &gone {
        let folder = out_root.join(name);
        let old = found.baseline.folder(out_root, name)?;
        let application = old
            .as_ref()
            .and_then(|files| files.get(crate::backend::kit::FOLDER_APPLICATION))
            .and_then(|text| changes::folder_application(&String::from_utf8_lossy(text)));
        let change = if new.is_empty() {
            changes::removed(&folder, application.as_deref())
        } else {
            changes::renamed(name, &new)
        };
        if request.base.is_some() {
            found.changes.push(change.clone());
        }
        let orphan = orphans.contains(&folder);
        let diff = if request.format == Format::Markdown {
            review::folder_diff(&folder.display().to_string(), old.as_ref(), None)
        } else {
            review::FolderDiff::default()
        };
        removed.push(ClusterReview {
            name: name.clone(),
            state: State::Removed,
            change: Some(change),
            stale: if orphan {
                vec![folder.display().to_string()]
            } else {
                Vec::new()
            },
            spec: None,
            diff,
        });
    }
    found.review.clusters.extend(removed);
    found.drift.extend(
        orphans
            .into_iter()
            .map(|path| output::Drift::Orphan { path }),
    );
    Ok(())
}

/// Print what was found in the format asked; the exit code.
fn print(console: &mut dyn Console, request: &CheckRequest, found: &Found) -> Result<u8, Error> {
    let out_root = request.out_root;
    let code = if !found.drift.is_empty() {
        EXIT_DRIFT
    } else if request.base.is_some() && found.review.needs_a_person() {
        EXIT_REVIEW
    } else {
        EXIT_OK
    };
    match request.format {
        Format::Markdown => console.out(&review::markdown::review(
            &found.review,
            review::markdown::LIMIT,
        ))?,
        Format::Github => console.out(&review::annotations::review(&found.review))?,
        Format::Text => print_text(console, request, found)?,
    }
    if code == EXIT_DRIFT {
        console.err(&advice(found, out_root));
    } else if code == EXIT_REVIEW {
        console.err(&format!(
            "review: merging needs a person ({}): follow the steps above before or at the merge\n",
            found.review.impact().map_or("", |i| i.as_str())
        ));
    }
    Ok(code)
}

fn print_text(
    console: &mut dyn Console,
    request: &CheckRequest,
    found: &Found,
) -> Result<(), Error> {
    let out_root = request.out_root;
    if found.drift.is_empty() {
        // Without a base, a current tree has nothing to report: `HEAD` is
        // what it renders, or the report was said when it was rendered.
        if request.base.is_some() {
            console.out(&super::framed_report(
                &found.baseline,
                out_root,
                &found.changes,
            ))?;
        }
        return console.out(&format!(
            "ok: {} spec(s) match {}\n",
            found.specs,
            out_root.display()
        ));
    }
    // What the drift would do to the cluster, above the diff itself.
    let mut buffer = super::framed_report(&found.baseline, out_root, &found.changes).into_bytes();
    output::print_drift(&mut buffer, &found.drift).expect("writing to memory cannot fail");
    console.out(&String::from_utf8_lossy(&buffer))
}

/// What fixes the drift `check` found: a folder rendered but not
/// committed goes back with git; then the plain render, or first what
/// stops it (folders render would refuse; orphans it never deletes).
fn advice(found: &Found, out_root: &Path) -> String {
    let reported: Vec<&str> = found.changes.iter().map(|c| c.name.as_str()).collect();
    let unexplained: Vec<&str> = found
        .drifted
        .iter()
        .map(String::as_str)
        .filter(|name| !reported.contains(name))
        .collect();
    let mut text = String::new();
    for note in found.baseline.uncommitted(out_root, &unexplained) {
        text.push_str(&format!("note: {note}\n"));
    }
    let mut first = found.refusals.clone();
    for d in &found.drift {
        if let output::Drift::Orphan { path } = d {
            first.push(changes::orphan_advice(path));
        }
    }
    // The last step: what `render` would do with this tree. Changes it
    // refuses are written by the step their own list names, as `render`
    // itself says when it refuses them.
    let last = changes::refused_next_step(&found.changes)
        .unwrap_or("run `pgrender render` and commit the result");
    text.push_str(&format!(
        "drift: {} file(s) differ from the specs; ",
        found.drift.len()
    ));
    if first.is_empty() {
        text.push_str(&format!("{last}\n"));
    } else {
        text.push_str("first fix what `pgrender render` cannot:\n");
        for item in &first {
            text.push_str(&format!("  - {item}\n"));
        }
        text.push_str(&format!("then {last}\n"));
    }
    text
}
