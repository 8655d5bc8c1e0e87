//! A backend the spec format knows but this build cannot render yet. It
//! fails validation with a clear message, so nothing is ever rendered for it.

use super::{Backend, BackendFile, ClusterFacts};
use crate::render::{RenderOptions, Renderer};
use crate::spec::{Backend as BackendName, PostgresCluster};
use crate::validate::Report;

pub(crate) struct Unavailable(pub(crate) BackendName);

impl Backend for Unavailable {
    fn validate(&self, _: &PostgresCluster, report: &mut Report<'_>) {
        report.at_value(
            "/spec/backend",
            format!(
                "backend `{}` is not available in this version of pgrender yet; use `bitnami-postgresql-ha`",
                self.0.as_str()
            ),
        );
    }

    fn warnings(&self, _: &PostgresCluster) -> Vec<String> {
        Vec::new()
    }

    fn facts(&self, _: &PostgresCluster) -> ClusterFacts {
        unreachable!("validation rejects this backend before anything is rendered")
    }

    fn render(
        &self,
        _: &PostgresCluster,
        _: &ClusterFacts,
        _: &Renderer,
        _: &RenderOptions,
    ) -> Result<Vec<BackendFile>, minijinja::Error> {
        unreachable!("validation rejects this backend before anything is rendered")
    }
}
