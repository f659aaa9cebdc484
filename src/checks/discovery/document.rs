//! Discovery checks on the response itself, the issuer and the advertised endpoints.

use serde_json::Value;
use url::Url;

use super::{DiscoveryEvidence, expect_200, expect_media_type, found_instead, with_meta};
use crate::checks::Verdict;
use crate::discovery::{ProviderMetadata, WELL_KNOWN_SUFFIX, is_loopback, json_type};

pub(super) fn status_200(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-4.2: "A successful response MUST use the 200 OK HTTP status code".
    if (300..400).contains(&ev.status) {
        return Verdict::mismatch(
            format!("expected the document itself with status 200 at {} (found a redirect, status {}); the checks of its media type and body are skipped", ev.fetched_from, ev.status),
            "200",
            ev.status.to_string(),
        );
    }
    expect_200(ev.status)
}

/// Another status than 200 is one finding (disc.status_200): what came instead of the document
/// is not judged as the document too.
fn not_the_document(ev: &DiscoveryEvidence) -> Option<Verdict> {
    (ev.status != 200).then(|| Verdict::skip(format!("the answer was HTTP {}, not the document (see disc.status_200)", ev.status)))
}

pub(super) fn content_type_json(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-4.2: "return a JSON object using the application/json content type".
    if let Some(skip) = not_the_document(ev) {
        return skip;
    }
    expect_media_type(ev.content_type.as_deref(), "application/json")
}

pub(super) fn body_json_object(ev: &DiscoveryEvidence) -> Verdict {
    if let Some(skip) = not_the_document(ev) {
        return skip;
    }
    match &ev.body {
        Some(Value::Object(_)) => Verdict::Pass,
        Some(other) => Verdict::fail(format!(
            "expected a JSON object (found {})",
            json_type(other)
        )),
        None => Verdict::fail("expected a JSON object (found a body that is not JSON)"),
    }
}

pub(super) fn no_type_errors(ev: &DiscoveryEvidence) -> Verdict {
    // The RFC 9207 flag has its own check (disc.iss_parameter_supported.boolean).
    with_meta(ev, |m| {
        let errors: Vec<&str> = m
            .type_errors
            .iter()
            .map(String::as_str)
            .filter(|e| !e.starts_with("field authorization_response_iss_parameter_supported:"))
            .collect();
        Verdict::check(errors.is_empty(), errors.join("; "))
    })
}

pub(super) fn issuer_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| present(m, "issuer", m.issuer.as_ref()))
}

/// The issuer parsed as a URL, or the verdict to return instead.
fn issuer_url(m: &ProviderMetadata) -> Result<Url, Verdict> {
    let iss = m
        .issuer
        .as_deref()
        .ok_or_else(|| Verdict::skip("no issuer"))?;
    Url::parse(iss).map_err(|_| Verdict::skip("issuer is not a URL (see disc.issuer.valid_url)"))
}

pub(super) fn issuer_valid_url(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| match m.issuer.as_deref() {
        None => Verdict::skip("no issuer"),
        Some(iss) => match Url::parse(iss) {
            Ok(u) if !u.cannot_be_a_base() && u.has_host() => Verdict::Pass,
            _ => Verdict::mismatch(
                format!("expected an absolute URL (found {iss:?})"),
                "absolute URL",
                iss,
            ),
        },
    })
}

pub(super) fn issuer_matches_url(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-4.3: the issuer MUST be identical to the URL used as prefix to the well-known path.
    with_meta(ev, |m| {
        let Some(iss) = m.issuer.as_deref() else {
            return Verdict::skip("no issuer");
        };
        if !ev.fetched_from.ends_with(WELL_KNOWN_SUFFIX) {
            return Verdict::skip(
                "configuration fetched from a custom URL, not the well-known path",
            );
        }
        let rebuilt = format!("{}{WELL_KNOWN_SUFFIX}", iss.trim_end_matches('/'));
        if rebuilt == ev.fetched_from {
            Verdict::Pass
        } else {
            let prefix = ev
                .fetched_from
                .strip_suffix(WELL_KNOWN_SUFFIX)
                .unwrap_or(&ev.fetched_from);
            Verdict::mismatch(
                format!("expected issuer {prefix} (found {iss})"),
                prefix.to_owned(),
                iss.to_owned(),
            )
        }
    })
}

pub(super) fn issuer_matches_configured(ev: &DiscoveryEvidence) -> Verdict {
    // Exact string comparison: ID token `iss` is compared the same way (OIDCC-3.1.3.7).
    with_meta(ev, |m| {
        let Some(iss) = m.issuer.as_deref() else {
            return Verdict::skip("no issuer");
        };
        if iss == ev.expected_issuer {
            Verdict::Pass
        } else {
            Verdict::mismatch(
                format!("expected issuer {} (found {iss})", ev.expected_issuer),
                ev.expected_issuer.clone(),
                iss.to_owned(),
            )
        }
    })
}

fn scheme_is_https(what: &str, u: &Url) -> Verdict {
    if u.scheme() == "https" {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            format!("expected {what} to use https (found {})", u.scheme()),
            "https",
            u.scheme(),
        )
    }
}

