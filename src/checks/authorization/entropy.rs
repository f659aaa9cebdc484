//! The authorization code's entropy (RFC 6749 §10.10), estimated from the one code seen.

use super::AuthorizationEvidence;
use crate::checks::Verdict;

/// Heuristic entropy of a code in bits: length × log2(alphabet), where the alphabet is the
/// smallest common one holding every character (digits, hex, alphanumeric, base64url, printable
/// ASCII) — or, when fewer than 8 distinct characters occur, just those characters.
pub(crate) fn estimated_bits(code: &str) -> f64 {
    let b = code.as_bytes();
    let class_size: f64 = if b.iter().all(u8::is_ascii_digit) {
        10.0
    } else if b.iter().all(u8::is_ascii_hexdigit)
        && (b.iter().all(|c| !c.is_ascii_uppercase()) || b.iter().all(|c| !c.is_ascii_lowercase()))
    {
        16.0
    } else if b.iter().all(u8::is_ascii_alphanumeric) {
        62.0
    } else if b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
    {
        64.0
    } else {
        94.0
    };
    let distinct = b.iter().collect::<std::collections::BTreeSet<_>>().len();
    let alphabet = if distinct < 8 {
        distinct as f64
    } else {
        class_size
    };
    if alphabet <= 1.0 {
        0.0
    } else {
        b.len() as f64 * alphabet.log2()
    }
}

pub(super) fn code_entropy(ev: &AuthorizationEvidence) -> Verdict {
    // RFC 6749 §10.10: the probability of guessing a code MUST be ≤ 2^-128 and SHOULD be ≤ 2^-160.
    // The estimate only sees one sample, hence SHOULD level.
    let Some(code) = ev.first("code") else {
        return Verdict::skip("no code");
    };
    let bits = estimated_bits(code);
    if bits >= 128.0 {
        Verdict::Pass
    } else {
        Verdict::mismatch(
            format!(
                "expected at least 128 bits of entropy (found ~{bits:.0} bits over {} characters)",
                code.len()
            ),
            ">= 128 bits",
            format!("~{bits:.0} bits"),
        )
    }
}
