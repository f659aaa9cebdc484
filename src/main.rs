//! `oidc-harness`: the command line. Parses flags, runs the library, maps the outcome to an exit
//! code: 0 no unexpected failures, 1 conformance failures found, 2 the harness could not run.

/// mimalloc: the token endpoint and JWT parsing allocate many small maps and strings; glibc
/// malloc took about a tenth of the provider's CPU on the refresh grant.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{self, Baseline, Format};
use oidc_harness::target::{AdHoc, ClientAuth, Profile};

mod cli;

/// Prints a line on stdout; a closed pipe (`oidc-harness ... | head`) is not an error.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Conformance and load-testing harness for OpenID Connect providers.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `checks` options.
#[derive(Debug, clap::Args)]
struct ChecksArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: CatalogFormat,
}

/// How `checks` prints the catalog.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CatalogFormat {
    /// One line per check: id, level, reference, title.
    Text,
    /// Markdown tables with the quoted normative words (docs/checks.md).
    Md,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Drive complete flows against a provider and report conformance findings.
    Conform(ConformArgs),
    /// Work with saved reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// List every check: id, level, spec reference and title (`--format md`: with the quoted
    /// normative words, as in docs/checks.md).
    Checks(ChecksArgs),
    /// JWT sign/verify rates through our code paths next to raw aws-lc-rs.
    Bench(BenchArgs),
    /// Load-test a provider (Goose): logins, token grants, userinfo, metadata.
    Load(cli::load::LoadArgs),
    /// Show what a provider advertises and draft a starter target profile from it.
    Discover(DiscoverArgs),
}

