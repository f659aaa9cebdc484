//! Live progress of a load run on stderr: every second the ticker closes an interval of the time
//! series ([`LoadStats::tick`], the same counters the report sums) and, on a terminal, redraws
//! one status line (users, elapsed / planned, flows/s and token responses/s over the last
//! seconds, errors, findings); elsewhere it prints a plain line every few seconds. The lines are
//! pure functions of a [`ProgressView`].

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::attack::Shared;
use super::scenario::{Scenario, parse_duration_secs};
use super::series::{SeriesPoint, Totals, recent_rates};

/// One interval of the time series, and how often the live line is redrawn.
const TICK: Duration = Duration::from_secs(1);
/// Rates on the progress line are over this many intervals.
const RECENT: usize = 5;
/// A plain line every this many intervals when stderr is not a terminal.
const PLAIN_EVERY: u64 = 5;

/// How progress is shown while the run goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Progress {
    /// Not at all (the series is still recorded).
    #[default]
    Off,
    /// One status line redrawn every second (stderr is a terminal); `color` unless NO_COLOR.
    Live {
        /// Colour errors and MUST findings.
        color: bool,
    },
    /// A plain line every 5 seconds (stderr is a file or a pipe).
    Lines,
}

/// What the run is planned to be: users and wall time (ramp-up plus run time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Plan {
    users: usize,
    planned_ms: u64,
}

impl Plan {
    /// The plan of a validated scenario (overrides applied).
    pub(super) fn of(s: &Scenario) -> Plan {
        let rate = s.hatch_rate.parse::<f64>().ok().filter(|r| *r > 0.0).unwrap_or(1.0);
        let ramp_ms = (s.users as f64 / rate * 1000.0) as u64;
        let run_ms = parse_duration_secs(&s.run_time).unwrap_or(0).saturating_mul(1000);
        Plan { users: s.users, planned_ms: ramp_ms.saturating_add(run_ms) }
    }
}

/// The numbers one progress line shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressView {
    /// Since the measured run started.
    pub elapsed_ms: u64,
    /// Ramp-up plus run time.
    pub planned_ms: u64,
    /// Users started.
    pub users: u64,
    /// Users the run starts in all.
    pub users_planned: usize,
    /// Completed login flows per second over the last intervals.
    pub flows_per_s: f64,
    /// Token responses per second over the last intervals.
    pub tokens_per_s: f64,
    /// Errors so far.
    pub errors: u64,
    /// Findings so far.
    pub findings: u64,
    /// Of which MUST.
    pub must_findings: u64,
}

impl ProgressView {
    /// The view of `totals` at `elapsed_ms`, rates over the last points of `series`.
    pub fn new(totals: &Totals, series: &[SeriesPoint], elapsed_ms: u64, users_planned: usize, planned_ms: u64) -> ProgressView {
        let (flows_per_s, tokens_per_s) = recent_rates(series, RECENT);
        ProgressView {
            elapsed_ms,
            planned_ms,
            users: totals.users,
            users_planned,
            flows_per_s,
            tokens_per_s,
            errors: totals.errors,
            findings: totals.findings,
            must_findings: totals.must_findings,
        }
    }
}

/// `m:ss`, or `h:mm:ss` from an hour.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 { format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) } else { format!("{}:{:02}", s / 60, s % 60) }
}

/// Findings, with the MUST ones named.
fn findings(v: &ProgressView) -> String {
    if v.must_findings > 0 { format!("{} findings ({} MUST)", v.findings, v.must_findings) } else { format!("{} findings", v.findings) }
}

/// The status line redrawn on a terminal (no line break; red errors and MUST findings if `color`).
pub fn live_line(v: &ProgressView, color: bool) -> String {
    let paint = |text: String, bad: bool| if color && bad { format!("\x1b[31m{text}\x1b[0m") } else { text };
    let left = v.planned_ms.saturating_sub(v.elapsed_ms);
    let mut out = format!("load {}/{} users  {} / {} ({} left)", v.users, v.users_planned, clock(v.elapsed_ms), clock(v.planned_ms), clock(left));
    let _ = write!(out, "  {:.1} flows/s  {:.1} tokens/s", v.flows_per_s, v.tokens_per_s);
    let _ = write!(out, "  {}  {}", paint(format!("{} errors", v.errors), v.errors > 0), paint(findings(v), v.must_findings > 0));
    out
}

