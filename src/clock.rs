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

/// Formats Unix seconds as RFC 3339 UTC (`2026-11-27T18:09:52Z`); an instant outside the
/// years -9999..=9999 is clamped to the nearest end of that range.
pub fn rfc3339(unix: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(if unix < 0 {
        time::PrimitiveDateTime::MIN.assume_utc()
    } else {
        time::PrimitiveDateTime::MAX.assume_utc()
    });
    let (date, clock) = (at.date(), at.time());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year(),
        u8::from(date.month()),
        date.day(),
        clock.hour(),
        clock.minute(),
        clock.second()
    )
}

/// Compact UTC timestamp for directory names (`20261127-180952`).
pub fn compact(unix: i64) -> String {
    rfc3339(unix).replace(['-', ':'], "").replace('T', "-").trim_end_matches('Z').to_owned()
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
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(4_102_444_800), "2100-01-01T00:00:00Z");
    }
}