#[derive(Debug, Args)]
struct DiscoverArgs {
    /// The provider's issuer URL (https; plain http only on loopback).
    #[arg(long)]
    issuer: String,
    /// Extra trusted root CA (PEM) for the provider's TLS certificate.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// Accept any TLS certificate. Dangerous: for throw-away test setups only.
    #[arg(long)]
    insecure_skip_tls_verify: bool,
    /// Write the starter profile to this file (default: print it after the summary, which is
    /// then printed as TOML comments so that stdout as a whole is a valid profile).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct BenchArgs {
    /// Algorithms, comma-separated: RS256, PS256, ES256, ES384, EdDSA, HS256.
    #[arg(long, default_value = "RS256,PS256,ES256,ES384,EdDSA,HS256", value_delimiter = ',')]
    algs: Vec<String>,
    /// Measured seconds per side (ours, raw) of each row; verify rows measure a second pair, the signature step alone.
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    /// Worker threads of the multi-thread rows (default: available parallelism).
    #[arg(long)]
    threads: Option<usize>,
    /// Also write the rows as a JSON array to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ConformArgs {
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
    /// Ad-hoc target: client_secret_basic, client_secret_post or none.
    #[arg(long)]
    auth_method: Option<String>,
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
    /// Plan: config, basic or all.
    #[arg(long, default_value = "all")]
    plan: String,
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
    /// Report directory (default reports/<run-name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run name (default <profile>-<UTC time>).
    #[arg(long)]
    run_name: Option<String>,
    /// Report formats, comma-separated: json, junit, md, html.
    #[arg(long, default_value = "json,junit,md,html", value_delimiter = ',')]
    format: Vec<String>,
    /// Warnings (SHOULD) fail the run too.
    #[arg(long)]
    strict: bool,
    /// Embedded provider only: break one rule on purpose (repeatable; see `reference-provider --list-faults`).
    #[arg(long = "fault", value_name = "NAME", conflicts_with_all = ["target", "issuer"])]
    faults: Vec<String>,
    /// No progress lines.
    #[arg(long, short)]
    quiet: bool,
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

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// Re-render a saved report.json into other formats.
    Render {
        /// The saved report.json.
        file: PathBuf,
        /// Formats, comma-separated: json, junit, md, html.
        #[arg(long, default_value = "md", value_delimiter = ',')]
        format: Vec<String>,
        /// Output directory (default: the report's directory).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Merge load reports (load.json) of shards run side by side into one, exactly.
    Merge {
        /// The load.json files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Merged report path (summary.md is written beside it).
        #[arg(long, default_value = "reports/load-merged/load.json")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Conform(args) => run_conform(args),
        Command::Report(ReportCommand::Render { file, format, out }) => render(&file, &format, out.as_deref()).map(|()| 0),
        Command::Checks(args) => {
            match args.format {
                CatalogFormat::Text => cli::catalog::list_checks(),
                CatalogFormat::Md => outln!("{}", oidc_harness::checks::catalog_doc::catalog_markdown().trim_end()),
            }
            Ok(0)
        }
        Command::Bench(args) => run_bench(args).map(|()| 0),
        Command::Load(args) => cli::load::run(args),
        Command::Report(ReportCommand::Merge { files, out }) => cli::load::merge(&files, &out),
        Command::Discover(args) => run_discover(args).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("oidc-harness: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn formats(names: &[String]) -> anyhow::Result<Vec<Format>> {
    names.iter().map(|n| n.trim().parse::<Format>().map_err(anyhow::Error::from)).collect()
}

fn run_conform(args: ConformArgs) -> anyhow::Result<u8> {
    if args.explain_faults {
        cli::catalog::explain_faults();
        return Ok(0);
    }
    let plan: Plan = args.plan.parse()?;
    let formats = formats(&args.format)?;
    let baseline = match &args.baseline {
        Some(p) => Some(Baseline::from_json(&std::fs::read(p).with_context(|| format!("reading baseline {}", p.display()))?)?),
        None => None,
    };
    let faults = args
        .faults
        .iter()
        .map(|n| n.parse::<reference_provider::Fault>())
        .collect::<Result<Vec<_>, _>>()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let (target, _embedded) = match (&args.target, &args.issuer) {
            (Some(path), _) => (Profile::load(path)?, None),
            (None, Some(issuer)) => {
                let auth = match args.auth_method.as_deref() {
                    None => None,
                    Some("client_secret_basic") => Some(ClientAuth::ClientSecretBasic),
                    Some("client_secret_post") => Some(ClientAuth::ClientSecretPost),
                    Some("none") => Some(ClientAuth::None),
                    Some(other) => bail!("unknown --auth-method {other:?}: expected client_secret_basic, client_secret_post or none"),
                };
                let profile = Profile::ad_hoc(AdHoc {
                    issuer: issuer.clone(),
                    client_id: args.client_id.clone().unwrap_or_default(),
                    client_secret: args.client_secret.clone(),
                    auth_method: auth,
                    redirect_uri: args.redirect_uri.clone().unwrap_or_default(),
                    username: args.username.clone().unwrap_or_default(),
                    password: args.password.clone().unwrap_or_default(),
                    ca_file: args.ca_file.clone(),
                    insecure_skip_tls_verify: args.insecure_skip_tls_verify,
                })?;
                let mut profile = profile;
                for client in &mut profile.clients {
                    client.authorization_params.extend(args.authz_params.iter().cloned());
                }
                if let Some(path) = &args.json_login {
                    let text = std::fs::read_to_string(path).with_context(|| format!("reading --json-login {}", path.display()))?;
                    let login: oidc_harness::form::JsonLogin =
                        toml::from_str(&text).map_err(|e| anyhow::anyhow!("--json-login {}: {}", path.display(), e.message()))?;
                    profile.hints.json_login = Some(login);
                }
                infer_ad_hoc(&mut profile, &args).await?;
                (profile, None)
            }
            (None, None) => {
                let running = conform::start_embedded(reference_provider::FaultSet::of(faults.iter().copied()))
                    .await
                    .context("starting the embedded reference provider")?;
                if !args.quiet {
                    eprintln!("embedded reference provider at {}", running.issuer());
                }
                (conform::embedded_profile(running.issuer()), Some(running))
            }
        };
        let mut target = target;
        if args.browser {
            target.hints.browser = oidc_harness::browser::BrowserMode::Always;
        }
        if let Some(path) = &args.browser_path {
            target.hints.browser_path = Some(path.display().to_string());
        }
        if args.target.is_some() {
            target.insecure_skip_tls_verify |= args.insecure_skip_tls_verify;
            if args.ca_file.is_some() {
                target.ca_file = args.ca_file.clone();
            }
        }
        if target.insecure_skip_tls_verify {
            eprintln!("warning: TLS certificate verification is OFF (--insecure-skip-tls-verify)");
        }
        let selection = Selection { shuffle: args.shuffle, ..Selection::with_ids(plan, &target, &args.only, &args.skip)? };
        let options = RunOptions { selection, run_name: args.run_name.clone(), progress: !args.quiet };
        let mut report = conform::run(target, &options, Arc::new(SystemClock)).await?;
        if let Some(b) = &baseline {
            report::accept(&mut report, b);
        }
        let dir = args.out.clone().unwrap_or_else(|| Path::new("reports").join(&report.run_name));
        let mut written = report::write_all(&report, &dir, &formats)?;
        // Pages the Chromium driver could not get past, named in the modules' notes.
        let captures = oidc_harness::browser::take_captures();
        written.extend(oidc_harness::browser::write_captures(&dir, &captures).with_context(|| format!("writing page captures into {}", dir.display()))?);
        if let Some(path) = &args.write_baseline {
            std::fs::write(path, Baseline::from_report(&report).to_json()?).with_context(|| format!("writing {}", path.display()))?;
        }
        let gate = report::gate(&report, baseline.as_ref(), args.strict);
        outln!("{}", report::summary_line(&report));
        for (module, check) in &gate.new_failures {
            match report.failure_message(module, check) {
                Some(message) => outln!("FAIL {module}: {check} — {message}"),
                None => outln!("FAIL {module}: {check}"),
            }
        }
        for (module, why) in &gate.errors {
            outln!("ERROR {module} (the harness could not run it; not a provider failure): {why}");
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
        Ok(gate.exit_code(args.strict))
    })
}

fn render(file: &Path, formats_: &[String], out: Option<&Path>) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let report = report::read_json(&bytes)?;
    let dir = out.map(Path::to_path_buf).unwrap_or_else(|| file.parent().map(Path::to_path_buf).unwrap_or_default());
    for path in report::write_all(&report, &dir, &formats(formats_)?)? {
        outln!("wrote {}", path.display());
    }
    Ok(())
}

/// Ad-hoc flags get the inference of `discover`: the document is fetched, the guesses applied
/// and printed on stderr. A document that cannot be fetched leaves the defaults (the run then
/// says why the provider cannot be reached).
/// `NAME=VALUE` of `--authz-param`.
fn parse_authz_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE (found {s:?})")),
    }
}

