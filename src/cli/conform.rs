//! `oidc-harness conform` and `oidc-harness report render` (which re-renders the conformance
//! report `conform` saved): flags, the validated [`ConformOptions`] they become, and the run.
//!
//! The target comes from a profile file, ad-hoc flags or the embedded reference provider; the
//! flags that change it (`--ca-file`, `--insecure-skip-tls-verify`, `--browser`,
//! `--browser-path`, `--authz-param`, `--json-login`) are applied to the raw [`Profile`] and the
//! result is validated into a [`Target`] once, as a profile file alone would be.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use oidc_harness::browser::BrowserMode;
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{self, Baseline, Format};
use oidc_harness::target::{AdHoc, Profile, Target};
use reference_provider::Fault;

use super::out::{self, DEFAULT_PARENT};
use super::OptionsError;
use super::values::{AuthMethodArg, FormatArg, PlanArg, trimmed};
use crate::outln;

/// `oidc-harness conform` flags.
#[derive(Debug, Args)]
pub(crate) struct ConformArgs {
    /// Target profile (TOML). Without it and without --issuer, an embedded reference provider is started.
    #[arg(long, conflicts_with = "issuer")]
    target: Option<PathBuf>,
    /// Ad-hoc target: issuer URL.
    #[arg(long, requires_all = ["client_id", "redirect_uri", "username", "password"])]
    issuer: Option<String>,
    /// Ad-hoc target: client_id.
    #[arg(long)]
    client_id: Option<String>,
    /// Ad-hoc target: client_secret (omit for a public client).
    #[arg(long, env = "OIDC_HARNESS_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    /// Ad-hoc target: token endpoint authentication (default client_secret_basic with a secret, none without).
    #[arg(long, value_enum)]
    auth_method: Option<AuthMethodArg>,
    /// Ad-hoc target: registered redirect URI.
    #[arg(long)]
    redirect_uri: Option<String>,
    /// Ad-hoc target: test user's login name.
    #[arg(long)]
    username: Option<String>,
    /// Ad-hoc target: test user's password.
    #[arg(long, env = "OIDC_HARNESS_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Run the modules after discovery and JWKS in an order drawn from this seed (to show that
    /// no verdict depends on the order; the same seed gives the same order).
    #[arg(long, value_name = "SEED")]
    shuffle: Option<u64>,
    /// Ad-hoc target: expect refresh tokens (default: inferred from the discovery document).
    #[arg(long, requires = "issuer", conflicts_with = "no_refresh")]
    refresh: bool,
    /// Ad-hoc target: expect no refresh tokens (default: inferred from the discovery document).
    #[arg(long, requires = "issuer")]
    no_refresh: bool,
    /// Ad-hoc target: how the login page's script logs in, as a TOML file holding what a
    /// profile's `[hints.json_login]` table holds (see scenarios/targets/template.toml).
    #[arg(long, value_name = "FILE", requires = "issuer")]
    json_login: Option<PathBuf>,
    /// Ad-hoc target: an extra authorization request parameter the provider needs, `NAME=VALUE`
    /// (repeatable; e.g. `--authz-param acr_values=mfa --authz-param audience=api`).
    #[arg(long = "authz-param", value_name = "NAME=VALUE", requires = "issuer", value_parser = parse_authz_param)]
    authz_params: Vec<(String, String)>,
    /// Extra trusted root CA (PEM) for the provider's TLS certificate.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// Accept any TLS certificate. Dangerous: for throw-away test setups only.
    #[arg(long)]
    insecure_skip_tls_verify: bool,
    /// Plan.
    #[arg(long, value_enum, default_value_t = PlanArg::All)]
    plan: PlanArg,
    /// Run only these modules or checks (repeatable).
    #[arg(long, value_name = "ID")]
    only: Vec<String>,
    /// Skip these modules or checks (repeatable).
    #[arg(long, value_name = "ID")]
    skip: Vec<String>,
    /// Expected failures: only failures not listed here fail the run.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Write this run's failures and warnings as a baseline file.
    #[arg(long)]
    write_baseline: Option<PathBuf>,
    /// Report directory (default reports/<run-name>/); created and checked writable before the run.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Run name (default <profile>-<UTC time>).
    #[arg(long)]
    run_name: Option<String>,
    /// Report formats, comma-separated.
    #[arg(long, default_value = "json,junit,md,html", value_delimiter = ',', ignore_case = true, value_parser = trimmed::<FormatArg>())]
    format: Vec<FormatArg>,
    /// Warnings (SHOULD) fail the run too.
    #[arg(long)]
    strict: bool,
    /// Embedded provider only: break one rule on purpose (repeatable; see `reference-provider --list-faults`).
    #[arg(long = "fault", value_name = "NAME", conflicts_with_all = ["target", "issuer"])]
    faults: Vec<Fault>,
    /// No progress lines.
    #[arg(long, short)]
    quiet: bool,
    /// Stop after this many seconds and write the reports of what ran, marked incomplete (Ctrl-C
    /// and SIGTERM do the same at any time).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=604_800))]
    max_time: Option<u64>,
    /// Print which reference-provider fault proves which checks, then exit.
    #[arg(long)]
    explain_faults: bool,
    /// Drive every login and consent in headless Chromium (default: only pages that need a script).
    #[arg(long)]
    browser: bool,
    /// The Chromium binary (default: $OIDC_HARNESS_CHROMIUM, then /usr/bin/chromium and the usual paths).
    #[arg(long, value_name = "PATH")]
    browser_path: Option<PathBuf>,
}

