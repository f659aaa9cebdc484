//! Checks over parallel use of one credential: N simultaneous redemptions of one authorization
//! code (RFC 6749 4.1.2) or uses of one rotating refresh token (RFC 9700 4.14.2) must yield
//! exactly one success, the others `invalid_grant`, and no server error.

use super::token_errors::TokenAnswer;
use super::{Check, Verdict, must};
use crate::spec;

/// The tally of N parallel requests carrying one code or one refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RaceEvidence {
    /// Requests sent.
    pub attempts: usize,
    /// 2xx answers.
    pub succeeded: usize,
    /// 400 `invalid_grant` answers.
    pub invalid_grant: usize,
    /// 5xx answers.
    pub server_errors: usize,
    /// Any other answer (another status or error code).
    pub other: usize,
    /// Requests without an answer (transport error).
    pub unanswered: usize,
}

impl RaceEvidence {
    /// Counts the answers (`None`: the request got no answer).
    pub fn tally(answers: &[Option<TokenAnswer>]) -> Self {
        let mut t = RaceEvidence { attempts: answers.len(), ..RaceEvidence::default() };
        for a in answers {
            match a {
                None => t.unanswered += 1,
                Some(a) if a.accepted() => t.succeeded += 1,
                Some(a) if a.status >= 500 => t.server_errors += 1,
                Some(a) if a.status == 400 && a.error.as_deref() == Some("invalid_grant") => t.invalid_grant += 1,
                Some(_) => t.other += 1,
            }
        }
        t
    }

    /// The round to judge among several: the first with more than one success, else the first
    /// with none, else the first (an empty list gives an empty tally).
    pub fn worst(rounds: &[RaceEvidence]) -> RaceEvidence {
        rounds
            .iter()
            .find(|r| r.succeeded > 1)
            .or_else(|| rounds.iter().find(|r| r.succeeded == 0))
            .or(rounds.first())
            .copied()
            .unwrap_or_default()
    }

    /// `16 parallel: 1 succeeded, 15 invalid_grant, 0 server errors, 0 other, 0 no answer`.
    pub fn summary(&self) -> String {
        format!(
            "{} parallel: {} succeeded, {} invalid_grant, {} server errors, {} other, {} no answer",
            self.attempts, self.succeeded, self.invalid_grant, self.server_errors, self.other, self.unanswered
        )
    }
}

fn single_winner(e: &RaceEvidence) -> Verdict {
    if e.succeeded == 1 {
        Verdict::Pass
    } else if e.succeeded == 0 && e.unanswered > 0 {
        // The winner may be among the requests that got no answer: nothing to judge.
        Verdict::skip(format!("no request succeeded, but {} got no answer (the winner may be among them): {}", e.unanswered, e.summary()))
    } else {
        Verdict::mismatch(
            format!("expected exactly one of {} parallel requests to succeed (found {}; {})", e.attempts, e.succeeded, e.summary()),
            "1 succeeded",
            format!("{} succeeded", e.succeeded),
        )
    }
}

/// Judges the refused requests that answered; those without an answer are "no answer", not
/// wrong answers (the summary names them).
fn losers_invalid_grant(e: &RaceEvidence) -> Verdict {
    let losers = e.attempts.saturating_sub(e.succeeded).saturating_sub(e.unanswered);
    if losers == 0 && e.unanswered > 0 {
        Verdict::skip(format!("no refused request answered: {}", e.summary()))
    } else if e.invalid_grant == losers {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            format!("expected every refused parallel request to be HTTP 400 invalid_grant (found {})", e.summary()),
            format!("{losers} invalid_grant"),
            format!("{} invalid_grant", e.invalid_grant),
        )
    }
}

/// Parallel redemptions of one code.
pub const CODE_RACE_CHECKS: &[Check<RaceEvidence>] = &[
    must("race.code.single_winner").spec(spec::RFC6749_4_1_2).title("of N parallel redemptions of one code exactly one succeeds").run(single_winner),
    must("race.code.losers_invalid_grant")
        .spec(spec::RFC6749_5_2)
        .title("the other parallel redemptions get invalid_grant, none a server error")
        .run(losers_invalid_grant),
];