async fn infer_ad_hoc(profile: &mut Profile, args: &ConformArgs) -> anyhow::Result<()> {
    use oidc_harness::discover;
    use oidc_harness::http::{AgentConfig, BackChannel, Redactor};
    let config = AgentConfig { ca_file: args.ca_file.clone(), insecure_skip_tls_verify: args.insecure_skip_tls_verify, ..AgentConfig::default() };
    let back = BackChannel::new(&config, Redactor::new(profile.secrets()))?;
    let found = match discover::discover(&back, &profile.issuer).await {
        Ok(found) => found,
        Err(e) => {
            eprintln!("ad-hoc: nothing inferred ({e})");
            return Ok(());
        }
    };
    let refresh = match (args.refresh, args.no_refresh) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let inferred = discover::infer::infer(&found.metadata);
    for line in discover::infer::apply_to_ad_hoc(profile, &inferred, refresh, args.auth_method.is_some()) {
        eprintln!("ad-hoc: {line}");
    }
    Ok(())
}

/// `discover`: the summary on stdout, then the starter profile (or into --out).
fn run_discover(args: DiscoverArgs) -> anyhow::Result<()> {
    use oidc_harness::discover::{self, StarterOptions};
    use oidc_harness::http::{AgentConfig, BackChannel, Redactor};
    if args.insecure_skip_tls_verify {
        eprintln!("warning: TLS certificate verification is OFF (--insecure-skip-tls-verify)");
    }
    let config = AgentConfig { ca_file: args.ca_file.clone(), insecure_skip_tls_verify: args.insecure_skip_tls_verify, ..AgentConfig::default() };
    let back = BackChannel::new(&config, Redactor::new(Vec::new()))?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let found = runtime.block_on(discover::discover(&back, &args.issuer))?;
    // Without --out the summary is printed as TOML comments above the profile, so
    // `oidc-harness discover --issuer URL > target.toml` yields a valid profile.
    let summary = discover::render_summary(&found);
    match &args.out {
        Some(_) => outln!("{summary}"),
        None => {
            for line in summary.lines() {
                outln!("{}", if line.is_empty() { "#".to_owned() } else { format!("# {line}") });
            }
        }
    }
    let options = StarterOptions { ca_file: args.ca_file.clone(), insecure_skip_tls_verify: args.insecure_skip_tls_verify };
    let profile = discover::starter_profile(&found, &options);
    match &args.out {
        Some(path) => {
            std::fs::write(path, profile).with_context(|| format!("writing {}", path.display()))?;
            outln!("wrote starter profile {}", path.display());
        }
        None => outln!("{profile}"),
    }
    Ok(())
}

/// `bench`: the JWT sign/verify table on stdout (progress on stderr), and the JSON with --json.
fn run_bench(args: BenchArgs) -> anyhow::Result<()> {
    use oidc_harness::bench;
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let mut config = bench::BenchConfig::new(args.seconds, threads)?;
    config.algs = args.algs.iter().map(|a| a.trim().parse()).collect::<Result<_, _>>()?;
    // Open the output before measuring, so a bad path fails fast.
    let json_file = match &args.json {
        Some(path) => Some((path, std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?)),
        None => None,
    };
    let counts = config.thread_counts().iter().map(usize::to_string).collect::<Vec<_>>().join(" and ");
    eprintln!("measuring {} alg(s) at {counts} thread(s), {}s per side; timed by {}", config.algs.len(), args.seconds, config.time_source.describe());
    let rows = bench::run(&config, |row| eprintln!("  {} {} x{}: done", row.alg, row.operation.as_str(), row.threads))?;
    outln!("{}", bench::render_table(&rows, config.time_source).trim_end());
    if let Some((path, mut file)) = json_file {
        use std::io::Write as _;
        file.write_all(bench::to_json(&rows)?.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        outln!("wrote {}", path.display());
    }
    Ok(())
}