/// `NAME=VALUE` of `--authz-param`.
fn parse_authz_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE (found {s:?})")),
    }
}

/// What `conform` does.
#[derive(Debug)]
pub(crate) enum Conform {
    /// `--explain-faults`: print the fault matrix.
    ExplainFaults,
    /// Run the plan.
    Run(Box<ConformOptions>),
}

/// Where the run's target comes from.
#[derive(Debug)]
pub(crate) enum TargetSource {
    /// A profile file, the flags applied, validated.
    Profile(Target),
    /// Ad-hoc flags, validated; the discovery document's guesses are applied before the run
    /// (and the result validated again).
    AdHoc {
        /// The target the flags describe.
        target: Target,
        /// `--refresh` (true) or `--no-refresh` (false).
        refresh: Option<bool>,
        /// Whether `--auth-method` was given (then it is not guessed).
        auth_given: bool,
    },
    /// The embedded reference provider, started with these faults; its profile gets the flags.
    Embedded {
        /// `--fault`.
        faults: Vec<Fault>,
    },
}

/// Flags that change any target's profile.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    /// `--browser`.
    browser: bool,
    /// `--browser-path`.
    browser_path: Option<PathBuf>,
}

impl Overrides {
    fn apply(&self, profile: &mut Profile) {
        if self.browser {
            profile.hints.browser = BrowserMode::Always;
        }
        if let Some(path) = &self.browser_path {
            profile.hints.browser_path = Some(path.display().to_string());
        }
    }
}

/// Validated `conform` options.
#[derive(Debug)]
pub(crate) struct ConformOptions {
    /// The target.
    pub(crate) source: TargetSource,
    overrides: Overrides,
    plan: Plan,
    only: Vec<String>,
    skip: Vec<String>,
    shuffle: Option<u64>,
    formats: Vec<Format>,
    baseline: Option<Baseline>,
    write_baseline: Option<PathBuf>,
    out: Option<PathBuf>,
    run_name: Option<String>,
    strict: bool,
    quiet: bool,
    max_time: Option<std::time::Duration>,
}

