//! Checks over the provider's JWK Set (`jwks_uri`): transport, document shape and every key
//! (RFC 7517, RFC 7518 section 6, OIDC Discovery section 3, OIDC Core section 10.1).

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::{Check, Level, Verdict};
use crate::jose::{
    JoseError, JwkEntry, Jwks, MIN_RSA_BITS, curve_for_alg, is_signature_alg, key_types_for_alg,
};

/// What the harness saw when fetching `jwks_uri`.
#[derive(Debug, Clone, Default)]
pub struct JwksEvidence {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// The body as JSON; `None` when it was not JSON.
    pub body: Option<Value>,
    /// The body parsed as a JWK Set; `None` when it is not `{"keys":[...]}`.
    pub jwks: Option<Jwks>,
    /// `id_token_signing_alg_values_supported` from discovery.
    pub id_token_algs_advertised: Vec<String>,
}

const fn check(
    id: &'static str,
    title: &'static str,
    spec: &'static str,
    level: Level,
    run: fn(&JwksEvidence) -> Verdict,
) -> Check<JwksEvidence> {
    Check::new(id, level, spec, title, run)
}

/// The JWKS endpoint answers 200.
pub const STATUS_OK: Check<JwksEvidence> = check(
    "jwks.fetch.status_ok",
    "jwks_uri answers 200 OK",
    "OIDCD-3",
    Level::Must,
    status_ok,
);
/// The JWK Set is served as JSON.
pub const CONTENT_TYPE_JSON: Check<JwksEvidence> = check(
    "jwks.fetch.content_type_json",
    "jwks_uri is served as application/json or application/jwk-set+json",
    "RFC7517-8.5",
    Level::Should,
    content_type_json,
);
/// The body is `{"keys":[...]}`.
pub const IS_JWK_SET: Check<JwksEvidence> = check(
    "jwks.body.is_jwk_set",
    "the body is a JSON object with a `keys` array",
    "RFC7517-5",
    Level::Must,
    is_jwk_set,
);
/// At least one key is published.
pub const NON_EMPTY: Check<JwksEvidence> = check(
    "jwks.keys.non_empty",
    "the JWK Set publishes at least one key",
    "OIDCD-3",
    Level::Must,
    non_empty,
);
/// Every key has `kty`.
pub const KTY_PRESENT: Check<JwksEvidence> = check(
    "jwks.keys.kty_present",
    "every key has a string `kty`",
    "RFC7517-4.1",
    Level::Must,
    kty_present,
);
/// Every key of a known type is well formed.
pub const PARSEABLE: Check<JwksEvidence> = check(
    "jwks.keys.parseable",
    "every RSA/EC/OKP key is a well-formed public key",
    "RFC7517-4",
    Level::Must,
    parseable,
);
/// Keys carry `kid` when there are several signing keys.
pub const KID_WHEN_SEVERAL: Check<JwksEvidence> = check(
    "jwks.keys.kid_when_several",
    "every signing key has a `kid` when several signing keys are published",
    "OIDCC-10.1",
    Level::Should,
    kid_when_several,
);
/// `kid` values are distinct.
pub const KID_UNIQUE: Check<JwksEvidence> = check(
    "jwks.keys.kid_unique",
    "keys of the same type and use have distinct `kid` values",
    "RFC7517-4.5",
    Level::Should,
    kid_unique,
);
/// `use` is `sig` or `enc` and agrees with `alg`.
pub const USE_VALID: Check<JwksEvidence> = check(
    "jwks.keys.use_valid",
    "`use` is \"sig\" or \"enc\", and keys with a signature alg are not marked \"enc\"",
    "RFC7517-4.2",
    Level::Should,
    use_valid,
);
/// `use` is present on all keys when signing and encryption keys are mixed.
pub const USE_WHEN_MIXED: Check<JwksEvidence> = check(
    "jwks.keys.use_when_mixed",
    "every key has `use` when both signing and encryption keys are published",
    "OIDCD-3",
    Level::Must,
    use_when_mixed,
);
/// `alg`, when present, fits the key type and curve.
pub const ALG_MATCHES_KTY: Check<JwksEvidence> = check(
    "jwks.keys.alg_matches_kty",
    "a key's `alg` fits its `kty` (and `crv`)",
    "RFC7518-3.1",
    Level::Must,
    alg_matches_kty,
);
/// No private or symmetric key material.
pub const NO_PRIVATE_MEMBERS: Check<JwksEvidence> = check(
    "jwks.keys.no_private_members",
    "no key contains private or symmetric members (d, p, q, dp, dq, qi, oth, k)",
    "OIDCD-3",
    Level::Must,
    no_private_members,
);
/// RSA integers use the minimum number of octets.
pub const RSA_MINIMAL_INTEGERS: Check<JwksEvidence> = check(
    "jwks.keys.rsa_minimal_integers",
    "RSA n and e are Base64urlUInt without leading zero octets",
    "RFC7518-2",
    Level::Must,
    rsa_minimal_integers,
);
/// RSA keys are at least 2048 bits.
pub const RSA_MIN_SIZE: Check<JwksEvidence> = check(
    "jwks.keys.rsa_min_2048",
    "RSA moduli are at least 2048 bits",
    "RFC7518-3.3",
    Level::Must,
    rsa_min_size,
);
/// Curves are registered JOSE curves.
pub const CURVE_SUPPORTED: Check<JwksEvidence> = check(
    "jwks.keys.curve_supported",
    "EC keys use P-256, P-384 or P-521; OKP keys Ed25519, Ed448, X25519 or X448",
    "RFC7518-6.2.1.1",
    Level::Should,
    curve_supported,
);
/// Each advertised ID token signing alg has a key.
pub const COVERS_ADVERTISED_ALGS: Check<JwksEvidence> = check(
    "jwks.keys.cover_advertised_algs",
    "each advertised asymmetric id_token signing alg has a usable key",
    "OIDCD-3",
    Level::Must,
    covers_advertised_algs,
);

