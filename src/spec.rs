//! Spec reference tags (`OIDCC-3.1.3.7`, `RFC6749-4.1.2`, ...): the typed [`SpecRef`] constants
//! checks cite, and the one table mapping a tag to its URL.

use std::fmt;

/// A reference into a specification: a tag `PREFIX-SECTION[-STEP]` such as `OIDCC-3.1.3.7-11`.
///
/// Only the constants of this module exist, so a check's title can never be passed where its
/// spec reference belongs; the tag is what reports and `docs/checks.md` show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpecRef(&'static str);

impl SpecRef {
    /// The tag as reports show it, e.g. `OIDCC-3.1.3.7-11`.
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The URL of the section the tag points at (see [`url_for`]).
    pub fn url(self) -> Option<String> {
        url_for(self.0)
    }
}

impl fmt::Display for SpecRef {
    /// The tag; width and alignment flags apply (`{:<16}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.0)
    }
}

/// Declares the [`SpecRef`] constants and [`ALL`], the list of them.
macro_rules! spec_refs {
    ($($name:ident = $tag:literal;)*) => {
        $(
            #[doc = concat!("`", $tag, "`.")]
            pub const $name: SpecRef = SpecRef($tag);
        )*
        /// Every spec reference a check may cite, grouped by document.
        pub const ALL: &[SpecRef] = &[$($name),*];
        /// Each constant's name with its reference, for the naming test.
        #[cfg(test)]
        const NAMED: &[(&str, SpecRef)] = &[$((stringify!($name), $name)),*];
    };
}

