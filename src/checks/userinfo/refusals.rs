//! The UserInfo endpoint's refusals (RFC 6750 §3): a call without a token and one with an
//! invalid token must be answered 401 with a `Bearer` challenge; [`NO_TOKEN_CHECKS`] and
//! [`INVALID_TOKEN_CHECKS`] judge them from a [`UserInfoErrorEvidence`].

use crate::checks::{Check, Verdict, must, should};
use crate::spec;

/// A UserInfo call made without a token or with an invalid one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfoErrorEvidence {
    /// HTTP status.
    pub status: u16,
    /// The `WWW-Authenticate` header, when present.
    pub www_authenticate: Option<String>,
}

/// Checks for a UserInfo call without any access token.
pub const NO_TOKEN_CHECKS: &[Check<UserInfoErrorEvidence>] = &[
    must("userinfo.no_token.rejected")
        .spec(spec::RFC6750_3)
        .title("a call without a token is refused")
        .run(refused),
    should("userinfo.no_token.status_401")
        .spec(spec::RFC6750_3)
        .title("a call without a token is answered 401")
        .run(no_token_401),
    must("userinfo.no_token.www_authenticate")
        .spec(spec::RFC6750_3)
        .title("the refusal of a call without a token carries WWW-Authenticate")
        .run(no_token_header),
    must("userinfo.no_token.bearer_scheme")
        .spec(spec::RFC6750_3)
        .title("the challenge uses the Bearer scheme")
        .run(no_token_bearer),
];

/// Checks for a UserInfo call with an invalid access token.
pub const INVALID_TOKEN_CHECKS: &[Check<UserInfoErrorEvidence>] = &[
    must("userinfo.invalid_token.rejected")
        .spec(spec::RFC6750_3_1)
        .title("an invalid token is refused")
        .run(refused),
    should("userinfo.invalid_token.status_401")
        .spec(spec::RFC6750_3_1)
        .title("an invalid token is answered 401")
        .run(invalid_401),
    must("userinfo.invalid_token.www_authenticate")
        .spec(spec::RFC6750_3)
        .title("the refusal of an invalid token carries WWW-Authenticate")
        .run(invalid_header),
    must("userinfo.invalid_token.bearer_scheme")
        .spec(spec::RFC6750_3)
        .title("the challenge uses the Bearer scheme")
        .run(invalid_bearer),
    should("userinfo.invalid_token.error_code")
        .spec(spec::RFC6750_3)
        .title("challenge says error=\"invalid_token\"")
        .run(invalid_error_code),
];

/// One challenge of a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    /// Auth scheme as sent.
    pub(crate) scheme: String,
    /// Auth parameters, names lower-cased, quoted values unescaped.
    pub(crate) params: Vec<(String, String)>,
}

/// Parses a `WWW-Authenticate` value into challenges (RFC 9110 §11.6.1), leniently.
pub(crate) fn parse_www_authenticate(h: &str) -> Vec<Challenge> {
    let mut chars = h.chars().peekable();
    let mut out: Vec<Challenge> = Vec::new();
    let is_ws = |c: &char| *c == ' ' || *c == '\t';
    loop {
        while chars.next_if(|c| is_ws(c) || *c == ',').is_some() {}
        if chars.peek().is_none() {
            return out;
        }
        let mut token = String::new();
        while let Some(c) = chars.next_if(|c| !is_ws(c) && *c != ',' && *c != '=') {
            token.push(c);
        }
        while chars.next_if(is_ws).is_some() {}
        if chars.next_if_eq(&'=').is_some() {
            while chars.next_if(is_ws).is_some() {}
            let mut value = String::new();
            if chars.next_if_eq(&'"').is_some() {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => value.extend(chars.next()),
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(c) = chars.next_if(|c| !is_ws(c) && *c != ',') {
                    value.push(c);
                }
            }
            if let Some(ch) = out.last_mut() {
                ch.params.push((token.to_ascii_lowercase(), value));
            }
        } else if !token.is_empty() {
            out.push(Challenge {
                scheme: token,
                params: Vec::new(),
            });
        }
    }
}

/// The Bearer challenge of the header, if any.
fn bearer(ev: &UserInfoErrorEvidence) -> Option<Challenge> {
    let h = ev.www_authenticate.as_deref()?;
    parse_www_authenticate(h)
        .into_iter()
        .find(|c| c.scheme.eq_ignore_ascii_case("Bearer"))
}

/// The call was accepted: the `*.rejected` check reports that; the refusal's shape is not judged.
fn accepted(ev: &UserInfoErrorEvidence) -> Option<Verdict> {
    (200..300).contains(&ev.status).then(|| Verdict::skip("the call was accepted (reported by the *.rejected check)"))
}

fn no_token_401(ev: &UserInfoErrorEvidence) -> Verdict {
    // RFC 6750 §3 and §3.1 (invalid_token): the refusal SHOULD be 401 with a challenge.
    if let Some(v) = accepted(ev) {
        return v;
    }
    if ev.status == 401 {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            format!("expected status 401 (found {})", ev.status),
            "401",
            ev.status.to_string(),
        )
    }
}

fn no_token_header(ev: &UserInfoErrorEvidence) -> Verdict {
    // RFC 6750 §3: the resource server MUST include WWW-Authenticate when credentials are missing.
    if let Some(v) = accepted(ev) {
        return v;
    }
    Verdict::check(
        ev.www_authenticate.is_some(),
        "expected a WWW-Authenticate header (found none)",
    )
}

fn no_token_bearer(ev: &UserInfoErrorEvidence) -> Verdict {
    // RFC 6750 §3: "All challenges defined by this specification MUST use the auth-scheme value Bearer."
    match &ev.www_authenticate {
        None => Verdict::skip("no WWW-Authenticate header"),
        Some(h) => Verdict::check(
            bearer(ev).is_some(),
            format!("expected a Bearer challenge (found {h:?})"),
        ),
    }
}

/// Shared by the no-token and invalid-token catalogs: any 2xx answer is a failure.
fn refused(ev: &UserInfoErrorEvidence) -> Verdict {
    Verdict::check(
        !(200..300).contains(&ev.status),
        format!(
            "expected the invalid token to be refused (found status {})",
            ev.status
        ),
    )
}

fn invalid_401(ev: &UserInfoErrorEvidence) -> Verdict {
    no_token_401(ev)
}

/// RFC 6750 §3: "the resource server MUST include the HTTP WWW-Authenticate response header
/// field" — its presence; the scheme is [`invalid_bearer`]'s sentence.
fn invalid_header(ev: &UserInfoErrorEvidence) -> Verdict {
    no_token_header(ev)
}

/// RFC 6750 §3: "All challenges defined by this specification MUST use the auth-scheme value
/// Bearer."
fn invalid_bearer(ev: &UserInfoErrorEvidence) -> Verdict {
    no_token_bearer(ev)
}

fn invalid_error_code(ev: &UserInfoErrorEvidence) -> Verdict {
    // RFC 6750 §3: a request with a token that failed authentication SHOULD get an error attribute.
    let Some(ch) = bearer(ev) else {
        return Verdict::skip("no Bearer challenge");
    };
    match ch.params.iter().find(|(k, _)| k == "error") {
        Some((_, v)) if v == "invalid_token" => Verdict::Pass,
        Some((_, v)) => Verdict::mismatch(
            format!("expected error=\"invalid_token\" (found {v:?})"),
            "invalid_token",
            v.clone(),
        ),
        None => Verdict::fail("expected error=\"invalid_token\" (found no error attribute)"),
    }
}