/// Every JWKS check, in report order.
pub const CHECKS: &[Check<JwksEvidence>] = &[
    STATUS_OK,
    CONTENT_TYPE_JSON,
    IS_JWK_SET,
    NON_EMPTY,
    KTY_PRESENT,
    PARSEABLE,
    KID_WHEN_SEVERAL,
    KID_UNIQUE,
    USE_VALID,
    USE_WHEN_MIXED,
    ALG_MATCHES_KTY,
    NO_PRIVATE_MEMBERS,
    RSA_MINIMAL_INTEGERS,
    RSA_MIN_SIZE,
    CURVE_SUPPORTED,
    COVERS_ADVERTISED_ALGS,
];

/// Members that only private or symmetric keys have (RFC 7518 sections 6.2.2, 6.3.2, 6.4).
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// "key #2 (kid \"k1\")" for messages.
fn label(index: usize, key: &JwkEntry) -> String {
    match &key.kid {
        Some(kid) => format!("key #{index} (kid {kid:?})"),
        None => format!("key #{index}"),
    }
}

/// The parsed set, or a skip saying why there is none.
fn jwks(e: &JwksEvidence) -> Result<&Jwks, Verdict> {
    e.jwks
        .as_ref()
        .ok_or_else(|| Verdict::skip("no JWK Set to examine"))
}

/// Fails listing every key for which `bad` returns a complaint.
fn each_key(e: &JwksEvidence, bad: impl Fn(&JwkEntry) -> Option<String>) -> Verdict {
    let set = match jwks(e) {
        Ok(set) => set,
        Err(skip) => return skip,
    };
    let problems: Vec<String> = set
        .keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| bad(k).map(|why| format!("{}: {why}", label(i, k))))
        .collect();
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::fail(problems.join("; "))
    }
}

fn status_ok(e: &JwksEvidence) -> Verdict {
    if e.status == 200 {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            "expected HTTP 200 from jwks_uri",
            "200",
            e.status.to_string(),
        )
    }
}

fn content_type_json(e: &JwksEvidence) -> Verdict {
    let Some(ct) = &e.content_type else {
        return Verdict::fail("expected a JSON Content-Type (found none)");
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence == "application/jwk-set+json" {
        Verdict::Pass
    } else {
        Verdict::mismatch("expected a JSON media type", "application/json", ct.clone())
    }
}

fn is_jwk_set(e: &JwksEvidence) -> Verdict {
    if e.status != 200 {
        return Verdict::skip(format!("jwks_uri answered {}", e.status));
    }
    match &e.body {
        None => Verdict::fail("expected a JSON body (found something that is not JSON)"),
        Some(body) => match Jwks::parse(body) {
            Ok(_) => Verdict::Pass,
            Err(err) => Verdict::fail(err.to_string()),
        },
    }
}

fn non_empty(e: &JwksEvidence) -> Verdict {
    match jwks(e) {
        Ok(set) => Verdict::check(
            !set.keys.is_empty(),
            "expected at least one key (found none)",
        ),
        Err(skip) => skip,
    }
}

fn kty_present(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| k.kty.is_none().then(|| "no string `kty`".to_owned()))
}

fn parseable(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| match &k.verifier {
        Ok(_)
        | Err(JoseError::UnsupportedKeyType(_) | JoseError::UnsupportedCurve(_))
        | Err(JoseError::MissingMember("kty")) => None,
        Err(err) => Some(err.to_string()),
    })
}

fn kid_when_several(e: &JwksEvidence) -> Verdict {
    let set = match jwks(e) {
        Ok(set) => set,
        Err(skip) => return skip,
    };
    let signing: Vec<&JwkEntry> = set.signing_keys().collect();
    if signing.len() < 2 {
        return Verdict::skip("fewer than two signing keys");
    }
    let missing = signing.iter().filter(|k| k.kid.is_none()).count();
    Verdict::check(
        missing == 0,
        format!(
            "expected a kid on each of {} signing keys (found {missing} without)",
            signing.len()
        ),
    )
}

