//! The rule bodies of the JWKS checks (the catalogue, with ids, levels and spec references, is
//! in the parent module): transport, document shape and every key.

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::JwksEvidence;
use crate::checks::Verdict;
use crate::checks::discovery::media_type_is;
use crate::jose::{
    JoseError, JwkEntry, Jwks, MIN_RSA_BITS, curve_for_alg, is_signature_alg, key_types_for_alg,
};

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

pub(super) fn status_ok(e: &JwksEvidence) -> Verdict {
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

pub(super) fn content_type_json(e: &JwksEvidence) -> Verdict {
    let Some(ct) = &e.content_type else {
        return Verdict::fail("expected a JSON Content-Type (found none)");
    };
    if media_type_is(ct, "application/json") || media_type_is(ct, "application/jwk-set+json") {
        Verdict::Pass
    } else {
        Verdict::mismatch("expected a JSON media type", "application/json", ct.clone())
    }
}

pub(super) fn is_jwk_set(e: &JwksEvidence) -> Verdict {
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

pub(super) fn non_empty(e: &JwksEvidence) -> Verdict {
    match jwks(e) {
        Ok(set) => Verdict::check(
            !set.keys.is_empty(),
            "expected at least one key (found none)",
        ),
        Err(skip) => skip,
    }
}

pub(super) fn kty_present(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| k.kty.is_none().then(|| "no string `kty`".to_owned()))
}

pub(super) fn parseable(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| match &k.verifier {
        Ok(_)
        | Err(JoseError::UnsupportedKeyType(_) | JoseError::UnsupportedCurve(_))
        | Err(JoseError::MissingMember("kty")) => None,
        Err(err) => Some(err.to_string()),
    })
}

pub(super) fn kid_when_several(e: &JwksEvidence) -> Verdict {
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

pub(super) fn kid_unique(e: &JwksEvidence) -> Verdict {
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

pub(super) fn use_valid(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| match (k.raw.get("use"), k.alg.as_deref()) {
        (None, _) => None,
        (Some(Value::String(u)), Some(alg)) if u == "enc" && is_signature_alg(alg) => {
            Some(format!("use \"enc\" with signature alg {alg}"))
        }
        (Some(Value::String(u)), _) if u == "sig" || u == "enc" => None,
        (Some(other), _) => Some(format!("expected use \"sig\" or \"enc\" (found {other})")),
    })
}

pub(super) fn use_when_mixed(e: &JwksEvidence) -> Verdict {
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

pub(super) fn alg_matches_kty(e: &JwksEvidence) -> Verdict {
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

pub(super) fn no_private_members(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| {
        let found: Vec<&str> = PRIVATE_MEMBERS
            .iter()
            .copied()
            .filter(|m| k.raw.contains_key(*m))
            .collect();
        (!found.is_empty()).then(|| format!("publishes private/symmetric members {found:?}"))
    })
}

pub(super) fn rsa_minimal_integers(e: &JwksEvidence) -> Verdict {
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

pub(super) fn rsa_min_size(e: &JwksEvidence) -> Verdict {
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

pub(super) fn curve_supported(e: &JwksEvidence) -> Verdict {
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

pub(super) fn covers_advertised_algs(e: &JwksEvidence) -> Verdict {
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

pub(super) fn alg_present(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| k.alg.is_none().then(|| "no `alg`: a client must guess which algorithm the key is for".to_owned()))
}

pub(super) fn use_present(e: &JwksEvidence) -> Verdict {
    each_key(e, |k| (!k.raw.contains_key("use")).then(|| "no `use`: a client must guess whether it signs or encrypts".to_owned()))
}

/// A signing key whose `alg` is not among the advertised ID token algorithms signs something
/// else (UserInfo, request objects) or nothing: worth a note.
pub(super) fn alg_advertised(e: &JwksEvidence) -> Verdict {
    if e.id_token_algs_advertised.is_empty() {
        return Verdict::skip("discovery advertises no id_token_signing_alg_values_supported");
    }
    each_key(e, |k| {
        let alg = k.alg.as_deref()?;
        let signs = crate::jose::is_signature_alg(alg) && k.raw.get("use").and_then(Value::as_str) != Some("enc");
        (signs && !e.id_token_algs_advertised.iter().any(|a| a == alg))
            .then(|| format!("signing alg {alg} is not in id_token_signing_alg_values_supported {:?}", e.id_token_algs_advertised))
    })
}
