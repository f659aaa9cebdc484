//! [`ProviderMetadata`]: the provider's configuration document, parsed leniently.
//!
//! Every field is optional and a value of the wrong JSON type never aborts parsing: it is
//! recorded in [`ProviderMetadata::type_errors`] and the field is left empty (or, for arrays
//! with some non-string members, keeps the string members). The raw JSON object is kept so
//! that checks can look at anything the typed view does not cover. JSON `null` is treated as
//! absent. Defaults from OIDC Discovery §3 / RFC 8414 §2 are applied by the accessor methods,
//! never by the parser, so the checks can tell "absent" from "advertised".

use serde_json::{Map, Value};

/// What the provider advertised (OIDC Discovery §3, RFC 8414 §2).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderMetadata {
    /// The whole document as received.
    pub raw: Map<String, Value>,
    /// `issuer`.
    pub issuer: Option<String>,
    /// `authorization_endpoint`.
    pub authorization_endpoint: Option<String>,
    /// `token_endpoint`.
    pub token_endpoint: Option<String>,
    /// `userinfo_endpoint`.
    pub userinfo_endpoint: Option<String>,
    /// `jwks_uri`.
    pub jwks_uri: Option<String>,
    /// `registration_endpoint`.
    pub registration_endpoint: Option<String>,
    /// `revocation_endpoint` (RFC 7009 via RFC 8414).
    pub revocation_endpoint: Option<String>,
    /// `introspection_endpoint` (RFC 7662 via RFC 8414).
    pub introspection_endpoint: Option<String>,
    /// `end_session_endpoint` (RP-Initiated Logout).
    pub end_session_endpoint: Option<String>,
    /// `scopes_supported`.
    pub scopes_supported: Option<Vec<String>>,
    /// `response_types_supported`.
    pub response_types_supported: Option<Vec<String>>,
    /// `response_modes_supported`.
    pub response_modes_supported: Option<Vec<String>>,
    /// `grant_types_supported`.
    pub grant_types_supported: Option<Vec<String>>,
    /// `subject_types_supported`.
    pub subject_types_supported: Option<Vec<String>>,
    /// `id_token_signing_alg_values_supported`.
    pub id_token_signing_alg_values_supported: Option<Vec<String>>,
    /// `userinfo_signing_alg_values_supported`.
    pub userinfo_signing_alg_values_supported: Option<Vec<String>>,
    /// `token_endpoint_auth_methods_supported`.
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// `claims_supported`.
    pub claims_supported: Option<Vec<String>>,
    /// `code_challenge_methods_supported` (RFC 8414 / RFC 7636).
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// `ui_locales_supported`.
    pub ui_locales_supported: Option<Vec<String>>,
    /// `acr_values_supported`.
    pub acr_values_supported: Option<Vec<String>>,
    /// `prompt_values_supported` (OIDC Prompt Create).
    pub prompt_values_supported: Option<Vec<String>>,
    /// `claims_parameter_supported` (default false).
    pub claims_parameter_supported: Option<bool>,
    /// `request_parameter_supported` (default false).
    pub request_parameter_supported: Option<bool>,
    /// `request_uri_parameter_supported` (default true).
    pub request_uri_parameter_supported: Option<bool>,
    /// `require_request_uri_registration` (default false).
    pub require_request_uri_registration: Option<bool>,
    /// `authorization_response_iss_parameter_supported` (RFC 9207, default false).
    pub authorization_response_iss_parameter_supported: Option<bool>,
    /// One line per known field whose value has the wrong JSON type, e.g.
    /// `field scopes_supported: expected array of strings (found string)`.
    pub type_errors: Vec<String>,
}

/// Known string-valued fields not kept as typed fields; only their type is checked.
const OTHER_STRING_FIELDS: &[&str] = &[
    "check_session_iframe",
    "device_authorization_endpoint",
    "pushed_authorization_request_endpoint",
    "backchannel_authentication_endpoint",
    "service_documentation",
    "op_policy_uri",
    "op_tos_uri",
    "signed_metadata",
];

