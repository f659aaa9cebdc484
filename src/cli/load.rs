//! `oidc-harness load` and `oidc-harness report merge`: flags (Goose's names where they
//! overlap), the validated [`LoadRun`] they become, the target (a profile, or the embedded
//! provider with a user pool; `--shard` narrows its users before it is validated), output files,
//! exit codes (0 all thresholds met and no MUST failure under load, 1 otherwise, 2 could not run).

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use oidc_harness::clock::{self, Clock as _, SystemClock};
use oidc_harness::load::{self, LoadOptions, LoadReport, Scenario};
use oidc_harness::target::{Profile, Target};
use reference_provider::Fault;

use super::out::{self, DEFAULT_PARENT};
use super::OptionsError;

/// `oidc-harness load` flags.
#[derive(Debug, Args)]
pub(crate) struct LoadArgs {
    /// Scenario: a built-in name (login-flow, token-refresh, client-credentials, userinfo,
    /// discovery-jwks, mixed) or a TOML file.
    #[arg(long, default_value = "login-flow")]
    scenario: String,
    /// Target profile (TOML). Without it, an embedded reference provider is started.
    #[arg(long)]
    target: Option<PathBuf>,
    /// Concurrent users (overrides the scenario).
    #[arg(long, short = 'u')]
    users: Option<usize>,
    /// Users started per second (Goose's --increase-rate; overrides the scenario).
    #[arg(long, short = 'r', alias = "increase-rate")]
    hatch_rate: Option<String>,
    /// Run time after all users started, e.g. 30s, 2m (overrides the scenario).
    #[arg(long, short = 't')]
    run_time: Option<String>,
    /// Goose threshold, e.g. 'p95<500ms', 'error-rate<1%', 'rps>=200' (repeatable); replaces
    /// the scenario's thresholds. Judged when the run ends; a miss exits 1.
    #[arg(long)]
    threshold: Vec<String>,
    /// Stop the run at the first missed threshold (checked every second once all users started).
    #[arg(long)]
    stop_on_threshold: bool,
    /// Goose's own report; the extension picks the format: .html, .json, .md (repeatable).
    /// Goose's HTML loads its chart library from a CDN: offline its charts are empty boxes
    /// (our load.html, written beside load.json, draws its charts inline).
    #[arg(long)]
    report_file: Vec<PathBuf>,
    /// Report directory (default reports/load-<scenario>-<UTC time>/): load.json (mergeable
    /// histograms, a per-second series), summary.md and load.html. Created and checked
    /// writable before the run.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Stop after this many seconds in all (discovery, ramp-up and run time) and write the
    /// reports of what ran, marked incomplete (Ctrl-C and SIGTERM do the same at any time).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=604_800))]
    max_time: Option<u64>,
    /// Replay every authorization code once after redeeming it; a success is a finding.
    #[arg(long)]
    replay_codes: bool,
    /// Also print Goose's own metric tables.
    #[arg(long)]
    goose_metrics: bool,
    /// Run as shard I of N (e.g. `--shard $JOB_COMPLETION_INDEX/8`): this process logs in
    /// only with the pool users whose position modulo N is I, so shards never share a user.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Embedded provider only: break one rule on purpose (repeatable).
    #[arg(long = "fault", value_name = "NAME", conflicts_with = "target")]
    faults: Vec<Fault>,
}

/// `--shard I/N`: this process is shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shard {
    index: usize,
    count: usize,
}

/// Parses `I/N` with I < N.
fn parse_shard(s: &str) -> Result<Shard, String> {
    let parsed = s.split_once('/').and_then(|(i, n)| Some((i.trim().parse::<usize>().ok()?, n.trim().parse::<usize>().ok()?)));
    match parsed {
        Some((index, count)) if count > 0 && index < count => Ok(Shard { index, count }),
        _ => Err(format!("invalid --shard {s:?}: expected I/N with 0 ≤ I < N, e.g. 0/4")),
    }
}