spec_refs! {
    // OpenID Connect Core 1.0
    OIDCC_2 = "OIDCC-2";
    OIDCC_3_1_2_1 = "OIDCC-3.1.2.1";
    OIDCC_3_1_2_3 = "OIDCC-3.1.2.3";
    OIDCC_3_1_2_4 = "OIDCC-3.1.2.4";
    OIDCC_3_1_2_5 = "OIDCC-3.1.2.5";
    OIDCC_3_1_2_6 = "OIDCC-3.1.2.6";
    OIDCC_3_1_3_3 = "OIDCC-3.1.3.3";
    OIDCC_3_1_3_6 = "OIDCC-3.1.3.6";
    OIDCC_3_1_3_7_2 = "OIDCC-3.1.3.7-2";
    OIDCC_3_1_3_7_3 = "OIDCC-3.1.3.7-3";
    OIDCC_3_1_3_7_4 = "OIDCC-3.1.3.7-4";
    OIDCC_3_1_3_7_6 = "OIDCC-3.1.3.7-6";
    OIDCC_3_1_3_7_7 = "OIDCC-3.1.3.7-7";
    OIDCC_3_1_3_7_9 = "OIDCC-3.1.3.7-9";
    OIDCC_3_1_3_7_10 = "OIDCC-3.1.3.7-10";
    OIDCC_3_1_3_7_11 = "OIDCC-3.1.3.7-11";
    OIDCC_3_1_3_8 = "OIDCC-3.1.3.8";
    OIDCC_3_3_2_11 = "OIDCC-3.3.2.11";
    OIDCC_5_1 = "OIDCC-5.1";
    OIDCC_5_3 = "OIDCC-5.3";
    OIDCC_5_3_2 = "OIDCC-5.3.2";
    OIDCC_5_4 = "OIDCC-5.4";
    OIDCC_9 = "OIDCC-9";
    OIDCC_10_1 = "OIDCC-10.1";
    OIDCC_10_2 = "OIDCC-10.2";
    OIDCC_12_2 = "OIDCC-12.2";
    // OpenID Connect Discovery 1.0
    OIDCD_3 = "OIDCD-3";
    OIDCD_4_2 = "OIDCD-4.2";
    OIDCD_4_3 = "OIDCD-4.3";
    // OpenID Connect Dynamic Client Registration 1.0
    OIDCR_2 = "OIDCR-2";
    // OpenID Connect RP-Initiated Logout 1.0
    OIDCRPL_2 = "OIDCRPL-2";
    OIDCRPL_2_1 = "OIDCRPL-2.1";
    OIDCRPL_3 = "OIDCRPL-3";
    OIDCRPL_4 = "OIDCRPL-4";
    OIDCRPL_6 = "OIDCRPL-6";
    // OAuth 2.0 Multiple Response Type Encoding Practices
    OAUTH2MRT_2_1 = "OAUTH2MRT-2.1";
    // RFC 6749, OAuth 2.0
    RFC6749_3_1 = "RFC6749-3.1";
    RFC6749_3_2_1 = "RFC6749-3.2.1";
    RFC6749_3_3 = "RFC6749-3.3";
    RFC6749_4_1_2 = "RFC6749-4.1.2";
    RFC6749_4_1_2_1 = "RFC6749-4.1.2.1";
    RFC6749_4_1_3 = "RFC6749-4.1.3";
    RFC6749_5_1 = "RFC6749-5.1";
    RFC6749_5_2 = "RFC6749-5.2";
    RFC6749_6 = "RFC6749-6";
    RFC6749_7 = "RFC6749-7";
    RFC6749_10_10 = "RFC6749-10.10";
    RFC6749_10_11 = "RFC6749-10.11";
    RFC6749_A_12 = "RFC6749-A.12";
    RFC6749_A_17 = "RFC6749-A.17";
    // RFC 6750, Bearer Token Usage
    RFC6750_2_2 = "RFC6750-2.2";
    RFC6750_3 = "RFC6750-3";
    RFC6750_3_1 = "RFC6750-3.1";
    // RFC 7617, The Basic HTTP Authentication Scheme
    RFC7617_2 = "RFC7617-2";
    // RFC 7009, Token Revocation
    RFC7009_2_1 = "RFC7009-2.1";
    RFC7009_2_2 = "RFC7009-2.2";
    // RFC 7515, JWS
    RFC7515_4_1_1 = "RFC7515-4.1.1";
    // RFC 7516, JWE
    RFC7516_5_2 = "RFC7516-5.2";
    // RFC 7517, JWK
    RFC7517_4 = "RFC7517-4";
    RFC7517_4_1 = "RFC7517-4.1";
    RFC7517_4_2 = "RFC7517-4.2";
    RFC7517_4_4 = "RFC7517-4.4";
    RFC7517_4_5 = "RFC7517-4.5";
    RFC7517_5 = "RFC7517-5";
    RFC7517_8_5 = "RFC7517-8.5";
    // RFC 7518, JWA
    RFC7518_2 = "RFC7518-2";
    RFC7518_3_1 = "RFC7518-3.1";
    RFC7518_3_3 = "RFC7518-3.3";
    RFC7518_6_2_1_1 = "RFC7518-6.2.1.1";
    // RFC 7519, JWT
    RFC7519_4_1_5 = "RFC7519-4.1.5";
    // RFC 7636, PKCE
    RFC7636_4_1 = "RFC7636-4.1";
    RFC7636_4_2 = "RFC7636-4.2";
    RFC7636_4_4_1 = "RFC7636-4.4.1";
    RFC7636_4_6 = "RFC7636-4.6";
    // RFC 7662, Token Introspection
    RFC7662_2_2 = "RFC7662-2.2";
    // RFC 8414, Authorization Server Metadata
    RFC8414_2 = "RFC8414-2";
    // RFC 8725, JSON Web Token Best Current Practices
    RFC8725_2_1 = "RFC8725-2.1";
    RFC8725_3_11 = "RFC8725-3.11";
    // RFC 9068, JWT Access Tokens
    RFC9068_2_1 = "RFC9068-2.1";
    RFC9068_4 = "RFC9068-4";
    // RFC 9207, Authorization Server Issuer Identification
    RFC9207_2 = "RFC9207-2";
    RFC9207_3 = "RFC9207-3";
    // RFC 9700, OAuth 2.0 Security Best Current Practice
    RFC9700_2_1_1 = "RFC9700-2.1.1";
    RFC9700_4_4 = "RFC9700-4.4";
    RFC9700_4_14_2 = "RFC9700-4.14.2";
    // RFC 9110, HTTP Semantics
    RFC9110_15_6 = "RFC9110-15.6";
}

