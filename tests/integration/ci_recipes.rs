//! The CI recipes of `examples/ci/` run. Each recipe is parsed; its steps
//! that run shell are run in order, as the forge would (bash with `-e` and
//! `pipefail`, the step's `env:`, the forge's files for outputs and
//! summaries), in a clone of a repository whose `main` is the base and
//! whose branch holds one change. The step that installs pgrender must be
//! the README's command (the binary under test stands in for it); the
//! forge API is a stub `curl` that records what it was sent. Each scenario
//! checks the exit code of the job, the Markdown and the annotations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{git_ok as git, repo_root};

/// What a forge expression in a recipe stands for in these runs; any
/// other expression fails the test.
const EXPRESSIONS: &[(&str, &str)] = &[
    ("github.base_ref", "main"),
    ("github.server_url", "https://forge.invalid"),
    ("github.repository", "homelab/gitops"),
    ("github.event.pull_request.number", "7"),
    ("secrets.PGRENDER_COMMENT_TOKEN", "token-for-tests"),
    ("steps.review.outputs.exit-code", "unused"),
];

/// One step of a recipe's review job that runs shell.
#[derive(Debug)]
struct Step {
    name: String,
    script: String,
    env: BTreeMap<String, String>,
}

/// `${{ expr }}` replaced by its value in `EXPRESSIONS`.
fn substitute(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        let expression = rest[start + 3..end].trim();
        let value = EXPRESSIONS
            .iter()
            .find(|(e, _)| *e == expression)
            .unwrap_or_else(|| {
                panic!("a recipe uses ${{{{ {expression} }}}}, unknown to this test")
            })
            .1;
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn recipe(file: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(repo_root().join("examples/ci").join(file)).expect(file);
    pgrender::parse_stream(&text).expect("yaml").remove(0)
}

/// The install command the README gives for CI, with its placeholders.
fn is_install(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["cargo", "install", "--locked", "--git", url, "--rev", rev, "pgrender"]
            if url.starts_with("https://")
                && rev.len() == 40
                && rev.chars().all(|c| c.is_ascii_hexdigit())
    )
}

