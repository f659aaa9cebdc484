//! Protocol errors: the registered OAuth/OIDC error codes as a type ([`ErrorCode`]), the error
//! answer a client receives ([`OAuthError`]), and why a protocol step failed ([`ProtocolError`]).

use crate::store::StoreError;

macro_rules! error_codes {
    ($( $variant:ident => $wire:literal, $doc:literal; )*) => {
        /// A registered error code, as sent in `error` (and in a `WWW-Authenticate` challenge).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( #[doc = $doc] $variant, )*
        }

        impl ErrorCode {
            /// Every code, in a stable order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $wire,)* }
            }
        }
    };
}

error_codes! {
    InvalidRequest => "invalid_request", "Malformed or incomplete request (RFC 6749 4.1.2.1, 5.2; RFC 6750 3.1).";
    InvalidClient => "invalid_client", "Client authentication failed (RFC 6749 5.2).";
    InvalidGrant => "invalid_grant", "The code or refresh token is invalid, expired, used or another client's (RFC 6749 5.2).";
    UnauthorizedClient => "unauthorized_client", "The client may not use this grant or flow (RFC 6749 4.1.2.1, 5.2).";
    UnsupportedGrantType => "unsupported_grant_type", "The grant type is not supported (RFC 6749 5.2).";
    InvalidScope => "invalid_scope", "The scope is unknown, not allowed or wider than granted (RFC 6749 4.1.2.1, 5.2).";
    UnsupportedResponseType => "unsupported_response_type", "The response_type is not supported (RFC 6749 4.1.2.1).";
    AccessDenied => "access_denied", "The user denied the request (RFC 6749 4.1.2.1).";
    ServerError => "server_error", "The provider failed (RFC 6749 4.1.2.1).";
    LoginRequired => "login_required", "prompt=none but the user must log in (OIDC Core 3.1.2.6).";
    ConsentRequired => "consent_required", "prompt=none but the user must consent (OIDC Core 3.1.2.6).";
    RequestNotSupported => "request_not_supported", "The request parameter is not supported (OIDC Core 3.1.2.6).";
    RequestUriNotSupported => "request_uri_not_supported", "The request_uri parameter is not supported (OIDC Core 3.1.2.6).";
    RegistrationNotSupported => "registration_not_supported", "The registration parameter is not supported (OIDC Core 3.1.2.6).";
    InvalidToken => "invalid_token", "The bearer token is invalid, expired or revoked (RFC 6750 3.1).";
    InsufficientScope => "insufficient_scope", "The bearer token lacks a needed scope (RFC 6750 3.1).";
    UnsupportedTokenType => "unsupported_token_type", "The token type cannot be revoked (RFC 7009 2.2.1).";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// An OAuth/OIDC error answer (RFC 6749 5.2, RFC 6750 3.1, RFC 7009, RFC 7662).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// HTTP status.
    pub status: u16,
    /// Registered error code.
    pub error: ErrorCode,
    /// Human-readable description (printable ASCII only).
    pub description: String,
    /// `WWW-Authenticate` header value, when the spec demands one.
    pub www_authenticate: Option<String>,
}

impl OAuthError {
    /// A 400 error.
    pub fn bad_request(error: ErrorCode, description: impl Into<String>) -> Self {
        OAuthError { status: 400, error, description: description.into(), www_authenticate: None }
    }
}

/// Why a protocol step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// A client error, answered as OAuth error JSON.
    #[error("{}: {}", .0.error, .0.description)]
    OAuth(OAuthError),
    /// The provider itself failed (storage, signing); answered with an opaque 500.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<OAuthError> for ProtocolError {
    fn from(e: OAuthError) -> Self {
        ProtocolError::OAuth(e)
    }
}

impl From<StoreError> for ProtocolError {
    fn from(e: StoreError) -> Self {
        ProtocolError::Internal(e.to_string())
    }
}

impl From<crate::keys::KeyError> for ProtocolError {
    fn from(e: crate::keys::KeyError) -> Self {
        ProtocolError::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_codes_are_unique_snake_case_and_serialise_as_themselves() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert!(code.as_str().bytes().all(|c| c.is_ascii_lowercase() || c == b'_'), "{code}");
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::Value::from(code.as_str()));
        }
        assert_eq!(ErrorCode::InvalidGrant.to_string(), "invalid_grant");
    }
}
