//! `render` never loses or half-writes anything: it refuses folders it does
//! not own, replaces whole folders, removes only its own stale files, and
//! repairs what an interrupted run left.

use std::fs::File;

use crate::support::{Workspace, assert_error, reference_spec, spec_with, stderr, stdout};

fn render(ws: &Workspace) -> std::process::Output {
    ws.run(&["render", "ref", "--out-root", "out"])
}

#[test]
fn refuses_a_folder_holding_files_it_did_not_generate() {
    let ws = Workspace::rendered();
    ws.write("out/postgresql/notes.txt", "mine\n");
    ws.write(
        "ref/postgresql.yaml",
        &reference_spec().replace("port: 5432", "port: 5433"),
    );
    let before = ws.out();
    let o = render(&ws);
    assert_error(
        &o,
        "holds files pgrender did not generate (not in CHECKSUMS): notes.txt",
    );
    assert_eq!(before, ws.out());
}

#[test]
fn refuses_a_non_empty_folder_without_checksums() {
    let ws = Workspace::empty();
    ws.write("ref/postgresql.yaml", &reference_spec());
    ws.write("out/postgresql/application.yaml", "handwritten: true\n");
    let before = ws.out();
    let o = render(&ws);
    assert_error(&o, "no readable CHECKSUMS");
    assert_eq!(before, ws.out());
}

