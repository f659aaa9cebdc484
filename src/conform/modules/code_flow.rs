//! The code-flow module: a complete authorization-code flow for one client (authorize → login →
//! consent → callback → token → ID token → userinfo), judged at every step.

use serde_json::{Map, Value};

use super::{ModuleOutcome, probe};
use crate::checks::{
    AUTHORIZATION_CHECKS, EncryptionRegistration, FLOW_CHECKS, Finding, FlowEvidence,
    ID_TOKEN_CHECKS, ID_TOKEN_ENCRYPTION_CHECKS, IdTokenEncryptionEvidence, SCOPE_CHECKS,
    ScopeEvidence, TOKEN_RESPONSE_CHECKS, TokenResponseEvidence, USERINFO_CHECKS, UserInfoEvidence, evaluate,
};
use crate::conform::steps::{self, UserActs};
use crate::conform::Ctx;
use crate::flow::{self, AuthParams, GrantType};
use crate::form::DriveEnd;
use crate::http::HttpResponse;
use crate::target::ClientProfile;

/// Splits a space-separated scope.
fn scopes(s: &str) -> Vec<String> {
    s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

pub(super) async fn run(ctx: &Ctx, client_idx: usize, response_mode: Option<&'static str>) -> ModuleOutcome {
    if let Some(mode) = response_mode
        && !ctx.metadata().supports_response_mode(mode)
    {
        return ModuleOutcome::skipped(format!("response_mode {mode} is not advertised"));
    }
    let Some(client) = ctx.target.clients.get(client_idx).cloned() else {
        return ModuleOutcome::skipped("no such client in the profile");
    };
    let browser = match steps::browser(ctx) {
        Ok(a) => a,
        Err(e) => return ModuleOutcome::default().abort(e),
    };
    let mut params = AuthParams::fresh(&client);
    params.response_mode = response_mode.map(str::to_owned);
    let mut out = ModuleOutcome::default();
    let report = match steps::authorize(ctx, &browser, &client, &params, UserActs::ALLOW).await {
        Ok(r) => r,
        Err(e) => return out.abort(e),
    };
    let detail = steps::describe(&report.outcome);
    let outcome = report.outcome.end();
    if outcome == DriveEnd::CannotDrive {
        // `steps::authorize` turns it into an error; never the provider's failure.
        return out.abort(detail);
    }
    let callback = report.outcome.callback().cloned();
    let flow_ev = FlowEvidence {
        outcome,
        detail: detail.clone(),
        callback_error: callback.as_ref().and_then(|c| c.error().map(str::to_owned)),
        login_forms_seen: report.login_forms_seen,
        consent_pages_seen: report.consent_pages_seen,
        first_party: client.first_party,
        consent_expected: false,
        issuer_origin: url::Url::parse(&ctx.target.issuer).ok().map(|u| u.origin().ascii_serialization()),
        password_origins: report.password_origins.clone(),
    };
    out.findings.extend(evaluate(FLOW_CHECKS, &flow_ev));
    let Some(cb) = callback else {
        return out.abort(format!("the flow did not reach the redirect_uri: {detail}"));
    };
    out.findings.extend(evaluate(AUTHORIZATION_CHECKS, &probe::authorization_evidence(ctx, &cb, &params, false)));
    let Some(code) = cb.code().map(str::to_owned) else {
        return out.abort("the callback carried no code");
    };

    let verifier = params.pkce.as_ref().map(|p| p.verifier.as_str());
    let token_resp = match steps::redeem(ctx, &client, &code, verifier).await {
        Ok(r) => r,
        Err(note) => return out.abort(note),
    };
    let body = token_resp.json();
    out.findings.extend(evaluate(TOKEN_RESPONSE_CHECKS, &token_evidence(&token_resp, body.clone(), &params.scope, GrantType::AuthorizationCode)));
    let str_of = |k: &str| body.as_ref().and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned);
    let access_token = str_of("access_token");
    let id_token_raw = str_of("id_token");
    let granted = str_of("scope").map(|s| scopes(&s)).unwrap_or_else(|| scopes(&params.scope));

    let mut id_claims: Option<Map<String, Value>> = None;
    if let Some(received) = &id_token_raw {
        let opened = open_id_token(received, &client);
        out.findings.extend(opened.findings);
        if opened.note.is_some() {
            out.note = opened.note;
        }
        let mut ev = ctx.id_token_evidence(&client, &opened.token, access_token.clone());
        ev.nonce_sent = params.nonce.clone();
        ev.code = Some(code.clone());
        id_claims = ev.jwt.as_ref().map(|j| j.claims().clone());
        out.findings.extend(evaluate(ID_TOKEN_CHECKS, &ev));
    }

    let mut userinfo_claims = None;
    match (&ctx.endpoints().userinfo, &access_token) {
        (Some(ep), Some(at)) => match steps::send(&ctx.back, flow::token::userinfo(ep, at)).await {
            Ok(resp) => {
                let ev = userinfo_evidence(&resp, id_claims.as_ref(), &granted);
                userinfo_claims = ev.body_json.as_ref().and_then(Value::as_object).cloned();
                out.findings.extend(evaluate(USERINFO_CHECKS, &ev));
            }
            Err(note) => out.note = Some(note),
        },
        _ => out.note = Some("no userinfo call: no userinfo_endpoint or no access token".into()),
    }
    // Advertised against observed: End-User claims returned, against claims_supported.
    let mut returned: Vec<String> = id_claims.iter().chain(userinfo_claims.iter()).flat_map(|m| m.keys().cloned()).collect();
    returned.sort();
    returned.dedup();
    out.findings.extend(evaluate(crate::checks::CLAIMS_ADVERTISED_CHECKS, &crate::checks::ClaimsEvidence { returned, claims_supported: ctx.metadata().claims_supported.clone() }));
    let scope_ev = ScopeEvidence {
        requested: scopes(&params.scope),
        granted,
        scope_returned: str_of("scope").is_some(),
        id_token_claims: id_claims,
        userinfo_claims,
        scopes_supported: ctx.metadata().scopes_supported.clone(),
    };
    out.findings.extend(evaluate(SCOPE_CHECKS, &scope_ev));
    out
}

