//! Checks over the consent step (OIDC Core 3.1.2.4): first-party clients are not asked,
//! third-party clients are asked before scopes the user never approved are released, and a
//! denial comes back to the client as `access_denied` (RFC 6749 4.1.2.1).
//!
//! Whether the token's scope stays within what the user approved is judged by the scope checks
//! (`scope.granted.subset_of_requested`); a consent page after `prompt=consent` by
//! `flow.consent.third_party`.

use super::{Check, Verdict, concat, count, may, must, should};
use crate::form::DriveEnd;
use crate::spec;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

/// Which consent behaviour an authorization request probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentCase {
    /// A first-party client (the profile says: no consent page).
    FirstParty,
    /// A third-party client asking for a scope the user has not approved in this run.
    ThirdPartyNewScope,
    /// A third-party client with `prompt=consent`, the user pressing deny.
    Deny,
    /// `prompt=none` for a third-party client the signed-in user never approved.
    PromptNoneNeedsConsent,
}

impl ConsentCase {
    /// The id prefix of the checks that judge this case.
    pub fn prefix(self) -> &'static str {
        match self {
            ConsentCase::FirstParty => "consent.first_party.",
            ConsentCase::ThirdPartyNewScope => "consent.third_party.",
            ConsentCase::Deny => "consent.deny.",
            ConsentCase::PromptNoneNeedsConsent => "consent.prompt_none.",
        }
    }

    /// The checks that judge this case.
    pub const fn checks(self) -> &'static [Check<ConsentEvidence>] {
        match self {
            ConsentCase::FirstParty => FIRST_PARTY_CHECKS,
            ConsentCase::ThirdPartyNewScope => THIRD_PARTY_NEW_SCOPE_CHECKS,
            ConsentCase::Deny => DENY_CHECKS,
            ConsentCase::PromptNoneNeedsConsent => PROMPT_NONE_CHECKS,
        }
    }
}

/// One authorization request of a consent case and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEvidence {
    /// What the request probed.
    pub case: ConsentCase,
    /// How the drive ended: `callback`, `login_required`, `login_rejected` or `stuck`.
    pub outcome: DriveEnd,
    /// Readable detail of where the drive ended (redacted).
    pub detail: String,
    /// The callback's `error`, if any.
    pub callback_error: Option<String>,
    /// Whether the callback carried a code.
    pub code_returned: bool,
    /// Consent pages seen (and answered) on the way.
    pub consent_pages_seen: usize,
    /// The profile declares that the test user never approved this client before this run.
    pub fresh_consent: bool,
}

fn callback(e: &ConsentEvidence) -> Result<(), Verdict> {
    if e.outcome == DriveEnd::Callback { Ok(()) } else { Err(Verdict::skip(format!("no callback was reached ({})", e.detail))) }
}

/// The profile marks the client first-party: the provider establishes consent without a page.
fn first_party_no_page(e: &ConsentEvidence) -> Verdict {
    if let Err(v) = callback(e) {
        return v;
    }
    Verdict::check(e.consent_pages_seen == 0, "a first-party client was shown a consent page")
}

/// OIDC Core 3.1.2.4: the OP MUST obtain an authorization decision before releasing information;
/// for a third-party client and a never-approved scope that decision is the user's.
///
/// The module only knows what happened in this run: against a provider that keeps approvals
/// across runs, the test user must not have approved the extra scope for this client before.
fn third_party_asked(e: &ConsentEvidence) -> Verdict {
    if let Err(v) = callback(e) {
        return v;
    }
    if !e.fresh_consent && e.consent_pages_seen == 0 {
        return Verdict::skip("the user may have approved this scope in an earlier run (set features.fresh_consent = true for a fresh test user)");
    }
    if e.consent_pages_seen > 0 {
        return Verdict::Pass;
    }
    match &e.callback_error {
        Some(err) => Verdict::skip(format!("the request was refused with error={err} (no scope was released)")),
        None => Verdict::mismatch(
            "a third-party client got a code for a scope the user never approved, without a consent page",
            "a consent page",
            "a code without any consent page",
        ),
    }
}

