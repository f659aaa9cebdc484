//! Our own load metrics, next to Goose's: per-step HDR histograms (microseconds), flow and token
//! counters, errors by kind and conformance findings by check id. Histograms are saved in the
//! report (HDR V2 + deflate, base64) so that reports of many load processes merge exactly.

use std::collections::BTreeMap;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer as _, V2DeflateSerializer};
use serde::{Deserialize, Serialize};

use super::series::{SeriesPoint, Totals, Window, merge_series};
use crate::checks::{Finding, Level};

/// Largest latency a histogram holds exactly: 5 minutes, in microseconds (above: saturated).
const MAX_MICROS: u64 = 300_000_000;

/// Counts that make the headline rates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Login flows started.
    pub flows_started: u64,
    /// Login flows that reached a verified token response.
    pub flows_completed: u64,
    /// Successful token-endpoint responses (any grant).
    pub token_responses: u64,
    /// JWTs verified client-side (signature and claims).
    pub verifications: u64,
    /// JWTs that failed verification.
    pub verification_failures: u64,
}

impl Counters {
    fn add(&mut self, o: &Counters) {
        self.flows_started += o.flows_started;
        self.flows_completed += o.flows_completed;
        self.token_responses += o.token_responses;
        self.verifications += o.verifications;
        self.verification_failures += o.verification_failures;
    }
}

/// A conformance failure seen under load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingCount {
    /// The level of the check (the catalog's).
    pub level: Level,
    /// How many times it failed.
    pub count: u64,
    /// The first failure's message.
    pub example: String,
}

/// One step's latency distribution as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// Requests (or verifications) recorded.
    pub count: u64,
    /// Of which failed.
    pub errors: u64,
    /// Median, milliseconds.
    pub p50_ms: f64,
    /// 95th percentile, milliseconds.
    pub p95_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// Maximum, milliseconds.
    pub max_ms: f64,
    /// Mean, milliseconds.
    pub mean_ms: f64,
    /// The HDR histogram of microseconds, V2 deflate serialization, base64.
    pub hdr: String,
}

/// Why a saved histogram cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistogramError {
    /// Not base64 or not an HDR V2 histogram.
    #[error("expected a base64 HDR V2 histogram for step {step} (found {found})")]
    Decode {
        /// Step name.
        step: String,
        /// What went wrong.
        found: String,
    },
}

#[allow(clippy::expect_used)]
fn new_histogram() -> Histogram<u64> {
    // 3 significant figures over 1 µs .. 5 min: fixed bounds, so any two reports merge.
    Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("constant histogram bounds are valid")
}

/// Encodes a histogram for a report.
pub fn encode(h: &Histogram<u64>) -> String {
    let mut buf = Vec::new();
    match V2DeflateSerializer::new().serialize(h, &mut buf) {
        Ok(_) => STANDARD.encode(buf),
        Err(_) => String::new(),
    }
}

/// Decodes a histogram saved by [`encode`].
pub fn decode(step: &str, s: &str) -> Result<Histogram<u64>, HistogramError> {
    let err = |found: String| HistogramError::Decode { step: step.to_owned(), found };
    let bytes = STANDARD.decode(s).map_err(|e| err(e.to_string()))?;
    Deserializer::new().deserialize(&mut bytes.as_slice()).map_err(|e| err(format!("{e:?}")))
}

/// Summarises a histogram with its error count.
pub fn step_report(h: &Histogram<u64>, errors: u64) -> StepReport {
    let ms = |us: u64| us as f64 / 1000.0;
    StepReport {
        count: h.len(),
        errors,
        p50_ms: ms(h.value_at_quantile(0.50)),
        p95_ms: ms(h.value_at_quantile(0.95)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        max_ms: ms(h.max()),
        mean_ms: h.mean() / 1000.0,
        hdr: encode(h),
    }
}

#[derive(Default)]
struct Inner {
    steps: BTreeMap<String, (Histogram<u64>, u64)>,
    counters: Counters,
    errors: BTreeMap<String, u64>,
    findings: BTreeMap<String, FindingCount>,
    /// Users started (set up) so far.
    users: u64,
    /// The open interval of the time series.
    window: Window,
    /// The closed intervals.
    series: Vec<SeriesPoint>,
}

impl Inner {
    fn totals(&self) -> Totals {
        let findings = |must: bool| self.findings.values().filter(|f| !must || f.level == Level::Must).map(|f| f.count).sum();
        Totals {
            counters: self.counters,
            errors: self.errors.values().sum(),
            findings: findings(false),
            must_findings: findings(true),
            users: self.users,
        }
    }
}

/// What every load user records into (shared; one short lock per record).
#[derive(Default)]
pub struct LoadStats {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for LoadStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoadStats")
    }
}

