//! The boundary inputs of the robustness module, one [`Case`] each: values at and beyond common
//! limits, repeated, unknown and empty parameters, bad percent-encoding and invalid UTF-8, wrong
//! and missing content types, empty and non-form bodies — for every endpoint the provider has.
//! Pure: a case is a request and what it must get; sending it and judging the answer is elsewhere.

use url::Url;

use crate::checks::{Expect, RobustEndpoint};
use crate::flow::{self, AuthParams};
use crate::http::HttpRequest;
use crate::target::ClientProfile;

/// One boundary request.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    /// Stable name, e.g. `authorize.state_8k` (shown in the report).
    pub(crate) name: String,
    /// The endpoint it probes.
    pub(crate) endpoint: RobustEndpoint,
    /// What it must get.
    pub(crate) expect: Expect,
    /// The request.
    pub(crate) request: HttpRequest,
}

/// `n` characters of a base64url-safe filler.
fn filler(n: usize) -> String {
    "AbCd0123-_".chars().cycle().take(n).collect()
}

/// A form POST of raw bytes with a content type (or none).
fn raw_post(url: &Url, content_type: Option<&str>, body: &str) -> HttpRequest {
    let req = HttpRequest { method: reqwest::Method::POST, body: Some(body.to_owned()), ..HttpRequest::get(url.clone()) };
    match content_type {
        Some(ct) => req.header("Content-Type", ct),
        None => req,
    }
}

/// `url` with its query replaced by `query` exactly as written (no re-encoding).
fn with_raw_query(url: &Url, query: &str) -> Url {
    let mut u = url.clone();
    u.set_query(Some(query));
    u
}

/// Authorization-endpoint cases (GET, and POST as OIDC Core 3.1.2.1 requires both).
pub(crate) fn authorize(endpoint: &Url, client: &ClientProfile) -> Vec<Case> {
    let base = |extra: Vec<(&str, String)>| {
        let mut p = AuthParams::fresh(client);
        p.extra = extra.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        flow::authorization_url(endpoint, client, &p)
    };
    let get = |name: &str, expect: Expect, url: Url| Case {
        name: format!("authorize.{name}"),
        endpoint: RobustEndpoint::Authorize,
        expect,
        request: HttpRequest::get(url),
    };
    let valid = base(vec![]);
    let query = valid.query().unwrap_or_default().to_owned();
    let scope_200: String = std::iter::once("openid".to_owned()).chain((1..200).map(|i| format!("s{i}"))).collect::<Vec<_>>().join(" ");
    let mut cases = vec![
        get("state_2k", Expect::NoCrash, base(vec![("state", filler(2048))])),
        get("state_8k", Expect::NoCrash, base(vec![("state", filler(8192))])),
        get("nonce_4k", Expect::NoCrash, base(vec![("nonce", filler(4096))])),
        get("login_hint_4k", Expect::NoCrash, base(vec![("login_hint", filler(4096))])),
        get("code_challenge_4k", Expect::Refusal, base(vec![("code_challenge", filler(4096))])),
        get("client_id_4k", Expect::Refusal, base(vec![("client_id", filler(4096))])),
        get("scope_200_values", Expect::NoCrash, base(vec![("scope", scope_200)])),
        get("unknown_parameter", Expect::NoCrash, base(vec![("x_oidc_harness_unknown", "1".into())])),
        get("duplicate_state", Expect::Refusal, with_raw_query(&valid, &format!("{query}&state=second"))),
        get("duplicate_response_type", Expect::Refusal, with_raw_query(&valid, &format!("{query}&response_type=token"))),
        get("empty_response_type", Expect::Refusal, base(vec![("response_type", String::new())])),
        get("bad_percent_encoding", Expect::NoCrash, with_raw_query(&valid, &format!("{query}&x=%ZZ%"))),
        get("invalid_utf8", Expect::NoCrash, with_raw_query(&valid, &format!("{query}&login_hint=%C3%28%FF"))),
    ];
    let mut post_url = endpoint.clone();
    post_url.set_query(None);
    let form: Vec<(String, String)> = valid.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    cases.push(Case {
        name: "authorize.post_form".into(),
        endpoint: RobustEndpoint::Authorize,
        expect: Expect::NoCrash,
        request: HttpRequest::post_form(post_url.clone(), form),
    });
    for (name, ct, body) in [("post_empty_body", Some("application/x-www-form-urlencoded"), String::new()), ("post_json_body", Some("application/json"), "{\"response_type\":\"code\"}".to_owned()), ("post_no_content_type", None, query)] {
        cases.push(Case { name: format!("authorize.{name}"), endpoint: RobustEndpoint::Authorize, expect: Expect::Refusal, request: raw_post(&post_url, ct, &body) });
    }
    cases
}

/// A valid, unredeemed code and the PKCE verifier it needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ValidCode<'a> {
    /// The code.
    pub(crate) code: &'a str,
    /// Its code_verifier, when the authorization request had a challenge.
    pub(crate) verifier: Option<&'a str>,
}

