//! `oidc-harness discover`: what a provider advertises, summarised, and a starter target
//! profile drafted from it. The flags become a [`DiscoverOptions`] before any request.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use oidc_harness::discover::{self, StarterOptions};
use oidc_harness::http::{AgentConfig, BackChannel, Redactor};

use super::{OptionsError, out};
use crate::outln;

/// The starter profile's name inside `--out`.
pub(crate) const PROFILE_FILE: &str = "profile.toml";

/// `oidc-harness discover` flags.
#[derive(Debug, Args)]
pub(crate) struct DiscoverArgs {
    /// The provider's issuer URL (https; plain http only on loopback).
    #[arg(long)]
    issuer: String,
    /// Extra trusted root CA (PEM) for the provider's TLS certificate.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// Accept any TLS certificate. Dangerous: for throw-away test setups only.
    #[arg(long)]
    insecure_skip_tls_verify: bool,
    /// Write the starter profile into this directory as profile.toml (default: print it after
    /// the summary, which is then printed as TOML comments so that stdout as a whole is a valid
    /// profile).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Validated `discover` options.
#[derive(Debug)]
pub(crate) struct DiscoverOptions {
    issuer: String,
    /// The TLS settings, as the starter profile will carry them.
    tls: StarterOptions,
    /// `--out`, created and proven writable.
    out: Option<PathBuf>,
}

impl DiscoverArgs {
    /// The options (the issuer URL and the CA file are checked when the back channel is built,
    /// before any request); `--out` is created and proven writable.
    pub(crate) fn into_options(self) -> Result<DiscoverOptions, OptionsError> {
        let tls = StarterOptions { ca_file: self.ca_file, insecure_skip_tls_verify: self.insecure_skip_tls_verify };
        let out = self.out.as_deref().map(out::prepare).transpose()?;
        Ok(DiscoverOptions { issuer: self.issuer, tls, out })
    }
}

/// `discover`: the summary on stdout, then the starter profile (or into `--out`/profile.toml); returns the exit code (0).
pub(crate) fn run(options: DiscoverOptions) -> anyhow::Result<u8> {
    let DiscoverOptions { issuer, tls, out } = options;
    if tls.insecure_skip_tls_verify {
        eprintln!("warning: TLS certificate verification is OFF (--insecure-skip-tls-verify)");
    }
    let config = AgentConfig { ca_file: tls.ca_file.clone(), insecure_skip_tls_verify: tls.insecure_skip_tls_verify, ..AgentConfig::default() };
    let back = BackChannel::new(&config, Redactor::new(Vec::new()))?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let found = runtime.block_on(discover::discover(&back, &issuer))?;
    // Without --out the summary is printed as TOML comments above the profile, so
    // `oidc-harness discover --issuer URL > target.toml` yields a valid profile.
    let summary = discover::render_summary(&found);
    match &out {
        Some(_) => outln!("{summary}"),
        None => {
            for line in summary.lines() {
                outln!("{}", if line.is_empty() { "#".to_owned() } else { format!("# {line}") });
            }
        }
    }
    let profile = discover::starter_profile(&found, &tls);
    match &out {
        Some(dir) => {
            let path = dir.join(PROFILE_FILE);
            std::fs::write(&path, profile).with_context(|| format!("writing {}", path.display()))?;
            outln!("wrote starter profile {}", path.display());
        }
        None => outln!("{profile}"),
    }
    Ok(0)
}