fn kid_unique(e: &JwksEvidence) -> Verdict {
    let set = match jwks(e) {
        Ok(set) => set,
        Err(skip) => return skip,
    };
    let mut seen = HashSet::new();
    let dupes: Vec<&str> = set
        .keys
        .iter()
        .filter_map(|k| {
            let kid = k.kid.as_deref()?;
            (!seen.insert((kid, k.kty.as_deref(), k.use_.as_deref()))).then_some(kid)
        })
        .collect();
    Verdict::check(
        dupes.is_empty(),
        format!("expected distinct kids (found {dupes:?} repeated)"),
    )
}

fn use_valid(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| match (k.raw.get("use"), k.alg.as_deref()) {
        (None, _) => None,
        (Some(Value::String(u)), Some(alg)) if u == "enc" && is_signature_alg(alg) => {
            Some(format!("use \"enc\" with signature alg {alg}"))
        }
        (Some(Value::String(u)), _) if u == "sig" || u == "enc" => None,
        (Some(other), _) => Some(format!("expected use \"sig\" or \"enc\" (found {other})")),
    })
}

fn use_when_mixed(e: &JwksEvidence) -> Verdict {
    let set = match jwks(e) {
        Ok(set) => set,
        Err(skip) => return skip,
    };
    let is_enc = |k: &JwkEntry| {
        k.use_.as_deref() == Some("enc") || k.alg.as_deref().is_some_and(|a| !is_signature_alg(a))
    };
    let is_sig = |k: &JwkEntry| !is_enc(k);
    if !(set.keys.iter().any(is_enc) && set.keys.iter().any(is_sig)) {
        return Verdict::skip("only one kind of key (signing or encryption) is published");
    }
    each_key(e, |k| {
        k.use_
            .is_none()
            .then(|| "no `use` although signing and encryption keys are mixed".to_owned())
    })
}

fn alg_matches_kty(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| {
        let alg = k.alg.as_deref()?;
        let ktys = key_types_for_alg(alg)?;
        let kty = k.kty.as_deref().unwrap_or("(none)");
        if !ktys.contains(&kty) {
            return Some(format!(
                "expected kty {} for alg {alg} (found {kty})",
                ktys.join(" or ")
            ));
        }
        let want = curve_for_alg(alg)?;
        let crv = k.raw.get("crv").and_then(Value::as_str).unwrap_or("(none)");
        (crv != want).then(|| format!("expected crv {want} for alg {alg} (found {crv})"))
    })
}

fn no_private_members(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| {
        let found: Vec<&str> = PRIVATE_MEMBERS
            .iter()
            .copied()
            .filter(|m| k.raw.contains_key(*m))
            .collect();
        (!found.is_empty()).then(|| format!("publishes private/symmetric members {found:?}"))
    })
}

fn rsa_minimal_integers(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| {
        if k.kty.as_deref() != Some("RSA") {
            return None;
        }
        let padded: Vec<&str> = ["n", "e"]
            .into_iter()
            .filter(|m| {
                let value = k.raw.get(*m).and_then(Value::as_str).unwrap_or_default();
                URL_SAFE_NO_PAD
                    .decode(value)
                    .is_ok_and(|b| b.len() > 1 && b.first() == Some(&0))
            })
            .collect();
        (!padded.is_empty())
            .then(|| format!("expected minimal octets (found a leading zero in {padded:?})"))
    })
}

fn rsa_min_size(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| {
        let key = k.verifier.as_ref().ok().filter(|key| key.kty() == "RSA")?;
        (key.bits() < MIN_RSA_BITS).then(|| {
            format!(
                "expected at least {MIN_RSA_BITS} bits (found {})",
                key.bits()
            )
        })
    })
}

fn curve_supported(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| {
        let allowed: &[&str] = match k.kty.as_deref() {
            Some("EC") => &["P-256", "P-384", "P-521"],
            Some("OKP") => &["Ed25519", "Ed448", "X25519", "X448"],
            _ => return None,
        };
        match k.raw.get("crv").and_then(Value::as_str) {
            Some(crv) if allowed.contains(&crv) => None,
            other => Some(format!("expected crv one of {allowed:?} (found {other:?})")),
        }
    })
}

fn covers_advertised_algs(e: &JwksEvidence) -> Verdict {
    let set = match jwks(e) {
        Ok(set) => set,
        Err(skip) => return skip,
    };
    let wanted: Vec<&str> = e
        .id_token_algs_advertised
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "none" && !a.starts_with("HS"))
        .collect();
    if wanted.is_empty() {
        return Verdict::skip("no asymmetric id_token signing alg advertised");
    }
    let usable = |alg: &str| {
        set.keys.iter().any(|k| {
            k.usable_for(alg)
                && !matches!(
                    k.verifier,
                    Err(JoseError::MalformedKey { .. }
                        | JoseError::MissingMember(_)
                        | JoseError::NotJsonObject { .. })
                )
        })
    };
    let uncovered: Vec<&str> = wanted.into_iter().filter(|a| !usable(a)).collect();
    Verdict::check(
        uncovered.is_empty(),
        format!(
            "expected a usable signing key for every advertised alg (found none for {uncovered:?})"
        ),
    )
}

#[cfg(test)]
mod tests;
