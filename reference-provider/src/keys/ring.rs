//! [`KeyRing`]: the provider's immutable set of published keys with their lifecycle, the JWKS
//! document, rotation (which builds a new ring) and verification of the provider's own tokens.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{Value, json};

use super::jws::{decode_claims, json_type, parse_compact};
use super::{KeyError, SigningAlg, SigningKey};

/// One key in the ring, with its lifecycle (Unix seconds).
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// The key itself.
    pub key: Arc<SigningKey>,
    /// When the key was created.
    pub created_at: i64,
    /// When the key stopped signing (`None`: it may sign). A retired key stays published.
    pub retired_at: Option<i64>,
    /// When the key leaves the JWKS (`None`: never). Entries with `expires_at <= now` are dropped.
    pub expires_at: Option<i64>,
}

/// Immutable set of keys. The provider swaps in a new ring on rotation (e.g. behind an
/// `ArcSwap`-like cell or `RwLock<Arc<KeyRing>>`), so reads never lock the keys themselves.
///
/// Every entry in the ring is published in the JWKS and accepted by [`KeyRing::verify`];
/// only non-retired entries are returned by [`KeyRing::active`].
#[derive(Clone)]
pub struct KeyRing {
    entries: Vec<KeyEntry>,
    by_kid: HashMap<String, usize>,
    jwks_json: String,
}

impl KeyRing {
    /// Builds a ring from `entries` as of `now`: drops entries whose `expires_at <= now` and,
    /// when two entries share a kid, keeps the first. Precomputes the JWKS JSON and the kid index
    /// (verification keys are parsed once inside each [`SigningKey`]).
    #[must_use]
    pub fn new(entries: Vec<KeyEntry>, now: i64) -> Self {
        let mut kept: Vec<KeyEntry> = Vec::with_capacity(entries.len());
        let mut by_kid = HashMap::with_capacity(entries.len());
        for entry in entries {
            if entry.expires_at.is_some_and(|t| t <= now) {
                continue;
            }
            let kid = entry.key.kid().to_owned();
            if by_kid.contains_key(&kid) {
                tracing::warn!(kid = %kid, "duplicate kid in key ring; keeping the first entry");
                continue;
            }
            by_kid.insert(kid, kept.len());
            kept.push(entry);
        }
        let keys: Vec<&Value> = kept.iter().map(|e| e.key.public_jwk()).collect();
        // `Value`'s Display is its compact JSON serialisation and cannot fail.
        let jwks_json = json!({ "keys": keys }).to_string();
        KeyRing {
            entries: kept,
            by_kid,
            jwks_json,
        }
    }

    /// The key that signs for `alg`: the newest (largest `created_at`) non-retired key of that alg.
    #[must_use]
    pub fn active(&self, alg: SigningAlg) -> Option<&Arc<SigningKey>> {
        self.entries
            .iter()
            .filter(|e| e.key.alg() == alg && e.retired_at.is_none())
            .max_by_key(|e| e.created_at)
            .map(|e| &e.key)
    }

    /// The serialised JWKS `{"keys":[...]}` of every published key, computed once in [`Self::new`].
    #[must_use]
    pub fn jwks_json(&self) -> &str {
        &self.jwks_json
    }

