//! Time as a parameter: checks judge `exp`/`iat` against a [`Clock`] so tests can fix "now".
//!
//! The [`Clock`] trait and [`SystemClock`] are the reference provider's (one trait for the
//! harness and the provider it embeds); this module adds [`FixedClock`] and the timestamp
//! formats of reports.

pub use reference_provider::clock::{Clock, SystemClock};

/// A clock fixed at one instant (tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

/// Formats Unix seconds as RFC 3339 UTC (`2026-11-27T18:09:52Z`).
pub fn rfc3339(unix: i64) -> String {
    let (date, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(date);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Compact UTC timestamp for directory names (`20261127-180952`).
pub fn compact(unix: i64) -> String {
    rfc3339(unix).replace(['-', ':'], "").replace('T', "-").trim_end_matches('Z').to_owned()
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_802_992), "2026-11-27T18:09:52Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(compact(1_795_802_992), "20261127-180952");
    }
}
