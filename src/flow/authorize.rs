//! Building authorization requests: random state and nonce, PKCE (RFC 7636) and the URL.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use url::Url;

use crate::target::ClientProfile;

/// A random URL-safe value with `bytes` bytes of entropy (state, nonce, PKCE verifier).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    fill_random(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Fills `buf` from aws-lc's RNG, which fails only without any entropy source: a harness without
/// one cannot run.
fn fill_random(buf: &mut [u8]) {
    if aws_lc_rs::rand::fill(buf).is_err() {
        std::process::abort();
    }
}

/// A PKCE verifier and its challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkce {
    /// code_verifier (kept by the client).
    pub verifier: String,
    /// code_challenge (sent in the authorization request).
    pub challenge: String,
    /// `S256` or `plain`.
    pub method: &'static str,
}

impl Pkce {
    /// A fresh S256 pair (32 random bytes → 43-character verifier).
    pub fn s256() -> Self {
        Self::s256_from(random_token(32))
    }

    /// The S256 challenge of a given verifier.
    pub fn s256_from(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()));
        Pkce { verifier, challenge, method: "S256" }
    }
}

/// Everything that varies between authorization requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthParams {
    /// scope.
    pub scope: String,
    /// state (None: omitted).
    pub state: Option<String>,
    /// nonce (None: omitted).
    pub nonce: Option<String>,
    /// PKCE (None: omitted).
    pub pkce: Option<Pkce>,
    /// response_mode (None: the default, query).
    pub response_mode: Option<String>,
    /// prompt.
    pub prompt: Option<String>,
    /// max_age.
    pub max_age: Option<i64>,
    /// Other parameters (appended last; a name here replaces a standard one).
    pub extra: Vec<(String, String)>,
    /// The profile's authorization parameters: sent unless the request already carries a
    /// parameter of that name (a module's own value wins).
    pub defaults: Vec<(String, String)>,
}

impl AuthParams {
    /// Fresh random state and nonce, PKCE S256, the client's scope and authorization
    /// parameters. (`prompt=consent` for `offline_access` is added where a refresh token is
    /// needed and a first request yielded none: see `conform::steps::tokens_for_refresh`.)
    pub fn fresh(client: &ClientProfile) -> Self {
        // One draw from the RNG for all three values (each call has a fixed cost).
        let mut random = [0u8; 64];
        fill_random(&mut random);
        let (state, rest) = random.split_at(16);
        let (nonce, verifier) = rest.split_at(16);
        AuthParams {
            scope: client.scope.clone(),
            state: Some(URL_SAFE_NO_PAD.encode(state)),
            nonce: Some(URL_SAFE_NO_PAD.encode(nonce)),
            pkce: Some(Pkce::s256_from(URL_SAFE_NO_PAD.encode(verifier))),
            response_mode: None,
            prompt: None,
            max_age: None,
            extra: Vec::new(),
            defaults: client.authorization_params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }
}

/// Whether `scope` asks for `offline_access`.
pub fn asks_offline_access(scope: &str) -> bool {
    scope.split(' ').any(|s| s == "offline_access")
}

/// The authorization request URL (`response_type=code`).
pub fn authorization_url(endpoint: &Url, client: &ClientProfile, p: &AuthParams) -> Url {
    let mut pairs: Vec<(String, String)> = vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), client.client_id.clone()),
        ("redirect_uri".into(), client.redirect_uri.clone()),
        ("scope".into(), p.scope.clone()),
    ];
    let mut opt = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            pairs.push((k.to_owned(), v.clone()));
        }
    };
    opt("state", &p.state);
    opt("nonce", &p.nonce);
    opt("response_mode", &p.response_mode);
    opt("prompt", &p.prompt);
    opt("max_age", &p.max_age.map(|m| m.to_string()));
    if let Some(pkce) = &p.pkce {
        pairs.push(("code_challenge".into(), pkce.challenge.clone()));
        pairs.push(("code_challenge_method".into(), pkce.method.into()));
    }
    for (k, v) in &p.extra {
        pairs.retain(|(n, _)| n != k);
        pairs.push((k.clone(), v.clone()));
    }
    for (k, v) in &p.defaults {
        if !pairs.iter().any(|(n, _)| n == k) {
            pairs.push((k.clone(), v.clone()));
        }
    }
    let mut url = endpoint.clone();
    url.query_pairs_mut().extend_pairs(pairs);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> ClientProfile {
        ClientProfile {
            auth_method: crate::target::ClientAuth::None,
            scope: "openid email".into(),
            ..ClientProfile::new("c 1", "http://127.0.0.1:8765/cb")
        }
    }

    #[test]
    fn rfc7636_appendix_b_challenge() {
        let p = Pkce::s256_from("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn url_carries_every_parameter_once_and_extra_overrides() {
        let mut p = AuthParams::fresh(&client());
        p.extra.push(("scope".into(), "openid".into()));
        p.max_age = Some(0);
        let url = authorization_url(&Url::parse("https://op/authorize?x=1").unwrap(), &client(), &p);
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let count = |k: &str| q.iter().filter(|(n, _)| n == k).count();
        assert_eq!(count("scope"), 1);
        assert_eq!(q.iter().find(|(k, _)| k == "scope").unwrap().1, "openid");
        assert_eq!(q.iter().find(|(k, _)| k == "client_id").unwrap().1, "c 1");
        assert_eq!(count("x"), 1, "endpoint query kept");
        assert_eq!(count("code_challenge_method"), 1);
        assert_eq!(q.iter().find(|(k, _)| k == "max_age").unwrap().1, "0");
    }

    #[test]
    fn profile_parameters_are_sent_unless_the_request_has_its_own() {
        let mut c = client();
        c.authorization_params.insert("acr_values".into(), "urn:mace:incommon:iap:silver".into());
        c.authorization_params.insert("prompt".into(), "login".into());
        let query = |c: &ClientProfile, p: &AuthParams| -> Vec<(String, String)> {
            authorization_url(&Url::parse("https://op/authorize").unwrap(), c, p).query_pairs().into_owned().collect()
        };
        let get = |q: &[(String, String)], k: &str| q.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
        let q = query(&c, &AuthParams::fresh(&c));
        assert_eq!(get(&q, "acr_values"), ["urn:mace:incommon:iap:silver"]);
        assert_eq!(get(&q, "prompt"), ["login"], "the profile's prompt when the module sets none");
        let silent = AuthParams { prompt: Some("none".into()), ..AuthParams::fresh(&c) };
        assert_eq!(get(&query(&c, &silent), "prompt"), ["none"], "the module's own prompt wins");
        assert!(asks_offline_access("openid offline_access") && !asks_offline_access("openid offline_accessible"));
    }

    #[test]
    fn fresh_values_are_random() {
        let (a, b) = (AuthParams::fresh(&client()), AuthParams::fresh(&client()));
        assert_ne!(a.state, b.state);
        assert_ne!(a.nonce, b.nonce);
        // One RNG draw is split in three: each value has its own bytes and full length.
        let (state, nonce) = (a.state.unwrap(), a.nonce.unwrap());
        let pkce = a.pkce.unwrap();
        assert_eq!((state.len(), nonce.len(), pkce.verifier.len()), (22, 22, 43));
        assert_ne!(state, nonce);
        assert!(!pkce.verifier.starts_with(&state) && !pkce.verifier.starts_with(&nonce));
        assert_eq!(pkce, Pkce::s256_from(pkce.verifier.clone()), "challenge derived from the verifier");
    }
}
