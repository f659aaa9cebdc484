//! Enumerated flag values as [`ValueEnum`]s, so that `--help` lists them and clap refuses any
//! other value before anything runs; each maps onto the library's own type.

use std::ffi::OsStr;

use clap::ValueEnum;
use clap::builder::{EnumValueParser, PossibleValue, TypedValueParser};
use oidc_harness::bench::BenchAlg;
use oidc_harness::conform::Plan;
use oidc_harness::report::Format;
use oidc_harness::target::ClientAuth;

/// `--plan` of `conform`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PlanArg {
    /// Discovery document and JWKS only.
    Config,
    /// Config plus complete code flows per client, form_post, refresh and userinfo errors.
    Basic,
    /// Everything available.
    All,
}

impl From<PlanArg> for Plan {
    fn from(p: PlanArg) -> Plan {
        match p {
            PlanArg::Config => Plan::Config,
            PlanArg::Basic => Plan::Basic,
            PlanArg::All => Plan::All,
        }
    }
}

/// A report format of `conform --format` and `report render --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// report.json, the documented contract.
    Json,
    /// junit.xml, for CI test views.
    Junit,
    /// summary.md.
    #[value(alias = "markdown")]
    Md,
    /// report.html.
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Junit => Format::Junit,
            FormatArg::Md => Format::Markdown,
            FormatArg::Html => Format::Html,
        }
    }
}

/// `--auth-method` of an ad-hoc `conform` target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuthMethodArg {
    /// HTTP Basic.
    #[value(name = "client_secret_basic")]
    ClientSecretBasic,
    /// The secret in the form body.
    #[value(name = "client_secret_post")]
    ClientSecretPost,
    /// A public client (PKCE).
    #[value(name = "none")]
    None,
}

impl From<AuthMethodArg> for ClientAuth {
    fn from(a: AuthMethodArg) -> ClientAuth {
        match a {
            AuthMethodArg::ClientSecretBasic => ClientAuth::ClientSecretBasic,
            AuthMethodArg::ClientSecretPost => ClientAuth::ClientSecretPost,
            AuthMethodArg::None => ClientAuth::None,
        }
    }
}

/// An algorithm of `bench --algs` (the exact JOSE names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AlgArg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    #[value(name = "RS256")]
    Rs256,
    /// RSASSA-PSS with SHA-256.
    #[value(name = "PS256")]
    Ps256,
    /// ECDSA P-256 with SHA-256.
    #[value(name = "ES256")]
    Es256,
    /// ECDSA P-384 with SHA-384.
    #[value(name = "ES384")]
    Es384,
    /// Ed25519.
    #[value(name = "EdDSA")]
    EdDsa,
    /// HMAC with SHA-256.
    #[value(name = "HS256")]
    Hs256,
}

impl From<AlgArg> for BenchAlg {
    fn from(a: AlgArg) -> BenchAlg {
        match a {
            AlgArg::Rs256 => BenchAlg::Rs256,
            AlgArg::Ps256 => BenchAlg::Ps256,
            AlgArg::Es256 => BenchAlg::Es256,
            AlgArg::Es384 => BenchAlg::Es384,
            AlgArg::EdDsa => BenchAlg::EdDsa,
            AlgArg::Hs256 => BenchAlg::Hs256,
        }
    }
}

/// Parses a [`ValueEnum`] after trimming the value, so that a comma-separated list written
/// with spaces (`--format "json, md"`) still parses; `--help` lists the values as usual.
#[derive(Debug, Clone)]
pub(crate) struct Trimmed<E: ValueEnum + Clone + Send + Sync + 'static>(EnumValueParser<E>);

/// [`Trimmed`] for `E`.
pub(crate) fn trimmed<E: ValueEnum + Clone + Send + Sync + 'static>() -> Trimmed<E> {
    Trimmed(EnumValueParser::new())
}

impl<E: ValueEnum + Clone + Send + Sync + 'static> TypedValueParser for Trimmed<E> {
    type Value = E;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<E, clap::Error> {
        let trimmed = value.to_str().map_or(value, |s| OsStr::new(s.trim()));
        self.0.parse_ref(cmd, arg, trimmed)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        self.0.possible_values()
    }
}
