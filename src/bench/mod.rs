//! JWT sign/verify throughput: our code paths next to the raw aws-lc-rs primitives.
//!
//! For each algorithm, [`run`] measures sign and verify rates with one thread and with
//! [`BenchConfig::threads`] threads. "Ours" is what the project really runs: signing is the
//! reference provider's [`encode_jws`](reference_provider::keys::encode_jws) with a
//! [`SigningKey`](reference_provider::keys::SigningKey) parsed once; verification is the
//! harness's [`UnverifiedJwt::parse`](crate::jose::UnverifiedJwt::parse) followed by
//! [`verify_signature`](crate::jose::verify_signature) (a [`PublicKey`](crate::jose::PublicKey)
//! built once from the JWK) or [`verify_hmac`](crate::jose::verify_hmac). "Raw" is the aws-lc-rs
//! key object over the same key and the same `header.payload` bytes (and, for verify, the same
//! signature): the physical limit.
//!
//! Verify rows also measure the signature step alone: ours on a token already read (the `alg`
//! checks and the primitive) against raw, as [`Row::signature_step_ratio`]. It tells reading a
//! token apart from checking its signature; for HS256 reading costs more than the HMAC itself,
//! so the whole path cannot come near the raw rate (see [`Row::meets_bar`]).
//!
//! - `fixture.rs`: keys, token and the operations measured per algorithm.
//! - `measure.rs`: the timing loop (thread CPU time from `/proc/thread-self/schedstat` when the
//!   kernel offers it, else wall time per worker), with ours and raw interleaved in slices.
//! - `table.rs`: the text table and the JSON array.

mod fixture;
mod measure;
mod table;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::jose::JwsAlg;

pub use fixture::Fixture;
pub use measure::{Rate, TimeSource};
pub use table::{RATIO_BAR, group_thousands, render_table, to_json};

/// The algorithms the benchmark knows, in the default order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BenchAlg {
    /// RSASSA-PKCS1-v1_5 SHA-256, RSA 2048.
    Rs256,
    /// RSASSA-PSS SHA-256, RSA 2048.
    Ps256,
    /// ECDSA P-256 SHA-256.
    Es256,
    /// ECDSA P-384 SHA-384 (verified by the harness; the provider does not sign it).
    Es384,
    /// Ed25519.
    EdDsa,
    /// HMAC SHA-256 (verified by the harness; the provider does not sign it).
    Hs256,
}

impl BenchAlg {
    /// Every algorithm, in the default order.
    pub const ALL: [BenchAlg; 6] = [
        BenchAlg::Rs256,
        BenchAlg::Ps256,
        BenchAlg::Es256,
        BenchAlg::Es384,
        BenchAlg::EdDsa,
        BenchAlg::Hs256,
    ];

    /// The JWS algorithm of the row (the one table of names, key types and hashes).
    pub fn jws(self) -> JwsAlg {
        match self {
            BenchAlg::Rs256 => JwsAlg::Rs256,
            BenchAlg::Ps256 => JwsAlg::Ps256,
            BenchAlg::Es256 => JwsAlg::Es256,
            BenchAlg::Es384 => JwsAlg::Es384,
            BenchAlg::EdDsa => JwsAlg::EdDsa,
            BenchAlg::Hs256 => JwsAlg::Hs256,
        }
    }

    /// The JOSE `alg` name.
    pub fn as_str(self) -> &'static str {
        self.jws().as_str()
    }

    /// Whether one of our (non-test) code paths signs with this algorithm: the reference
    /// provider signs RS256, PS256, ES256 and EdDSA only.
    pub fn signed_by_us(self) -> bool {
        !matches!(self, BenchAlg::Es384 | BenchAlg::Hs256)
    }
}

impl FromStr for BenchAlg {
    type Err = BenchError;

    /// The exact JOSE name (`RS256`, `PS256`, `ES256`, `ES384`, `EdDSA`, `HS256`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BenchAlg::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| BenchError::UnknownAlg(s.to_owned()))
    }
}

impl fmt::Display for BenchAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which operation a row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Producing a compact JWS.
    Sign,
    /// Checking a compact JWS.
    Verify,
}

