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

/// Why `text` is not a quantity a spec may hold: outside the grammar, or
/// not above zero. What it measures is checked after (`fits`).
fn spec_error(text: &str) -> String {
    format!("`{text}` is not a Kubernetes quantity (examples: 2, 500m, 4Gi, 50Gi)")
}

/// A quantity as written, compared by its value: `50Gi` equals
/// `53687091200`, so a respelling is no change.
#[derive(Debug, Clone)]
pub struct Quantity {
    text: String,
    number: String,
    suffix: String,
    value: f64,
}

impl Quantity {
    /// Any quantity the API server's grammar accepts, zero included (a
    /// manifest read back); `None` for other text.
    pub fn parse(text: &str) -> Option<Quantity> {
        let (number, suffix) = split(text)?;
        let value = number.parse::<f64>().ok()? * factor(suffix)?;
        Some(Quantity {
            text: text.to_string(),
            number: number.to_string(),
            suffix: suffix.to_string(),
            value,
        })
    }

    /// A quantity a spec may hold: in the grammar and above zero; the error
    /// says what is wrong.
    pub(crate) fn parse_positive(text: &str) -> Result<Quantity, String> {
        let quantity = Quantity::parse(text).ok_or_else(|| spec_error(text))?;
        if quantity.value <= 0.0 {
            return Err(format!("`{text}` must be greater than zero"));
        }
        Ok(quantity)
    }

    /// Whether the suffix makes sense for what the quantity measures: the
    /// API server accepts `memory: 4000m`, which is four bytes.
    pub(crate) fn fits(&self, measure: Measure) -> Result<(), String> {
        let (text, number, suffix) = (&self.text, &self.number, &self.suffix);
        if measure == Measure::Bytes && matches!(suffix.as_str(), "m" | "u" | "n") {
            return Err(format!(
                "`{text}` uses the milli/micro/nano suffix `{suffix}`, which means fractions of a byte; did you mean `{number}{}i`?",
                suffix.to_uppercase()
            ));
        }
        Ok(())
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

/// What one unit of `suffix` is worth.
fn factor(suffix: &str) -> Option<f64> {
    Some(match suffix {
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
        exponent => 10f64.powi(exponent.get(1..)?.parse().ok()?),
    })
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

    fn check(text: &str, measure: Measure) -> Result<(), String> {
        Quantity::parse_positive(text)?.fits(measure)
    }

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

    #[test]
    fn equal_amounts_in_any_spelling_have_one_value() {
        let value = |text: &str| Quantity::parse(text).map(|q| q.value());
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
            assert_eq!(Quantity::parse(same), Quantity::parse("50Gi"));
        }
        assert_eq!(value("500m"), Some(0.5));
        assert_eq!(value("1e3"), Some(1000.0));
        assert_eq!(value("2.5G"), Some(2.5e9));
        assert_eq!(value("4 Gi"), None);
        assert_eq!(value("4GiB"), None);
    }
}
