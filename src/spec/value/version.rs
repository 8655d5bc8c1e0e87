//! Versions as specs and manifests write them: exact chart versions,
//! chart ranges as ArgoCD takes them, image references and their tags.
//! Every version string pgrender reads is read here.

/// `0.29.0` -> (0, 29, 0); anything else (ranges, `latest`) -> None.
pub(crate) fn semver(version: &str) -> Option<(u32, u32, u32)> {
    let mut parts = version.trim_start_matches('v').split('.');
    let mut next = || parts.next()?.parse::<u32>().ok();
    let triple = (next()?, next()?, next()?);
    parts.next().is_none().then_some(triple)
}

/// `12.x.x`, `12.8.2`, `^12.8`, `~12`, `v12` -> 12.
pub(crate) fn chart_major(target_revision: &str) -> Option<u32> {
    let trimmed = target_revision.trim_start_matches(['^', '~', '=', 'v', ' ']);
    let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
    let rest = &trimmed[digits.len()..];
    if digits.is_empty() || !(rest.is_empty() || rest.starts_with('.')) {
        return None;
    }
    digits.parse().ok()
}

/// The major version at the start of an image tag (`16.1.0-debian-11-r19`,
/// `16.10`, `17.6-standard-trixie`).
pub(crate) fn major_of_tag(tag: &str) -> Option<u32> {
    tag.split(['.', '-']).next()?.parse().ok()
}

/// The tag of an image reference: after the last `:` of its last path
/// segment (a registry may carry a port), before any `@digest`.
pub(crate) fn image_tag(image: &str) -> Option<&str> {
    let name = image.split_once('@').map_or(image, |(name, _)| name);
    name.rsplit_once('/')
        .map_or(name, |(_, last)| last)
        .split_once(':')
        .map(|(_, tag)| tag)
}

/// A chart version or range as ArgoCD takes it (`12.x.x`, `12.8.2`), by the
/// chart major it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartRevision {
    pub major: u32,
}

impl ChartRevision {
    pub(crate) fn parse(text: &str) -> Result<ChartRevision, String> {
        chart_major(text).map(|major| ChartRevision { major }).ok_or_else(|| {
            format!("cannot tell the chart major version from `{text}`; write it like 12.x.x or 12.8.2")
        })
    }
}

/// An image reference as far as pgrender reads one: its tag and the
/// PostgreSQL major the tag starts with, where it has them. What is wrong
/// with a reference depends on the spec around it (which major it must
/// run), so reading one never fails; the rules judge the parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Empty, or holding whitespace: not a reference at all.
    pub malformed: bool,
    pub tag: Option<String>,
    pub major: Option<u32>,
}

impl ImageRef {
    pub(crate) fn read(text: &str) -> ImageRef {
        let tag = image_tag(text);
        ImageRef {
            malformed: text.is_empty() || text.contains(char::is_whitespace),
            tag: tag.map(str::to_string),
            major: tag.and_then(major_of_tag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_major_reads_argocd_revisions() {
        assert_eq!(chart_major("12.x.x"), Some(12));
        assert_eq!(chart_major("12.8.2"), Some(12));
        assert_eq!(chart_major("^16.3"), Some(16));
        assert_eq!(chart_major("12"), Some(12));
        assert_eq!(chart_major("x.12"), None);
        assert_eq!(chart_major("12abc"), None);
        assert_eq!(chart_major(""), None);
    }
    #[test]
    fn semver_reads_exact_versions_only() {
        assert_eq!(semver("0.29.0"), Some((0, 29, 0)));
        assert_eq!(semver("0.29.x"), None);
        assert_eq!(semver("0.29"), None);
        assert_eq!(semver("0.29.0.1"), None);
    }
}