/// The periodic line when stderr is not a terminal.
pub fn plain_line(v: &ProgressView) -> String {
    format!(
        "load: {} of {}, {}/{} users, {:.1} flows/s, {:.1} token responses/s (last {RECENT} s), {} errors, {}",
        clock(v.elapsed_ms),
        clock(v.planned_ms),
        v.users,
        v.users_planned,
        v.flows_per_s,
        v.tokens_per_s,
        v.errors,
        findings(v)
    )
}

/// Milliseconds since `start`.
fn since(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Cuts an interval every second until `stop`, then the last (partial) one, drawing progress.
pub(super) async fn watch(shared: Arc<Shared>, plan: Plan, mode: Progress, start: Instant, mut stop: oneshot::Receiver<()>) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::from_std(start) + TICK, TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut recent: Vec<SeriesPoint> = Vec::new();
    let mut n = 0u64;
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = ticks.tick() => {}
        }
        n += 1;
        let elapsed = since(start);
        let Some((point, totals)) = shared.stats.tick(elapsed) else { continue };
        recent.push(point);
        if recent.len() > RECENT {
            recent.remove(0);
        }
        let view = ProgressView::new(&totals, &recent, elapsed, plan.users, plan.planned_ms);
        let mut err = std::io::stderr().lock();
        match mode {
            Progress::Off => {}
            Progress::Live { color } => {
                let _ = write!(err, "\r\x1b[2K{}", live_line(&view, color));
                let _ = err.flush();
            }
            Progress::Lines if n.is_multiple_of(PLAIN_EVERY) => {
                let _ = writeln!(err, "{}", plain_line(&view));
            }
            Progress::Lines => {}
        }
    }
    let _ = shared.stats.tick(since(start));
    if matches!(mode, Progress::Live { .. }) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::stats::Counters;

    fn point(flows: u64, tokens: u64) -> SeriesPoint {
        SeriesPoint {
            at_ms: 0,
            interval_ms: 1000,
            users: 8,
            flows_completed: flows,
            token_responses: tokens,
            errors: 0,
            findings: 0,
            steps: Default::default(),
        }
    }

    fn view(errors: u64, must: u64) -> ProgressView {
        let totals = Totals { counters: Counters::default(), errors, findings: must + 1, must_findings: must, users: 6 };
        // The last five of six seconds: (20+30+40+50+60) / 5.
        let series: Vec<_> = [10, 20, 30, 40, 50, 60].into_iter().map(|f| point(f, 2 * f)).collect();
        ProgressView::new(&totals, &series, 12_400, 8, 22_000)
    }

    #[test]
    fn the_live_line_shows_users_time_recent_rates_errors_and_findings() {
        let line = live_line(&view(0, 0), false);
        assert_eq!(line, "load 6/8 users  0:12 / 0:22 (0:09 left)  40.0 flows/s  80.0 tokens/s  0 errors  1 findings");
        let bad = live_line(&view(3, 2), true);
        assert!(bad.contains("\x1b[31m3 errors\x1b[0m") && bad.contains("\x1b[31m3 findings (2 MUST)\x1b[0m"), "{bad:?}");
        // NO_COLOR: no escape at all.
        assert!(!live_line(&view(3, 2), false).contains('\x1b'));
    }

    #[test]
    fn the_plain_line_is_one_sentence_without_escapes() {
        let line = plain_line(&view(3, 2));
        assert_eq!(line, "load: 0:12 of 0:22, 6/8 users, 40.0 flows/s, 80.0 token responses/s (last 5 s), 3 errors, 3 findings (2 MUST)");
        assert_eq!(clock(3_725_000), "1:02:05");
        assert_eq!(ProgressView::new(&Totals::default(), &[], 0, 1, 0).flows_per_s, 0.0);
    }

    #[test]
    fn the_plan_is_ramp_up_plus_run_time() {
        let mut s = Scenario::builtin("login-flow").unwrap();
        (s.users, s.hatch_rate, s.run_time) = (8, "4".into(), "1m".into());
        assert_eq!(Plan::of(&s), Plan { users: 8, planned_ms: 62_000 });
    }
}
