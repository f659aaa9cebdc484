//! Claims released per scope (OIDC Core 5.4) and per `claims` request parameter (OIDC Core 5.5).

use serde_json::{Map, Value};

use crate::store::UserRecord;

/// The standard claims each scope value requests (OIDC Core 5.4).
pub fn claims_for_scope(scope: &str) -> &'static [&'static str] {
    match scope {
        "profile" => &[
            "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile",
            "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at",
        ],
        "email" => &["email", "email_verified"],
        "address" => &["address"],
        "phone" => &["phone_number", "phone_number_verified"],
        _ => &[],
    }
}

/// Every claim name the provider can release (for discovery's claims_supported).
pub const SUPPORTED: &[&str] = &[
    "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "at_hash", "acr", "amr", "name",
    "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
    "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "email", "email_verified",
    "address", "phone_number", "phone_number_verified",
];

/// The `claims` request parameter (OIDC Core 5.5): a JSON object, else `None`.
pub fn parse_request(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text).ok().filter(Value::is_object)
}

/// Names of claims requested through the `claims` parameter for `member` (`userinfo` or `id_token`).
pub fn requested(claims_request: Option<&Value>, member: &str) -> Vec<String> {
    claims_request
        .and_then(|c| c.get(member))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// User claims for the given scopes plus explicitly requested names (only those the user has).
pub fn user_claims(user: &UserRecord, scopes: &[&str], extra: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    let names = scopes.iter().flat_map(|s| claims_for_scope(s).iter().copied()).chain(extra.iter().map(String::as_str));
    for name in names {
        if let Some(v) = user.claims.get(name) {
            out.insert(name.to_owned(), v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> UserRecord {
        let mut claims = Map::new();
        claims.insert("name".into(), "A".into());
        claims.insert("email".into(), "a@x".into());
        claims.insert("email_verified".into(), true.into());
        claims.insert("phone_number".into(), "1".into());
        UserRecord { sub: "s".into(), username: "a".into(), password_hash: String::new(), claims }
    }

    #[test]
    fn scopes_select_claims() {
        let c = user_claims(&user(), &["openid", "email"], &[]);
        assert_eq!(c.len(), 2);
        assert!(c.contains_key("email") && c.contains_key("email_verified"));
        let c = user_claims(&user(), &["profile"], &[]);
        assert_eq!(c.keys().collect::<Vec<_>>(), vec!["name"]);
    }

    #[test]
    fn claims_parameter_adds_names() {
        let req = serde_json::json!({"userinfo": {"phone_number": {"essential": true}}});
        let extra = requested(Some(&req), "userinfo");
        let c = user_claims(&user(), &["openid"], &extra);
        assert_eq!(c.keys().collect::<Vec<_>>(), vec!["phone_number"]);
        assert!(requested(Some(&req), "id_token").is_empty());
    }
}
