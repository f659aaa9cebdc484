//! Preflight: before the plan runs, one login per configured user and one token request per
//! client, so that wrong credentials stop the run with exit 2 and one sentence naming the user
//! or client and what the provider answered, instead of a plan full of failures.
//!
//! How each credential is proven, and why:
//! - **A user's password**: the authorization URL of the profile's first client is driven in a
//!   fresh browser, logging in as that user and allowing a consent page if one appears (the
//!   plan's first code flow grants the same scope to the same client anyway; denying was tried
//!   and is not robust: node oidc-provider's consent page has no deny control the form driver
//!   can press). The login form shown again ([`DriveOutcome::LoginRejected`]) means the password
//!   was refused. The code the login yields is not redeemed.
//! - **A client's authentication**: a code exchange with a code that was never issued. RFC 6749
//!   5.2 has the token endpoint authenticate the client before it looks at the grant: a wrong
//!   secret, an unknown client_id or the wrong auth method is `invalid_client` (usually 401),
//!   while a client that authenticated gets `invalid_grant` for the bogus code. This works the
//!   same for confidential and public clients, costs one request per client and needs no login
//!   per client (a real code exchange would need a full login per client, and a consent page
//!   for each third-party one). A provider that judges the code first would answer
//!   `invalid_grant` even for a wrong secret: the preflight then proves nothing, and the plan
//!   shows the failures as before.
//!
//! Anything that is neither an acceptance nor a refusal (a login page that cannot be driven, an
//! error page, a 5xx, a transport error) is *unverified*: it is said plainly and the plan runs,
//! so its modules show what happened; the preflight never turns such a case into exit 2.
//!
//! Judging the answers ([`judge_login`], [`judge_client`]) is pure; [`run`] does the HTTP.

use serde_json::Value;

use super::Ctx;
use super::steps::{self, UserActs};
use crate::flow::{self, AuthParams};
use crate::form::{DriveOutcome, DriveReport};
use crate::http::{Redactor, StepLabel};
use crate::target::{ClientAuth, ClientProfile, UserProfile};

/// The code sent to prove client authentication: never issued by any provider.
const BOGUS_CODE: &str = "oidc-harness-preflight-code-never-issued";

/// What a preflight login showed about a user's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginVerdict {
    /// The login went through (a consent page or the redirect_uri followed it).
    Accepted,
    /// The provider showed the login form again.
    Rejected {
        /// Redacted URL of the returned login page.
        url: String,
    },
    /// Neither: why the password could not be judged.
    Unverified(String),
}

/// What a preflight token request showed about a client's authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientVerdict {
    /// The client authenticated (the bogus code was refused for what it is).
    Accepted,
    /// `invalid_client` or 401.
    Rejected {
        /// HTTP status.
        status: u16,
        /// The `error` member, if any.
        error: Option<String>,
        /// The `error_description` member, if any.
        description: Option<String>,
    },
    /// Neither: why the authentication could not be judged.
    Unverified(String),
}

/// Judges a preflight login from how the drive ended.
pub fn judge_login(report: &DriveReport) -> LoginVerdict {
    match &report.outcome {
        DriveOutcome::LoginRejected { url } => LoginVerdict::Rejected { url: url.clone() },
        // A consent page is only shown to a user who logged in.
        _ if report.consent_pages_seen > 0 => LoginVerdict::Accepted,
        DriveOutcome::Callback(_) if report.login_forms_seen > 0 => LoginVerdict::Accepted,
        DriveOutcome::Callback(_) => LoginVerdict::Unverified("the provider returned to the redirect_uri without showing a login page".into()),
        other => LoginVerdict::Unverified(steps::describe(other)),
    }
}

/// Judges the answer of the token endpoint to a code exchange with a bogus code by a client
/// authenticating with `auth`. A public client (`none`) has no secret to prove: a provider may
/// answer it `invalid_client` for the missing code_verifier, PKCE being all it has to show
/// (RFC 6749 5.2: "no client authentication included"), so a refusal proves nothing there.
pub fn judge_client(auth: ClientAuth, status: u16, body: Option<&Value>) -> ClientVerdict {
    let member = |k: &str| body.and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned);
    let error = member("error");
    if auth == ClientAuth::None && (status == 401 || error.as_deref() == Some("invalid_client")) {
        return ClientVerdict::Unverified(format!(
            "HTTP {status} error={} to a public client without a code_verifier proves nothing (no secret to check; its client_id is proven by its logins)",
            error.as_deref().unwrap_or("(none)")
        ));
    }
    if status == 401 || error.as_deref() == Some("invalid_client") {
        return ClientVerdict::Rejected { status, error, description: member("error_description") };
    }
    match (status, error) {
        (200..=299, _) => ClientVerdict::Accepted,
        (400..=499, Some(_)) => ClientVerdict::Accepted,
        (400..=499, None) => ClientVerdict::Unverified(format!("the token endpoint answered HTTP {status} without an OAuth error")),
        (s, _) => ClientVerdict::Unverified(format!("the token endpoint answered HTTP {s}")),
    }
}

