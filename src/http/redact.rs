//! Redaction of secrets before anything reaches the transcript.
//!
//! Two kinds of secret are handled:
//! - configured secrets (client secret, user password): every occurrence becomes `[redacted]`;
//! - protocol values (codes, tokens, verifiers): the values of parameters with a sensitive name
//!   become a fingerprint `[redacted:xxxxxxxx]` (first 8 hex digits of their SHA-256), so two
//!   occurrences of the same code can still be correlated in a report. Values seen once (in a
//!   URL, a form, a JSON body or a hidden HTML input) are remembered and redacted wherever they
//!   show up later, e.g. in a page body that echoes the code;
//! - values found by their shape ([`shape`]): compact JWS/JWE strings anywhere, token-like members
//!   of bodies that are not strict JSON, `name=value` pairs in page text. Session and CSRF values
//!   (cookies, hidden fields, `X-CSRF-Token`-like headers, interaction ids) count as secrets too.

mod shape;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use aws_lc_rs::digest;
use url::{Url, form_urlencoded};

/// Parameter names whose values are always redacted (compared case-insensitively).
const SENSITIVE_PARAMS: &[&str] = &[
    "code",
    "access_token",
    "refresh_token",
    "id_token",
    "id_token_hint",
    "client_secret",
    "client_assertion",
    "password",
    "code_verifier",
    "token",
    "logout_token",
];

/// Longest body excerpt kept in a transcript, in bytes.
pub const MAX_EXCERPT_BYTES: usize = 4096;

/// Shortest remembered value: shorter strings would redact unrelated text.
const MIN_LEARNED_LEN: usize = 4;

/// Name fragments that mark a session or anti-forgery value (`csrf_token`, `_xsrf`,
/// `__RequestVerificationToken`, `session_id`, `interaction`), compared case-insensitively.
const SESSION_FRAGMENTS: &[&str] = &["csrf", "xsrf", "session", "interaction", "verificationtoken", "authenticity_token"];

/// Whether a parameter, header or JSON member with this name carries a secret: a protocol
/// credential by its name, or a session or anti-forgery value by a fragment of its name.
pub fn is_sensitive_name(name: &str) -> bool {
    if SENSITIVE_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(name)) {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    SESSION_FRAGMENTS.iter().any(|f| lower.contains(f))
}

/// The fingerprint that replaces a sensitive value: `[redacted:` + 8 hex digits + `]`.
pub fn fingerprint(value: &str) -> String {
    let d = digest::digest(&digest::SHA256, value.as_bytes());
    let hex: String = d.as_ref().iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("[redacted:{hex}]")
}

/// How many learned values are kept (the most recent ones); bounds the cost of redaction.
const MAX_LEARNED: usize = 512;

/// Replaces secrets by markers. Cheap to clone; clones share the values learned so far.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Configured secrets, longest first so that a secret containing another is replaced whole.
    secrets: Arc<Vec<String>>,
    /// Sensitive values seen recently (codes, tokens), replaced by their fingerprint.
    learned: Arc<Mutex<VecDeque<String>>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let learned = self.learned.lock().map_or(0, |l| l.len());
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .field("learned", &learned)
            .finish()
    }
}