/// Parallel uses of one refresh token (the profile claims rotation).
pub const REFRESH_RACE_CHECKS: &[Check<RaceEvidence>] = &[
    must("race.refresh.single_winner")
        .spec(spec::RFC9700_4_14_2)
        .title("with rotation, of N parallel uses of one refresh token exactly one succeeds")
        .run(single_winner),
    must("race.refresh.losers_invalid_grant")
        .spec(spec::RFC6749_5_2)
        .title("the other parallel refresh requests get invalid_grant, none a server error")
        .run(losers_invalid_grant),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::checks::test_support::{assert_catalog_well_formed, run_cases};

    fn a(status: u16, error: Option<&str>) -> Option<TokenAnswer> {
        Some(TokenAnswer { status, error: error.map(str::to_owned), www_authenticate: None })
    }

    #[test]
    fn the_worst_round_is_judged() {
        let won = |succeeded| RaceEvidence { attempts: 4, succeeded, invalid_grant: 4 - succeeded, ..RaceEvidence::default() };
        assert_eq!(RaceEvidence::worst(&[won(1), won(2), won(0)]).succeeded, 2);
        assert_eq!(RaceEvidence::worst(&[won(1), won(0), won(1)]).succeeded, 0);
        assert_eq!(RaceEvidence::worst(&[won(1), won(1)]), won(1));
        assert_eq!(RaceEvidence::worst(&[]), RaceEvidence::default());
    }

    fn fair() -> RaceEvidence {
        let mut answers = vec![a(200, None)];
        answers.extend((0..15).map(|_| a(400, Some("invalid_grant"))));
        RaceEvidence::tally(&answers)
    }

    #[test]
    fn tally_counts_every_kind() {
        let t = RaceEvidence::tally(&[a(200, None), a(400, Some("invalid_grant")), a(503, None), a(400, Some("invalid_request")), None]);
        assert_eq!(t, RaceEvidence { attempts: 5, succeeded: 1, invalid_grant: 1, server_errors: 1, other: 1, unanswered: 1 });
        assert_eq!(fair().summary(), "16 parallel: 1 succeeded, 15 invalid_grant, 0 server errors, 0 other, 0 no answer");
    }

    #[test]
    fn crafted_counts_pass_and_fail() {
        let two_winners = RaceEvidence { succeeded: 2, invalid_grant: 14, ..fair() };
        let no_winner = RaceEvidence { succeeded: 0, invalid_grant: 16, ..fair() };
        let server_error = RaceEvidence { invalid_grant: 14, server_errors: 1, ..fair() };
        for table in [CODE_RACE_CHECKS, REFRESH_RACE_CHECKS] {
            let ids: Vec<&'static str> = table.iter().map(|c| c.def.id).collect();
            run_cases(table, vec![(ids[0], fair(), two_winners), (ids[1], fair(), server_error)]);
            let Verdict::Fail(d) = (table[0].run)(&no_winner) else { panic!() };
            assert!(d.message.contains("16 parallel: 0 succeeded"), "{}", d.message);
            // Every request accepted: the single-winner check fails, the losers check has nobody to judge.
            let all_won = RaceEvidence { succeeded: 16, invalid_grant: 0, ..fair() };
            assert!(matches!((table[0].run)(&all_won), Verdict::Fail(_)));
            assert_eq!((table[1].run)(&all_won), Verdict::Pass);
            // Requests that got no answer are "no answer", not wrong answers: the answered losers
            // are judged, and without a winner among the answers nothing is.
            let quiet = RaceEvidence { invalid_grant: 12, unanswered: 3, ..fair() };
            assert_eq!((table[1].run)(&quiet), Verdict::Pass);
            assert_eq!((table[0].run)(&quiet), Verdict::Pass);
            let silent_winner = RaceEvidence { succeeded: 0, invalid_grant: 15, unanswered: 1, ..fair() };
            assert!(matches!((table[0].run)(&silent_winner), Verdict::Skip(r) if r.contains("1 no answer")));
            let all_silent = RaceEvidence { succeeded: 1, invalid_grant: 0, unanswered: 15, ..fair() };
            assert!(matches!((table[1].run)(&all_silent), Verdict::Skip(_)));
        }
    }

    #[test]
    fn catalogs_are_well_formed() {
        assert_catalog_well_formed(CODE_RACE_CHECKS);
        assert_catalog_well_formed(REFRESH_RACE_CHECKS);
    }
}