/// The sentence for a refused password.
pub fn login_sentence(user: &UserProfile, url: &str) -> String {
    format!("the provider rejected the password of user {:?}: it showed the login form again at {url}", user.username)
}

/// The sentence for a refused client authentication (the provider's text redacted).
pub fn client_sentence(client: &ClientProfile, status: u16, error: Option<&str>, description: Option<&str>, redactor: &Redactor) -> String {
    let mut answer = format!("HTTP {status}");
    if let Some(e) = error {
        answer.push_str(&format!(" error={}", redactor.text(e)));
    }
    if let Some(d) = description {
        answer.push_str(&format!(" ({:?})", redactor.text(d)));
    }
    format!(
        "the provider rejected the authentication of client {:?} (client_id {:?}, {}) at the token endpoint: {answer}",
        client.label(),
        client.client_id,
        client.auth_method.as_str()
    )
}

/// What the preflight found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preflight {
    /// One sentence per refused credential.
    pub rejected: Vec<String>,
    /// One sentence per credential that could not be judged.
    pub unverified: Vec<String>,
}

/// Logs in once per user and sends one token request per client, at the endpoints discovery
/// yielded (without them the runner skips every module and there is nothing to prove).
pub async fn run(ctx: &Ctx) -> Preflight {
    let mut out = Preflight::default();
    let endpoints = ctx.endpoints();
    let redactor = Redactor::new(ctx.target.secrets());
    if let Some(client) = ctx.target.clients.first() {
        let acts = UserActs::ALLOW;
        for user in &ctx.target.users {
            let verdict = match steps::browser(ctx) {
                Err(e) => LoginVerdict::Unverified(e),
                Ok(browser) => {
                    let url = flow::authorization_url(&endpoints.authorization, client, &AuthParams::fresh(client));
                    match steps::authorize_as(ctx, &browser, client, url, acts, user).await {
                        Ok(report) => judge_login(&report),
                        Err(e) => LoginVerdict::Unverified(e),
                    }
                }
            };
            match verdict {
                LoginVerdict::Accepted => {}
                LoginVerdict::Rejected { url } => out.rejected.push(login_sentence(user, &url)),
                LoginVerdict::Unverified(why) => out.unverified.push(format!(
                    "could not check the password of user {:?} (logging in with client {:?}): {why}",
                    user.username,
                    client.label()
                )),
            }
        }
    }
    for client in &ctx.target.clients {
        let req = flow::token::code_exchange(&endpoints.token, client, BOGUS_CODE, None).labelled(StepLabel::PreflightToken);
        let verdict = match steps::send(&ctx.back, req).await {
            Ok(resp) => judge_client(client.auth_method, resp.status, resp.json().as_ref()),
            Err(e) => ClientVerdict::Unverified(e),
        };
        match verdict {
            ClientVerdict::Accepted => {}
            ClientVerdict::Rejected { status, error, description } => {
                out.rejected.push(client_sentence(client, status, error.as_deref(), description.as_deref(), &redactor));
            }
            ClientVerdict::Unverified(why) => {
                out.unverified.push(format!("could not check the authentication of client {:?}: {why}", client.label()));
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::flow::{AuthorizationResponse, ResponseSource};
    use crate::target::{ClientAuth, Secret};

    fn report(outcome: DriveOutcome, logins: usize, consents: usize) -> DriveReport {
        DriveReport { outcome, login_forms_seen: logins, consent_pages_seen: consents, steps: 3, password_origins: Vec::new() }
    }

    fn callback() -> DriveOutcome {
        let params = vec![("code".to_owned(), "abc".to_owned())];
        DriveOutcome::Callback(AuthorizationResponse { source: ResponseSource::Query, url: "http://127.0.0.1:9/cb".into(), params })
    }

    fn stuck() -> DriveOutcome {
        DriveOutcome::Stuck { url: "http://op/login".into(), status: 500, reason: "an error page".into() }
    }

    #[test]
    fn the_login_form_shown_again_is_a_rejected_password() {
        let r = report(DriveOutcome::LoginRejected { url: "http://op/login".into() }, 2, 0);
        assert_eq!(judge_login(&r), LoginVerdict::Rejected { url: "http://op/login".into() });
    }

    #[test]
    fn a_callback_or_a_consent_page_after_the_login_is_an_accepted_password() {
        assert_eq!(judge_login(&report(callback(), 1, 0)), LoginVerdict::Accepted);
        // A consent page the driver cannot answer comes after the login: it was accepted.
        assert_eq!(judge_login(&report(stuck(), 1, 1)), LoginVerdict::Accepted);
    }

    #[test]
    fn a_page_that_cannot_be_driven_is_unverified_not_rejected() {
        let LoginVerdict::Unverified(why) = judge_login(&report(stuck(), 1, 0)) else { panic!("expected unverified") };
        assert!(why.contains("HTTP 500") && why.contains("an error page"), "{why}");
        assert!(matches!(judge_login(&report(callback(), 0, 0)), LoginVerdict::Unverified(_)));
    }

    #[test]
    fn invalid_client_or_401_is_a_rejected_client() {
        let body = json!({"error": "invalid_client", "error_description": "client authentication failed"});
        assert_eq!(
            judge_client(ClientAuth::ClientSecretBasic, 401, Some(&body)),
            ClientVerdict::Rejected { status: 401, error: Some("invalid_client".into()), description: Some("client authentication failed".into()) }
        );
        assert!(matches!(judge_client(ClientAuth::ClientSecretBasic, 400, Some(&json!({"error": "invalid_client"}))), ClientVerdict::Rejected { status: 400, .. }));
        assert!(matches!(judge_client(ClientAuth::ClientSecretBasic, 401, None), ClientVerdict::Rejected { error: None, .. }));
        // A public client refused for want of a code_verifier (Fief 0.30): proves nothing.
        let public = judge_client(ClientAuth::None, 400, Some(&json!({"error": "invalid_client"})));
        assert!(matches!(public, ClientVerdict::Unverified(w) if w.contains("public client")));
        assert_eq!(judge_client(ClientAuth::None, 400, Some(&json!({"error": "invalid_grant"}))), ClientVerdict::Accepted);
    }

    #[test]
    fn invalid_grant_for_the_bogus_code_is_an_accepted_client() {
        assert_eq!(judge_client(ClientAuth::ClientSecretBasic, 400, Some(&json!({"error": "invalid_grant"}))), ClientVerdict::Accepted);
        assert_eq!(judge_client(ClientAuth::ClientSecretBasic, 400, Some(&json!({"error": "invalid_request"}))), ClientVerdict::Accepted);
    }

    #[test]
    fn server_errors_and_non_oauth_answers_are_unverified() {
        assert!(matches!(judge_client(ClientAuth::ClientSecretBasic, 500, Some(&json!({"error": "server_error"}))), ClientVerdict::Unverified(w) if w.contains("500")));
        assert!(matches!(judge_client(ClientAuth::ClientSecretBasic, 404, None), ClientVerdict::Unverified(w) if w.contains("without an OAuth error")));
    }

    #[test]
    fn sentences_name_the_user_or_client_and_never_the_secret() {
        let user = UserProfile { username: "alice".into(), password: Secret::new("hunter2") };
        assert!(login_sentence(&user, "http://op/login").contains("user \"alice\""));
        let client = ClientProfile {
            name: Some("main".into()),
            client_secret: Some(Secret::new("s3cret-value")),
            auth_method: ClientAuth::ClientSecretPost,
            scope: "openid".into(),
            ..ClientProfile::new("rp-1", "http://127.0.0.1:9/cb")
        };
        let redactor = Redactor::new(vec!["s3cret-value".into()]);
        let s = client_sentence(&client, 401, Some("invalid_client"), Some("secret s3cret-value is wrong"), &redactor);
        assert!(s.contains("client \"main\"") && s.contains("rp-1") && s.contains("client_secret_post") && s.contains("HTTP 401 error=invalid_client"), "{s}");
        assert!(!s.contains("s3cret-value"), "{s}");
    }
}