impl ConformArgs {
    /// Checks every flag and builds the target (no network call yet).
    pub(crate) fn into_options(self) -> Result<Conform, OptionsError> {
        if self.explain_faults {
            return Ok(Conform::ExplainFaults);
        }
        let baseline = match &self.baseline {
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|source| OptionsError::File { action: "reading baseline", path: path.clone(), source })?;
                Some(Baseline::from_json(&bytes)?)
            }
            None => None,
        };
        // The report directory is proven writable before the run (the default's parent, as the
        // run name is only known at the end).
        let out = match &self.out {
            Some(dir) => Some(out::prepare(dir)?),
            None => {
                out::prepare(Path::new(DEFAULT_PARENT))?;
                None
            }
        };
        let overrides = Overrides { browser: self.browser, browser_path: self.browser_path.clone() };
        let source = match (&self.target, &self.issuer) {
            (Some(path), _) => {
                let mut profile = Profile::read(path)?;
                overrides.apply(&mut profile);
                profile.insecure_skip_tls_verify |= self.insecure_skip_tls_verify;
                if let Some(ca) = &self.ca_file {
                    profile.ca_file = Some(ca.clone());
                }
                TargetSource::Profile(Target::new(profile, path)?)
            }
            (None, Some(issuer)) => self.ad_hoc(issuer.clone(), &overrides)?,
            (None, None) => TargetSource::Embedded { faults: self.faults.clone() },
        };
        Ok(Conform::Run(Box::new(ConformOptions {
            source,
            overrides,
            plan: self.plan.into(),
            only: self.only,
            skip: self.skip,
            shuffle: self.shuffle,
            formats: self.format.into_iter().map(Format::from).collect(),
            baseline,
            write_baseline: self.write_baseline,
            out,
            run_name: self.run_name,
            strict: self.strict,
            quiet: self.quiet,
            max_time: self.max_time.map(std::time::Duration::from_secs),
        })))
    }

    /// The ad-hoc target: the flags as a profile, validated.
    fn ad_hoc(&self, issuer: String, overrides: &Overrides) -> Result<TargetSource, OptionsError> {
        let mut profile = Profile::ad_hoc(AdHoc {
            issuer,
            client_id: self.client_id.clone().unwrap_or_default(),
            client_secret: self.client_secret.clone(),
            auth_method: self.auth_method.map(Into::into),
            redirect_uri: self.redirect_uri.clone().unwrap_or_default(),
            username: self.username.clone().unwrap_or_default(),
            password: self.password.clone().unwrap_or_default(),
            ca_file: self.ca_file.clone(),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
        });
        for client in &mut profile.clients {
            client.authorization_params.extend(self.authz_params.iter().cloned());
        }
        if let Some(path) = &self.json_login {
            let text = std::fs::read_to_string(path).map_err(|source| OptionsError::File { action: "reading --json-login", path: path.clone(), source })?;
            let login = toml::from_str(&text).map_err(|e: toml::de::Error| OptionsError::JsonLogin { path: path.clone(), message: e.message().to_owned() })?;
            profile.hints.json_login = Some(login);
        }
        overrides.apply(&mut profile);
        let refresh = match (self.refresh, self.no_refresh) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        let target = Target::new(profile, Path::new(AdHoc::ORIGIN))?;
        Ok(TargetSource::AdHoc { target, refresh, auth_given: self.auth_method.is_some() })
    }
}

/// Runs `conform`; returns the exit code (0 no unexpected failure, 1 failures).
pub(crate) fn run(conform: Conform) -> anyhow::Result<u8> {
    let options = match conform {
        Conform::ExplainFaults => {
            super::checks::explain_faults();
            return Ok(0);
        }
        Conform::Run(options) => *options,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let (target, _embedded) = match options.source {
            TargetSource::Profile(target) => (target, None),
            TargetSource::AdHoc { target, refresh, auth_given } => (infer_ad_hoc(target, refresh, auth_given).await?, None),
            TargetSource::Embedded { faults } => {
                let running = conform::start_embedded(reference_provider::FaultSet::of(faults.iter().copied()))
                    .await
                    .context("starting the embedded reference provider")?;
                if !options.quiet {
                    eprintln!("embedded reference provider at {}", running.issuer());
                }
                let mut profile = conform::embedded_profile(running.issuer());
                options.overrides.apply(&mut profile);
                (Target::try_from(profile)?, Some(running))
            }
        };
        if target.insecure_skip_tls_verify {
            eprintln!("warning: TLS certificate verification is OFF (--insecure-skip-tls-verify)");
        }
        let selection = Selection { shuffle: options.shuffle, ..Selection::with_ids(options.plan, &target, &options.only, &options.skip)? };
        let budget = conform::Budget { max_time: options.max_time, stop: Some(stop_on_signal()) };
        let run_options = RunOptions { selection, run_name: options.run_name.clone(), progress: !options.quiet, budget };
        let mut report = conform::run(target, &run_options, Arc::new(SystemClock)).await?;
        if let Some(b) = &options.baseline {
            report::accept(&mut report, b);
        }
        let dir = options.out.clone().unwrap_or_else(|| Path::new(DEFAULT_PARENT).join(&report.run_name));
        let mut written = report::write_all(&report, &dir, &options.formats)?;
        // Pages the Chromium driver could not get past, named in the modules' notes.
        let captures = oidc_harness::browser::take_captures();
        written.extend(oidc_harness::browser::write_captures(&dir, &captures).with_context(|| format!("writing page captures into {}", dir.display()))?);
        if let Some(path) = &options.write_baseline {
            std::fs::write(path, Baseline::from_report(&report).to_json()?).with_context(|| format!("writing {}", path.display()))?;
        }
        let gate = report::gate(&report, options.baseline.as_ref(), options.strict);
        let color = super::color::stdout();
        for line in report::console_summary(&report, &gate, color) {
            outln!("{line}");
        }
        for (module, why) in &gate.errors {
            outln!("{} {module} (the harness could not run it; not a provider failure): {why}", report::paint("ERROR", report::Tone::Fail, color));
        }
        for (module, check) in &gate.fixed {
            outln!("FIXED (in baseline, now passing) {module}: {check}");
        }
        if !gate.expected_failures.is_empty() {
            outln!("{} expected failure(s) from the baseline", gate.expected_failures.len());
        }
        for path in written {
            outln!("wrote {}", path.display());
        }
        Ok(gate.exit_code(options.strict))
    })
}

