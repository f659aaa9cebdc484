//! Grant types (RFC 6749 sections 4.1.3, 4.4 and 6; the `grant_type` of a token request and the
//! entries of `grant_types_supported`) as a protocol value: the ones the harness sends, and
//! [`GrantType::Extension`] for any other a provider may advertise (RFC 6749 4.5).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A `grant_type` value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GrantType {
    /// `authorization_code` (RFC 6749 4.1.3).
    AuthorizationCode,
    /// `refresh_token` (RFC 6749 6).
    RefreshToken,
    /// `client_credentials` (RFC 6749 4.4).
    ClientCredentials,
    /// Any other value, as written (an extension grant, RFC 6749 4.5).
    Extension(String),
}

impl GrantType {
    /// The value as the token request and the metadata write it.
    pub fn as_str(&self) -> &str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::ClientCredentials => "client_credentials",
            GrantType::Extension(other) => other,
        }
    }

    /// Reads a written value: a grant the harness knows, or an extension.
    pub fn parse(s: &str) -> GrantType {
        match s {
            "authorization_code" => GrantType::AuthorizationCode,
            "refresh_token" => GrantType::RefreshToken,
            "client_credentials" => GrantType::ClientCredentials,
            other => GrantType::Extension(other.to_owned()),
        }
    }
}

impl fmt::Display for GrantType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for GrantType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for GrantType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| GrantType::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::GrantType;

    #[test]
    fn values_round_trip_and_unknown_ones_are_extensions() {
        for g in [GrantType::AuthorizationCode, GrantType::RefreshToken, GrantType::ClientCredentials] {
            assert_eq!(GrantType::parse(g.as_str()), g);
        }
        let ext = GrantType::parse("urn:ietf:params:oauth:grant-type:device_code");
        assert_eq!(ext, GrantType::Extension("urn:ietf:params:oauth:grant-type:device_code".into()));
        assert_eq!(ext.as_str(), "urn:ietf:params:oauth:grant-type:device_code");
        assert_eq!(serde_json::to_string(&GrantType::RefreshToken).ok().as_deref(), Some("\"refresh_token\""));
        assert_eq!(serde_json::from_str::<GrantType>("\"client_credentials\"").ok(), Some(GrantType::ClientCredentials));
    }
}
