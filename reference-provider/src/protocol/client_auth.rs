//! Client authentication at the token, revocation and introspection endpoints (RFC 6749 2.3):
//! client_secret_basic, client_secret_post, and none for public clients.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{ErrorCode, OAuthError, Params, ProtocolError};
use crate::faults::Fault;
use crate::provider::Provider;
use crate::random::{constant_time_eq, fingerprint};
use crate::store::ClientRecord;

/// How the client presented itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// HTTP Basic.
    Basic {
        /// client_id.
        id: String,
        /// client_secret.
        secret: String,
    },
    /// Form body with a secret.
    Post {
        /// client_id.
        id: String,
        /// client_secret.
        secret: String,
    },
    /// Form body with only client_id (public client).
    IdOnly(String),
}

/// Reads the client's credentials from the Authorization header and form body.
pub fn presented(authorization: Option<&str>, params: &Params) -> Result<Presented, OAuthError> {
    let body_id = params.get("client_id").map_err(|m| OAuthError::bad_request(ErrorCode::InvalidRequest, m))?;
    let body_secret = params.get("client_secret").map_err(|m| OAuthError::bad_request(ErrorCode::InvalidRequest, m))?;
    if let Some(header) = authorization {
        let (id, secret) = parse_basic(header).ok_or_else(|| invalid_client_basic("malformed Basic authorization header"))?;
        if body_secret.is_some() {
            return Err(OAuthError::bad_request(ErrorCode::InvalidRequest, "use one client authentication method, not Basic and client_secret together"));
        }
        if body_id.is_some_and(|b| b != id) {
            return Err(OAuthError::bad_request(ErrorCode::InvalidRequest, "client_id in the body differs from the Basic credentials"));
        }
        return Ok(Presented::Basic { id, secret });
    }
    match (body_id, body_secret) {
        (Some(id), Some(secret)) => Ok(Presented::Post { id: id.to_owned(), secret: secret.to_owned() }),
        (Some(id), None) => Ok(Presented::IdOnly(id.to_owned())),
        // RFC 6749 5.2: 401 only with a WWW-Authenticate challenge (for a client that used the
        // Authorization header); otherwise 400.
        (None, _) => Err(OAuthError {
            status: 400,
            error: ErrorCode::InvalidClient,
            description: "client authentication is required".into(),
            www_authenticate: None,
        }),
    }
}

/// `Basic base64(urlencode(id):urlencode(secret))` → (id, secret).
fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape = |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Some((unescape(id)?, unescape(secret)?))
}

fn invalid_client_basic(description: &str) -> OAuthError {
    OAuthError {
        status: 401,
        error: ErrorCode::InvalidClient,
        description: description.into(),
        www_authenticate: Some("Basic realm=\"reference-provider\"".into()),
    }
}

fn invalid_client(presented: &Presented, description: &str) -> OAuthError {
    match presented {
        Presented::Basic { .. } => invalid_client_basic(description),
        _ => OAuthError { status: 400, error: ErrorCode::InvalidClient, description: description.into(), www_authenticate: None },
    }
}

/// Authenticates the client; errors are RFC 6749 5.2 `invalid_client` (401 with
/// `WWW-Authenticate` when Basic was used, else 400).
pub fn authenticate<'p>(provider: &'p Provider, presented: &Presented) -> Result<&'p ClientRecord, ProtocolError> {
    let id = match presented {
        Presented::Basic { id, .. } | Presented::Post { id, .. } | Presented::IdOnly(id) => id,
    };
    let invalid_client = |presented: &Presented, description: &str| {
        let mut e = invalid_client(presented, description);
        if provider.fault(Fault::ClientAuthNoChallenge) {
            e.www_authenticate = None;
        }
        if provider.fault(Fault::ClientAuthChallengeBearer) {
            e.www_authenticate = e.www_authenticate.map(|c| c.replacen("Basic", "Bearer", 1));
        }
        if provider.fault(Fault::ClientAuthChallengeNoRealm) {
            e.www_authenticate = e.www_authenticate.map(|_| "Basic charset=\"UTF-8\"".to_owned());
        }
        e
    };
    let Some(client) = provider.client(id) else {
        return Err(invalid_client(presented, "unknown client or bad credentials").into());
    };
    let method_ok = matches!(
        (presented, client.auth_method.as_str()),
        (Presented::Basic { .. }, "client_secret_basic") | (Presented::Post { .. }, "client_secret_post") | (Presented::IdOnly(_), "none")
    );
    let insecure_id_only = matches!(presented, Presented::IdOnly(_)) && provider.fault(Fault::ClientAuthMissingAccepted);
    if !method_ok && !insecure_id_only {
        return Err(invalid_client(presented, &format!("this client is registered for {}", client.auth_method)).into());
    }
    if let Presented::Basic { secret, .. } | Presented::Post { secret, .. } = presented {
        let expected = client.secret_hash.as_deref().unwrap_or("");
        let ok = constant_time_eq(fingerprint(secret).as_bytes(), expected.as_bytes());
        if !ok && !provider.fault(Fault::ClientSecretNotChecked) {
            return Err(invalid_client(presented, "unknown client or bad credentials").into());
        }
    }
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(p: &[(&str, &str)]) -> Params {
        Params(p.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let header = format!("Basic {}", STANDARD.encode("my%3Aclient:p%40ss+word"));
        let p = presented(Some(&header), &params(&[])).unwrap();
        assert_eq!(p, Presented::Basic { id: "my:client".into(), secret: "p@ss word".into() });
    }

    #[test]
    fn two_methods_at_once_are_refused() {
        let header = format!("Basic {}", STANDARD.encode("a:b"));
        let err = presented(Some(&header), &params(&[("client_secret", "b")])).unwrap_err();
        assert_eq!(err.error, ErrorCode::InvalidRequest);
    }

    #[test]
    fn malformed_basic_is_invalid_client_with_challenge() {
        let err = presented(Some("Basic !!!"), &params(&[])).unwrap_err();
        assert_eq!((err.status, err.error), (401, ErrorCode::InvalidClient));
        assert!(err.www_authenticate.is_some());
    }

    #[test]
    fn body_credentials() {
        assert_eq!(
            presented(None, &params(&[("client_id", "a"), ("client_secret", "s")])).unwrap(),
            Presented::Post { id: "a".into(), secret: "s".into() }
        );
        assert_eq!(presented(None, &params(&[("client_id", "a")])).unwrap(), Presented::IdOnly("a".into()));
        assert_eq!(presented(None, &params(&[])).unwrap_err().status, 400);
    }
}
