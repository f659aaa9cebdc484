//! Checks over how an authorization request ended: whether the provider brought the user agent
//! back to the redirect_uri, and whether login and consent pages appeared when they must.

use super::{Check, Verdict, must, should};
use crate::form::DriveEnd;
use crate::spec;

/// How a driven authorization request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowEvidence {
    /// How the drive ended.
    pub outcome: DriveEnd,
    /// Human-readable detail of where the drive stopped (redacted URL, reason).
    pub detail: String,
    /// Whether the callback carried an `error` parameter.
    pub callback_error: Option<String>,
    /// Login forms seen on the way.
    pub login_forms_seen: usize,
    /// Consent pages seen on the way.
    pub consent_pages_seen: usize,
    /// Whether this client is first-party (a consent page is not expected).
    pub first_party: bool,
    /// Whether the client is third-party and the user had not consented before in this run.
    pub consent_expected: bool,
    /// The issuer's origin (`scheme://host:port`); `None` when the issuer is not a URL.
    pub issuer_origin: Option<String>,
    /// The origins the password was sent to (empty: none sent, or the driver cannot tell).
    pub password_origins: Vec<String>,
}

/// OIDC Core 3.1.2.5: a successful authentication ends with a redirect to the redirect_uri.
fn callback_reached(e: &FlowEvidence) -> Verdict {
    match e.outcome {
        DriveEnd::Callback => Verdict::Pass,
        DriveEnd::LoginRejected => Verdict::mismatch(
            "the provider rejected the profile's credentials (it showed the login form again); check the user in the target profile",
            "a redirect to the redirect_uri",
            e.detail.clone(),
        ),
        _ => Verdict::mismatch("the authorization request did not come back to the redirect_uri", "a redirect to the redirect_uri", e.detail.clone()),
    }
}

/// OIDC Core 3.1.2.5: the response to a valid request for a consenting user carries a code, not an error.
fn no_error(e: &FlowEvidence) -> Verdict {
    if e.outcome != DriveEnd::Callback {
        return Verdict::skip("no callback was reached");
    }
    match &e.callback_error {
        None => Verdict::Pass,
        Some(err) => Verdict::mismatch("a valid request was answered with an error", "a code", format!("error={err}")),
    }
}

/// OIDC Core 3.1.2.3: the provider authenticates the end-user (a login form for a fresh browser).
fn login_shown(e: &FlowEvidence) -> Verdict {
    if e.outcome != DriveEnd::Callback {
        return Verdict::skip("no callback was reached");
    }
    Verdict::check(e.login_forms_seen > 0, "a browser without a session got a code without any login page")
}

/// OIDC Core 3.1.2.4: consent must be obtained for a third-party client the user has not approved yet.
fn consent_for_third_party(e: &FlowEvidence) -> Verdict {
    if !e.consent_expected {
        return Verdict::skip("not a third-party client seen for the first time");
    }
    if e.outcome != DriveEnd::Callback {
        return Verdict::skip("no callback was reached");
    }
    // An error instead of a code releases nothing (OIDC Core 3.1.2.1: an OP that cannot obtain
    // consent returns an error); whether the error was right is judged elsewhere.
    if let Some(err) = &e.callback_error
        && e.consent_pages_seen == 0
    {
        return Verdict::skip(format!("the request was refused with error={err} before any consent page (no information was released)"));
    }
    Verdict::check(e.consent_pages_seen > 0, "a third-party client got a code without a consent page")
}

/// RFC 6749 10.11: the password goes to the issuer's origin, where the user can see whose site it is.
fn password_same_origin(e: &FlowEvidence) -> Verdict {
    let Some(home) = &e.issuer_origin else {
        return Verdict::skip("the configured issuer is not a URL");
    };
    if e.password_origins.is_empty() {
        return Verdict::skip("no password was sent in this flow, or the browser driver cannot tell where it went");
    }
    let elsewhere: Vec<&str> = e.password_origins.iter().map(String::as_str).filter(|o| o != home).collect();
    if elsewhere.is_empty() {
        return Verdict::Pass;
    }
    Verdict::mismatch(
        "the login form sent the user's password to another origin than the issuer's; check that this origin belongs to the provider",
        format!("the issuer's origin {home}"),
        elsewhere.join(", "),
    )
}