/// A snapshot of [`LoadStats`], ready for a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Per step.
    pub steps: BTreeMap<String, StepReport>,
    /// Counters.
    pub counters: Counters,
    /// Errors by kind.
    pub errors: BTreeMap<String, u64>,
    /// Findings by check id.
    pub findings: BTreeMap<String, FindingCount>,
    /// The run interval by interval (closed by [`LoadStats::tick`]).
    pub series: Vec<SeriesPoint>,
}

impl LoadStats {
    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> Option<R> {
        self.inner.lock().ok().map(|mut g| f(&mut g))
    }

    /// Records one step's latency; `error` names its kind when it failed.
    pub fn step(&self, step: &str, micros: u64, error: Option<&str>) {
        self.with(|i| {
            let micros = micros.clamp(1, MAX_MICROS);
            let entry = i.steps.entry(step.to_owned()).or_insert_with(|| (new_histogram(), 0));
            entry.0.saturating_record(micros);
            i.window.record(step, micros, new_histogram);
            if let Some(kind) = error {
                entry.1 += 1;
                *i.errors.entry(kind.to_owned()).or_default() += 1;
            }
        });
    }

    /// Counts an error that is not a step (a flow stuck on a page, a missing token).
    pub fn error(&self, kind: &str) {
        self.with(|i| *i.errors.entry(kind.to_owned()).or_default() += 1);
    }

    /// Updates the counters.
    pub fn count(&self, f: impl FnOnce(&mut Counters)) {
        self.with(|i| f(&mut i.counters));
    }

    /// Counts a broken rule: a finding of the catalog's checks that failed, warned or noted.
    pub fn finding(&self, f: &Finding) {
        let message = f.message.as_deref().unwrap_or(&f.title);
        self.with(|i| {
            i.findings
                .entry(f.check_id.clone())
                .or_insert_with(|| FindingCount { level: f.level, count: 0, example: message.to_owned() })
                .count += 1;
        });
    }

    /// Counts a user that started (its set-up began).
    pub fn user_started(&self) {
        self.with(|i| i.users += 1);
    }

    /// The running totals (cheap: no histogram is read).
    pub fn totals(&self) -> Totals {
        self.with(|i| i.totals()).unwrap_or_default()
    }

    /// Closes the interval ending `at_ms` after the start, keeps it in the series and returns
    /// it with the running totals it was cut from.
    pub fn tick(&self, at_ms: u64) -> Option<(SeriesPoint, Totals)> {
        self.with(|i| {
            let totals = i.totals();
            let point = i.window.cut(at_ms, totals);
            i.series.push(point.clone());
            (point, totals)
        })
    }

    /// The numbers so far.
    pub fn snapshot(&self) -> Snapshot {
        self.with(|i| Snapshot {
            steps: i.steps.iter().map(|(k, (h, e))| (k.clone(), step_report(h, *e))).collect(),
            counters: i.counters,
            errors: i.errors.clone(),
            findings: i.findings.clone(),
            series: i.series.clone(),
        })
        .unwrap_or(Snapshot {
            steps: BTreeMap::new(),
            counters: Counters::default(),
            errors: BTreeMap::new(),
            findings: BTreeMap::new(),
            series: Vec::new(),
        })
    }
}