impl Shard {
    /// Keeps this shard's users of `profile` (a shard without a user cannot run) and says so on stderr.
    fn apply(self, profile: &mut Profile) -> Result<(), OptionsError> {
        let Shard { index, count } = self;
        let pool = std::mem::take(&mut profile.users);
        let total = pool.len();
        profile.users = pool.into_iter().enumerate().filter(|(k, _)| k % count == index).map(|(_, u)| u).collect();
        if profile.users.is_empty() {
            return Err(OptionsError::EmptyShard { index, count, total });
        }
        eprintln!("load: shard {index}/{count} with {} of {total} users", profile.users.len());
        Ok(())
    }
}

/// Validated `load` options (the target profile, if any, read and validated).
#[derive(Debug)]
pub(crate) struct LoadRun {
    scenario: Scenario,
    /// The concurrent users the run starts (the scenario's or `--users`).
    users: usize,
    opts: LoadOptions,
    /// `--target` with the shard's users; `None`: the embedded provider.
    target: Option<Target>,
    shard: Option<Shard>,
    faults: Vec<Fault>,
    /// `--out`, created and proven writable; `None`: the default directory under `reports/`
    /// (itself proven writable), named when the run ends.
    out: Option<PathBuf>,
}

/// The scenario named by `--scenario`: a built-in name or a file.
fn scenario(name: &str) -> Result<Scenario, OptionsError> {
    if let Some(s) = Scenario::builtin(name) {
        return Ok(s);
    }
    let path = Path::new(name);
    if path.exists() {
        return Ok(Scenario::load(path)?);
    }
    let known: Vec<&str> = Scenario::builtin_names().collect();
    Err(OptionsError::UnknownScenario { name: name.to_owned(), known: known.join(", ") })
}

impl LoadArgs {
    /// Checks the scenario with the overrides applied and reads the target profile.
    pub(crate) fn into_options(self) -> Result<LoadRun, OptionsError> {
        let scenario = scenario(&self.scenario)?;
        let users = self.users.unwrap_or(scenario.users);
        // Bad overrides fail before anything starts.
        let mut checked = scenario.clone();
        checked.users = users;
        checked.hatch_rate = self.hatch_rate.clone().unwrap_or(checked.hatch_rate);
        checked.run_time = self.run_time.clone().unwrap_or(checked.run_time);
        if !self.threshold.is_empty() {
            checked.thresholds = self.threshold.clone();
        }
        checked.validate()?;
        let opts = LoadOptions {
            users: self.users,
            hatch_rate: self.hatch_rate,
            run_time: self.run_time,
            thresholds: self.threshold,
            stop_on_threshold: self.stop_on_threshold,
            goose_reports: self.report_file,
            replay_codes: self.replay_codes,
            goose_metrics: self.goose_metrics,
            provider_in_process: self.target.is_none(),
            progress: progress_mode(),
            budget: oidc_harness::conform::Budget { max_time: self.max_time.map(std::time::Duration::from_secs), stop: None },
        };
        // The profile is validated with the shard's users only.
        let target = match &self.target {
            Some(path) => {
                let mut profile = Profile::read(path)?;
                if let Some(shard) = self.shard {
                    shard.apply(&mut profile)?;
                }
                Some(Target::new(profile, path)?)
            }
            None => None,
        };
        let out = match &self.out {
            Some(dir) => Some(out::prepare(dir)?),
            None => {
                out::prepare(Path::new(DEFAULT_PARENT))?;
                None
            }
        };
        Ok(LoadRun { scenario, users, opts, target, shard: self.shard, faults: self.faults, out })
    }
}

/// A redrawn status line when stderr is a terminal (coloured unless NO_COLOR is set), plain
/// periodic lines otherwise.
fn progress_mode() -> load::Progress {
    if std::io::stderr().is_terminal() {
        load::Progress::Live { color: super::color::stderr() }
    } else {
        load::Progress::Lines
    }
}

