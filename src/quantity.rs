//! Kubernetes resource quantities (`500m`, `2`, `4Gi`, `1e3`): one grammar,
//! the API server's, for both questions pgrender asks of a quantity. Is it
//! one the server accepts (and not a classic mistake it would accept, such
//! as `memory: 4000m`, four bytes)? And how much is it, so that `50Gi`,
//! `51200Mi` and `53687091200` compare equal in alerts and change reports?

/// What a quantity measures decides which suffixes make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measure {
    Cpu,
    Bytes,
}

/// Check `text` as a quantity of `measure`; the error says what is wrong.
pub(crate) fn check(text: &str, measure: Measure) -> Result<(), String> {
    let (number, suffix) = split(text).ok_or_else(|| {
        format!("`{text}` is not a Kubernetes quantity (examples: 2, 500m, 4Gi, 50Gi)")
    })?;
    let value: f64 = number.parse().map_err(|_| {
        format!("`{text}` is not a Kubernetes quantity (examples: 2, 500m, 4Gi, 50Gi)")
    })?;
    if value <= 0.0 {
        return Err(format!("`{text}` must be greater than zero"));
    }
    if measure == Measure::Bytes && matches!(suffix, "m" | "u" | "n") {
        return Err(format!(
            "`{text}` uses the milli/micro/nano suffix `{suffix}`, which means fractions of a byte; did you mean `{number}{}i`?",
            suffix.to_uppercase()
        ));
    }
    Ok(())
}

/// The value of a quantity the API server accepts (`4Gi` is 4294967296,
/// `500m` is 0.5); `None` for text outside its grammar.
pub(crate) fn value(text: &str) -> Option<f64> {
    let (number, suffix) = split(text)?;
    let number: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        exponent => 10f64.powi(exponent[1..].parse().ok()?),
    };
    Some(number * factor)
}

/// A quantity as written, compared by its value: `50Gi` equals
/// `53687091200`, so a respelling is no change.
#[derive(Debug, Clone)]
pub struct Quantity {
    text: String,
    value: f64,
}

impl Quantity {
    /// `None` for text outside the API server's grammar.
    pub fn parse(text: &str) -> Option<Quantity> {
        value(text).map(|value| Quantity {
            text: text.to_string(),
            value,
        })
    }

    pub fn value(&self) -> f64 {
        self.value
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

// Values come from finite numbers times finite factors: never NaN.
impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A quantity in a manifest read back from disk: a string (`50Gi`), or a
/// plain number where YAML read one (`53687091200`).
pub(crate) fn from_json(value: &serde_json::Value) -> Option<Quantity> {
    match value {
        serde_json::Value::String(text) => Quantity::parse(text),
        serde_json::Value::Number(number) => Quantity::parse(&number.to_string()),
        _ => None,
    }
}

/// Split into number and suffix following the API server's grammar:
/// `[+]digits[.digits]` then one of the binary (Ki..Ei), decimal (n..E)
/// or exponent (e3, E-2) suffixes.
fn split(text: &str) -> Option<(&str, &str)> {
    let body = text.strip_prefix('+').unwrap_or(text);
    let end = body
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map(|(i, _)| i)
        .unwrap_or(body.len());
    let (number, suffix) = body.split_at(end);
    let digits_ok = !number.is_empty() && number != "." && number.matches('.').count() <= 1;
    let suffix_ok = matches!(
        suffix,
        "" | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
            | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
    ) || is_exponent(suffix);
    (digits_ok && suffix_ok).then_some((number, suffix))
}

fn is_exponent(suffix: &str) -> bool {
    let Some(rest) = suffix.strip_prefix(['e', 'E']) else {
        return false;
    };
    let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_the_api_server_accepts() {
        for ok in ["2", "500m", "0.5", "4Gi", "50Gi", "1e3", "1.5G", "+1"] {
            assert!(check(ok, Measure::Cpu).is_ok(), "{ok}");
        }
        for ok in ["4Gi", "512Mi", "50G", "1Ti"] {
            assert!(check(ok, Measure::Bytes).is_ok(), "{ok}");
        }
    }

    #[test]
    fn equal_amounts_in_any_spelling_have_one_value() {
        let fifty_gi = value("50Gi");
        assert_eq!(fifty_gi, Some(53_687_091_200.0));
        for same in [
            "53687091200",
            "51200Mi",
            "52428800Ki",
            "+50Gi",
            "53687091200e0",
        ] {
            assert_eq!(value(same), fifty_gi, "{same}");
        }
        assert_eq!(value("500m"), Some(0.5));
        assert_eq!(value("1e3"), Some(1000.0));
        assert_eq!(value("2.5G"), Some(2.5e9));
        assert_eq!(value("4 Gi"), None);
        assert_eq!(value("4GiB"), None);
    }

    #[test]
    fn rejects_garbage_and_mistakes() {
        for bad in ["", "Gi", "4 Gi", "4gb", "-1", "0", "1..2", "four", "4GiB"] {
            assert!(check(bad, Measure::Cpu).is_err(), "{bad}");
        }
        assert!(
            check("4000m", Measure::Bytes)
                .unwrap_err()
                .contains("did you mean `4000Mi`")
        );
    }
}