/// A third-party client is asked for consent.
pub const CONSENT_THIRD_PARTY: Check<FlowEvidence> = should("flow.consent.third_party")
    .spec(spec::OIDCC_3_1_2_4)
    .title("a third-party client is shown a consent page on first use")
    .run(consent_for_third_party);

/// The consent check alone, for a flow whose other checks run elsewhere.
pub const THIRD_PARTY_CONSENT_CHECKS: &[Check<FlowEvidence>] = &[CONSENT_THIRD_PARTY];

/// The flow checks.
pub const CHECKS: &[Check<FlowEvidence>] = &[
    must("flow.callback.reached").spec(spec::OIDCC_3_1_2_5).title("the authorization request ends with a redirect to the redirect_uri").run(callback_reached),
    must("flow.callback.no_error").spec(spec::OIDCC_3_1_2_5).title("a valid request from a consenting user is answered with a code").run(no_error),
    must("flow.login.shown").spec(spec::OIDCC_3_1_2_3).title("a browser without a session is asked to log in").run(login_shown),
    CONSENT_THIRD_PARTY,
    should("flow.password.same_origin")
        .spec(spec::RFC6749_10_11)
        .title("the login form sends the password to the issuer's origin")
        .run(password_same_origin),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> FlowEvidence {
        FlowEvidence {
            outcome: DriveEnd::Callback,
            detail: "redirected".into(),
            callback_error: None,
            login_forms_seen: 1,
            consent_pages_seen: 1,
            first_party: false,
            consent_expected: true,
            issuer_origin: Some("https://op.example".into()),
            password_origins: vec!["https://op.example".into()],
        }
    }

    fn verdict(id: &str, e: &FlowEvidence) -> Verdict {
        (CHECKS.iter().find(|c| c.def.id == id).unwrap().run)(e)
    }

    #[test]
    fn every_check_passes_on_a_good_flow() {
        for c in CHECKS {
            assert_eq!((c.run)(&ok()), Verdict::Pass, "{}", c.def.id);
        }
    }

    #[test]
    fn each_check_fails_on_its_bad_flow() {
        let stuck = FlowEvidence { outcome: DriveEnd::Stuck, ..ok() };
        assert!(matches!(verdict("flow.callback.reached", &stuck), Verdict::Fail(_)));
        let rejected = FlowEvidence { outcome: DriveEnd::LoginRejected, ..ok() };
        assert!(matches!(verdict("flow.callback.reached", &rejected), Verdict::Fail(d) if d.message.contains("credentials")));
        let error = FlowEvidence { callback_error: Some("server_error".into()), ..ok() };
        assert!(matches!(verdict("flow.callback.no_error", &error), Verdict::Fail(_)));
        let no_login = FlowEvidence { login_forms_seen: 0, ..ok() };
        assert!(matches!(verdict("flow.login.shown", &no_login), Verdict::Fail(_)));
        let no_consent = FlowEvidence { consent_pages_seen: 0, ..ok() };
        assert!(matches!(verdict("flow.consent.third_party", &no_consent), Verdict::Fail(_)));
        let first_party = FlowEvidence { consent_expected: false, consent_pages_seen: 0, ..ok() };
        assert!(matches!(verdict("flow.consent.third_party", &first_party), Verdict::Skip(_)));
        let refused = FlowEvidence { consent_pages_seen: 0, callback_error: Some("login_required".into()), ..ok() };
        assert!(matches!(verdict("flow.consent.third_party", &refused), Verdict::Skip(_)));
        let denied_after_page = FlowEvidence { callback_error: Some("access_denied".into()), ..ok() };
        assert_eq!(verdict("flow.consent.third_party", &denied_after_page), Verdict::Pass);
        let phished = FlowEvidence { password_origins: vec!["https://op.example".into(), "https://login.elsewhere.example".into()], ..ok() };
        assert!(matches!(verdict("flow.password.same_origin", &phished), Verdict::Fail(d) if d.message.contains("another origin")));
        let no_password = FlowEvidence { password_origins: vec![], ..ok() };
        assert!(matches!(verdict("flow.password.same_origin", &no_password), Verdict::Skip(_)));
    }
}
