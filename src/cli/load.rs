//! `oidc-harness load` and `oidc-harness report merge`: flags (Goose's names where they
//! overlap), the target (a profile, or the embedded provider with a user pool), output files,
//! exit codes (0 all thresholds met and no MUST failure under load, 1 otherwise, 2 could not run).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use oidc_harness::clock::{self, Clock as _, SystemClock};
use oidc_harness::load::{self, LoadOptions, LoadReport, Scenario};
use oidc_harness::target::Profile;

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
    /// Goose threshold, e.g. 'p95<500ms', 'error-rate<1%', 'rps>=200' (repeatable).
    #[arg(long)]
    threshold: Vec<String>,
    /// Goose's own report; the extension picks the format: .html, .json, .md (repeatable).
    #[arg(long)]
    report_file: Vec<PathBuf>,
    /// Our JSON report with mergeable histograms (default reports/load-<scenario>-<UTC time>/load.json).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replay every authorization code once after redeeming it; a success is a finding.
    #[arg(long)]
    replay_codes: bool,
    /// Also print Goose's own metric tables.
    #[arg(long)]
    goose_metrics: bool,
    /// Run as shard I of N (e.g. `--shard $JOB_COMPLETION_INDEX/8`): this process logs in
    /// only with the pool users whose position modulo N is I, so shards never share a user.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Embedded provider only: break one rule on purpose (repeatable).
    #[arg(long = "fault", value_name = "NAME", conflicts_with = "target")]
    faults: Vec<String>,
}

fn scenario(name: &str) -> anyhow::Result<Scenario> {
    if let Some(s) = Scenario::builtin(name) {
        return Ok(s);
    }
    let path = Path::new(name);
    if path.exists() {
        return Ok(Scenario::load(path)?);
    }
    let known: Vec<&str> = Scenario::builtin_names().collect();
    anyhow::bail!("unknown scenario {name:?}: expected a file or one of {}", known.join(", "))
}

/// Parses `I/N` with I < N.
fn parse_shard(s: &str) -> anyhow::Result<(usize, usize)> {
    let parsed = s.split_once('/').and_then(|(i, n)| Some((i.trim().parse::<usize>().ok()?, n.trim().parse::<usize>().ok()?)));
    match parsed {
        Some((i, n)) if n > 0 && i < n => Ok((i, n)),
        _ => anyhow::bail!("invalid --shard {s:?}: expected I/N with 0 ≤ I < N, e.g. 0/4"),
    }
}

/// Runs a load test; returns the exit code.
pub(crate) fn run(args: LoadArgs) -> anyhow::Result<u8> {
    let scenario = scenario(&args.scenario)?;
    let faults = args.faults.iter().map(|n| n.parse::<reference_provider::Fault>()).collect::<Result<Vec<_>, _>>()?;
    let opts = LoadOptions {
        users: args.users,
        hatch_rate: args.hatch_rate.clone(),
        run_time: args.run_time.clone(),
        thresholds: args.threshold.clone(),
        goose_reports: args.report_file.clone(),
        replay_codes: args.replay_codes,
        goose_metrics: args.goose_metrics,
        provider_in_process: args.target.is_none(),
    };
    let users = args.users.unwrap_or(scenario.users);
    // Bad overrides fail before anything starts.
    let mut checked = scenario.clone();
    checked.users = users;
    checked.hatch_rate = args.hatch_rate.clone().unwrap_or(checked.hatch_rate);
    checked.run_time = args.run_time.clone().unwrap_or(checked.run_time);
    checked.validate()?;
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    for path in &args.report_file {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let report = runtime.block_on(async {
        let (target, _embedded) = match &args.target {
            Some(path) => (Profile::load(path)?, None),
            None => {
                let set = reference_provider::FaultSet::of(faults.iter().copied());
                let (running, profile) =
                    load::start_embedded_for_load(users, set).await.context("starting the embedded reference provider")?;
                eprintln!("embedded reference provider at {} ({} pool users)", running.issuer(), profile.users.len());
                (profile, Some(running))
            }
        };
        let mut target = target;
        if let Some((i, n)) = shard {
            let pool = std::mem::take(&mut target.users);
            let total = pool.len();
            target.users = pool.into_iter().enumerate().filter(|(k, _)| k % n == i).map(|(_, u)| u).collect();
            if target.users.is_empty() {
                anyhow::bail!("shard {i}/{n} gets no user: the profile has {total} user(s); give it at least {n}");
            }
            eprintln!("load: shard {i}/{n} with {} of {total} users", target.users.len());
        }
        eprintln!("load: scenario {} against {}", scenario.name(), target.issuer);
        anyhow::Ok(load::run(target, &scenario, &opts, Arc::new(SystemClock)).await?)
    })?;
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new("reports").join(format!("load-{}-{}", report.scenario, clock::compact(SystemClock.now()))).join("load.json")
    });
    write(&report, &out)?;
    Ok(exit_code(&report))
}

/// Writes `load.json` and `summary.md` beside it, and prints the summary.
fn write(report: &LoadReport, out: &Path) -> anyhow::Result<()> {
    report.write(out).with_context(|| format!("writing {}", out.display()))?;
    let summary = load::render(report);
    let md = out.with_file_name("summary.md");
    std::fs::write(&md, &summary).with_context(|| format!("writing {}", md.display()))?;
    crate::outln!("{summary}");
    crate::outln!("wrote {}\nwrote {}", out.display(), md.display());
    Ok(())
}

/// 1 when a threshold was missed or a MUST check failed under load.
fn exit_code(report: &LoadReport) -> u8 {
    u8::from(!report.thresholds_failed.is_empty() || report.must_failures() > 0)
}

/// `oidc-harness report merge`: merges load reports of shards into one.
pub(crate) fn merge(files: &[PathBuf], out: &Path) -> anyhow::Result<u8> {
    let reports = files
        .iter()
        .map(|p| LoadReport::read(p).map(|r| (p.display().to_string(), r)))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = load::merge(reports)?;
    write(&merged, out)?;
    Ok(exit_code(&merged))
}

#[cfg(test)]
mod tests {
    use super::parse_shard;

    #[test]
    fn shards_are_index_over_count() {
        assert_eq!(parse_shard("0/4").unwrap(), (0, 4));
        assert_eq!(parse_shard(" 3 / 4 ").unwrap(), (3, 4));
        for bad in ["4/4", "1/0", "x/2", "2", ""] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