/// GitHub and Forgejo Actions: the `run` steps of the job `review`, the
/// install step checked and left out.
fn actions_steps(doc: &serde_json::Value) -> Vec<Step> {
    let steps = doc["jobs"]["review"]["steps"].as_array().expect("steps");
    let mut installs = 0;
    let mut out = Vec::new();
    for step in steps {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        if is_install(script.trim()) {
            installs += 1;
            continue;
        }
        let env = step["env"]
            .as_object()
            .map(|env| {
                env.iter()
                    .map(|(k, v)| (k.clone(), substitute(v.as_str().expect("env value"))))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            !script.contains("${{"),
            "expressions belong in env:, not in scripts"
        );
        out.push(Step {
            name: step["name"].as_str().unwrap_or("run").to_string(),
            script: script.to_string(),
            env,
        });
    }
    assert_eq!(installs, 1, "one step installs pgrender the README's way");
    out
}

/// GitLab CI: `before_script` and `script` of the job, one shell, the
/// install line checked and left out.
fn gitlab_steps(doc: &serde_json::Value) -> Vec<Step> {
    let job = &doc["pgrender-review"];
    assert_eq!(job["allow_failure"]["exit_codes"], serde_json::json!([3]));
    let lines: Vec<&str> = ["before_script", "script"]
        .iter()
        .flat_map(|key| job[key].as_array().expect(key).iter())
        .map(|line| line.as_str().expect("a script line"))
        .collect();
    assert_eq!(lines.iter().filter(|l| is_install(l)).count(), 1);
    vec![Step {
        name: "script".into(),
        script: lines
            .into_iter()
            .filter(|l| !is_install(l))
            .collect::<Vec<_>>()
            .join("\n"),
        env: [(
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME".to_string(),
            "main".to_string(),
        )]
        .into(),
    }]
}

/// What one run of a recipe's job left.
#[derive(Debug)]
struct Run {
    /// The exit code of the job: its first failing step's, else 0.
    code: i32,
    log: String,
    summary: String,
    outputs: String,
    /// What the stub `curl` was asked and sent.
    curl: String,
}

fn run_job(steps: &[Step], clone: &Path, tools: &Path) -> Run {
    let files = tempfile::tempdir().expect("tempdir");
    let summary = files.path().join("summary.md");
    let outputs = files.path().join("outputs");
    let curl = files.path().join("curl.log");
    for file in [&summary, &outputs, &curl] {
        std::fs::write(file, "").expect("forge file");
    }
    let path = format!(
        "{}:{}:{}",
        tools.display(),
        PathBuf::from(env!("CARGO_BIN_EXE_pgrender"))
            .parent()
            .expect("folder")
            .display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut log = String::new();
    let mut code = 0;
    for step in steps {
        let o = Command::new("bash")
            .args([
                "--noprofile",
                "--norc",
                "-eo",
                "pipefail",
                "-c",
                &step.script,
            ])
            .current_dir(clone)
            .envs(&step.env)
            .env("PATH", &path)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &outputs)
            .env("CURL_LOG", &curl)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("bash");
        log.push_str(&format!(
            "== {}\n{}{}",
            step.name,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ));
        code = o.status.code().expect("exit code");
        if code != 0 {
            break;
        }
    }
    let read = |p: &Path| std::fs::read_to_string(p).expect("forge file");
    Run {
        code,
        log,
        summary: read(&summary),
        outputs: read(&outputs),
        curl: read(&curl),
    }
}

fn pgrender_in(dir: &Path, args: &[&str]) -> i32 {
    let o = crate::support::pgrender(dir, args);
    o.status.code().expect("exit code")
}

/// A change a pull request makes, and what the review must say.
struct Scenario {
    name: &'static str,
    /// Edits the clone's work tree (before `render`, when it renders).
    change: fn(&Path),
    /// `render` flags, or `None` to commit the spec without its output.
    render: Option<&'static [&'static str]>,
    /// `pgrender check --base`'s exit code.
    code: i32,
    /// In the Markdown, and in the annotations.
    markdown: &'static str,
    annotation: &'static str,
}

fn append_to_spec(clone: &Path, text: &str) {
    let spec = clone.join("kubernetes/specs/postgresql.yaml");
    let mut body = std::fs::read_to_string(&spec).expect("spec");
    body.push_str(text);
    std::fs::write(&spec, body).expect("spec");
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "more memory",
        change: |c| append_to_spec(c, "  resources:\n    cpu: \"2\"\n    memory: 8Gi\n"),
        render: Some(&[]),
        code: 0,
        markdown: "| `postgresql` | changes | rolling restart | current |",
        annotation: "::notice file=kubernetes/specs/postgresql.yaml,line=21,",
    },
    Scenario {
        name: "a resize",
        change: |c| append_to_spec(c, "  storage:\n    size: 80Gi\n"),
        render: Some(&[]),
        code: 3,
        markdown: "| `postgresql` | changes | **manual step** | current |",
        annotation: "::warning file=kubernetes/specs/postgresql.yaml,line=21,title=pgrender%3A postgresql%3A manual step::data volumes 50Gi -> 80Gi",
    },
    Scenario {
        name: "a downgrade",
        change: |c| append_to_spec(c, "  postgres:\n    version: \"15\"\n"),
        render: Some(&["--allow-destructive"]),
        code: 3,
        markdown: "| `postgresql` | changes | **destroys data** | current |",
        annotation: "::error file=kubernetes/specs/postgresql.yaml,line=21,title=pgrender%3A postgresql%3A destroys data::PostgreSQL 16 -> 15",
    },
    Scenario {
        name: "a new cluster",
        change: |c| {
            let code = pgrender_in(
                c,
                &[
                    "init",
                    "orders",
                    "--backend",
                    "cloudnative-pg",
                    "--ip",
                    "192.168.10.120",
                    "--pool",
                    "192.168.10.120-192.168.10.125",
                ],
            );
            assert_eq!(code, 0);
        },
        render: Some(&[]),
        code: 3,
        markdown: "| `orders` | new | **manual step** | current |",
        annotation: "::warning file=kubernetes/specs/orders.yaml,line=1,title=pgrender%3A orders%3A manual step::new cluster orders",
    },
    Scenario {
        name: "a spec error",
        change: |c| append_to_spec(c, "  resources:\n    memory: lots\n"),
        render: None,
        code: 2,
        markdown: "## pgrender: the specs are invalid",
        annotation: "::error file=kubernetes/specs/postgresql.yaml,line=22,col=13,title=pgrender%3A invalid spec::spec.resources.memory: `lots` is not a Kubernetes quantity",
    },
    Scenario {
        name: "a spec committed without its output",
        change: |c| append_to_spec(c, "  resources:\n    cpu: \"2\"\n    memory: 8Gi\n"),
        render: None,
        code: 1,
        markdown: "**The committed output is stale**",
        annotation: "::error file=kubernetes/applications/postgresql/",
    },
];