/// Runs a load test; returns the exit code.
pub(crate) fn run(run: LoadRun) -> anyhow::Result<u8> {
    let LoadRun { scenario, users, mut opts, target, shard, faults, out } = run;
    for path in &opts.goose_reports {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let report = runtime.block_on(async {
        let (target, _embedded) = match target {
            Some(target) => (target, None),
            None => {
                let set = reference_provider::FaultSet::of(faults.iter().copied());
                let (running, mut profile) =
                    load::start_embedded_for_load(users, set).await.context("starting the embedded reference provider")?;
                eprintln!("embedded reference provider at {} ({} pool users)", running.issuer(), profile.users.len());
                if let Some(shard) = shard {
                    shard.apply(&mut profile)?;
                }
                (Target::try_from(profile)?, Some(running))
            }
        };
        eprintln!("load: scenario {} against {}", scenario.name(), target.issuer);
        opts.budget.stop = Some(super::conform::stop_on_signal());
        anyhow::Ok(load::run(target, &scenario, &opts, Arc::new(SystemClock)).await?)
    })?;
    let out = out.unwrap_or_else(|| Path::new(DEFAULT_PARENT).join(format!("load-{}-{}", report.scenario, clock::compact(SystemClock.now()))));
    write(&report, &out)?;
    Ok(exit_code(&report))
}

/// Writes `load.json`, `summary.md` and `load.html` into `dir`, and prints the summary.
fn write(report: &LoadReport, dir: &Path) -> anyhow::Result<()> {
    let written = load::write_all(report, &dir.join("load.json")).with_context(|| format!("writing the load report into {}", dir.display()))?;
    crate::outln!("{}", load::render(report));
    for path in written {
        crate::outln!("wrote {}", path.display());
    }
    Ok(())
}

/// 1 when a threshold was missed or a MUST check failed under load; else 2 when the run stopped
/// early (the numbers are then not the scenario's), 0 otherwise.
fn exit_code(report: &LoadReport) -> u8 {
    if !report.thresholds_failed.is_empty() || report.must_failures() > 0 {
        1
    } else if report.incomplete.is_some() {
        2
    } else {
        0
    }
}

/// `oidc-harness report merge` flags.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The load.json files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Report directory of the merged report: load.json, summary.md and load.html.
    #[arg(long, value_name = "DIR", default_value = "reports/load-merged")]
    out: PathBuf,
}

/// `oidc-harness report merge`: merges load reports of shards into one; returns the exit code.
pub(crate) fn merge(args: &MergeArgs) -> anyhow::Result<u8> {
    let dir = out::prepare(&args.out)?;
    let reports = args
        .files
        .iter()
        .map(|p| LoadReport::read(p).map(|r| (p.display().to_string(), r)))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = load::merge(reports)?;
    write(&merged, &dir)?;
    Ok(exit_code(&merged))
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::{Shard, parse_shard};
    use crate::cli::tests::{profile_file, scratch};
    use crate::cli::{Cli, Command};

    #[test]
    fn the_shard_narrows_the_users_before_the_profile_is_validated() {
        let dir = scratch("shard");
        let path = profile_file(&dir, "");
        let options = |shard: &str| match Cli::parse_from(["oidc-harness", "load", "--target", path.to_str().unwrap(), "--shard", shard]).command {
            Command::Load(args) => args.into_options(),
            other => panic!("{other:?}"),
        };
        let run = options("1/2").unwrap();
        let users: Vec<&str> = run.target.as_ref().unwrap().users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(users, ["bob"]);
        let e = options("2/3").unwrap_err().to_string();
        assert_eq!(e, "shard 2/3 gets no user: the profile has 2 user(s); give it at least 3");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn shards_are_index_over_count() {
        assert_eq!(parse_shard("0/4").unwrap(), Shard { index: 0, count: 4 });
        assert_eq!(parse_shard(" 3 / 4 ").unwrap(), Shard { index: 3, count: 4 });
        for bad in ["4/4", "1/0", "x/2", "2", ""] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