/// Known array-of-string fields not kept as typed fields; only their type is checked.
const OTHER_ARRAY_FIELDS: &[&str] = &[
    "claim_types_supported",
    "claims_locales_supported",
    "display_values_supported",
    "id_token_encryption_alg_values_supported",
    "id_token_encryption_enc_values_supported",
    "userinfo_encryption_alg_values_supported",
    "userinfo_encryption_enc_values_supported",
    "request_object_signing_alg_values_supported",
    "request_object_encryption_alg_values_supported",
    "request_object_encryption_enc_values_supported",
    "token_endpoint_auth_signing_alg_values_supported",
    "revocation_endpoint_auth_methods_supported",
    "revocation_endpoint_auth_signing_alg_values_supported",
    "introspection_endpoint_auth_methods_supported",
    "introspection_endpoint_auth_signing_alg_values_supported",
    "dpop_signing_alg_values_supported",
];

/// Known boolean fields not kept as typed fields; only their type is checked.
const OTHER_BOOL_FIELDS: &[&str] = &[
    "frontchannel_logout_supported",
    "frontchannel_logout_session_supported",
    "backchannel_logout_supported",
    "backchannel_logout_session_supported",
    "tls_client_certificate_bound_access_tokens",
    "require_pushed_authorization_requests",
];

/// Response modes when `response_modes_supported` is absent (OIDC Discovery §3).
const DEFAULT_RESPONSE_MODES: &[&str] = &["query", "fragment"];
/// Grant types when `grant_types_supported` is absent (OIDC Discovery §3).
const DEFAULT_GRANT_TYPES: &[&str] = &["authorization_code", "implicit"];
/// Token endpoint auth methods when `token_endpoint_auth_methods_supported` is absent.
const DEFAULT_TOKEN_AUTH_METHODS: &[&str] = &["client_secret_basic"];

impl ProviderMetadata {
    /// Parses a configuration document; `None` when `v` is not a JSON object.
    pub fn from_json(v: &Value) -> Option<Self> {
        let raw = v.as_object()?.clone();
        let mut p = Parser {
            raw: &raw,
            errors: Vec::new(),
        };
        let mut m = ProviderMetadata {
            issuer: p.string("issuer"),
            authorization_endpoint: p.string("authorization_endpoint"),
            token_endpoint: p.string("token_endpoint"),
            userinfo_endpoint: p.string("userinfo_endpoint"),
            jwks_uri: p.string("jwks_uri"),
            registration_endpoint: p.string("registration_endpoint"),
            revocation_endpoint: p.string("revocation_endpoint"),
            introspection_endpoint: p.string("introspection_endpoint"),
            end_session_endpoint: p.string("end_session_endpoint"),
            scopes_supported: p.strings("scopes_supported"),
            response_types_supported: p.strings("response_types_supported"),
            response_modes_supported: p.strings("response_modes_supported"),
            grant_types_supported: p.strings("grant_types_supported"),
            subject_types_supported: p.strings("subject_types_supported"),
            id_token_signing_alg_values_supported: p
                .strings("id_token_signing_alg_values_supported"),
            userinfo_signing_alg_values_supported: p
                .strings("userinfo_signing_alg_values_supported"),
            token_endpoint_auth_methods_supported: p
                .strings("token_endpoint_auth_methods_supported"),
            claims_supported: p.strings("claims_supported"),
            code_challenge_methods_supported: p.strings("code_challenge_methods_supported"),
            ui_locales_supported: p.strings("ui_locales_supported"),
            acr_values_supported: p.strings("acr_values_supported"),
            prompt_values_supported: p.strings("prompt_values_supported"),
            claims_parameter_supported: p.boolean("claims_parameter_supported"),
            request_parameter_supported: p.boolean("request_parameter_supported"),
            request_uri_parameter_supported: p.boolean("request_uri_parameter_supported"),
            require_request_uri_registration: p.boolean("require_request_uri_registration"),
            authorization_response_iss_parameter_supported: p
                .boolean("authorization_response_iss_parameter_supported"),
            ..ProviderMetadata::default()
        };
        for f in OTHER_STRING_FIELDS {
            p.string(f);
        }
        for f in OTHER_ARRAY_FIELDS {
            p.strings(f);
        }
        for f in OTHER_BOOL_FIELDS {
            p.boolean(f);
        }
        m.type_errors = p.errors;
        m.raw = raw;
        Some(m)
    }

    /// Advertised response modes, or the spec default `["query", "fragment"]` when absent.
    pub fn response_modes(&self) -> Vec<&str> {
        or_default(
            self.response_modes_supported.as_deref(),
            DEFAULT_RESPONSE_MODES,
        )
    }

