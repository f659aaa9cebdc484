//! `reference-provider`: runs the reference OpenID provider.
//!
//! Once listening it prints machine-readable lines on stdout (`ISSUER=…`, `CLIENT_ID=…`,
//! `CLIENT_SECRET=…`, `REDIRECT_URI=…`, `USERNAME=…`, `PASSWORD=…`, then `READY=1`) so scripts
//! and CI can use it. Logs go to stderr.

/// mimalloc: the token endpoint and JWT parsing allocate many small maps and strings; glibc
/// malloc took about a tenth of the provider's CPU on the refresh grant.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Parser;
use reference_provider::clock::SystemClock;
use reference_provider::keys::SigningAlg;
use reference_provider::{Config, Fault, FaultSet, Options, Storage};

/// A complete, persistent, fault-injectable OpenID Connect provider.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// TOML seed file (clients, users, algs, lifetimes). Default: the built-in demo.
    #[arg(long, env = "REFERENCE_PROVIDER_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on (overrides the file). Port 0 picks a free port.
    #[arg(long)]
    listen: Option<String>,
    /// Issuer URL (overrides the file). Default: http://<bound address>.
    #[arg(long)]
    issuer: Option<String>,
    /// Directory of the SQLite database (overrides the file).
    #[arg(long, conflicts_with = "memory")]
    data_dir: Option<PathBuf>,
    /// Keep everything in memory (nothing survives a restart; at most 2 GiB, about twelve million refresh-token families, one per login; rotations add nothing).
    #[arg(long)]
    memory: bool,
    /// Break one rule on purpose (repeatable); see --list-faults.
    #[arg(long = "fault", value_name = "NAME")]
    faults: Vec<String>,
    /// Print every fault with what it breaks, then exit.
    #[arg(long)]
    list_faults: bool,
    /// Print the built-in demo configuration (a starting point for --config), then exit.
    #[arg(long)]
    print_demo_config: bool,
    /// How the login page asks for credentials (overrides the file's `login_ui`).
    #[arg(long, value_enum, value_name = "UI")]
    login_ui: Option<reference_provider::config::LoginUi>,
    /// Rotate the signing key of this alg at start (the old key stays published).
    #[arg(long, value_name = "ALG")]
    rotate_key: Vec<String>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reference-provider: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    // Listings end quietly when the reader goes away (`| head`).
    if args.list_faults {
        let mut out = std::io::stdout().lock();
        for f in Fault::ALL {
            if writeln!(out, "{:<36} {}", f.name(), f.description()).is_err() {
                break;
            }
        }
        return Ok(());
    }
    if args.print_demo_config {
        let _ = std::io::stdout().lock().write_all(reference_provider::config::DEMO_TOML.as_bytes());
        return Ok(());
    }
    // Colour only on a terminal, and not with NO_COLOR set: a log file or a CI log gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let mut config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::demo(),
    };
    if let Some(l) = args.listen {
        config.listen = l;
    }
    if let Some(i) = args.issuer {
        config.issuer = Some(i);
    }
    if let Some(d) = args.data_dir {
        config.data_dir = Some(d);
    }
    if let Some(ui) = args.login_ui {
        config.login_ui = ui;
    }
    config.validate()?;
    let faults = args.faults.iter().map(|n| n.parse::<Fault>()).collect::<Result<Vec<_>, _>>()?;
    let rotate = args.rotate_key.iter().map(|a| a.parse::<SigningAlg>()).collect::<Result<Vec<_>, _>>()?;
    let storage = if args.memory { Storage::Memory } else { Storage::Dir(config.data_dir()) };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(async move {
        let running = reference_provider::start(Options {
            config: config.clone(),
            faults: FaultSet::of(faults.iter().copied()),
            storage: storage.clone(),
            clock: Arc::new(SystemClock),
        })
        .await?;
        for alg in rotate {
            let kid = running.provider.rotate_key(alg)?;
            tracing::info!(%alg, %kid, "rotated signing key");
        }
        announce(&running, &config)?;
        tracing::info!(issuer = running.issuer(), ?storage, faults = ?faults.iter().map(|f| f.name()).collect::<Vec<_>>(), "listening");
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
        tracing::info!("shutting down");
        running.stop().await;
        Ok(())
    })
}

/// The machine-readable start lines (demo confidential client and user; demo secrets only).
fn announce(running: &reference_provider::Running, config: &Config) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "ISSUER={}", running.issuer())?;
    if let Some(c) = config.clients.iter().find(|c| c.client_secret.is_some()) {
        writeln!(out, "CLIENT_ID={}", c.client_id)?;
        writeln!(out, "CLIENT_SECRET={}", c.client_secret.as_deref().unwrap_or(""))?;
        if let Some(r) = c.redirect_uris.first() {
            writeln!(out, "REDIRECT_URI={r}")?;
        }
    }
    if let Some(u) = config.users.first() {
        writeln!(out, "USERNAME={}", u.username)?;
        writeln!(out, "PASSWORD={}", u.password)?;
    }
    writeln!(out, "READY=1")?;
    out.flush()?;
    Ok(())
}
