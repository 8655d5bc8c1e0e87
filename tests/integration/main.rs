//! One integration test binary (faster to link than one per file). Each
//! module tests one promise of the tool; all of them run the built binary
//! or the library against fixtures under `tests/`, never the network.

mod argocd_facts;
mod backends;
mod ci_recipes;
mod cli;
mod cmd;
mod cmp;
mod corpus;
mod crash;
mod day2;
mod drill;
mod envtest;
mod faults;
mod footprints;
mod git_transcripts;
mod golden;
mod jobs;
mod layering;
mod month_two;
mod opentofu;
mod output_valid;
mod patroni;
mod pg;
mod pgpool;
mod precommit;
mod properties;
mod restore;
mod review_base;
mod runbook_names;
mod scripts;
mod settings;
mod supply_chain;
mod support;
mod upstream_facts;
mod verdicts;
mod write_safety;
