//! A spec value as written beside what it means, parsed once when the
//! spec is read, and the types spec values are parsed into.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

/// A spec value as written and what it means, parsed once when the spec is
/// read. Validation reports `error()` at the value's position; everything
/// after it (alerts, footprints, change classes, the OpenTofu module) uses
/// `value()`. Templates and the schema's defaults see the text as written.
#[derive(Debug, Clone)]
pub struct Typed<T: SpecValue> {
    text: String,
    parsed: Result<T, String>,
}

/// A type a spec value is parsed into; the error says what is wrong.
pub trait SpecValue: Sized + Clone + std::fmt::Debug {
    fn parse_spec(text: &str) -> Result<Self, String>;
}

impl<T: SpecValue> Typed<T> {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let parsed = T::parse_spec(&text);
        Typed { text, parsed }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The meaning; `None` only for a spec that failed validation.
    pub fn value(&self) -> Option<&T> {
        self.parsed.as_ref().ok()
    }

    pub fn error(&self) -> Option<&str> {
        self.parsed.as_ref().err().map(String::as_str)
    }
}

impl<T: SpecValue> PartialEq for Typed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<T: SpecValue> std::fmt::Display for Typed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl<T: SpecValue> Serialize for Typed<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Strings, or numbers read as their text (`cpu: 2`); the schema says
/// which a field takes.
impl<'de, T: SpecValue> Deserialize<'de> for Typed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Typed::new(ScalarText::deserialize(d)?.0))
    }
}

impl<T: SpecValue> From<&str> for Typed<T> {
    fn from(s: &str) -> Self {
        Typed::new(s)
    }
}

/// A Kubernetes quantity such as `2`, `500m` or `4Gi`, above zero. Accepts
/// a YAML number too, because `cpu: 2` is how people write it.
pub(crate) type Quantity = Typed<crate::spec::value::quantity::Quantity>;

impl SpecValue for crate::spec::value::quantity::Quantity {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::spec::value::quantity::Quantity::parse_positive(text)
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Kubernetes quantity, e.g. 2, 500m, 4Gi, 50Gi.",
            "type": ["string", "number"]
        })
    }
}

/// An IPv4 address (`192.168.10.100`).
pub(crate) type IpAddress = Typed<std::net::Ipv4Addr>;

impl SpecValue for std::net::Ipv4Addr {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::spec::value::net::parse_ip(text)
    }
}

/// A MetalLB address range: `a.b.c.d-a.b.c.e` or a CIDR.
pub(crate) type AddressRange = Typed<crate::spec::value::net::Ipv4Range>;

impl SpecValue for crate::spec::value::net::Ipv4Range {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::spec::value::net::Ipv4Range::parse(text)
    }
}

/// An IPv4 network in canonical CIDR form (`192.168.20.0/24`).
pub(crate) type Cidr = Typed<ipnet::Ipv4Net>;

impl SpecValue for ipnet::Ipv4Net {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::spec::value::net::parse_cidr(text)
    }
}

/// A CronJob schedule Kubernetes accepts (`0 2 * * *`).
pub(crate) type CronSchedule = Typed<crate::spec::value::cron::Schedule>;

impl SpecValue for crate::spec::value::cron::Schedule {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::spec::value::cron::Schedule::parse(text)
    }
}

/// A chart version or range (`12.x.x`), read for the major it names.
pub(crate) type ChartRevision = Typed<crate::spec::value::version::ChartRevision>;

impl SpecValue for crate::spec::value::version::ChartRevision {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::spec::value::version::ChartRevision::parse(text)
    }
}

/// An image reference, read for its tag and the major the tag names.
pub(crate) type ImageName = Typed<crate::spec::value::version::ImageRef>;

impl SpecValue for crate::spec::value::version::ImageRef {
    fn parse_spec(text: &str) -> Result<Self, String> {
        Ok(crate::spec::value::version::ImageRef::read(text))
    }
}

/// Addresses, ranges, networks, schedules, chart revisions and image
/// names are plain strings in the schema.
macro_rules! string_schema {
    ($($t:ty),*) => {$(
        impl JsonSchema for $t {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                "string".into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string" })
            }
        }
    )*};
}
string_schema!(
    IpAddress,
    AddressRange,
    Cidr,
    CronSchedule,
    ChartRevision,
    ImageName
);

/// Reads a YAML scalar that may be a string or a number as its text.
pub(crate) struct ScalarText(pub(crate) String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(i64),
            Float(f64),
        }
        Ok(ScalarText(match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => f.to_string(),
        }))
    }
}
