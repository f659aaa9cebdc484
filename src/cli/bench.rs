//! `oidc-harness bench`: JWT sign/verify rates through our code paths next to raw aws-lc-rs.
//! `--seconds` is the whole run's measuring time, shared out over the rows; progress on stderr
//! says how long is left.
//! Flags become a validated [`BenchOptions`] (the measuring setup, the JSON file opened) before
//! anything is measured.

use std::fs::File;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Args;
use oidc_harness::bench::{self, BenchConfig, Row};

use super::OptionsError;
use super::values::{AlgArg, trimmed};
use crate::outln;

/// `oidc-harness bench` flags.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Algorithms, comma-separated.
    #[arg(long, default_value = "RS256,PS256,ES256,ES384,EdDSA,HS256", value_delimiter = ',', value_parser = trimmed::<AlgArg>())]
    algs: Vec<AlgArg>,
    /// The whole run's measuring time in seconds, shared out evenly over every side (ours, raw)
    /// of every row, warm-ups included (building the keys comes on top, a second or two). Fewer
    /// algorithms or threads give each row more of it.
    #[arg(long, default_value_t = 60.0)]
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
        let config = BenchConfig::within(self.seconds, threads, self.algs.into_iter().map(Into::into).collect())?;
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
    let estimates = config.row_estimates();
    eprintln!(
        "measuring {} alg(s) at {counts} thread(s): {} rows in about {seconds} s, {} per side; timed by {}",
        config.algs.len(),
        estimates.len(),
        short(config.duration + config.warmup),
        config.time_source.describe()
    );
    if config.duration < NOISY_SIDE {
        eprintln!("note: under {} per side the rates are noisy; give --seconds more for steadier figures", short(NOISY_SIDE));
    }
    let mut progress = Progress::new(estimates, std::io::stderr().is_terminal());
    let rows = bench::run(&config, |row| progress.row_done(row))?;
    progress.finish(seconds);
    outln!("{}", bench::render_table(&rows, config.time_source).trim_end());
    if let Some((path, mut file)) = json {
        use std::io::Write as _;
        file.write_all(bench::to_json(&rows)?.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        outln!("wrote {}", path.display());
    }
    Ok(0)
}

/// Below this measured time per side, the rates of a row vary from run to run.
const NOISY_SIDE: Duration = Duration::from_millis(100);

/// Progress on stderr: a line per row (a redrawn line on a terminal) with the time left, from
/// the rows' planned times scaled by how long the rows after the first really took (the first
/// also builds the RSA keys).
struct Progress {
    estimates: Vec<Duration>,
    done: usize,
    started: Instant,
    /// When the first row ended.
    first_done: Option<Instant>,
    redraw: bool,
}

impl Progress {
    fn new(estimates: Vec<Duration>, redraw: bool) -> Progress {
        Progress { estimates, done: 0, started: Instant::now(), first_done: None, redraw }
    }

    fn row_done(&mut self, row: &Row) {
        self.done += 1;
        let first_done = *self.first_done.get_or_insert_with(Instant::now);
        let left = time_left(self.estimates.get(1..).unwrap_or_default(), self.done - 1, first_done.elapsed());
        let rate = row.ours_per_sec.unwrap_or(row.raw_per_sec);
        let line = format!(
            "[{}/{}] {} {} x{}: {}/s, about {} left",
            self.done,
            self.estimates.len(),
            row.alg,
            row.operation.as_str(),
            row.threads,
            bench::group_thousands(rate),
            short(left)
        );
        if self.redraw {
            // \r and erase-line: one status line, redrawn.
            eprint!("\r\x1b[2K{line}");
        } else {
            eprintln!("{line}");
        }
    }

    fn finish(&self, budget_secs: f64) {
        if self.redraw {
            eprintln!();
        }
        eprintln!("done in {} for {budget_secs} s of measuring (building the keys and thread start-up come on top)", short(self.started.elapsed()));
    }
}

/// The time left after `done` of the `estimates` rows: the remaining rows' planned time,
/// scaled by the ratio of the time the finished rows took to their planned time (key set-up
/// and overhead included).
fn time_left(estimates: &[Duration], done: usize, elapsed: Duration) -> Duration {
    let planned_done: Duration = estimates.iter().take(done).sum();
    let planned_left: Duration = estimates.iter().skip(done).sum();
    if planned_done.is_zero() {
        return planned_left;
    }
    planned_left.mul_f64(elapsed.as_secs_f64() / planned_done.as_secs_f64())
}

/// `12 ms`, `3.4 s`, `2 min 5 s`.
fn short(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 1.0 {
        format!("{} ms", d.as_millis())
    } else if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        format!("{} min {} s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{short, time_left};

    #[test]
    fn time_left_scales_the_plan_by_the_rows_so_far() {
        let plan = [Duration::from_secs(1), Duration::from_secs(1), Duration::from_secs(2)];
        assert_eq!(time_left(&plan, 0, Duration::ZERO), Duration::from_secs(4));
        // The first row took twice its plan: the rest will too.
        assert_eq!(time_left(&plan, 1, Duration::from_secs(2)), Duration::from_secs(6));
        assert_eq!(time_left(&plan, 3, Duration::from_secs(5)), Duration::ZERO);
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(short(Duration::from_millis(12)), "12 ms");
        assert_eq!(short(Duration::from_millis(3_400)), "3.4 s");
        assert_eq!(short(Duration::from_secs(125)), "2 min 5 s");
    }
}