impl Redactor {
    /// A redactor for these configured secrets (empty strings are ignored).
    pub fn new(secrets: Vec<String>) -> Self {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets: Arc::new(secrets), learned: Arc::default() }
    }

    /// A URL with sensitive query and fragment parameters fingerprinted and secrets removed.
    pub fn url(&self, u: &Url) -> String {
        self.learn_shapes(u.as_str());
        let mut out = String::with_capacity(u.as_str().len());
        out.push_str(&u[..url::Position::AfterPath]);
        if let Some(q) = u.query() {
            out.push('?');
            out.push_str(&self.urlencoded(q));
        }
        if let Some(f) = u.fragment() {
            out.push('#');
            out.push_str(&self.urlencoded(f));
        }
        self.replace_known(&out)
    }

    /// A form body rendered as `k=v&…` with sensitive values fingerprinted and secrets removed.
    pub fn form(&self, f: &[(String, String)]) -> String {
        f.iter().for_each(|(_, v)| self.learn_shapes(v));
        let parts: Vec<String> = f
            .iter()
            .map(|(k, v)| {
                let key = encode_component(k);
                if is_sensitive_name(k) {
                    self.learn_named(k, v);
                    format!("{key}={}", fingerprint(v))
                } else {
                    format!("{key}={}", encode_component(v))
                }
            })
            .collect();
        self.replace_known(&parts.join("&"))
    }

    /// Free text (a body, an error message): sensitive JSON members and hidden HTML inputs are
    /// fingerprinted, known secrets removed, and the result truncated to [`MAX_EXCERPT_BYTES`].
    pub fn text(&self, s: &str) -> String {
        self.learn_from_text(s);
        // Redact only a prefix (the excerpt is short), but one long enough that no secret cut
        // at its end can show up in the excerpt once earlier values have been shortened.
        let margin = 3 * self.longest_known() + 16;
        let mut cut = 2 * MAX_EXCERPT_BYTES + margin;
        loop {
            let head = prefix(s, cut);
            let out = self.replace_known(head);
            if head.len() == s.len() || out.len() >= MAX_EXCERPT_BYTES + margin {
                return truncate(&out, MAX_EXCERPT_BYTES, s.len());
            }
            cut = cut.saturating_mul(2);
        }
    }

    /// Length of the longest configured or learned secret.
    fn longest_known(&self) -> usize {
        let learned =
            self.learned.lock().map_or(0, |l| l.iter().map(String::len).max().unwrap_or(0));
        self.secrets.iter().map(String::len).max().unwrap_or(0).max(learned)
    }

    /// A header value: `Authorization` keeps its scheme only, `Cookie` and `Set-Cookie` keep
    /// cookie names only, anything else is treated as a URL-ish text.
    pub fn header(&self, name: &str, value: &str) -> String {
        self.learn_shapes(value);
        match name.to_ascii_lowercase().as_str() {
            "authorization" | "proxy-authorization" => match value.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} [redacted]"),
                None => "[redacted]".to_owned(),
            },
            "cookie" => value
                .split(';')
                .map(|c| match c.trim().split_once('=') {
                    Some((n, v)) => {
                        // Cookie values are session secrets: pages that echo them get redacted too.
                        self.learn(v);
                        format!("{n}=[redacted]")
                    }
                    None => "[redacted]".to_owned(),
                })
                .collect::<Vec<_>>()
                .join("; "),
            "set-cookie" => {
                let (pair, attrs) = value.split_once(';').unwrap_or((value, ""));
                let name = pair.split_once('=').map_or("", |(n, _)| n.trim());
                if let Some((_, v)) = pair.split_once('=') {
                    self.learn(v.trim());
                }
                if attrs.is_empty() {
                    format!("{name}=[redacted]")
                } else {
                    format!("{name}=[redacted];{attrs}")
                }
            }
            "location" | "content-location" | "refresh" => match Url::parse(value) {
                Ok(u) => self.url(&u),
                Err(_) => self.relative_url(value),
            },
            _ if is_sensitive_name(name) => {
                self.learn_named(name, value);
                fingerprint(value)
            }
            _ => self.replace_known(value),
        }
    }

    /// Redacts a URL that does not parse alone (a relative reference): its query and fragment.
    fn relative_url(&self, raw: &str) -> String {
        let (before_fragment, fragment) = match raw.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (raw, None),
        };
        let mut out = match before_fragment.split_once('?') {
            Some((path, query)) => format!("{path}?{}", self.urlencoded(query)),
            None => before_fragment.to_owned(),
        };
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(&self.urlencoded(f));
        }
        self.replace_known(&out)
    }

    /// Redacts an `application/x-www-form-urlencoded` string, keeping its original encoding.
    fn urlencoded(&self, raw: &str) -> String {
        raw.split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let name: String =
                    form_urlencoded::parse(k.as_bytes()).map(|(n, _)| n.into_owned()).collect();
                if is_sensitive_name(&name) {
                    let value: String = form_urlencoded::parse(format!("x={v}").as_bytes())
                        .map(|(_, v)| v.into_owned())
                        .collect();
                    self.learn_named(&name, &value);
                    format!("{k}={}", fingerprint(&value))
                } else {
                    pair.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Remembers a sensitive value so later occurrences anywhere are redacted too.
    fn learn(&self, value: &str) {
        if value.len() < MIN_LEARNED_LEN {
            return;
        }
        if let Ok(mut learned) = self.learned.lock()
            && !learned.iter().any(|l| l == value)
        {
            learned.push_back(value.to_owned());
            if learned.len() > MAX_LEARNED {
                learned.pop_front();
            }
        }
    }

    /// Learns sensitive values from a JSON document or from hidden inputs of an HTML page.
    fn learn_from_text(&self, s: &str) {
        self.learn_shapes(s);
        let trimmed = s.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(trimmed) {
                self.learn_json(&v);
            }
        } else if trimmed.starts_with('<') {
            let doc = scraper::Html::parse_document(s);
            if let Ok(sel) = scraper::Selector::parse("input[name][value]") {
                for el in doc.select(&sel) {
                    let (Some(n), Some(v)) = (el.attr("name"), el.attr("value")) else { continue };
                    if is_sensitive_name(n) {
                        self.learn_named(n, v);
                    }
                }
            }
        } else if s.contains('=') && !s.contains(char::is_whitespace) {
            // A form-encoded body.
            for (k, v) in form_urlencoded::parse(s.as_bytes()) {
                if is_sensitive_name(&k) {
                    self.learn_named(&k, &v);
                }
            }
        }
    }

    /// Learns the value of a field with a sensitive name: always for a protocol credential (a code
    /// or token may be short in tests), only when it looks random for a session or anti-forgery
    /// field (so that `remember_session=true` does not redact every later "true").
    fn learn_named(&self, name: &str, value: &str) {
        if SENSITIVE_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(name)) || looks_random(value) {
            self.learn(value);
        }
    }

    /// Learns what [`shape`] finds: compact JOSE strings, sensitive members of any JSON-looking
    /// text and sensitive `name=value` pairs.
    fn learn_shapes(&self, s: &str) {
        shape::compact_jose(s).into_iter().for_each(|v| self.learn(v));
        if s.contains('"') {
            shape::json_members(s, is_sensitive_name).into_iter().filter(|v| looks_random(v)).for_each(|v| self.learn(v));
        }
        if s.contains('=') {
            for v in shape::assignments(s, is_sensitive_name).into_iter().filter(|v| looks_random(v)) {
                self.learn(v);
                if v.contains('%') || v.contains('+') {
                    let decoded: String = form_urlencoded::parse(format!("x={v}").as_bytes()).map(|(_, v)| v.into_owned()).collect();
                    self.learn(&decoded);
                }
            }
        }
    }

    fn learn_json(&self, v: &serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match v {
                        serde_json::Value::String(s) if is_sensitive_name(k) => self.learn_named(k, s),
                        other => self.learn_json(other),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| self.learn_json(i)),
            _ => {}
        }
    }

    /// Replaces configured secrets (raw and form-encoded) and every learned value.
    fn replace_known(&self, s: &str) -> String {
        let mut out = s.to_owned();
        for secret in self.secrets.iter() {
            out = replace_secret(&out, secret);
            let encoded = encode_component(secret);
            if encoded != *secret {
                out = replace_secret(&out, &encoded);
            }
        }
        let learned: Vec<String> = match self.learned.lock() {
            Ok(set) => set.iter().cloned().collect(),
            Err(_) => Vec::new(),
        };
        let mut learned = learned;
        learned.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for value in learned {
            let fp = fingerprint(&value);
            out = out.replace(value.as_str(), &fp);
            let encoded = encode_component(&value);
            if encoded != value {
                out = out.replace(encoded.as_str(), &fp);
            }
        }
        out
    }
}