#[test]
fn refuses_hand_edits_unless_forced() {
    let ws = Workspace::rendered();
    let values = ws.path().join("out/postgresql/values/values.yaml");
    let edited = std::fs::read_to_string(&values).expect("read") + "# my tweak\n";
    std::fs::write(&values, &edited).expect("edit");
    let before = ws.out();
    let o = render(&ws);
    assert_error(&o, "edited by hand: values/values.yaml");
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(before, ws.out());

    let o = ws.run(&["render", "ref", "--out-root", "out", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !std::fs::read_to_string(&values)
            .expect("read")
            .contains("my tweak")
    );
}

#[test]
fn removes_files_an_earlier_render_made_and_this_one_does_not() {
    let ws = Workspace::rendered();
    assert!(
        ws.path()
            .join("out/postgresql/argocd-repository.yaml")
            .exists()
    );
    // An https chart repository needs no OCI repository declaration.
    ws.write(
        "ref/postgresql.yaml",
        &reference_spec().replace(
            "oci://registry-1.docker.io/bitnamicharts",
            "https://charts.lan/bitnami",
        ),
    );
    let o = render(&ws);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "against: out as it is on disk (no git commit to compare with)\nchange: postgresql: safe\n  - safe: configuration only: no pod restarts\nupdated: out/postgresql\n"
    );
    assert!(
        !ws.path()
            .join("out/postgresql/argocd-repository.yaml")
            .exists()
    );
    let o = ws.run(&["check", "ref", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn an_invalid_spec_among_several_writes_nothing_at_all() {
    let ws = Workspace::empty();
    ws.write("ref/a.yaml", &reference_spec());
    ws.write(
        "ref/b.yaml",
        &spec_with("other", "  network:\n    loadBalancerIP: 10.0.0.1\n    addressPool:\n      name: other\n      addresses: [10.0.0.0/24]\n  postgres:\n    instances: 0\n"),
    );
    let o = render(&ws);
    assert_error(&o, "ref/b.yaml:");
    assert!(
        !ws.path().join("out").exists(),
        "nothing may be written when any spec is invalid"
    );
}

#[test]
fn refuses_to_replace_a_file_or_symlink_with_an_output_folder() {
    let ws = Workspace::empty();
    ws.write("ref/postgresql.yaml", &reference_spec());
    ws.write("out/postgresql", "I am a file\n");
    let o = render(&ws);
    assert_error(&o, "is not a folder");
    assert_eq!(
        std::fs::read_to_string(ws.path().join("out/postgresql")).expect("kept"),
        "I am a file\n"
    );
}

#[test]
fn leftovers_of_an_interrupted_render_are_cleaned_up_and_reported() {
    let ws = Workspace::rendered();
    ws.write(
        "out/.pgrender-staging-postgresql/application.yaml",
        "half written",
    );
    let o = render(&ws);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("note: removed out/.pgrender-staging-postgresql"),
        "{}",
        stdout(&o)
    );
    assert!(!ws.path().join("out/.pgrender-staging-postgresql").exists());
}

#[test]
fn an_old_tree_moved_aside_by_an_interrupted_swap_is_restored() {
    let ws = Workspace::rendered();
    // The two-rename fallback was killed after moving the old tree aside.
    std::fs::rename(
        ws.path().join("out/postgresql"),
        ws.path().join("out/.pgrender-old-postgresql"),
    )
    .expect("mv");
    let o = ws.run(&["render", "ref", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("note: restored out/postgresql"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("unchanged: out/postgresql"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_concurrent_render_is_refused_with_a_clear_message() {
    let ws = Workspace::rendered();
    let held = File::open(ws.path().join("out")).expect("open out");
    held.try_lock()
        .expect("take the lock as another render would");
    let o = render(&ws);
    assert_error(&o, "another pgrender is writing this output root");
    drop(held);
    assert_eq!(render(&ws).status.code(), Some(0));
}

/// What a power cut shortly after a render leaves on ext4 (render does not
/// flush): the new folder in place with some or all of its files empty.
fn empty_out(ws: &Workspace, files: &[&str]) {
    for file in files {
        ws.write(&format!("out/postgresql/{file}"), "");
    }
}

#[test]
fn files_emptied_by_a_power_cut_are_regenerated_with_a_note() {
    let ws = Workspace::rendered();
    let rendered = ws.out();
    empty_out(&ws, &["values/values.yaml", "README.md"]);
    let o = render(&ws);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "note: out/postgresql: README.md, values/values.yaml were empty, as a power cut shortly after a render leaves them; regenerated"
        ),
        "{}",
        stdout(&o)
    );
    assert_eq!(rendered, ws.out());

    let all: Vec<&str> = rendered
        .keys()
        .map(|k| k.strip_prefix("postgresql/").expect("one folder"))
        .collect();
    empty_out(&ws, &all);
    let o = render(&ws);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("every file was empty"),
        "{}",
        stdout(&o)
    );
    assert_eq!(rendered, ws.out());
}

#[test]
fn an_emptied_checksums_file_stops_render_even_with_force() {
    let ws = Workspace::rendered();
    ws.write("out/postgresql/notes.txt", "mine\n");
    empty_out(&ws, &["CHECKSUMS"]);
    let before = ws.out();
    for args in [
        &["render", "ref", "--out-root", "out"][..],
        &["render", "ref", "--out-root", "out", "--force"],
    ] {
        let o = ws.run(args);
        assert_error(
            &o,
            "CHECKSUMS is empty, as a power cut shortly after a render leaves it",
        );
        assert_eq!(before, ws.out(), "notes.txt and the rest stay as they were");
    }
}

/// `check` on a hand edit says what `render` needs first: it refuses to
/// overwrite a hand edit without --force, so "run render" alone would not help.
#[test]
fn check_advice_on_a_hand_edit_is_what_render_needs() {
    let ws = Workspace::rendered();
    let values = ws.path().join("out/postgresql/values/values.yaml");
    let edited = std::fs::read_to_string(&values)
        .expect("values")
        .replace("maxConnections: 100", "maxConnections: 120");
    std::fs::write(&values, edited).expect("edit");
    let o = ws.run(&["check", "ref", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with(
            "drift: 1 file(s) differ from the specs; first fix what `pgrender render` cannot:\n  \
             - out/postgresql: generated files were edited by hand: values/values.yaml; put the change into the spec, or pass --force to overwrite them\n\
             then run `pgrender render` and commit the result\n"
        ),
        "{}",
        stderr(&o)
    );
    // The advice is true: render refuses until --force.
    assert_eq!(
        ws.run(&["render", "ref", "--out-root", "out"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        ws.run(&["render", "ref", "--out-root", "out", "--force"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        ws.run(&["check", "ref", "--out-root", "out"]).status.code(),
        Some(0)
    );
}