impl Operation {
    /// `sign` or `verify`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Sign => "sign",
            Operation::Verify => "verify",
        }
    }
}

/// What to measure and for how long.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Algorithms, in output order.
    pub algs: Vec<BenchAlg>,
    /// Measured time per side (ours, raw) of each row; the two sides alternate in slices.
    pub duration: Duration,
    /// Worker threads of the "all cores" rows (rows for 1 thread are always measured).
    pub threads: usize,
    /// Untimed warm-up per side before each row.
    pub warmup: Duration,
    /// Length of one interleaving slice.
    pub slice: Duration,
    /// Clock the rates are computed with.
    pub time_source: TimeSource,
}

impl BenchConfig {
    /// Every algorithm, `seconds` per side, `threads` workers for the multi-thread rows, a warm-up
    /// of an eighth of the duration (at most 0.25 s), slices that fill the duration (at most
    /// 0.25 s, at least four where each is 25 ms or more), the best clock available.
    pub fn new(seconds: f64, threads: usize) -> Result<BenchConfig, BenchError> {
        if !(seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0) {
            return Err(BenchError::BadDuration(seconds.to_string()));
        }
        if threads == 0 {
            return Err(BenchError::NoThreads);
        }
        let duration = Duration::from_secs_f64(seconds);
        Ok(BenchConfig {
            algs: BenchAlg::ALL.to_vec(),
            duration,
            threads,
            warmup: (duration / 8).min(MAX_WARMUP),
            slice: slice_for(duration),
            time_source: TimeSource::detect(),
        })
    }

    /// `algs` at 1 and `threads` threads in `total_seconds` of measuring in all (warm-ups
    /// included; building the keys is not): the time per side is the total shared out over
    /// every side of every row, so [`BenchConfig::estimate`] comes out at the total.
    pub fn within(total_seconds: f64, threads: usize, algs: Vec<BenchAlg>) -> Result<BenchConfig, BenchError> {
        let mut config = BenchConfig::new(total_seconds, threads)?;
        config.algs = algs;
        let sides: u32 = config.planned_rows().iter().map(|&(alg, op, _)| sides(alg, op)).sum();
        // A side is its measured duration plus its warm-up: d + min(d / 8, MAX_WARMUP).
        let per_side = config.duration / sides.max(1);
        let duration = if per_side <= MAX_WARMUP * 9 { per_side * 8 / 9 } else { per_side - MAX_WARMUP };
        config.duration = duration;
        config.warmup = (duration / 8).min(MAX_WARMUP);
        config.slice = slice_for(duration);
        Ok(config)
    }

    /// The rows [`run`] measures, in order: (algorithm, operation, threads).
    pub fn planned_rows(&self) -> Vec<(BenchAlg, Operation, usize)> {
        let mut rows = Vec::new();
        for &alg in &self.algs {
            for operation in [Operation::Sign, Operation::Verify] {
                for threads in self.thread_counts() {
                    rows.push((alg, operation, threads));
                }
            }
        }
        rows
    }

    /// The time each planned row takes (its sides' slices and warm-ups), in the order of
    /// [`BenchConfig::planned_rows`].
    pub fn row_estimates(&self) -> Vec<Duration> {
        let side = self.slice * measure::slice_count(self.duration, self.slice) + self.warmup;
        self.planned_rows().iter().map(|&(alg, op, _)| side * sides(alg, op)).collect()
    }

    /// The whole run's measuring time, the sum of [`BenchConfig::row_estimates`].
    pub fn estimate(&self) -> Duration {
        self.row_estimates().iter().sum()
    }

    /// The thread counts measured: 1, then [`BenchConfig::threads`] when it is more.
    pub fn thread_counts(&self) -> Vec<usize> {
        if self.threads > 1 {
            vec![1, self.threads]
        } else {
            vec![1]
        }
    }
}

/// The longest warm-up of a side.
const MAX_WARMUP: Duration = Duration::from_millis(250);

/// The longest interleaving slice.
const MAX_SLICE: Duration = Duration::from_millis(250);

