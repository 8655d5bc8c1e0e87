//! Which backends exist, as a spec names them (`spec.backend`): one line
//! per backend below, its name and options section read from the
//! backend's own `options`. The registry (`backend/mod.rs`) maps each name
//! to the backend itself; the compiler holds the two lists together.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

macro_rules! backend_names {
    ($($variant:ident => $options:path),+ $(,)?) => {
        /// A backend, as `spec.backend` names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum BackendName {
            $($variant),+
        }

        impl BackendName {
            /// Every backend, in the order help texts and messages list
            /// them; the first is the default.
            pub const ALL: &'static [BackendName] = &[$(BackendName::$variant),+];

            /// The name a spec writes.
            pub fn as_str(self) -> &'static str {
                use $crate::backend::name::BackendName as B;
                match self {
                    $(B::$variant => { use $options as o; o::NAME }),+
                }
            }

            /// The spec section of the backend's own options
            /// (`spec.bitnami`): meaningless, and refused, under any other.
            pub fn options_key(self) -> &'static str {
                use $crate::backend::name::BackendName as B;
                match self {
                    $(B::$variant => { use $options as o; o::OPTIONS_KEY }),+
                }
            }
        }
    };
}

backend_names! {
    BitnamiPostgresqlHa => crate::backend::bitnami::options,
    CloudnativePg => crate::backend::cloudnative_pg::options,
    ZalandoPostgresOperator => crate::backend::zalando::options,
}

impl BackendName {
    pub fn from_name(name: &str) -> Option<BackendName> {
        BackendName::ALL
            .iter()
            .copied()
            .find(|b| b.as_str() == name)
    }
}

impl Default for BackendName {
    fn default() -> Self {
        BackendName::ALL[0]
    }
}

impl Serialize for BackendName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for BackendName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        BackendName::from_name(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown backend {text:?}")))
    }
}

/// The schema's list of backends is this one.
impl JsonSchema for BackendName {
    fn schema_name() -> Cow<'static, str> {
        "Backend".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = BackendName::ALL.iter().map(|b| b.as_str()).collect();
        json_schema!({
            "type": "string",
            "enum": names,
            "description": "The deployment backend."
        })
    }
}
