//! No secret may live in a spec: it would be committed to git and shown in
//! ArgoCD's UI. Credentials are references to an existing Secret
//! (`spec.auth.existingSecret`). Messages never repeat the offending value.

use serde_json::Value;

use super::walk::{Next, walk};
use crate::read::diagnostic::Report;

/// Field names that only ever hold secret material.
const SECRET_WORDS: [&str; 7] = [
    "password",
    "passwd",
    "secret",
    "token",
    "credential",
    "apikey",
    "privatekey",
];

/// The one field allowed to mention a secret: it names one, it holds none.
/// Fields that name a Secret rather than hold one: the cluster's
/// credentials, each application role's, and the folder of encrypted ones.
fn names_a_secret(pointer: &str) -> bool {
    pointer == "/spec/auth/existingSecret"
        || pointer == "/spec/argocd/secretsPath"
        // A PostgreSQL setting: which hash new passwords get.
        || pointer == "/spec/postgres/parameters/password_encryption"
        || pointer
            .strip_prefix("/spec/auth/users/")
            .and_then(|rest| rest.strip_suffix("/existingSecret"))
            .is_some_and(|index| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
}

/// Report secret-looking fields and URLs with embedded credentials. Returns
/// the pointers of the fields reported, so the schema check does not report
/// them a second time as unknown.
pub(super) fn check(value: &Value, report: &mut Report<'_>) -> Vec<String> {
    let mut flagged = Vec::new();
    walk(value, &mut |pointer, field, node| {
        if field.is_some_and(is_secret_name) && !names_a_secret(pointer) {
            report.at_key(
                pointer,
                "secrets are not accepted in a spec (it is committed to git and shown by ArgoCD); \
                 store the value in the Secret named by spec.auth.existingSecret",
            );
            flagged.push(pointer.to_string());
            return Next::Skip;
        }
        if node.as_str().is_some_and(has_url_credentials) {
            report.at_value(
                pointer,
                "this URL carries credentials (`user:password@`); remove them and give ArgoCD a repository Secret instead",
            );
        }
        Next::Descend
    });
    flagged
}

fn is_secret_name(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_WORDS.iter().any(|w| folded.contains(w))
}

/// `scheme://user:password@host...`
fn has_url_credentials(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .split_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        for name in [
            "password",
            "adminPassword",
            "repmgr_password",
            "apiToken",
            "clientSecret",
            "Credentials",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["existingSecretName", "name", "port", "passes"] {
            // `existingSecretName` contains "secret": only the exact allowed path escapes.
            assert_eq!(
                is_secret_name(name),
                name.to_lowercase().contains("secret"),
                "{name}"
            );
        }
    }

    #[test]
    fn url_credentials_are_recognised() {
        assert!(has_url_credentials(
            "https://bob:hunter2@git.example.com/repo.git"
        ));
        assert!(!has_url_credentials("https://git.example.com/repo.git"));
        assert!(!has_url_credentials("ssh://git@github.com/org/repo.git"));
        assert!(!has_url_credentials("plain text"));
    }
}