    /// Advertised grant types, or the spec default `["authorization_code", "implicit"]`.
    pub fn grant_types(&self) -> Vec<&str> {
        or_default(self.grant_types_supported.as_deref(), DEFAULT_GRANT_TYPES)
    }

    /// Advertised token endpoint client authentication methods, or `["client_secret_basic"]`.
    pub fn token_endpoint_auth_methods(&self) -> Vec<&str> {
        or_default(
            self.token_endpoint_auth_methods_supported.as_deref(),
            DEFAULT_TOKEN_AUTH_METHODS,
        )
    }

    /// Whether `mode` is supported, applying the default when the field is absent.
    pub fn supports_response_mode(&self, mode: &str) -> bool {
        self.response_modes().contains(&mode)
    }

    /// Whether `grant` is supported, applying the default when the field is absent.
    pub fn supports_grant_type(&self, grant: &str) -> bool {
        self.grant_types().contains(&grant)
    }

    /// Whether the client authentication `method` is supported, applying the default.
    pub fn supports_token_auth_method(&self, method: &str) -> bool {
        self.token_endpoint_auth_methods().contains(&method)
    }

    /// Whether `scope` is advertised; `None` when `scopes_supported` is absent (no default).
    pub fn advertises_scope(&self, scope: &str) -> Option<bool> {
        self.scopes_supported
            .as_ref()
            .map(|s| s.iter().any(|x| x == scope))
    }

    /// RFC 9207: the provider promises `iss` in authorization responses (default false).
    pub fn iss_parameter_supported(&self) -> bool {
        self.authorization_response_iss_parameter_supported
            .unwrap_or(false)
    }

    /// `request_uri_parameter_supported` with its default (true).
    pub fn request_uri_supported(&self) -> bool {
        self.request_uri_parameter_supported.unwrap_or(true)
    }

    /// Every endpoint-like URL advertised, as `(field name, value)`, in document order of the spec.
    pub fn endpoints(&self) -> Vec<(&'static str, &str)> {
        let typed = [
            ("authorization_endpoint", &self.authorization_endpoint),
            ("token_endpoint", &self.token_endpoint),
            ("userinfo_endpoint", &self.userinfo_endpoint),
            ("jwks_uri", &self.jwks_uri),
            ("registration_endpoint", &self.registration_endpoint),
            ("revocation_endpoint", &self.revocation_endpoint),
            ("introspection_endpoint", &self.introspection_endpoint),
            ("end_session_endpoint", &self.end_session_endpoint),
        ];
        typed
            .into_iter()
            .filter_map(|(name, v)| v.as_deref().map(|v| (name, v)))
            .collect()
    }
}

fn or_default<'a>(
    advertised: Option<&'a [String]>,
    default: &'static [&'static str],
) -> Vec<&'a str> {
    match advertised {
        Some(v) => v.iter().map(String::as_str).collect(),
        None => default.to_vec(),
    }
}

/// Reads typed fields out of the raw object, collecting type errors.
struct Parser<'a> {
    raw: &'a Map<String, Value>,
    errors: Vec<String>,
}

impl Parser<'_> {
    fn present(&self, field: &str) -> Option<&Value> {
        self.raw.get(field).filter(|v| !v.is_null())
    }

    fn string(&mut self, field: &str) -> Option<String> {
        match self.present(field)? {
            Value::String(s) => Some(s.clone()),
            other => {
                let found = json_type(other);
                self.errors
                    .push(format!("field {field}: expected string (found {found})"));
                None
            }
        }
    }

    fn strings(&mut self, field: &str) -> Option<Vec<String>> {
        match self.present(field)? {
            Value::Array(items) => {
                let strings: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect();
                if let Some(bad) = items.iter().find(|i| !i.is_string()) {
                    let found = json_type(bad);
                    self.errors.push(format!(
                        "field {field}: expected array of strings (found array containing {found})"
                    ));
                }
                Some(strings)
            }
            other => {
                let found = json_type(other);
                self.errors.push(format!(
                    "field {field}: expected array of strings (found {found})"
                ));
                None
            }
        }
    }

    fn boolean(&mut self, field: &str) -> Option<bool> {
        match self.present(field)? {
            Value::Bool(b) => Some(*b),
            other => {
                let found = json_type(other);
                self.errors
                    .push(format!("field {field}: expected boolean (found {found})"));
                None
            }
        }
    }
}

/// The JSON type name of a value, for messages.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
