//! CronJob schedules as Kubernetes reads them (robfig/cron's standard
//! parser): parsed once, when the spec is read, by croner plus the rules
//! where the two parsers differ.

use std::str::FromStr;

/// A schedule the API server accepts (`0 2 * * *`). What it means stays
/// with croner: a parsed pattern per spec costs kilobytes, and nothing
/// asks for its times yet.
#[derive(Debug, Clone, Copy)]
pub struct Schedule;

impl Schedule {
    /// The schedule, or why Kubernetes would refuse it.
    pub(crate) fn parse(text: &str) -> Result<Schedule, String> {
        check(text)?;
        croner::Cron::from_str(text)
            .map(|_| Schedule)
            .map_err(|e| format!("`{text}` is not a valid cron schedule: {e}"))
    }
}

/// Kubernetes reads CronJob schedules with robfig/cron's standard parser:
/// five fields, no seconds, no Quartz extensions (`L`, `W`, `#`).
fn check(text: &str) -> Result<(), String> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "`{text}` has {} field(s); a CronJob schedule has 5: minute hour day-of-month month day-of-week (e.g. \"0 2 * * *\")",
            fields.len()
        ));
    }
    if fields.iter().any(|f| is_quartz_extension(f)) {
        return Err(format!(
            "`{text}` uses L, W or #, which Kubernetes' cron parser does not support"
        ));
    }
    if let Some(seven) = day_of_week_seven(fields[4]) {
        return Err(format!(
            "`{text}` has day of week `{seven}`; Kubernetes' cron parser takes 0-6 (0 is Sunday) or SUN-SAT"
        ));
    }
    if let Some(why) = out_of_range(&fields) {
        return Err(format!("`{text}`: {why}"));
    }
    Ok(())
}

/// The fields of a schedule with the values each takes.
const CRON_FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
];

/// The first number outside its field's range, said in the field's terms
/// (croner only says "Number out of bounds"). Steps (`*/15`) are counts,
/// not values, and are left to croner.
fn out_of_range(fields: &[&str]) -> Option<String> {
    for (field, (name, min, max)) in fields.iter().zip(CRON_FIELDS) {
        for part in field.split(',') {
            let values = part.split('/').next().unwrap_or(part);
            for number in values.split('-') {
                if let Ok(n) = number.parse::<u32>()
                    && !(min..=max).contains(&n)
                {
                    return Some(format!(
                        "{name} {n} is out of range: the {name} field takes {min}-{max}"
                    ));
                }
            }
        }
    }
    None
}

/// The last day of the week Kubernetes' cron parser takes (6 = Saturday).
const LAST_DAY_OF_WEEK: u32 = 6;

/// A day-of-week value above 6 as the start or end of a range: croner
/// reads 7 as Sunday, robfig/cron rejects it, and so would the API server.
fn day_of_week_seven(field: &str) -> Option<&str> {
    field
        .split(',')
        .filter_map(|part| part.split('/').next())
        .flat_map(|range| range.split('-'))
        .find(|value| value.parse::<u32>().is_ok_and(|n| n > LAST_DAY_OF_WEEK))
}

/// `L`, `5L`, `15W`, `LW`, `5#2`: Quartz syntax croner accepts and
/// Kubernetes does not. Month and weekday names (`JUL`, `WED`) are fine.
fn is_quartz_extension(field: &str) -> bool {
    field.contains('#')
        || field.split(',').any(|part| {
            let part = part.to_ascii_uppercase();
            let Some(stem) = part.strip_suffix(['L', 'W']) else {
                return false;
            };
            stem.is_empty() || stem == "L" || stem.bytes().all(|b| b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(), String> {
        Schedule::parse(text).map(|_| ())
    }

    #[test]
    fn cron_needs_five_valid_fields() {
        assert!(parse("0 2 * * *").is_ok());
        assert!(parse("*/15 1-5 * JAN MON-FRI").is_ok());
        assert!(parse("0 0 2 * * *").unwrap_err().contains("6 field"));
        assert!(parse("@daily").unwrap_err().contains("1 field"));
        assert!(parse("61 2 * * *").is_err());
        assert!(parse("0 2 L * *").unwrap_err().contains("L, W or #"));
        assert!(parse("0 2 15W * *").unwrap_err().contains("L, W or #"));
        assert!(parse("0 2 * * 5#2").unwrap_err().contains("L, W or #"));
        assert!(parse("0 2 * JUL WED").is_ok());
    }

    #[test]
    fn cron_values_out_of_range_name_their_field() {
        let hour = parse("0 25 * * *").expect_err("hour 25");
        assert_eq!(
            hour,
            "`0 25 * * *`: hour 25 is out of range: the hour field takes 0-23"
        );
        let minute = parse("5,61 2 * * *").expect_err("minute 61");
        assert!(minute.contains("minute 61"), "{minute}");
        let month = parse("0 2 1 10-13 *").expect_err("month 13");
        assert!(month.contains("month 13"), "{month}");
        assert!(parse("*/15 2 * * *").is_ok());
    }

    #[test]
    fn cron_day_of_week_is_zero_to_six() {
        for ok in ["0 2 * * 0", "0 2 * * 6", "0 2 * * 1-5/2", "0 2 * * SUN,SAT"] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        for bad in ["0 2 * * 7", "0 2 * * 5-7", "0 2 * * 1,7", "0 2 * * 7/2"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("0-6"), "{bad}: {err}");
        }
    }
}
