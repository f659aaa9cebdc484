//! Route paths: the one source for both the router and the discovery document.

/// OpenID Provider configuration (OIDC Discovery §4).
pub const DISCOVERY: &str = "/.well-known/openid-configuration";
/// OAuth 2.0 Authorization Server Metadata (RFC 8414), same document.
pub const OAUTH_METADATA: &str = "/.well-known/oauth-authorization-server";
/// JSON Web Key Set.
pub const JWKS: &str = "/jwks";
/// Authorization endpoint (GET and POST).
pub const AUTHORIZE: &str = "/authorize";
/// Login page (GET shows the form, POST submits it).
pub const LOGIN: &str = "/login";
/// Consent page (GET shows it, POST allows or denies).
pub const CONSENT: &str = "/consent";
/// The JavaScript login UI's state of an interaction (GET, JSON; `--login-ui spa`).
pub const INTERACTION_API: &str = "/api/interaction";
/// The JavaScript login UI's login call (POST JSON with the `X-CSRF-Token` header).
pub const LOGIN_API: &str = "/api/login";
/// The JavaScript login UI's consent call (POST JSON with the `X-CSRF-Token` header).
pub const CONSENT_API: &str = "/api/consent";
/// Token endpoint.
pub const TOKEN: &str = "/token";
/// UserInfo endpoint (GET and POST).
pub const USERINFO: &str = "/userinfo";
/// Token revocation (RFC 7009).
pub const REVOKE: &str = "/revoke";
/// Token introspection (RFC 7662).
pub const INTROSPECT: &str = "/introspect";
/// RP-initiated logout (end-session endpoint).
pub const LOGOUT: &str = "/logout";

/// Name of the browser-session cookie.
pub const SESSION_COOKIE: &str = "op_session";
/// Prefix of the cookie binding a browser to a pending interaction (login/consent); the full
/// name is `op_interaction_<id>`, so one browser can run several authorization requests at once.
pub const INTERACTION_COOKIE: &str = "op_interaction";

/// The cookie name for interaction `id`.
pub fn interaction_cookie(id: &str) -> String {
    format!("{INTERACTION_COOKIE}_{id}")
}
