//! Where the advertised endpoints live: the origin (scheme, host, port) of each against the
//! issuer's. A document that sends endpoints to another origin is followed by every client; the
//! harness says so, and warns where the client's secret goes (the token endpoint).

use url::Url;

use super::{DiscoveryEvidence, with_meta};
use crate::checks::Verdict;

/// `scheme://host:port` of `url`, or `None` when it does not parse.
fn origin(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    Some(u.origin().ascii_serialization())
}

/// The endpoints on another origin than the issuer's, as `name at origin`.
fn elsewhere(ev: &DiscoveryEvidence, only: Option<&str>) -> Result<Vec<String>, Verdict> {
    let Some(home) = origin(&ev.expected_issuer) else {
        return Err(Verdict::skip("the configured issuer is not a URL"));
    };
    let meta = ev.metadata.as_ref().ok_or_else(|| Verdict::skip("no metadata (see disc.body.json_object)"))?;
    Ok(meta
        .endpoints()
        .into_iter()
        .filter(|(name, _)| only.is_none_or(|o| o == *name))
        .filter_map(|(name, url)| origin(url).filter(|o| *o != home).map(|o| format!("{name} at {o}")))
        .collect())
}

/// Every endpoint is on the issuer's origin (a note when not: a gateway or a CDN may serve some).
pub(super) fn endpoints_same_origin(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |_| match elsewhere(ev, None) {
        Err(skip) => skip,
        Ok(found) if found.is_empty() => Verdict::Pass,
        Ok(found) => Verdict::fail(format!("expected every endpoint on the issuer's origin (found {})", found.join(", "))),
    })
}

/// The token endpoint, where the client authenticates with its secret, is on the issuer's origin.
pub(super) fn token_endpoint_same_origin(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |_| match elsewhere(ev, Some("token_endpoint")) {
        Err(skip) => skip,
        Ok(found) if found.is_empty() => Verdict::Pass,
        Ok(found) => Verdict::fail(format!(
            "expected the client's credentials to go to the issuer's origin (found {}); check that this origin belongs to the provider",
            found.join(", ")
        )),
    })
}