/// The shortest slice worth cutting a side into to get a spread (thread start-up is far below).
const MIN_SLICE: Duration = Duration::from_millis(25);

/// Slices that fill `duration` exactly: at most [`MAX_SLICE`] long, and at least four of them
/// (so that a row has a spread and pairs for the median) where that leaves them
/// [`MIN_SLICE`] or longer.
fn slice_for(duration: Duration) -> Duration {
    let by_max = duration.as_nanos().div_ceil(MAX_SLICE.as_nanos());
    let by_min = (duration.as_nanos() / MIN_SLICE.as_nanos()).min(4);
    let n = by_max.max(by_min).max(1);
    duration / u32::try_from(n).unwrap_or(u32::MAX)
}

/// The measured sides of a row: ours and raw (raw alone when we do not sign with `alg`), and
/// for verify a second pair, the signature step alone.
fn sides(alg: BenchAlg, operation: Operation) -> u32 {
    match operation {
        Operation::Sign if alg.signed_by_us() => 2,
        Operation::Sign => 1,
        Operation::Verify => 4,
    }
}

/// The lowest and highest rate of a row's slices, operations per second over all threads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The slowest slice.
    pub min: f64,
    /// The fastest slice.
    pub max: f64,
}

impl Spread {
    fn of(rate: &Rate) -> Option<Spread> {
        rate.spread().map(|(min, max)| Spread { min, max })
    }
}

/// One measured line: an algorithm, an operation, a thread count, both rates.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The algorithm.
    pub alg: BenchAlg,
    /// Sign or verify.
    pub operation: Operation,
    /// Worker threads.
    pub threads: usize,
    /// Our code path's rate, operations per second over all threads; `None` when none of our
    /// code paths does this (signing ES384 or HS256).
    pub ours_per_sec: Option<f64>,
    /// The raw aws-lc-rs primitive's rate.
    pub raw_per_sec: f64,
    /// Our code path's slowest and fastest slice; `None` without an "ours" side.
    pub ours_spread: Option<Spread>,
    /// The raw primitive's slowest and fastest slice.
    pub raw_spread: Option<Spread>,
    /// The median of `ours / raw` over the pairs of slices measured back to back; `None` when
    /// there is no "ours" side.
    pub median_ratio: Option<f64>,
    /// Verify rows: the median pair ratio of ours on a token already parsed (signature step
    /// alone) to raw, measured as a second interleaved pair; `None` for sign rows.
    pub signature_step_ratio: Option<f64>,
}

impl Row {
    /// The figure judged against [`RATIO_BAR`]: the median pair ratio when measured, else
    /// `ours / raw` over the whole row; `None` without an "ours" side or a positive raw rate.
    pub fn ratio(&self) -> Option<f64> {
        self.median_ratio.or_else(|| self.ratio_of_totals())
    }

    /// How the row stands against [`RATIO_BAR`]: the whole path ([`Row::ratio`]) first; a verify
    /// row whose whole path misses it but whose signature step meets it is
    /// [`BarStanding::SignatureStep`] (HS256, where reading the token outweighs the HMAC).
    pub fn meets_bar(&self) -> BarStanding {
        match (self.ratio(), self.signature_step_ratio) {
            (None, _) => BarStanding::NotApplicable,
            (Some(r), _) if r >= RATIO_BAR => BarStanding::WholePath,
            (Some(_), Some(step)) if step >= RATIO_BAR => BarStanding::SignatureStep,
            (Some(_), _) => BarStanding::Missed,
        }
    }

    /// `ours / raw` of the row's totals, when both exist and raw is positive.
    pub fn ratio_of_totals(&self) -> Option<f64> {
        let ours = self.ours_per_sec?;
        (self.raw_per_sec > 0.0).then(|| ours / self.raw_per_sec)
    }
}

/// A row against [`RATIO_BAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarStanding {
    /// Ours (parse and verify, or sign) is at least 0.9 × raw.
    WholePath,
    /// The whole path is under the bar, the signature step alone meets it.
    SignatureStep,
    /// Under the bar.
    Missed,
    /// No code path of ours does this operation.
    NotApplicable,
}

