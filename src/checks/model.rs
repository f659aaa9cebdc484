//! The vocabulary of conformance checking: check definitions, verdicts and findings.
//!
//! A check is a small pure function over typed evidence. It carries a stable dotted id
//! (`idtoken.nonce.matches`), a one-line title, a spec reference ([`SpecRef`], e.g.
//! `OIDCC-3.1.3.7`, resolved to a URL by [`crate::spec`]) and a requirement [`Level`]. Running
//! it yields a [`Verdict`]; the runner turns a verdict into a [`Finding`] whose [`Status`]
//! depends on the level (a failed MUST is a failure, a failed SHOULD a warning, a failed MAY a
//! note). Checks are declared with [`super::must`], [`super::should`] and [`super::may`].

use serde::{Deserialize, Serialize};

use crate::spec::SpecRef;

/// How strongly the specification demands what a check verifies (RFC 2119 keywords).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// MUST / REQUIRED / SHALL: violating it is a conformance failure.
    Must,
    /// SHOULD / RECOMMENDED: violating it is a warning.
    Should,
    /// MAY / OPTIONAL: reported for information only.
    May,
}

impl Level {
    /// The RFC 2119 keyword, upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        }
    }
}

/// The static description of one check: everything but the logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckDef {
    /// Stable dotted id, e.g. `idtoken.nonce.matches`. Never renamed once released.
    pub id: &'static str,
    /// One line saying what must hold, e.g. "nonce in the ID token equals the one sent".
    pub title: &'static str,
    /// Spec reference, e.g. `OIDCC-3.1.3.7` (see [`crate::spec::url_for`]).
    pub spec: SpecRef,
    /// Requirement level of the rule this check enforces.
    pub level: Level,
}

/// A check: its definition plus a pure function over evidence of type `E`.
pub struct Check<E: ?Sized> {
    /// What the check is.
    pub def: CheckDef,
    /// The logic: no I/O, no clock reads (time comes inside the evidence).
    pub run: fn(&E) -> Verdict,
}

impl<E: ?Sized> Clone for Check<E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E: ?Sized> Copy for Check<E> {}

impl<E: ?Sized> Check<E> {
    /// Runs the check and wraps the verdict into a finding.
    pub fn evaluate(&self, evidence: &E) -> Finding {
        Finding::from_verdict(&self.def, (self.run)(evidence))
    }
}

/// What a check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The rule holds.
    Pass,
    /// The rule is broken; the detail says how.
    Fail(FailDetail),
    /// The check could not be judged (evidence missing, feature not offered); the reason says why.
    Skip(String),
}

impl Verdict {
    /// A failure with a message only.
    pub fn fail(message: impl Into<String>) -> Self {
        Verdict::Fail(FailDetail { message: message.into(), expected: None, actual: None })
    }

    /// A failure with what was expected and what was found.
    pub fn mismatch(
        message: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Verdict::Fail(FailDetail {
            message: message.into(),
            expected: Some(expected.into()),
            actual: Some(actual.into()),
        })
    }

    /// A skip with its reason.
    pub fn skip(reason: impl Into<String>) -> Self {
        Verdict::Skip(reason.into())
    }

    /// Pass when `ok`, otherwise a failure with `message`.
    pub fn check(ok: bool, message: impl Into<String>) -> Self {
        if ok { Verdict::Pass } else { Verdict::fail(message) }
    }
}

/// How a rule was broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailDetail {
    /// Readable explanation ("expected X (found Y)" style).
    pub message: String,
    /// The value the spec demands, when there is one.
    pub expected: Option<String>,
    /// The value the provider produced (already redacted).
    pub actual: Option<String>,
}

/// The outcome of a finding as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The rule holds.
    Pass,
    /// A MUST rule is broken.
    Fail,
    /// A SHOULD rule is broken.
    Warn,
    /// A MAY rule is not met: information only.
    Info,
    /// Not judged; see the message.
    Skip,
}

/// One check's result in one test module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable check id.
    pub check_id: String,
    /// One-line title of the check.
    pub title: String,
    /// Spec reference tag.
    pub spec: String,
    /// Requirement level.
    pub level: Level,
    /// Outcome.
    pub status: Status,
    /// Explanation for fail/warn/info/skip; `None` on pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Expected value, when the check compares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Actual value, when the check compares (redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// Set when a baseline accepts this failure (or, with `--strict`, warning): why, as the
    /// baseline says. Every report then shows it as accepted, not as a new failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

impl Finding {
    /// Builds a finding from a check definition and its verdict.
    pub fn from_verdict(def: &CheckDef, verdict: Verdict) -> Self {
        let (status, message, expected, actual) = match verdict {
            Verdict::Pass => (Status::Pass, None, None, None),
            Verdict::Skip(reason) => (Status::Skip, Some(reason), None, None),
            Verdict::Fail(d) => {
                let status = match def.level {
                    Level::Must => Status::Fail,
                    Level::Should => Status::Warn,
                    Level::May => Status::Info,
                };
                (status, Some(d.message), d.expected, d.actual)
            }
        };
        Finding {
            check_id: def.id.to_owned(),
            title: def.title.to_owned(),
            spec: def.spec.as_str().to_owned(),
            level: def.level,
            status,
            message,
            expected,
            actual,
            accepted: None,
        }
    }

    /// Whether this finding is a failed MUST no baseline accepts.
    pub fn is_open_failure(&self) -> bool {
        self.status == Status::Fail && self.accepted.is_none()
    }
}
