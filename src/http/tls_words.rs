//! TLS failures in words: the certificate errors a user meets (a self-signed or private-CA
//! certificate, a wrong host name, an expired certificate, plain HTTP on an https URL) become one
//! sentence that says the fix, instead of a chain of rustls and hyper internals.

/// What each certificate error (as rustls and the platform verifier name it) means, and the fix.
const EXPLAINED: &[(&[&str], &str)] = &[
    (
        &["UnknownIssuer", "unknown issuer", "self-signed", "self signed"],
        "the server's certificate is not signed by an authority this machine trusts (self-signed, or a private CA): pass --ca-file with that CA or with the server's own certificate (PEM), or --insecure-skip-tls-verify for a throw-away setup",
    ),
    (
        &["CaUsedAsEndEntity"],
        "the server presents a CA certificate as its own (what `openssl req -x509` makes): pass that certificate with --ca-file, where it is accepted as exactly itself",
    ),
    (
        &["NotValidForName", "not valid for name"],
        "the server's certificate does not name this host: use the host name the certificate was made for, or make one with subjectAltName=DNS:<host> (or IP:<address>)",
    ),
    (&["Expired", "expired"], "the server's certificate has expired (or this machine's clock is wrong)"),
    (&["NotValidYet", "not valid yet"], "the server's certificate is not valid yet (or this machine's clock is wrong)"),
    (&["Revoked"], "the server's certificate has been revoked"),
    (
        &["InvalidContentType", "corrupt message"],
        "the server does not speak TLS on this port (plain HTTP?): use an http:// URL, or the port where it serves https",
    ),
];

/// `chain` (an error and its sources, joined) with a sentence in front when it is a TLS failure
/// the table explains; unchanged otherwise. The sentence comes first and the technical cause
/// stays at the end in parentheses, for a bug report.
pub(super) fn explain(chain: &str) -> String {
    let tls = chain.contains("certificate") || chain.contains("TLS") || chain.contains("tls") || chain.contains("InvalidContentType");
    let found = EXPLAINED.iter().find(|(needles, _)| needles.iter().any(|n| chain.contains(n)));
    match found {
        Some((_, words)) if tls => format!("{words} (TLS: {})", cause(chain)),
        _ => chain.to_owned(),
    }
}

/// The innermost part of the chain (the rustls error itself).
fn cause(chain: &str) -> &str {
    chain.rsplit(": ").find(|p| !p.trim().is_empty()).unwrap_or(chain).trim()
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn certificate_errors_say_the_fix() {
        let chain = "error sending request: client error (Connect): invalid peer certificate: UnknownIssuer";
        let out = explain(chain);
        assert!(out.starts_with("the server's certificate is not signed by an authority"), "{out}");
        assert!(out.contains("--ca-file") && out.contains("--insecure-skip-tls-verify"), "{out}");
        assert!(out.ends_with("(TLS: UnknownIssuer)"), "{out}");
        let out = explain("client error (Connect): invalid peer certificate: NotValidForName");
        assert!(out.contains("does not name this host"), "{out}");
        let out = explain("client error (Connect): received corrupt message of type InvalidContentType");
        assert!(out.contains("does not speak TLS"), "{out}");
    }

    #[test]
    fn other_errors_are_left_as_they_are() {
        let chain = "error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)";
        assert_eq!(explain(chain), chain);
        // "expired" in a non-TLS message is not a certificate error.
        assert_eq!(explain("the session expired"), "the session expired");
    }
}
