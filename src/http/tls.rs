//! The TLS client configuration, built once per [`AgentConfig`] and shared by every reqwest
//! client made from it. Left to reqwest, each client loads the platform's trust store again
//! (about 10 ms of CPU): once per simulated user of a load run, once per fresh browser of a
//! conformance run. The configuration is what reqwest itself would build: aws-lc-rs, TLS 1.2
//! and 1.3, the platform verifier (plus the `ca_file` roots), ALPN `http/1.1`.
//!
//! A `ca_file` may hold a CA or the server's own self-signed certificate (what `openssl req
//! -x509` makes: `CA:TRUE`, often no subjectAltName, which WebPKI refuses as a server
//! certificate). A certificate listed in the file is also trusted as exactly itself, pinned: the
//! server presenting that very certificate is accepted, its handshake signature still verified.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

use super::client::{AgentConfig, AgentError};

/// Builds the client configuration: the platform verifier with the CA file's roots added, or
/// no verification at all with `insecure_skip_tls_verify`.
pub(super) fn client_config(cfg: &AgentConfig) -> Result<ClientConfig, AgentError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let built = |e: &dyn std::fmt::Display| AgentError::Client(format!("TLS configuration: {e}"));
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| built(&e))?
        .dangerous();
    let verifier = if cfg.insecure_skip_tls_verify {
        ServerVerifier::InsecureAnyCertificate(provider)
    } else {
        let pinned = match &cfg.ca_file {
            Some(path) => ca_roots(path)?,
            None => Vec::new(),
        };
        let platform = if pinned.is_empty() {
            Verifier::new(provider)
        } else {
            Verifier::new_with_extra_roots(pinned.clone(), provider)
        };
        ServerVerifier::PinnedOrPlatform { pinned, platform: platform.map_err(|e| built(&e))? }
    };
    let mut tls = builder.with_custom_certificate_verifier(Arc::new(verifier)).with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tls)
}

/// The certificates of a PEM bundle; at least one.
fn ca_roots(path: &Path) -> Result<Vec<CertificateDer<'static>>, AgentError> {
    let pem = std::fs::read(path)
        .map_err(|source| AgentError::CaFileRead { path: path.to_path_buf(), source })?;
    let invalid = |found: String| AgentError::CaFileInvalid { path: path.to_path_buf(), found };
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("unreadable PEM: {e}")))?;
    if certs.is_empty() {
        return Err(invalid("no certificate".to_owned()));
    }
    Ok(certs)
}

/// How the server's certificate and handshake signatures are verified.
#[derive(Debug)]
enum ServerVerifier {
    /// The platform verifier, plus the certificates of the CA file (`pinned`, empty without
    /// one) accepted as exactly themselves.
    PinnedOrPlatform { pinned: Vec<CertificateDer<'static>>, platform: Verifier },
    /// `insecure_skip_tls_verify`: accepts any server certificate and handshake signature, as
    /// reqwest's `danger_accept_invalid_certs` does.
    ///
    /// # Security Warning
    ///
    /// Disables server authentication entirely.
    InsecureAnyCertificate(Arc<CryptoProvider>),
}

impl ServerVerifier {
    /// The platform verifier, which checks handshake signatures unless verification is off.
    fn platform(&self) -> Option<&Verifier> {
        match self {
            ServerVerifier::PinnedOrPlatform { platform, .. } => Some(platform),
            ServerVerifier::InsecureAnyCertificate(_) => None,
        }
    }
}

impl ServerCertVerifier for ServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self {
            ServerVerifier::PinnedOrPlatform { pinned, platform } => {
                if pinned.iter().any(|p| p.as_ref() == end_entity.as_ref()) {
                    return Ok(ServerCertVerified::assertion());
                }
                platform.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            ServerVerifier::InsecureAnyCertificate(_) => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.platform().map_or(Ok(HandshakeSignatureValid::assertion()), |v| v.verify_tls12_signature(message, cert, dss))
    }

    fn verify_tls13_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.platform().map_or(Ok(HandshakeSignatureValid::assertion()), |v| v.verify_tls13_signature(message, cert, dss))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        match self {
            ServerVerifier::PinnedOrPlatform { platform, .. } => platform.supported_verify_schemes(),
            ServerVerifier::InsecureAnyCertificate(provider) => {
                provider.signature_verification_algorithms.supported_schemes()
            }
        }
    }
}
