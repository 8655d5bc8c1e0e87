//! Who logs in: the credentials Secret and the application roles.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Auth {
    /// Name of an existing Secret in the cluster namespace holding the
    /// passwords. Passwords never appear in the spec or the output.
    #[schemars(length(min = 1, max = 253))]
    pub existing_secret: String,
    /// Application roles that log in through the service, each with its
    /// password in an existing Secret (the README lists the keys each backend
    /// reads). CloudNativePG creates and updates the roles; on Bitnami, pgpool
    /// admits them and the roles are created in PostgreSQL by hand.
    pub users: Vec<User>,
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            existing_secret: "postgresql-credentials".into(),
            users: Vec::new(),
        }
    }
}

/// An application role whose password lives in a Secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct User {
    /// PostgreSQL role name: lower-case letters, digits and `_`, starting
    /// with a letter or `_`, at most 63.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
    /// Secret in the cluster namespace with the role's password (Bitnami
    /// and CloudNativePG). Zalando's operator creates the password itself,
    /// in `<name, with - for _>.<cluster>.credentials.postgresql.acid.zalan.do`:
    /// leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253))]
    pub existing_secret: Option<String>,
}
