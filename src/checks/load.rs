//! Checks that only a load run makes: every answer under load is judged for a server error.
//! (The other checks a load run counts are the conformance catalog's own, run on each flow.)

use super::{Check, Verdict, should};
use crate::spec;

/// One HTTP answer of a load run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadAnswer {
    /// HTTP status.
    pub status: u16,
}

/// RFC 9110 §15.6: a 5xx says the server erred. No sentence demands that a provider never err
/// under load, so this is good practice: SHOULD.
fn no_server_error(e: &LoadAnswer) -> Verdict {
    Verdict::check(e.status < 500, format!("HTTP {} under load", e.status))
}

/// The load-only checks.
pub const CHECKS: &[Check<LoadAnswer>] = &[should("http.no_server_error")
    .spec(spec::RFC9110_15_6)
    .title("no request under load is answered with a server error (5xx)")
    .run(no_server_error)];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

    #[test]
    fn a_5xx_fails_and_anything_else_passes() {
        run_cases(CHECKS, vec![("http.no_server_error", LoadAnswer { status: 429 }, LoadAnswer { status: 503 })]);
        assert_catalog_well_formed(CHECKS);
    }
}