pub(super) fn issuer_https(ev: &DiscoveryEvidence) -> Verdict {
    if ev.loopback {
        return Verdict::skip("loopback issuer: reported by disc.issuer.https_loopback");
    }
    with_meta(ev, |m| match issuer_url(m) {
        Ok(u) => scheme_is_https("issuer", &u),
        Err(v) => v,
    })
}

pub(super) fn issuer_https_loopback(ev: &DiscoveryEvidence) -> Verdict {
    if !ev.loopback {
        return Verdict::skip("issuer is not on loopback: reported by disc.issuer.https");
    }
    with_meta(ev, |m| match issuer_url(m) {
        Ok(u) => scheme_is_https("issuer", &u),
        Err(v) => v,
    })
}

pub(super) fn issuer_no_query_fragment(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| match issuer_url(m) {
        Ok(u) if u.query().is_none() && u.fragment().is_none() => Verdict::Pass,
        Ok(u) => Verdict::fail(format!(
            "expected no query or fragment in issuer (found {u})"
        )),
        Err(v) => v,
    })
}

fn present(m: &ProviderMetadata, name: &str, v: Option<&String>) -> Verdict {
    if v.is_some() {
        return Verdict::Pass;
    }
    Verdict::fail(format!(
        "expected {name} string (found {})",
        found_instead(m, name)
    ))
}

/// MUST-level https check for one endpoint; loopback hosts are left to the loopback check.
fn endpoint_https(name: &str, v: Option<&String>) -> Verdict {
    let Some(v) = v else {
        return Verdict::skip(format!("{name} not advertised"));
    };
    match Url::parse(v) {
        Ok(u) if u.scheme() == "http" && is_loopback(&u) => Verdict::skip(format!(
            "{name} is on loopback: reported by disc.endpoints.https_loopback"
        )),
        Ok(u) => scheme_is_https(name, &u),
        Err(_) => Verdict::skip(format!(
            "{name} is not a URL (see disc.endpoints.absolute_no_fragment)"
        )),
    }
}

pub(super) fn authz_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        present(
            m,
            "authorization_endpoint",
            m.authorization_endpoint.as_ref(),
        )
    })
}

pub(super) fn authz_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        endpoint_https("authorization_endpoint", m.authorization_endpoint.as_ref())
    })
}

pub(super) fn token_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: token_endpoint is REQUIRED unless only the Implicit Flow is used.
    with_meta(ev, |m| {
        let implicit_only = m.response_types_supported.as_ref().is_some_and(|rts| {
            !rts.is_empty()
                && rts
                    .iter()
                    .all(|rt| !rt.split_whitespace().any(|p| p == "code"))
        });
        if m.token_endpoint.is_none() && implicit_only {
            return Verdict::skip("implicit-only provider: token_endpoint not required");
        }
        present(m, "token_endpoint", m.token_endpoint.as_ref())
    })
}

pub(super) fn token_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        endpoint_https("token_endpoint", m.token_endpoint.as_ref())
    })
}

pub(super) fn jwks_present(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| present(m, "jwks_uri", m.jwks_uri.as_ref()))
}

pub(super) fn jwks_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| endpoint_https("jwks_uri", m.jwks_uri.as_ref()))
}

pub(super) fn userinfo_present(ev: &DiscoveryEvidence) -> Verdict {
    // OIDCD-3: userinfo_endpoint is RECOMMENDED.
    with_meta(ev, |m| {
        present(m, "userinfo_endpoint", m.userinfo_endpoint.as_ref())
    })
}

pub(super) fn userinfo_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        endpoint_https("userinfo_endpoint", m.userinfo_endpoint.as_ref())
    })
}

pub(super) fn registration_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        endpoint_https("registration_endpoint", m.registration_endpoint.as_ref())
    })
}

pub(super) fn end_session_https(ev: &DiscoveryEvidence) -> Verdict {
    with_meta(ev, |m| {
        endpoint_https("end_session_endpoint", m.end_session_endpoint.as_ref())
    })
}

pub(super) fn endpoints_absolute(ev: &DiscoveryEvidence) -> Verdict {
    // RFC 6749 §3.1/§3.2: endpoint URIs are absolute and MUST NOT include a fragment.
    with_meta(ev, |m| {
        let bad: Vec<String> = m
            .endpoints()
            .into_iter()
            .filter_map(|(name, v)| match Url::parse(v) {
                Ok(u) if u.has_host() && u.fragment().is_none() => None,
                Ok(_) => Some(format!(
                    "{name}: expected absolute URL without fragment (found {v})"
                )),
                Err(_) => Some(format!("{name}: expected absolute URL (found {v:?})")),
            })
            .collect();
        Verdict::check(bad.is_empty(), bad.join("; "))
    })
}

pub(super) fn endpoints_https_loopback(ev: &DiscoveryEvidence) -> Verdict {
    if !ev.loopback {
        return Verdict::skip("issuer is not on loopback: each endpoint has its own https check");
    }
    with_meta(ev, |m| {
        let plain: Vec<&str> = m
            .endpoints()
            .into_iter()
            .filter(|(_, v)| Url::parse(v).is_ok_and(|u| u.scheme() == "http"))
            .map(|(name, _)| name)
            .collect();
        Verdict::check(
            plain.is_empty(),
            format!("expected https (found http for {})", plain.join(", ")),
        )
    })
}