/// Token-endpoint cases: every one must be refused. `valid`: a code of the client's, sent first
/// in the repeated-`code` case (a provider that takes the first value of a repeated parameter
/// then issues tokens); the other cases carry a made-up code.
pub(crate) fn token(endpoint: &Url, client: &ClientProfile, valid: Option<ValidCode<'_>>) -> Vec<Case> {
    let bogus = "oidc-harness-not-a-code";
    let exchange = |code: &str, verifier: Option<String>| flow::token::code_exchange(endpoint, client, code, verifier.as_deref());
    let case = |name: &str, request: HttpRequest| Case { name: format!("token.{name}"), endpoint: RobustEndpoint::Token, expect: Expect::Refusal, request };
    let with_form = |extra: &[(&str, &str)]| {
        let mut req = exchange(bogus, None);
        let form = req.form.get_or_insert_with(Vec::new);
        form.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        req
    };
    let raw = |name: &str, ct: Option<&str>, body: &str| {
        // Client authentication by Basic stays; by form it would turn the raw body back into a
        // form, so such a client sends none (an `invalid_client` refusal is a refusal too).
        let req = flow::token::authenticate(raw_post(endpoint, ct, body), client);
        case(name, HttpRequest { form: None, ..req })
    };
    vec![
        case("code_verifier_129", exchange(bogus, Some(filler(129)))),
        case("code_4k", exchange(&filler(4096), None)),
        case("duplicate_grant_type", with_form(&[("grant_type", "client_credentials")])),
        case("duplicate_code", {
            // The valid code first: `code=<valid>&…&code=another`.
            let mut req = match valid {
                Some(v) => exchange(v.code, v.verifier.map(str::to_owned)),
                None => exchange(bogus, None),
            };
            req.form.get_or_insert_with(Vec::new).push(("code".into(), "another".into()));
            req
        }),
        case("unknown_parameter", with_form(&[("x_oidc_harness_unknown", "1")])),
        case("empty_grant_type", {
            let mut req = exchange(bogus, None);
            if let Some(form) = req.form.as_mut() {
                form.retain(|(k, _)| k != "grant_type");
                form.push(("grant_type".into(), String::new()));
            }
            req
        }),
        raw("empty_body", Some("application/x-www-form-urlencoded"), ""),
        raw("json_body", Some("application/json"), &format!("{{\"grant_type\":\"authorization_code\",\"code\":\"{bogus}\"}}")),
        raw("text_plain", Some("text/plain"), &format!("grant_type=authorization_code&code={bogus}")),
        raw("no_content_type", None, &format!("grant_type=authorization_code&code={bogus}")),
        raw("bad_percent_encoding", Some("application/x-www-form-urlencoded"), "grant_type=authorization_code&code=%ZZ%"),
        raw("invalid_utf8", Some("application/x-www-form-urlencoded"), "grant_type=authorization_code&code=%C3%28%FF"),
    ]
}

/// UserInfo cases: made-up tokens, so every one must be refused.
pub(crate) fn userinfo(endpoint: &Url) -> Vec<Case> {
    let case = |name: &str, request: HttpRequest| Case { name: format!("userinfo.{name}"), endpoint: RobustEndpoint::Userinfo, expect: Expect::Refusal, request };
    let mut in_query = endpoint.clone();
    in_query.query_pairs_mut().append_pair("access_token", "oidc-harness-not-a-token");
    vec![
        case("token_8k", flow::token::userinfo(endpoint, &filler(8192))),
        case("empty_bearer", HttpRequest::get(endpoint.clone()).header("Authorization", "Bearer ")),
        case("two_methods", flow::token::userinfo(&in_query, "oidc-harness-not-a-token")),
        case("bad_characters", HttpRequest::get(endpoint.clone()).header("Authorization", "Bearer a b\"c,d=")),
    ]
}

/// Revocation or introspection cases: a made-up token is answered 200 (RFC 7009 §2.2, RFC 7662
/// §2.2), so these must only not crash.
pub(crate) fn token_management(endpoint: &Url, client: &ClientProfile, which: RobustEndpoint) -> Vec<Case> {
    let prefix = which.as_str();
    let form = |fields: &[(&str, String)]| {
        let fields = fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        flow::token::authenticate(HttpRequest::post_form(endpoint.clone(), fields), client)
    };
    let case = |name: &str, request: HttpRequest| Case { name: format!("{prefix}.{name}"), endpoint: which, expect: Expect::NoCrash, request };
    vec![
        case("token_4k", form(&[("token", filler(4096))])),
        case("duplicate_token", form(&[("token", "a".into()), ("token", "b".into())])),
        case("empty_body", form(&[])),
        case("unknown_hint", form(&[("token", "x".into()), ("token_type_hint", filler(300))])),
    ]
}

/// End-session cases: a made-up `id_token_hint` and oversized values must not crash the page.
pub(crate) fn end_session(endpoint: &Url, client: &ClientProfile) -> Vec<Case> {
    let url = |pairs: &[(&str, String)]| {
        let mut u = endpoint.clone();
        u.query_pairs_mut().extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        u
    };
    let case = |name: &str, u: Url| Case { name: format!("end_session.{name}"), endpoint: RobustEndpoint::EndSession, expect: Expect::NoCrash, request: HttpRequest::get(u) };
    vec![
        case("id_token_hint_4k", url(&[("id_token_hint", filler(4096)), ("client_id", client.client_id.clone())])),
        case("state_8k", url(&[("state", filler(8192)), ("client_id", client.client_id.clone())])),
        case("bad_percent_encoding", with_raw_query(endpoint, "post_logout_redirect_uri=%ZZ&state=%C3%28")),
    ]
}
