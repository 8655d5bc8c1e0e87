//! The naming rules Kubernetes and ArgoCD apply to what a spec names:
//! DNS-1123 labels and subdomains, label keys and values, URLs.

/// RFC 1123 label, as Kubernetes requires for namespaces and most names.
/// Also what keeps `metadata.name` from escaping the output root.
pub(crate) fn dns_label(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a DNS-1123 label: 1-63 lower-case letters, digits or `-`, starting and ending with a letter or digit"
        ))
    }
}

/// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
pub(crate) fn dns_subdomain(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| dns_label(label).is_ok());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid Kubernetes object name: lower-case letters, digits, `-` and `.`, at most 253 characters"
        ))
    }
}

/// `name` part of a label key, and any label value: alphanumerics at both
/// ends, `-`, `_`, `.` inside, at most 63.
pub(crate) fn is_label_name(text: &str) -> bool {
    let edges_ok = text.starts_with(|c: char| c.is_ascii_alphanumeric())
        && text.ends_with(|c: char| c.is_ascii_alphanumeric());
    edges_ok
        && text.len() <= 63
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A label (or annotation) key: `[prefix/]name`, the prefix a DNS subdomain.
pub(crate) fn is_label_key(key: &str) -> bool {
    match key.split_once('/') {
        Some((prefix, name)) => dns_subdomain(prefix).is_ok() && is_label_name(name),
        None => is_label_name(key),
    }
}

/// A URL with one of `schemes` (`"https://"`, …) and no whitespace.
pub(crate) fn is_url(text: &str, schemes: &[&str]) -> bool {
    schemes.iter().any(|s| text.starts_with(s)) && !text.contains(char::is_whitespace)
}

/// What every FortiGate object pgrender names starts with, before the
/// cluster's name: `pg-postgresql`, `pg-postgresql-lb`. Two clusters'
/// objects never share a name because two specs never share a name.
pub(crate) const FORTIGATE_NAME_PREFIX: &str = "pg-";

/// FortiOS caps a firewall policy's name at 35 characters (the shortest
/// name limit among the objects pgrender writes there).
pub(crate) const FORTIGATE_POLICY_NAME_MAX: usize = 35;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_refuse_path_tricks() {
        assert!(dns_label("postgresql").is_ok());
        for bad in [
            "../etc",
            "a/b",
            "A",
            "-a",
            "a-",
            "",
            ".",
            "a.b",
            &"a".repeat(64),
        ] {
            assert!(dns_label(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn label_keys_take_an_optional_subdomain_prefix() {
        assert!(is_label_key("release"));
        assert!(is_label_key("app.kubernetes.io/name"));
        assert!(!is_label_key("Bad Key"));
        assert!(!is_label_key("-x/name"));
        assert!(!is_label_key(&"a".repeat(64)));
    }
}
