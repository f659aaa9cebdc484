//! Back-channel requests of a flow: code exchange, refresh and userinfo, with the client's
//! authentication method applied (RFC 6749 2.3.1).

use url::Url;

use super::GrantType;
use crate::http::{HttpRequest, StepLabel};
use crate::target::{ClientAuth, ClientProfile};

/// Adds client authentication to a token-endpoint form request.
pub fn authenticate(mut req: HttpRequest, client: &ClientProfile) -> HttpRequest {
    let secret = client.client_secret.as_ref().map(|s| s.expose().to_owned()).unwrap_or_default();
    match client.auth_method {
        ClientAuth::ClientSecretBasic => {
            // RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding.
            let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            req = req.basic(enc(&client.client_id), enc(&secret));
        }
        ClientAuth::ClientSecretPost => {
            let form = req.form.get_or_insert_with(Vec::new);
            form.push(("client_id".into(), client.client_id.clone()));
            form.push(("client_secret".into(), secret));
        }
        ClientAuth::None => {
            req.form.get_or_insert_with(Vec::new).push(("client_id".into(), client.client_id.clone()));
        }
    }
    req
}

/// The authorization-code exchange (RFC 6749 4.1.3, RFC 7636 4.5).
pub fn code_exchange(token_endpoint: &Url, client: &ClientProfile, code: &str, verifier: Option<&str>) -> HttpRequest {
    let mut form = vec![
        ("grant_type".to_owned(), GrantType::AuthorizationCode.as_str().to_owned()),
        ("code".to_owned(), code.to_owned()),
        ("redirect_uri".to_owned(), client.redirect_uri.clone()),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier".to_owned(), v.to_owned()));
    }
    authenticate(HttpRequest::post_form(token_endpoint.clone(), form), client).labelled(StepLabel::Token)
}

/// A refresh request (RFC 6749 6), optionally narrowing the scope.
pub fn refresh(token_endpoint: &Url, client: &ClientProfile, refresh_token: &str, scope: Option<&str>) -> HttpRequest {
    let mut form = vec![
        ("grant_type".to_owned(), GrantType::RefreshToken.as_str().to_owned()),
        ("refresh_token".to_owned(), refresh_token.to_owned()),
    ];
    if let Some(s) = scope {
        form.push(("scope".to_owned(), s.to_owned()));
    }
    authenticate(HttpRequest::post_form(token_endpoint.clone(), form), client).labelled(StepLabel::Refresh)
}

/// A client-credentials grant (RFC 6749 4.4), optionally with a scope.
pub fn client_credentials(token_endpoint: &Url, client: &ClientProfile, scope: Option<&str>) -> HttpRequest {
    let mut form = vec![("grant_type".to_owned(), GrantType::ClientCredentials.as_str().to_owned())];
    if let Some(s) = scope {
        form.push(("scope".to_owned(), s.to_owned()));
    }
    authenticate(HttpRequest::post_form(token_endpoint.clone(), form), client).labelled(StepLabel::ClientCredentials)
}

/// A UserInfo GET with a bearer header (OIDC Core 5.3.1).
pub fn userinfo(endpoint: &Url, access_token: &str) -> HttpRequest {
    HttpRequest::get(endpoint.clone()).bearer(access_token).labelled(StepLabel::Userinfo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Secret;

    fn client(auth: ClientAuth) -> ClientProfile {
        ClientProfile {
            client_secret: (auth != ClientAuth::None).then(|| Secret::new("s&p")),
            auth_method: auth,
            first_party: true,
            scope: "openid".into(),
            ..ClientProfile::new("id:1", "http://127.0.0.1:8765/cb")
        }
    }

    fn url() -> Url {
        Url::parse("https://op/token").unwrap()
    }

    #[test]
    fn basic_auth_is_form_encoded() {
        let req = code_exchange(&url(), &client(ClientAuth::ClientSecretBasic), "c", Some("v"));
        assert_eq!(req.basic_auth, Some(("id%3A1".into(), "s%26p".into())));
        let form = req.form.unwrap();
        assert!(!form.iter().any(|(k, _)| k == "client_secret"));
        assert!(form.contains(&("code_verifier".into(), "v".into())));
        assert!(form.contains(&("redirect_uri".into(), "http://127.0.0.1:8765/cb".into())));
    }

    #[test]
    fn post_and_none_put_credentials_in_the_body() {
        let form = refresh(&url(), &client(ClientAuth::ClientSecretPost), "r", Some("openid")).form.unwrap();
        assert!(form.contains(&("client_secret".into(), "s&p".into())) && form.contains(&("scope".into(), "openid".into())));
        let req = code_exchange(&url(), &client(ClientAuth::None), "c", None);
        assert!(req.basic_auth.is_none());
        let form = req.form.unwrap();
        assert!(form.contains(&("client_id".into(), "id:1".into())) && !form.iter().any(|(k, _)| k == "client_secret"));
    }
}
