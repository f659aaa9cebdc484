//! `oidc-harness bench`: JWT sign/verify rates through our code paths next to raw aws-lc-rs.
//! Flags become a validated [`BenchOptions`] (the measuring setup, the JSON file opened) before
//! anything is measured.

use std::fs::File;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use oidc_harness::bench::{self, BenchConfig};

use super::OptionsError;
use super::values::{AlgArg, trimmed};
use crate::outln;

/// `oidc-harness bench` flags.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Algorithms, comma-separated.
    #[arg(long, default_value = "RS256,PS256,ES256,ES384,EdDSA,HS256", value_delimiter = ',', value_parser = trimmed::<AlgArg>())]
    algs: Vec<AlgArg>,
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

/// Validated `bench` options.
#[derive(Debug)]
pub(crate) struct BenchOptions {
    config: BenchConfig,
    seconds: f64,
    /// `--json`, already created (a bad path fails before measuring).
    json: Option<(PathBuf, File)>,
}

impl BenchArgs {
    /// Checks the flags and opens the JSON output.
    pub(crate) fn into_options(self) -> Result<BenchOptions, OptionsError> {
        let threads = self.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let mut config = BenchConfig::new(self.seconds, threads)?;
        config.algs = self.algs.into_iter().map(Into::into).collect();
        let json = match self.json {
            Some(path) => {
                let file = File::create(&path).map_err(|source| OptionsError::File { action: "creating", path: path.clone(), source })?;
                Some((path, file))
            }
            None => None,
        };
        Ok(BenchOptions { config, seconds: self.seconds, json })
    }
}

/// `bench`: the table on stdout (progress on stderr), and the JSON with --json; returns the exit code (0).
pub(crate) fn run(options: BenchOptions) -> anyhow::Result<u8> {
    let BenchOptions { config, seconds, json } = options;
    let counts = config.thread_counts().iter().map(usize::to_string).collect::<Vec<_>>().join(" and ");
    eprintln!("measuring {} alg(s) at {counts} thread(s), {seconds}s per side; timed by {}", config.algs.len(), config.time_source.describe());
    let rows = bench::run(&config, |row| eprintln!("  {} {} x{}: done", row.alg, row.operation.as_str(), row.threads))?;
    outln!("{}", bench::render_table(&rows, config.time_source).trim_end());
    if let Some((path, mut file)) = json {
        use std::io::Write as _;
        file.write_all(bench::to_json(&rows)?.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        outln!("wrote {}", path.display());
    }
    Ok(0)
}
