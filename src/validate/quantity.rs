//! Kubernetes resource quantities (`500m`, `2`, `4Gi`, `1e3`), parsed enough
//! to reject what the API server would reject and the classic mistakes it
//! would accept (`memory: 4000m` is four bytes).

/// What a quantity measures decides which suffixes make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Cpu,
    Bytes,
}

/// Check `text` as a quantity of `measure`; the error says what is wrong.
pub fn check(text: &str, measure: Measure) -> Result<(), String> {
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
