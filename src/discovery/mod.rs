//! Provider discovery without transport: where the configuration document lives
//! ([`discovery_url`]) and what it advertised ([`ProviderMetadata`], parsed leniently).
//!
//! Fetching happens elsewhere (the HTTP agent); judging the document is the job of the
//! discovery checks in [`crate::checks`]. Nothing here does I/O.

mod model;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

pub use model::ProviderMetadata;
pub(crate) use model::json_type;

use url::{Host, Url};

/// The well-known path suffix defined by OIDC Discovery §4.
pub const WELL_KNOWN_SUFFIX: &str = "/.well-known/openid-configuration";

/// The configuration document URL for an issuer (OIDC Discovery §4).
///
/// Any terminating `/` of the issuer's path is removed before `/.well-known/openid-configuration`
/// is appended, so `https://op.example/tenant/` and `https://op.example/tenant` both map to
/// `https://op.example/tenant/.well-known/openid-configuration`. An issuer must not carry a query
/// or fragment; if it does anyway, they are dropped here (the discovery checks report them).
pub fn discovery_url(issuer: &Url) -> Url {
    let mut url = issuer.clone();
    url.set_query(None);
    url.set_fragment(None);
    let path = format!("{}{WELL_KNOWN_SUFFIX}", issuer.path().trim_end_matches('/'));
    url.set_path(&path);
    url
}

/// Whether the URL's host is a loopback address or `localhost` (127.0.0.0/8, `::1`, `localhost`).
///
/// Providers on loopback (test setups, the reference provider) are allowed plain `http`;
/// the checks report that at SHOULD level instead of failing a MUST.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