/// Merges `other` into `into`: counters and errors summed, histograms added exactly.
pub fn merge_snapshots(into: &mut Snapshot, other: &Snapshot) -> Result<(), HistogramError> {
    into.counters.add(&other.counters);
    merge_series(&mut into.series, &other.series);
    for (k, n) in &other.errors {
        *into.errors.entry(k.clone()).or_default() += n;
    }
    for (k, f) in &other.findings {
        into.findings
            .entry(k.clone())
            .and_modify(|mine| mine.count += f.count)
            .or_insert_with(|| f.clone());
    }
    for (step, theirs) in &other.steps {
        let merged = match into.steps.get(step) {
            Some(mine) => {
                let mut h = decode(step, &mine.hdr)?;
                let t = decode(step, &theirs.hdr)?;
                h.add(&t).map_err(|e| HistogramError::Decode { step: step.clone(), found: format!("{e:?}") })?;
                step_report(&h, mine.errors + theirs.errors)
            }
            None => theirs.clone(),
        };
        into.steps.insert(step.clone(), merged);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed finding of the catalog's check `id`.
    fn failed(id: &str, message: &str) -> Finding {
        let def = crate::checks::find(id).unwrap();
        Finding::from_verdict(&def, crate::checks::Verdict::fail(message))
    }

    #[test]
    fn histograms_round_trip_and_merge_exactly() {
        let (a, b) = (LoadStats::default(), LoadStats::default());
        for us in 1..=1000u64 {
            a.step("token", us * 10, None);
        }
        for us in 1001..=2000u64 {
            b.step("token", us * 10, if us % 100 == 0 { Some("HTTP 500") } else { None });
        }
        b.step("userinfo", 42, None);
        a.count(|c| c.token_responses += 1000);
        b.count(|c| c.token_responses += 1000);
        b.finding(&failed("idtoken.iss.matches", "expected x (found y)"));
        let mut merged = a.snapshot();
        merge_snapshots(&mut merged, &b.snapshot()).unwrap();

        let all = LoadStats::default();
        for us in 1..=2000u64 {
            all.step("token", us * 10, if us > 1000 && us % 100 == 0 { Some("HTTP 500") } else { None });
        }
        let whole = all.snapshot();
        // The merge equals one run that saw every sample.
        assert_eq!(merged.steps["token"], whole.steps["token"]);
        assert_eq!(merged.steps["token"].count, 2000);
        assert_eq!(merged.steps["token"].errors, 10);
        assert_eq!(merged.steps["userinfo"].count, 1);
        assert_eq!(merged.counters.token_responses, 2000);
        assert_eq!(merged.errors["HTTP 500"], 10);
        assert_eq!(merged.findings["idtoken.iss.matches"].count, 1);
        let h = decode("token", &merged.steps["token"].hdr).unwrap();
        assert_eq!(h.len(), 2000);
        assert!((merged.steps["token"].p50_ms - 10.0).abs() < 0.1, "{}", merged.steps["token"].p50_ms);
    }

    #[test]
    fn ticks_cut_the_same_counters_into_intervals_that_add_up_and_merge() {
        let s = LoadStats::default();
        s.user_started();
        s.step("token", 2_000, None);
        s.count(|c| (c.flows_completed, c.token_responses) = (3, 4));
        let (first, totals) = s.tick(1_000).unwrap();
        assert_eq!((first.interval_ms, first.users, first.flows_completed, first.token_responses), (1_000, 1, 3, 4));
        assert_eq!(first.steps["token"].count, 1);
        assert!((first.steps["token"].p95_ms - 2.0).abs() < 0.01);
        assert_eq!(totals.counters.flows_completed, 3);
        s.user_started();
        s.step("token", 9_000, Some("HTTP 500 at token"));
        s.finding(&failed("code.reuse.rejected", "again"));
        s.count(|c| c.flows_completed += 2);
        let (second, totals) = s.tick(1_500).unwrap();
        assert_eq!((second.interval_ms, second.users, second.flows_completed, second.errors, second.findings), (500, 2, 2, 1, 1));
        assert_eq!(second.steps["token"].count, 1);
        assert_eq!((totals.errors, totals.findings, totals.must_findings), (1, 1, 1));
        let snap = s.snapshot();
        assert_eq!(snap.series.iter().map(|p| p.flows_completed).sum::<u64>(), snap.counters.flows_completed);
        // Shards side by side: interval by interval.
        let mut merged = snap.clone();
        merge_snapshots(&mut merged, &snap).unwrap();
        assert_eq!(merged.series.len(), 2);
        assert_eq!((merged.series[1].flows_completed, merged.series[1].users), (4, 4));
        assert_eq!(merged.series[1].steps["token"].count, 2);
    }

    #[test]
    fn a_damaged_histogram_is_an_error_naming_the_step() {
        let err = decode("login", "not base64!").unwrap_err().to_string();
        assert!(err.contains("login"), "{err}");
        let err = decode("login", &STANDARD.encode(b"garbage")).unwrap_err().to_string();
        assert!(err.contains("HDR"), "{err}");
    }

    #[test]
    fn findings_keep_the_first_example_and_count() {
        let s = LoadStats::default();
        s.finding(&failed("code.reuse.rejected", "first"));
        s.finding(&failed("code.reuse.rejected", "second"));
        let snap = s.snapshot();
        assert_eq!(snap.findings["code.reuse.rejected"].level, Level::Must);
        assert_eq!(snap.findings["code.reuse.rejected"].count, 2);
        assert_eq!(snap.findings["code.reuse.rejected"].example, "first");
    }
}
