//! Randomness and hashing of secrets: random URL-safe tokens, and the SHA-256 fingerprints the
//! store keeps instead of codes, tokens, session ids and client secrets.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A source of random tokens (injectable so tests can be deterministic where they need to be).
pub trait TokenSource: Send + Sync + std::fmt::Debug {
    /// Fills `out` with random bytes.
    fn fill(&self, out: &mut [u8]);
}

/// The system CSPRNG (aws-lc-rs).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRandom;

impl TokenSource for SystemRandom {
    fn fill(&self, out: &mut [u8]) {
        // aws-lc's RNG only fails if the process cannot reach entropy at all; in that case a
        // provider must not issue tokens, so aborting the request is right.
        if aws_lc_rs::rand::fill(out).is_err() {
            std::process::abort();
        }
    }
}

/// A random URL-safe token carrying `bytes` bytes of entropy (base64url, no padding).
pub fn token(source: &dyn TokenSource, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    source.fill(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 of `value`, base64url: how secrets are stored and looked up.
pub fn fingerprint(value: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, value.as_bytes()))
}

/// Constant-time equality of two byte strings.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_url_safe() {
        let a = token(&SystemRandom, 32);
        let b = token(&SystemRandom, 32);
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn fingerprint_is_sha256_base64url() {
        // SHA-256("abc") = ba7816bf...; base64url of it:
        assert_eq!(fingerprint("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }
}