/// The base: one CloudNativePG cluster rendered and committed on `main`
/// of a bare `origin`.
fn origin(scratch: &Path) -> PathBuf {
    let seed = scratch.join("seed");
    std::fs::create_dir(&seed).expect("seed");
    git(&seed, &["init", "-q", "-b", "main"]);
    let init = [
        "init",
        "postgresql",
        "--backend",
        "cloudnative-pg",
        "--git-repo-url",
        "https://git.lan/homelab/gitops.git",
    ];
    assert_eq!(pgrender_in(&seed, &init), 0);
    assert_eq!(pgrender_in(&seed, &["render"]), 0);
    git(&seed, &["add", "-A"]);
    git(&seed, &["commit", "-qm", "postgresql"]);
    let origin = scratch.join("origin.git");
    git(
        scratch,
        &["init", "-q", "--bare", "-b", "main", "origin.git"],
    );
    git(
        &seed,
        &["push", "-q", origin.to_str().expect("utf-8"), "main"],
    );
    origin
}

/// A stub `curl` that records its arguments and the file it posts.
fn stub_curl(tools: &Path) {
    let script = "#!/bin/sh\n\
        for arg in \"$@\"; do\n\
          printf 'arg: %s\\n' \"$arg\" >> \"$CURL_LOG\" || exit 2\n\
          case \"$arg\" in @*) cat \"${arg#@}\" >> \"$CURL_LOG\" || exit 2 ;; esac\n\
        done\n";
    let curl = tools.join("curl");
    std::fs::write(&curl, script).expect("stub");
    let o = Command::new("chmod")
        .arg("755")
        .arg(&curl)
        .status()
        .expect("chmod");
    assert!(o.success());
}