/// An ID token as received, opened for the ID token checks.
pub(crate) struct OpenedIdToken {
    /// The `idtoken.jwe.*` findings.
    pub(crate) findings: Vec<Finding>,
    /// Why the client's decryption key could not be used, when it could not.
    pub(crate) note: Option<String>,
    /// The token the ID token checks judge: the inner JWS of a decrypted JWE, else as received.
    pub(crate) token: String,
}

/// Decrypts `raw` when `client` registered ID token encryption (OIDC Core 10.2) and judges the
/// encryption; every ID-token-reading module goes through here.
pub(crate) fn open_id_token(raw: &str, client: &ClientProfile) -> OpenedIdToken {
    let key = client.id_token_decryption_key();
    let mut note = None;
    let registration = match (&key, client.id_token_encryption()) {
        (Some(Ok(key)), Some((alg, enc))) => Some(EncryptionRegistration { key, alg, enc }),
        (Some(Err(e)), _) => {
            note = Some(format!("the profile's id_token_decryption_jwk is unusable: {e}"));
            None
        }
        _ => None,
    };
    let (ev, token) = IdTokenEncryptionEvidence::open(raw, registration);
    let findings = if note.is_some() { Vec::new() } else { evaluate(ID_TOKEN_ENCRYPTION_CHECKS, &ev) };
    OpenedIdToken { findings, note, token }
}

/// Token response evidence.
pub(crate) fn token_evidence(resp: &HttpResponse, body: Option<Value>, requested_scope: &str, grant: GrantType) -> TokenResponseEvidence {
    TokenResponseEvidence {
        status: resp.status,
        headers: resp.headers.clone(),
        body,
        requested_scope: requested_scope.to_owned(),
        openid_requested: requested_scope.split(' ').any(|s| s == "openid"),
        grant,
    }
}

pub(crate) fn userinfo_evidence(resp: &HttpResponse, id_claims: Option<&Map<String, Value>>, granted: &[String]) -> UserInfoEvidence {
    let is_jwt = resp.header("content-type").is_some_and(|c| c.to_ascii_lowercase().starts_with("application/jwt"));
    UserInfoEvidence {
        status: resp.status,
        headers: resp.headers.clone(),
        body_json: resp.json(),
        body_is_jwt: is_jwt,
        id_token_sub: id_claims.and_then(|c| c.get("sub")).and_then(Value::as_str).map(str::to_owned),
        scopes_granted: granted.to_vec(),
        registered_signed: false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use reference_provider::keys::jwe::{EncryptionKey, encrypt_compact};
    use reference_provider::random::SystemRandom;
    use serde_json::{Value, json};

    use super::open_id_token;
    use crate::checks::Status;
    use crate::jose::generate_decryption_jwk;
    use crate::target::{ClientProfile, Secret};

    fn client(jwk: Option<String>) -> ClientProfile {
        ClientProfile {
            client_secret: Some(Secret::new("s")),
            first_party: true,
            id_token_decryption_jwk: jwk.map(Secret::new),
            scope: "openid".into(),
            ..ClientProfile::new("enc", "http://127.0.0.1:8765/cb")
        }
    }

    #[test]
    fn id_tokens_are_opened_for_clients_with_a_decryption_key() {
        let generated = generate_decryption_jwk("k").unwrap();
        let to = EncryptionKey::from_jwk(&generated.public).unwrap();
        let header = json!({"alg": "RSA-OAEP-256", "enc": "A256CBC-HS512", "cty": "JWT"});
        let jwe = encrypt_compact(&to, header.as_object().unwrap(), b"h.p.s", &SystemRandom).unwrap();
        let encrypted = client(Some(Value::Object(generated.private).to_string()));

        let opened = open_id_token(&jwe, &encrypted);
        assert_eq!(opened.token, "h.p.s");
        assert!(opened.note.is_none());
        let failed: Vec<&str> = opened.findings.iter().filter(|f| f.status != Status::Pass).map(|f| f.check_id.as_str()).collect();
        assert_eq!(failed, vec!["idtoken.jwe.inner_signed"], "h.p.s is no JWS; everything else passes");

        let plain = open_id_token("a.b.c", &encrypted);
        assert!(plain.findings.iter().any(|f| f.check_id == "idtoken.jwe.encrypted" && f.status == Status::Fail));

        let unregistered = open_id_token(&jwe, &client(None));
        assert_eq!(unregistered.token, jwe);
        assert!(unregistered.findings.iter().all(|f| f.status == Status::Skip));

        let unusable = open_id_token(&jwe, &client(Some("{\"kty\":\"RSA\"}".into())));
        assert_eq!(unusable.token, jwe);
        assert!(unusable.findings.is_empty() && unusable.note.is_some_and(|n| n.contains("unusable")));
    }
}
