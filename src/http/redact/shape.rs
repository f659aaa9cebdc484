//! Secrets found by their shape rather than by a well-formed container: compact JWS/JWE strings
//! anywhere in a text, `"name": "value"` members of bodies that are not strict JSON (a byte-order
//! mark, trailing text, JSON inside an HTML page), and `name=value` pairs in text (links, scripts,
//! error pages). Pure scanners: each returns the values it found; the [`super::Redactor`] learns
//! them, so every later occurrence is fingerprinted too.

/// Whether `b` may stand in a base64url segment.
fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Shortest header segment taken for a JOSE header (`{"alg":"x"}` encodes to 16 characters).
const MIN_HEADER_LEN: usize = 12;

/// Compact JWS (three segments, the last possibly empty: `alg: none`) and JWE (five segments,
/// some possibly empty) serialisations in `s`: a base64url segment starting `eyJ` (the encoding
/// of `{"`) at a word boundary, followed by two or four more dot-separated segments.
pub(super) fn compact_jose(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(off) = s.get(from..).and_then(|rest| rest.find("eyJ")) {
        let start = from + off;
        from = start + 3;
        if start > 0 && b.get(start - 1).copied().is_some_and(is_b64url) {
            continue;
        }
        let mut end = start;
        let mut dots = Vec::new();
        while end < b.len() && (is_b64url(b[end]) || (b[end] == b'.' && dots.len() < 4)) {
            if b[end] == b'.' {
                dots.push(end);
            }
            end += 1;
        }
        let header_len = dots.first().map_or(0, |d| d - start);
        let segments = match dots.len() {
            2 | 3 => 3,
            4 => 5,
            _ => continue,
        };
        if header_len < MIN_HEADER_LEN {
            continue;
        }
        // A JWS has exactly three segments: a third dot ends the token before it.
        let end = if segments == 3 { dots.get(2).copied().unwrap_or(end) } else { end };
        // The payload of a JWS (or the ciphertext of a JWE) is never empty in a token.
        let body_len = if segments == 3 { dots[1] - dots[0] - 1 } else { dots[3] - dots[2] - 1 };
        if body_len == 0 {
            continue;
        }
        if let Some(token) = s.get(start..end) {
            found.push(token);
            from = end;
        }
    }
    found
}

/// Values of `"name": "value"` members whose name `sensitive` accepts, anywhere in `s`, whether or
/// not `s` as a whole is JSON. Escapes inside the value are kept as written (the text shows them so).
pub(super) fn json_members(s: &str, sensitive: impl Fn(&str) -> bool) -> Vec<&str> {
    let b = s.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = s.get(i..).and_then(|rest| rest.find('"')) {
        let name_start = i + off + 1;
        let Some(name_len) = s.get(name_start..).and_then(|rest| rest.find('"')) else { break };
        let name = &s[name_start..name_start + name_len];
        i = name_start + name_len + 1;
        if !sensitive(name) {
            continue;
        }
        let mut j = skip_ws(b, i);
        if b.get(j) != Some(&b':') {
            continue;
        }
        j = skip_ws(b, j + 1);
        if b.get(j) != Some(&b'"') {
            continue;
        }
        let value_start = j + 1;
        let mut k = value_start;
        while k < b.len() && b[k] != b'"' {
            k += if b[k] == b'\\' { 2 } else { 1 };
        }
        if let Some(value) = s.get(value_start..k.min(b.len())) {
            found.push(value);
        }
        i = (k + 1).min(b.len());
    }
    found
}

/// Values of `name=value` pairs whose name `sensitive` accepts, anywhere in `s` (query strings in
/// links and scripts, form bodies echoed in pages). A value ends at `&`, `#`, `;`, a quote, a
/// bracket or white space.
pub(super) fn assignments(s: &str, sensitive: impl Fn(&str) -> bool) -> Vec<&str> {
    let b = s.as_bytes();
    let is_name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    let mut found = Vec::new();
    for (eq, _) in s.match_indices('=') {
        let mut start = eq;
        while start > 0 && is_name(b[start - 1]) {
            start -= 1;
        }
        if start == eq || !sensitive(&s[start..eq]) {
            continue;
        }
        let mut end = eq + 1;
        while end < b.len() && !matches!(b[end], b'&' | b'#' | b';' | b'"' | b'\'' | b'<' | b'>') && !b[end].is_ascii_whitespace() {
            end += 1;
        }
        if let Some(value) = s.get(eq + 1..end) {
            found.push(value);
        }
    }
    found
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}
