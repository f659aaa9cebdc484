//! The normative words each check judges: for every check id, the sentence of the spec its
//! level comes from, quoted (DESIGN §6: "a level is the spec's word"). A MUST check quotes a
//! sentence that says MUST, MUST NOT, SHALL or REQUIRED of the party observed (the provider);
//! a SHOULD check quotes SHOULD or RECOMMENDED — or, where the harness judges good practice
//! that no sentence demands of the provider, the sentence closest to it, and the check is
//! SHOULD at most. `oidc-harness checks --format md` prints them (docs/checks.md).
//!
//! Quotes are kept apart from the check tables so that a level and its reason can be read side
//! by side, and so that a test can hold every level to its words. They are split by group
//! (one submodule per family of check tables); [`all`] walks them in order.
//!
//! Quotation marks enclose words of the specification as written (ellipses mark omissions);
//! `[...]` with words inside marks our paraphrase, used where the exact wording is not quoted
//! with certainty. Where a check's level says more than its sentence, the quote stays honest
//! and the check is listed in [`AUDIT_PENDING`] and in docs/level-audit.md until its level is
//! settled.

use super::Level;

mod authorization;
mod discovery;
mod id_token;
mod logout;
mod resources;
mod robustness;
mod tokens;

/// The quote tables, one per group of checks.
const GROUPS: &[&[(&str, &str)]] = &[discovery::QUOTES, authorization::QUOTES, tokens::QUOTES, id_token::QUOTES, resources::QUOTES, logout::QUOTES, robustness::QUOTES];

/// Checks whose quoted sentence does not carry their current level's keyword (docs/level-audit.md
/// says why and proposes a level). The level-keyword test skips them — and fails once a quote
/// carries its level's keyword again, so that the id is then taken off this list.
pub const AUDIT_PENDING: &[&str] = &[];

/// Every `(check id, quoted normative words)`, group by group.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    GROUPS.iter().flat_map(|g| g.iter().copied())
}

/// The quoted words of check `id`, if recorded.
pub fn quote_for(id: &str) -> Option<&'static str> {
    all().find(|(i, _)| *i == id).map(|(_, q)| q)
}

/// Whether `quote` carries the keyword its check's `level` needs: MUST (or MUST NOT, SHALL,
/// REQUIRED) for a MUST check; SHOULD or RECOMMENDED, or a MUST of another party, for a
/// SHOULD check; anything for a MAY check.
pub fn supports(level: Level, quote: &str) -> bool {
    let has = |w: &str| quote.split(|c: char| !c.is_ascii_alphabetic()).any(|t| t == w);
    match level {
        Level::Must => has("MUST") || has("SHALL") || has("REQUIRED"),
        Level::Should => has("SHOULD") || has("RECOMMENDED") || has("MUST"),
        Level::May => true,
    }
}
