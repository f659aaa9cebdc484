//! The generator's browser-and-client: PKCE, the login form submitted like a browser, the code
//! exchange and one refresh grant.

use std::time::Duration;

use anyhow::{Context as _, bail};
use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::cookie_client::CookieClient;
use crate::{Endpoints, Settings};

/// A PKCE pair (verifier, S256 challenge), RFC 7636 4.1-4.2.
fn pkce() -> anyhow::Result<(String, String)> {
    let mut b = [0u8; 32];
    aws_lc_rs::rand::fill(&mut b).map_err(|_| anyhow::anyhow!("no randomness"))?;
    let verifier = URL_SAFE_NO_PAD.encode(b);
    let challenge = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()));
    Ok((verifier, challenge))
}

/// The value of a hidden input in the provider's HTML.
fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html.get(start..)?.find('"')? + start;
    html.get(start..end).map(str::to_owned)
}

/// One browser-and-client: its own cookie jar, no automatic redirects.
pub(crate) fn http_client() -> anyhow::Result<CookieClient> {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(10)).build()?;
    Ok(CookieClient::new(http))
}

/// A full login (authorize, login form, code exchange); returns the first refresh token.
pub(crate) async fn login(http: &CookieClient, s: &Settings, ep: &Endpoints) -> anyhow::Result<String> {
    let (verifier, challenge) = pkce()?;
    let mut url = url::Url::parse(&ep.authorization)?;
    url.query_pairs_mut().extend_pairs([
        ("response_type", "code"),
        ("client_id", s.client_id.as_str()),
        ("redirect_uri", s.redirect_uri.as_str()),
        ("scope", "openid profile email"),
        ("state", "refresh-rate-state"),
        ("nonce", "refresh-rate-nonce"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ]);
    let mut res = http.get(url.clone()).send().await?;
    let mut code = None;
    for _ in 0..10 {
        if let Some(loc) = res.headers().get("location") {
            let abs = url.join(loc.to_str()?)?;
            if abs.as_str().starts_with(&s.redirect_uri) {
                code = abs.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned());
                if code.is_none() {
                    bail!("expected a code at the redirect_uri (found parameters {:?})", abs.query_pairs().map(|(k, _)| k.into_owned()).collect::<Vec<_>>());
                }
                break;
            }
            res = http.get(abs).send().await?;
            continue;
        }
        let status = res.status();
        let body = res.text().await?;
        let (Some(interaction), Some(csrf)) = (hidden(&body, "interaction"), hidden(&body, "csrf_token")) else {
            bail!("expected a login form or a redirect (found status {status})");
        };
        let mut form = vec![("interaction", interaction), ("csrf_token", csrf)];
        let action = if body.contains("type=\"password\"") {
            form.push(("username", s.username.clone()));
            form.push(("password", s.password.clone()));
            "/login"
        } else {
            form.push(("decision", "allow".to_owned()));
            "/consent"
        };
        res = http.post(format!("{}{action}", s.issuer)).form(&form).send().await?;
    }
    let code = code.context("expected the redirect_uri within 10 steps")?;
    let res = http
        .post(&ep.token)
        .basic_auth(&s.client_id, Some(&s.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", s.redirect_uri.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await?;
    let status = res.status();
    let body: Value = res.json().await?;
    match body.get("refresh_token").and_then(Value::as_str) {
        Some(r) if status.is_success() => Ok(r.to_owned()),
        _ => bail!("expected a refresh_token from the code exchange (found status {status}, error {:?})", body.get("error")),
    }
}

/// A successful refresh response: the rotated refresh token and the two JWTs' `alg`s.
pub(crate) struct Refreshed {
    pub(crate) refresh_token: String,
    pub(crate) access_token: String,
    pub(crate) id_token: String,
}

/// The `alg` of a compact JWS header (`?` if unreadable).
pub(crate) fn jws_alg(jwt: &str) -> String {
    jwt.split('.')
        .next()
        .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
        .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
        .and_then(|h| h.get("alg").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// One refresh grant; returns the new tokens or an error description (no tokens in it).
pub(crate) async fn refresh(http: &CookieClient, s: &Settings, ep: &Endpoints, token: &str) -> Result<Refreshed, String> {
    let res = http
        .post(&ep.token)
        .basic_auth(&s.client_id, Some(&s.client_secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = res.status();
    let body: Value = res.json().await.map_err(|e| format!("status {status}, body not JSON: {e}"))?;
    let field = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    if !status.is_success() {
        return Err(format!("status {status}, error {}", body.get("error").unwrap_or(&Value::Null)));
    }
    match (field("refresh_token"), field("access_token"), field("id_token")) {
        (Some(refresh_token), Some(access_token), Some(id_token)) if refresh_token != token => {
            Ok(Refreshed { refresh_token, access_token, id_token })
        }
        (Some(_), Some(_), Some(_)) => Err("200 with the same refresh_token (not rotated)".to_owned()),
        _ => Err("200 without refresh_token, access_token and id_token".to_owned()),
    }
}