#[test]
fn every_recipe_reviews_each_kind_of_change_with_the_right_exit_code_and_report() {
    for tool in ["git", "bash", "jq"] {
        if Command::new(tool).arg("--version").output().is_err() {
            crate::support::did_not_run("ci_recipes", &format!("no {tool}"));
            return;
        }
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let origin = origin(scratch.path());
    let tools = scratch.path().join("tools");
    std::fs::create_dir(&tools).expect("tools");
    stub_curl(&tools);
    let recipes = [
        (
            "github-actions.yaml",
            actions_steps(&recipe("github-actions.yaml")),
        ),
        (
            "forgejo-actions.yaml",
            actions_steps(&recipe("forgejo-actions.yaml")),
        ),
        ("gitlab-ci.yaml", gitlab_steps(&recipe("gitlab-ci.yaml"))),
    ];
    let mut failures = Vec::new();
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        let clone = scratch.path().join(format!("clone-{i}"));
        git(
            scratch.path(),
            &[
                "clone",
                "-q",
                origin.to_str().expect("utf-8"),
                clone.to_str().expect("utf-8"),
            ],
        );
        git(&clone, &["checkout", "-qb", "change"]);
        (scenario.change)(&clone);
        if let Some(flags) = scenario.render {
            let mut args = vec!["render"];
            args.extend_from_slice(flags);
            assert_eq!(pgrender_in(&clone, &args), 0, "{}", scenario.name);
        }
        git(&clone, &["add", "-A"]);
        git(&clone, &["commit", "-qm", scenario.name]);
        for (file, steps) in &recipes {
            let run = run_job(steps, &clone, &tools);
            // The workspace is left as the job found it, but for its reports.
            git(&clone, &["clean", "-qfx"]);
            if let Some(problem) = judge(file, scenario, &run) {
                failures.push(format!("{file}, {}: {problem}\n{}", scenario.name, run.log));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What is wrong with a recipe's run of a scenario, if anything.
fn judge(file: &str, scenario: &Scenario, run: &Run) -> Option<String> {
    let expected_job_code = match (file, scenario.code) {
        // GitHub passes 3 and hands it to the approval job.
        ("github-actions.yaml", 3) => 0,
        (_, code) => code,
    };
    if run.code != expected_job_code {
        return Some(format!(
            "the job exited {}, not {expected_job_code}",
            run.code
        ));
    }
    let markdown = match file {
        "github-actions.yaml" => &run.summary,
        "forgejo-actions.yaml" => &run.curl,
        _ => &run.log,
    };
    if !markdown.contains(scenario.markdown) {
        return Some(format!(
            "the Markdown lacks {:?}:\n{markdown}",
            scenario.markdown
        ));
    }
    match file {
        "github-actions.yaml" => {
            let output = format!("exit-code={}\n", scenario.code);
            if scenario.code != 1 && scenario.code != 2 && run.outputs != output {
                return Some(format!("outputs {:?}, not {output:?}", run.outputs));
            }
        }
        "forgejo-actions.yaml" => {
            // The comment is JSON whose body is the Markdown.
            let body = run.curl.lines().find(|l| l.starts_with('{'))?;
            let parsed: serde_json::Value = serde_json::from_str(body).ok()?;
            if !parsed["body"]
                .as_str()
                .is_some_and(|b| b.contains(scenario.markdown))
            {
                return Some(format!("the comment's body lacks the Markdown: {body}"));
            }
            if !run.curl.contains(
                "arg: https://forge.invalid/api/v1/repos/homelab/gitops/issues/7/comments",
            ) {
                return Some(format!("the comment went elsewhere: {}", run.curl));
            }
        }
        _ => {}
    }
    if file != "gitlab-ci.yaml" && !run.log.contains(scenario.annotation) {
        return Some(format!("no annotation {:?}", scenario.annotation));
    }
    None
}

/// Every inline script of every recipe passes shellcheck as the shell
/// that runs it.
#[test]
fn every_recipe_script_passes_shellcheck() {
    if Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_err()
    {
        crate::support::did_not_run("ci_recipes shellcheck", "no shellcheck");
        return;
    }
    let mut scripts: Vec<(String, String)> = Vec::new();
    for file in ["github-actions.yaml", "forgejo-actions.yaml"] {
        let doc = recipe(file);
        for job in doc["jobs"].as_object().expect("jobs").values() {
            for step in job["steps"].as_array().expect("steps") {
                if let Some(script) = step["run"].as_str() {
                    scripts.push((file.to_string(), script.to_string()));
                }
            }
        }
    }
    for step in gitlab_steps(&recipe("gitlab-ci.yaml")) {
        scripts.push(("gitlab-ci.yaml".into(), step.script));
    }
    for (file, script) in scripts {
        let mut child = Command::new("shellcheck")
            .args(["--shell=bash", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("shellcheck");
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(script.as_bytes())
            .expect("write");
        let o = child.wait_with_output().expect("shellcheck");
        assert!(
            o.status.success(),
            "{file}:\n{script}\n{}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

/// The README's CI section shows the recipes, and its install command is
/// the one they run.
#[test]
fn the_readme_shows_every_recipe_and_the_install_command_they_use() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    for file in [
        "github-actions.yaml",
        "forgejo-actions.yaml",
        "gitlab-ci.yaml",
    ] {
        assert!(readme.contains(&format!("examples/ci/{file}")), "{file}");
    }
    assert!(
        readme.contains(
            "cargo install --locked --git <this repository's URL> --rev <commit> pgrender"
        ),
        "the README's install command for CI"
    );
}
