//! A small seeded mutator for the bounded fuzz pass in `cargo test`: byte flips, random and
//! "interesting" bytes and tokens inserted, ranges deleted or duplicated, and splices with
//! another seed. Deterministic for a seed, so a failure names the input that reproduces it.

/// xorshift64*: enough randomness for mutations, reproducible from its seed.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Bytes and tokens the parsers give meaning to (markup, JSON, TOML, URLs, base64url, JOSE).
const TOKENS: &[&[u8]] = &[
    b"<", b">", b"\"", b"'", b"=", b"&", b"?", b"#", b"%", b"%ff", b"%00", b".", b",", b":", b";", b"{", b"}",
    b"[", b"]", b"[[", b"]]", b"\\", b"\n", b"\r\n", b" ", b"\t", b"$", b"${", b"$${", b":-", b"}", b"-",
    b"0", b"9999999999999999999", b"-1", b"1e999", b"null", b"true", b"\"\"", b"{}", b"[]", b"eyJ", b"==",
    b"<form>", b"</form>", b"<input type=password name=p>", b"<input type=hidden name=code value=x>",
    b"<button name=allow>", b"<meta http-equiv=refresh content=\"0;url=/x\">", b"<script>", b"<!--",
    b"<base href=\"//x/\">", b"form=", b"formaction=", b"\xc3\xa9", b"\xff", b"\xe2\x80\x8b", b"https://",
    b"Basic ", b"Bearer ", b"realm=", b"error=\"invalid_token\"", b"\"alg\":\"HS256\"", b"\"kty\":\"RSA\"",
    b"\"kty\":\"EC\"", b"\"crv\":\"P-256\"", b"\"kty\":\"OKP\"", b"\"enc\":\"A256GCM\"", b"'''", b"\"\"\"",
];

/// One mutated copy of `input`: 1 to 4 edits; `other` is a second seed to splice from.
pub(super) fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(8) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.below(256) as u8;
            }
            2 => out.insert(at, rng.below(256) as u8),
            3 | 4 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            5 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            6 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(32)).min(out.len());
                let piece = out[start..end].to_vec();
                out.splice(at..at, piece);
            }
            _ if !other.is_empty() => {
                let start = rng.below(other.len());
                let end = (start + 1 + rng.below(64)).min(other.len());
                out.splice(at..at, other[start..end].iter().copied());
            }
            _ => out.push(rng.below(256) as u8),
        }
    }
    out
}