    /// Every published entry (expired ones already dropped).
    #[must_use]
    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }

    /// The published entry with key id `kid`, if any.
    #[must_use]
    pub fn entry(&self, kid: &str) -> Option<&KeyEntry> {
        self.by_kid.get(kid).and_then(|&i| self.entries.get(i))
    }

    /// Rotation: returns a new ring where a freshly generated key of `alg` signs, and the previous
    /// active key of `alg` is retired at `now` and stays published until `now + grace_secs`; also
    /// returns the new [`KeyEntry`] (for the caller to persist) and the retired kid.
    ///
    /// # Errors
    /// [`KeyError::NegativeGrace`], [`KeyError::DuplicateKid`], or a generation failure.
    pub fn rotate(
        &self,
        alg: SigningAlg,
        new_kid: String,
        now: i64,
        grace_secs: i64,
    ) -> Result<(KeyRing, KeyEntry, Option<String>), KeyError> {
        // Cheap checks first, so a doomed rotation does not pay for RSA key generation.
        self.check_rotation(&new_kid, grace_secs)?;
        let key = SigningKey::generate(alg, new_kid)?;
        self.rotate_to(key, alg, now, grace_secs)
    }

    /// Like [`Self::rotate`] with a key the caller already has (generated outside a lock, or
    /// loaded from PKCS#8); `key.alg()` must equal `alg`.
    ///
    /// # Errors
    /// [`KeyError::RotationAlgMismatch`], [`KeyError::NegativeGrace`], [`KeyError::DuplicateKid`].
    pub fn rotate_to(
        &self,
        key: SigningKey,
        alg: SigningAlg,
        now: i64,
        grace_secs: i64,
    ) -> Result<(KeyRing, KeyEntry, Option<String>), KeyError> {
        if key.alg() != alg {
            return Err(KeyError::RotationAlgMismatch {
                expected: alg,
                found: key.alg(),
            });
        }
        self.check_rotation(key.kid(), grace_secs)?;
        let retired_kid = self.active(alg).map(|k| k.kid().to_owned());
        let grace_end = now.saturating_add(grace_secs);
        let mut entries = self.entries.clone();
        if let Some(old) = retired_kid
            .as_deref()
            .and_then(|kid| entries.iter_mut().find(|e| e.key.kid() == kid))
        {
            old.retired_at = Some(now);
            old.expires_at = Some(old.expires_at.map_or(grace_end, |t| t.min(grace_end)));
        }
        let new_entry = KeyEntry {
            key: Arc::new(key),
            created_at: now,
            retired_at: None,
            expires_at: None,
        };
        entries.push(new_entry.clone());
        Ok((KeyRing::new(entries, now), new_entry, retired_kid))
    }

    fn check_rotation(&self, new_kid: &str, grace_secs: i64) -> Result<(), KeyError> {
        if grace_secs < 0 {
            return Err(KeyError::NegativeGrace { found: grace_secs });
        }
        if self.by_kid.contains_key(new_kid) {
            return Err(KeyError::DuplicateKid {
                kid: new_kid.to_owned(),
            });
        }
        Ok(())
    }

    /// Verifies a compact JWS issued by this provider and returns `(header, claims)`.
    ///
    /// Checks, in order: three base64url parts with a JSON-object header; `alg` is a string and
    /// not `none` (any case); no `crit` (no extension is understood, RFC 7515 4.1.11); `alg` is
    /// one of [`SigningAlg`]; `kid` is a string naming a published key; that key's alg equals the
    /// header `alg`; the signature verifies with the key's parsed public key; the claims are a
    /// JSON object. Does NOT check `exp`, `iss`, `aud` or any other claim (callers do).
    ///
    /// # Errors
    /// The [`KeyError`] variant for the first failed check.
    pub fn verify(&self, token: &str) -> Result<(Value, Value), KeyError> {
        let jws = parse_compact(token)?;
        let alg_name = match jws.header.get("alg") {
            Some(Value::String(s)) => s.as_str(),
            other => {
                return Err(KeyError::MalformedToken {
                    expected: "a string alg header",
                    found: other.map_or("no alg", json_type).to_owned(),
                });
            }
        };
        if alg_name.eq_ignore_ascii_case("none") {
            return Err(KeyError::UnsignedToken {
                found: alg_name.to_owned(),
            });
        }
        if let Some(crit) = jws.header.get("crit") {
            return Err(KeyError::CriticalHeader {
                found: crit.to_string(),
            });
        }
        let alg: SigningAlg = alg_name.parse()?;
        let kid = match jws.header.get("kid") {
            Some(Value::String(s)) => s.as_str(),
            other => {
                return Err(KeyError::MissingKid {
                    found: other.map_or("none", json_type).to_owned(),
                });
            }
        };
        let entry = self.entry(kid).ok_or_else(|| KeyError::UnknownKid {
            kid: kid.to_owned(),
        })?;
        if entry.key.alg() != alg {
            return Err(KeyError::AlgMismatch {
                kid: kid.to_owned(),
                expected: entry.key.alg(),
                found: alg_name.to_owned(),
            });
        }
        entry
            .key
            .verify_signature(jws.signing_input.as_bytes(), &jws.signature)?;
        let claims = decode_claims(jws.payload_b64)?;
        Ok((Value::Object(jws.header), claims))
    }
}

impl fmt::Debug for KeyRing {
    /// Kids, algs and lifecycle only: never key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("entries", &self.entries)
            .finish_non_exhaustive()
    }
}