/// Why the benchmark could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// An algorithm name the benchmark does not know.
    #[error("expected one of RS256, PS256, ES256, ES384, EdDSA, HS256 (found {0:?})")]
    UnknownAlg(String),
    /// A duration that is not a positive number of seconds (at most an hour).
    #[error("expected a duration of more than 0 and at most 3600 seconds (found {0})")]
    BadDuration(String),
    /// Zero worker threads.
    #[error("expected at least one thread (found 0)")]
    NoThreads,
    /// Key generation or token construction failed.
    #[error("expected the {alg} benchmark keys to build (found {reason})")]
    Setup {
        /// The algorithm being set up.
        alg: BenchAlg,
        /// What failed.
        reason: String,
    },
    /// An operation failed while being measured (a benchmark of failures would be meaningless).
    #[error("expected {side} {operation} for {alg} to succeed (found {reason})")]
    OperationFailed {
        /// The algorithm.
        alg: BenchAlg,
        /// Sign or verify.
        operation: &'static str,
        /// `ours` or `raw`.
        side: &'static str,
        /// The error it returned.
        reason: String,
    },
}

/// Measures every configured algorithm and operation at 1 and at `config.threads` threads,
/// calling `progress` with each row as soon as it is measured.
pub fn run(config: &BenchConfig, mut progress: impl FnMut(&Row)) -> Result<Vec<Row>, BenchError> {
    let mut rows = Vec::new();
    // Rows come grouped by algorithm: its keys are built once, when its first row starts.
    let mut current: Option<fixture::Fixture> = None;
    for (alg, operation, threads) in config.planned_rows() {
        let fixture = match current.take() {
            Some(f) if f.alg() == alg => current.insert(f),
            _ => current.insert(fixture::Fixture::new(alg)?),
        };
        let row = measure_row(config, fixture, operation, threads)?;
        progress(&row);
        rows.push(row);
    }
    Ok(rows)
}

/// One row: ours and raw interleaved (or raw alone when we have no such code path).
fn measure_row(
    config: &BenchConfig,
    fixture: &fixture::Fixture,
    operation: Operation,
    threads: usize,
) -> Result<Row, BenchError> {
    let failed = |side: &'static str| {
        move |reason: String| BenchError::OperationFailed {
            alg: fixture.alg(),
            operation: operation.as_str(),
            side,
            reason,
        }
    };
    let plan = measure::Plan {
        threads,
        duration: config.duration,
        warmup: config.warmup,
        slice: config.slice,
        source: config.time_source,
    };
    let pair = match operation {
        Operation::Sign if fixture.alg().signed_by_us() => {
            measure::paired(&plan, &|| fixture.ours_sign(), &|| fixture.raw_sign())
                .map_err(|(side, reason)| failed(side)(reason))?
        }
        Operation::Sign => {
            let raw = measure::single(&plan, &|| fixture.raw_sign()).map_err(failed("raw"))?;
            return Ok(Row {
                alg: fixture.alg(),
                operation,
                threads,
                ours_per_sec: None,
                raw_per_sec: raw.per_sec(),
                ours_spread: None,
                raw_spread: Spread::of(&raw),
                median_ratio: None,
                signature_step_ratio: None,
            });
        }
        Operation::Verify => {
            measure::paired(&plan, &|| fixture.ours_verify(), &|| fixture.raw_verify())
                .map_err(|(side, reason)| failed(side)(reason))?
        }
    };
    let signature_step_ratio = match operation {
        Operation::Verify => {
            let step = measure::paired(&plan, &|| fixture.ours_verify_signature(), &|| {
                fixture.raw_verify()
            })
            .map_err(|(side, reason)| failed(side)(reason))?;
            measure::median(&step.pair_ratios)
        }
        Operation::Sign => None,
    };
    Ok(Row {
        alg: fixture.alg(),
        operation,
        threads,
        ours_per_sec: Some(pair.ours.per_sec()),
        raw_per_sec: pair.raw.per_sec(),
        ours_spread: Spread::of(&pair.ours),
        raw_spread: Spread::of(&pair.raw),
        median_ratio: measure::median(&pair.pair_ratios),
        signature_step_ratio,
    })
}