/// Tag prefixes and the document URL each stands for. A tag is `PREFIX-SECTION[-STEP]`.
pub const PREFIXES: &[(&str, &str)] = &[
    ("OIDCC", "https://openid.net/specs/openid-connect-core-1_0.html#"),
    ("OIDCD", "https://openid.net/specs/openid-connect-discovery-1_0.html#"),
    ("OIDCR", "https://openid.net/specs/openid-connect-registration-1_0.html#"),
    ("OIDCRPL", "https://openid.net/specs/openid-connect-rpinitiated-1_0.html#"),
    ("OAUTH2FP", "https://openid.net/specs/oauth-v2-form-post-response-mode-1_0.html#"),
    ("OAUTH2MRT", "https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html#"),
    ("RFC6749", "https://www.rfc-editor.org/rfc/rfc6749#section-"),
    ("RFC6750", "https://www.rfc-editor.org/rfc/rfc6750#section-"),
    ("RFC7009", "https://www.rfc-editor.org/rfc/rfc7009#section-"),
    ("RFC7515", "https://www.rfc-editor.org/rfc/rfc7515#section-"),
    ("RFC7516", "https://www.rfc-editor.org/rfc/rfc7516#section-"),
    ("RFC7517", "https://www.rfc-editor.org/rfc/rfc7517#section-"),
    ("RFC7518", "https://www.rfc-editor.org/rfc/rfc7518#section-"),
    ("RFC7519", "https://www.rfc-editor.org/rfc/rfc7519#section-"),
    ("RFC7617", "https://www.rfc-editor.org/rfc/rfc7617#section-"),
    ("RFC7636", "https://www.rfc-editor.org/rfc/rfc7636#section-"),
    ("RFC7662", "https://www.rfc-editor.org/rfc/rfc7662#section-"),
    ("RFC8414", "https://www.rfc-editor.org/rfc/rfc8414#section-"),
    ("RFC8725", "https://www.rfc-editor.org/rfc/rfc8725#section-"),
    ("RFC9068", "https://www.rfc-editor.org/rfc/rfc9068#section-"),
    ("RFC9207", "https://www.rfc-editor.org/rfc/rfc9207#section-"),
    ("RFC9700", "https://www.rfc-editor.org/rfc/rfc9700#section-"),
    ("RFC9110", "https://www.rfc-editor.org/rfc/rfc9110#section-"),
];

/// The URL a spec tag points at, or `None` for an unknown prefix.
///
/// `OIDCC-3.1.3.7-11` → the OIDC Core section 3.1.3.7 anchor (the step number stays in the tag).
/// OIDC documents use `#rfc.section.X` anchors; RFCs use `#section-X`.
pub fn url_for(tag: &str) -> Option<String> {
    let (prefix, rest) = tag.split_once('-')?;
    let base = PREFIXES.iter().find(|(p, _)| *p == prefix).map(|(_, u)| *u)?;
    let section = rest.split('-').next().unwrap_or(rest);
    if base.ends_with('#') {
        Some(format!("{base}rfc.section.{section}"))
    } else {
        Some(format!("{base}{section}"))
    }
}

#[cfg(test)]
mod tests {
    use super::{ALL, NAMED, OIDCC_3_1_3_7_11, url_for};

    #[test]
    fn known_prefixes_resolve() {
        assert_eq!(
            url_for("OIDCC-3.1.3.7-11").as_deref(),
            Some("https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.3.1.3.7")
        );
        assert_eq!(
            url_for("RFC6749-5.2").as_deref(),
            Some("https://www.rfc-editor.org/rfc/rfc6749#section-5.2")
        );
    }

    #[test]
    fn unknown_prefix_is_none() {
        assert_eq!(url_for("NOPE-1"), None);
        assert_eq!(url_for("nodash"), None);
    }

    #[test]
    fn every_reference_resolves_and_is_named_after_its_tag() {
        for r in ALL {
            assert!(r.url().is_some(), "{r} has no URL");
        }
        for (name, r) in NAMED {
            assert_eq!(*name, r.as_str().replace(['-', '.'], "_"), "constant {name} holds {r}");
        }
        let mut tags: Vec<_> = ALL.iter().map(|r| r.as_str()).collect();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), ALL.len(), "a tag is declared twice");
    }

    #[test]
    fn display_is_the_tag_and_honours_width() {
        assert_eq!(format!("{:<18}|", OIDCC_3_1_3_7_11), "OIDCC-3.1.3.7-11  |");
        assert_eq!(OIDCC_3_1_3_7_11.to_string(), "OIDCC-3.1.3.7-11");
    }
}
