//! Refresh tokens as the provider hands them out, and how a presented one is judged.
//!
//! A token is `<family>.<generation>.<family secret>.<secret>`: the row id of its family in the
//! store (`store/refresh_tokens.rs`; drawn at random, 62 bits, so that it tells nothing of other
//! grants), its place in the family's chain of rotations, a secret shared by every token of the
//! family (16 random bytes) and its own secret (32 random bytes, RFC 6749 10.10), both base64url.
//! The store keeps only the SHA-256 of the two secrets, and of the current token's secret only,
//! so a rotation rewrites one row.
//!
//! A presented token is:
//! - the family's **current** token when its generation is the family's and its secret hashes to
//!   the stored one;
//! - a **used** one (rotated away) when its generation is older and its family secret matches:
//!   only a holder of one of the family's tokens knows that secret, so presenting an old
//!   generation is reuse (RFC 9700 4.14.2), however many rotations ago it was used up;
//! - unknown otherwise (no such family, another family secret — e.g. a family whose row id was
//!   reused after a purge —, a generation the family has not reached, a wrong secret), which
//!   revokes nothing: guessing a row id must not let anyone revoke someone else's grant.
//!
//! Tokens issued before schema version 3 have no dots; their families are found by the hash of
//! the whole token (`legacy_hash`), and stand as current until the first rotation, used after.

use super::ProtocolError;
use crate::provider::Provider;
use crate::random::{constant_time_eq, fingerprint};
use crate::store::{RefreshRecord, Successor};

/// Random bytes of a family secret.
pub const FAMILY_SECRET_BYTES: usize = 16;

/// Random bytes of a token's own secret.
pub const SECRET_BYTES: usize = 32;

/// A presented token in the current format, borrowed from the request. Its `Debug` output shows
/// the family and generation only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RefreshToken<'a> {
    /// Row id of the family.
    pub family: i64,
    /// Place in the family's chain of rotations.
    pub generation: i64,
    family_secret: &'a str,
    secret: &'a str,
}

impl std::fmt::Debug for RefreshToken<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshToken")
            .field("family", &self.family)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl<'a> RefreshToken<'a> {
    /// Splits `token` into its four parts; `None` unless it has exactly four, the first two
    /// decimal numbers that fit an `i64`, without sign or leading zero, and the last two
    /// non-empty.
    pub fn parse(token: &'a str) -> Option<RefreshToken<'a>> {
        let mut parts = token.split('.');
        let (family, generation) = (decimal(parts.next()?)?, decimal(parts.next()?)?);
        let (family_secret, secret) = (parts.next()?, parts.next()?);
        if parts.next().is_some() || family_secret.is_empty() || secret.is_empty() {
            return None;
        }
        Some(RefreshToken { family, generation, family_secret, secret })
    }

    /// How this token stands in `record`, the family it names.
    fn standing(&self, record: &RefreshRecord) -> Option<Standing> {
        let same_family = !record.family_hash.is_empty()
            && constant_time_eq(fingerprint(self.family_secret).as_bytes(), record.family_hash.as_bytes());
        if !same_family || self.generation > record.generation {
            return None;
        }
        if self.generation < record.generation {
            return Some(Standing::Used);
        }
        constant_time_eq(fingerprint(self.secret).as_bytes(), record.token_hash.as_bytes()).then_some(Standing::Current)
    }
}

/// A decimal number that fits an `i64`, without sign or leading zero.
fn decimal(s: &str) -> Option<i64> {
    let digits = (1..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

/// The text of the token of `family` at `generation`.
pub fn format(family: i64, generation: i64, family_secret: &str, secret: &str) -> String {
    format!("{family}.{generation}.{family_secret}.{secret}")
}

/// What a presented token is to the family it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The family's current token (usable unless revoked or expired).
    Current,
    /// An older token of the family, used up by a rotation: presenting it is reuse.
    Used,
}

/// A presented token's family, as read from the store, and the token's standing in it.
#[derive(Debug)]
pub struct Found<'a> {
    /// The family (its `revoked_at` is the effective one: its own, else its grant's).
    pub record: RefreshRecord,
    /// Whether the family's grant is revoked.
    pub grant_revoked: bool,
    /// Current or used.
    pub standing: Standing,
    /// The token, parsed; `None` for a token issued before schema version 3.
    token: Option<RefreshToken<'a>>,
}

/// Finds the family of a presented token; `None` when the token is unknown (see the module doc).
pub fn look_up<'a>(provider: &Provider, token: &'a str) -> Result<Option<Found<'a>>, ProtocolError> {
    if let Some(parsed) = RefreshToken::parse(token) {
        let Some((record, grant_revoked)) = provider.store.refresh_family(parsed.family)? else {
            return Ok(None);
        };
        return Ok(parsed.standing(&record).map(|standing| Found { record, grant_revoked, standing, token: Some(parsed) }));
    }
    let Some((record, grant_revoked)) = provider.store.refresh_family_by_legacy_hash(&fingerprint(token))? else {
        return Ok(None);
    };
    let standing = if record.generation == 0 { Standing::Current } else { Standing::Used };
    Ok(Some(Found { record, grant_revoked, standing, token: None }))
}

/// A new family's first token: a random row id for the family (62 bits, so that a token tells
/// nothing of how many grants came before it) and the two secrets.
pub struct FirstToken {
    family: i64,
    family_secret: String,
    secret: String,
}

impl FirstToken {
    /// A fresh random row id and fresh secrets.
    pub fn generate(provider: &Provider) -> FirstToken {
        let mut id = [0u8; 8];
        provider.rng.fill(&mut id);
        let family = i64::try_from(u64::from_le_bytes(id) >> 2).unwrap_or(1).max(1);
        FirstToken { family, family_secret: provider.token(FAMILY_SECRET_BYTES), secret: provider.token(SECRET_BYTES) }
    }

    /// Fills in the row id `record` is to be stored under and the hashes it keeps of the
    /// secrets (generation 0).
    pub fn fill(&self, record: &mut RefreshRecord) {
        record.family = self.family;
        record.family_hash = fingerprint(&self.family_secret);
        record.token_hash = fingerprint(&self.secret);
        record.generation = 0;
    }

    /// The token's text.
    pub fn text(&self) -> String {
        format(self.family, 0, &self.family_secret, &self.secret)
    }
}

/// The token that succeeds `found`'s family's current one, valid from `created_at` to
/// `expires_at`: its text, and what the store's rotation writes. It keeps the family secret of
/// the presented token (a carried-over family gets its first one here).
pub fn successor(provider: &Provider, found: &Found<'_>, created_at: i64, expires_at: i64) -> (String, Successor) {
    let secret = provider.token(SECRET_BYTES);
    let (family_secret, family_hash) = match found.token {
        Some(t) => (t.family_secret.to_owned(), found.record.family_hash.clone()),
        None => {
            let fresh = provider.token(FAMILY_SECRET_BYTES);
            let hash = fingerprint(&fresh);
            (fresh, hash)
        }
    };
    let text = format(found.record.family, found.record.generation + 1, &family_secret, &secret);
    (text, Successor { family_hash, token_hash: fingerprint(&secret), created_at, expires_at })
}

#[cfg(test)]
mod tests;