/// RFC 6749 4.1.2.1: a denial is returned to the client as access_denied.
fn deny_access_denied(e: &ConsentEvidence) -> Verdict {
    if let Err(v) = callback(e) {
        return v;
    }
    if e.consent_pages_seen == 0 {
        return Verdict::skip("no consent page was shown, so nothing could be denied (see flow.consent.third_party)");
    }
    match (e.callback_error.as_deref(), e.code_returned) {
        (Some("access_denied"), false) => Verdict::Pass,
        (Some(err), _) => Verdict::mismatch("a denied consent must end with access_denied", "error=access_denied", format!("error={err}")),
        (None, _) => Verdict::mismatch("a denied consent was answered with a code", "error=access_denied", "a code"),
    }
}

/// OIDC Core 3.1.2.1: with prompt=none the provider MUST NOT display a consent page.
fn prompt_none_no_ui(e: &ConsentEvidence) -> Verdict {
    if e.outcome == DriveEnd::LoginRequired {
        return Verdict::skip(format!("the session was not recognised: a login page was shown ({}); see session.prompt_none.no_ui", e.detail));
    }
    Verdict::check(e.consent_pages_seen == 0, "prompt=none was answered with a consent page")
}

/// OIDC Core 3.1.2.1/3.1.2.6: a client without consent gets an error (consent_required or a kin
/// one) by redirect — unless the provider established consent by other means (3.1.2.4), which the
/// harness cannot see: SHOULD, and only for a user the profile says never approved the client.
fn prompt_none_refused(e: &ConsentEvidence) -> Verdict {
    if let Err(v) = callback(e) {
        return v;
    }
    if !e.fresh_consent {
        return Verdict::skip("the user may have approved this client in an earlier run (set features.fresh_consent = true for a fresh test user)");
    }
    if e.consent_pages_seen > 0 {
        return Verdict::skip("a consent page was shown (consent.prompt_none.no_ui); what followed answered the harness's denial");
    }
    match (e.callback_error.as_deref(), e.code_returned) {
        (Some("consent_required" | "interaction_required" | "account_selection_required" | "login_required"), _) => Verdict::Pass,
        (Some(err), _) => Verdict::mismatch("prompt=none without consent should end with consent_required", "error=consent_required (or interaction_required)", format!("error={err}")),
        (None, true) => Verdict::mismatch(
            "prompt=none released a code for a client the user never approved, without asking",
            "error=consent_required",
            "a code",
        ),
        (None, false) => Verdict::fail("prompt=none ended at the redirect_uri with neither a code nor an error"),
    }
}

/// The checks of [`ConsentCase::FirstParty`].
pub const FIRST_PARTY_CHECKS: &[Check<ConsentEvidence>] = &[
    may("consent.first_party.no_page").spec(spec::OIDCC_3_1_2_4).title("a first-party client gets no consent page").run(first_party_no_page),
];

/// The checks of [`ConsentCase::ThirdPartyNewScope`].
pub const THIRD_PARTY_NEW_SCOPE_CHECKS: &[Check<ConsentEvidence>] = &[
    should("consent.third_party.asked").spec(spec::OIDCC_3_1_2_4).title("a third-party client asking for a never-approved scope gets a consent page").run(third_party_asked),
];

/// The checks of [`ConsentCase::Deny`].
pub const DENY_CHECKS: &[Check<ConsentEvidence>] = &[
    must("consent.deny.access_denied").spec(spec::RFC6749_4_1_2_1).title("a denied consent comes back as error=access_denied without a code").run(deny_access_denied),
];

/// The checks of [`ConsentCase::PromptNoneNeedsConsent`].
pub const PROMPT_NONE_CHECKS: &[Check<ConsentEvidence>] = &[
    must("consent.prompt_none.no_ui").spec(spec::OIDCC_3_1_2_1).title("prompt=none for a client needing consent shows no consent page").run(prompt_none_no_ui),
    should("consent.prompt_none.refused")
        .spec(spec::OIDCC_3_1_2_6)
        .title("prompt=none for a client the user never approved ends with consent_required (or a kin error), not a code")
        .run(prompt_none_refused),
];

/// The consent tables, one per [`ConsentCase`], in case order.
const BY_CASE: &[&[Check<ConsentEvidence>]] = &[FIRST_PARTY_CHECKS, THIRD_PARTY_NEW_SCOPE_CHECKS, DENY_CHECKS, PROMPT_NONE_CHECKS];

/// Every consent check: the tables of all cases, in case order.
pub const CHECKS: &[Check<ConsentEvidence>] = &concat::<_, { count(BY_CASE) }>(BY_CASE);