/// A channel that says why the run must stop once Ctrl-C (SIGINT) or SIGTERM arrives.
pub(super) fn stop_on_signal() -> tokio::sync::watch::Receiver<Option<String>> {
    let (tx, rx) = tokio::sync::watch::channel(None);
    tokio::spawn(async move {
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        let why = tokio::select! {
            _ = tokio::signal::ctrl_c() => "interrupted (Ctrl-C)",
            () = terminate => "terminated (SIGTERM)",
        };
        let _ = tx.send(Some(why.to_owned()));
    });
    rx
}

/// Ad-hoc flags get the inference of `discover`: the document is fetched, the guesses applied
/// to the profile and printed on stderr, and the result validated again. A document that cannot
/// be fetched leaves the flags' target (the run then says why the provider cannot be reached).
async fn infer_ad_hoc(target: Target, refresh: Option<bool>, auth_given: bool) -> anyhow::Result<Target> {
    use oidc_harness::discover;
    use oidc_harness::http::{AgentConfig, BackChannel, Redactor};
    let config = AgentConfig { ca_file: target.ca_file.clone(), insecure_skip_tls_verify: target.insecure_skip_tls_verify, ..AgentConfig::default() };
    let back = BackChannel::new(&config, Redactor::new(target.secrets()))?;
    let found = match discover::discover(&back, &target.issuer).await {
        Ok(found) => found,
        Err(e) => {
            eprintln!("ad-hoc: nothing inferred ({e})");
            return Ok(target);
        }
    };
    let inferred = discover::infer::infer(&found.metadata);
    let mut profile = target.into_profile();
    for line in discover::infer::apply_to_ad_hoc(&mut profile, &inferred, refresh, auth_given) {
        eprintln!("ad-hoc: {line}");
    }
    Ok(Target::new(profile, Path::new(AdHoc::ORIGIN))?)
}

/// `oidc-harness report render` flags.
#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// The saved report.json.
    file: PathBuf,
    /// Formats, comma-separated.
    #[arg(long, default_value = "md", value_delimiter = ',', ignore_case = true, value_parser = trimmed::<FormatArg>())]
    format: Vec<FormatArg>,
    /// Output directory (default: the report's directory).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Re-renders a saved conformance report into other formats; returns the exit code (0).
pub(crate) fn render(args: RenderArgs) -> anyhow::Result<u8> {
    if let Some(dir) = &args.out {
        out::prepare(dir)?;
    }
    let bytes = std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let report = report::read_json(&bytes)?;
    let dir = args.out.unwrap_or_else(|| args.file.parent().map(Path::to_path_buf).unwrap_or_default());
    let formats: Vec<Format> = args.format.into_iter().map(Format::from).collect();
    for path in report::write_all(&report, &dir, &formats)? {
        outln!("wrote {}", path.display());
    }
    Ok(0)
}