/// Shortest value found by shape or under a session-like name that is learned.
const MIN_SHAPED_LEN: usize = 8;

/// Whether a value found by shape looks like a generated secret rather than a word: long enough,
/// and not only lower-case letters and spaces.
fn looks_random(v: &str) -> bool {
    v.len() >= MIN_SHAPED_LEN && !v.bytes().all(|b| b.is_ascii_lowercase() || b == b' ' || b == b'_')
}

/// Configured secrets shorter than this are replaced only where they stand as a whole value
/// (between non-alphanumeric characters): a short password such as `pw` must not turn every
/// "pw" inside other words of a message into `[redacted]`. Where a short secret is a field's
/// value (form field, header, JSON member, URL parameter, cookie), it is removed by the field's
/// name or by its boundaries.
const MIN_SUBSTRING_SECRET_LEN: usize = 8;

/// Replaces `secret` in `text`: everywhere when it is long enough to be unmistakable, else only
/// its occurrences that are not part of a longer alphanumeric word.
fn replace_secret(text: &str, secret: &str) -> String {
    if secret.len() >= MIN_SUBSTRING_SECRET_LEN {
        return text.replace(secret, "[redacted]");
    }
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(secret) {
        let (before, after) = (&rest[..i], &rest[i + secret.len()..]);
        let whole = !alnum(before.chars().next_back()) && !alnum(after.chars().next());
        out.push_str(before);
        out.push_str(if whole { "[redacted]" } else { secret });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Form-encodes one component (`application/x-www-form-urlencoded`).
fn encode_component(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The longest prefix of `s` of at most `max` bytes ending on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// Cuts a redacted text to at most `max` bytes, noting the original size when cut.
fn truncate(s: &str, max: usize, original_len: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    format!("{}…[truncated; {original_len} bytes in all]", prefix(s, max))
}
