//! The timing loop: `std::thread` workers run one operation until a wall-clock slice ends and
//! count operations; each worker times itself with the [`TimeSource`].
//!
//! Thread CPU time is read from `/proc/thread-self/schedstat` (its first field is the thread's
//! on-CPU nanoseconds; libc, and so `CLOCK_THREAD_CPUTIME_ID`, is not a dependency). A
//! `sched_yield` ([`std::thread::yield_now`]) before each read makes the kernel account the
//! running slice first. Where the file is missing, each worker's wall time is used instead, so
//! on a busy machine preemption then counts against the rate.
//!
//! [`paired`] alternates ours and raw in slices (ABBA order), so both sides see the same load,
//! and keeps the ratio of each pair of slices: their [`median`] is the figure a noisy neighbour
//! moves least.

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

/// The operation under test; `Err` carries the operation's error text.
pub(crate) type Op<'a> = &'a (dyn Fn() -> Result<(), String> + Sync);

/// How each worker thread times itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// The thread's CPU time (`/proc/thread-self/schedstat`).
    ThreadCpu,
    /// The thread's elapsed wall time.
    Wall,
}

impl TimeSource {
    /// [`TimeSource::ThreadCpu`] when the kernel reports a thread's CPU time that advances
    /// while it spins, else [`TimeSource::Wall`].
    pub fn detect() -> TimeSource {
        let Some(before) = thread_cpu_time() else {
            return TimeSource::Wall;
        };
        let start = Instant::now();
        let mut spin = 0u64;
        while start.elapsed() < Duration::from_millis(3) {
            spin = black_box(spin.wrapping_add(1));
        }
        match thread_cpu_time() {
            Some(after) if after > before => TimeSource::ThreadCpu,
            _ => TimeSource::Wall,
        }
    }

    /// A short description for output.
    pub fn describe(self) -> &'static str {
        match self {
            TimeSource::ThreadCpu => "thread CPU time (/proc/thread-self/schedstat)",
            TimeSource::Wall => "wall time per worker thread (thread CPU time unavailable)",
        }
    }

    /// A reading for the calling thread: CPU time, or wall time since `origin`.
    fn read(self, origin: Instant) -> Duration {
        match self {
            TimeSource::ThreadCpu => thread_cpu_time().unwrap_or_else(|| origin.elapsed()),
            TimeSource::Wall => origin.elapsed(),
        }
    }
}

/// The calling thread's CPU time so far, from `/proc/thread-self/schedstat`.
fn thread_cpu_time() -> Option<Duration> {
    thread::yield_now();
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    parse_schedstat(&text)
}

/// The first field of a schedstat line (`run_ns wait_ns slices`) as a duration.
pub(crate) fn parse_schedstat(text: &str) -> Option<Duration> {
    let ns = text.split_ascii_whitespace().next()?.parse::<u64>().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Operations counted by each worker and the time each worker measured, summed over slices,
/// and the rate of each slice.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rate {
    /// Per worker: (operations, measured time).
    pub workers: Vec<(u64, Duration)>,
    /// Per slice, in order: operations per second over all workers.
    pub slices: Vec<f64>,
}

impl Rate {
    /// Operations per second over all workers: the sum of each worker's own rate (so a worker
    /// that was descheduled does not drag the others down under CPU-time measurement).
    pub fn per_sec(&self) -> f64 {
        rate_of(&self.workers)
    }

    /// The lowest and highest slice rate; `None` before any slice.
    pub fn spread(&self) -> Option<(f64, f64)> {
        let mut rates = self.slices.iter().copied().filter(|r| r.is_finite());
        let first = rates.next()?;
        Some(rates.fold((first, first), |(lo, hi), r| (lo.min(r), hi.max(r))))
    }

    /// Adds another measurement (of one slice) to this one.
    fn merge(&mut self, other: Rate) {
        self.add(other.workers);
    }

    /// Adds one slice's per-worker counts.
    fn add(&mut self, slice: Vec<(u64, Duration)>) {
        self.slices.push(rate_of(&slice));
        if self.workers.len() < slice.len() {
            self.workers.resize(slice.len(), (0, Duration::ZERO));
        }
        for (total, (ops, t)) in self.workers.iter_mut().zip(slice) {
            total.0 += ops;
            total.1 += t;
        }
    }
}

/// How to measure one row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) threads: usize,
    /// Measured wall time per side.
    pub(crate) duration: Duration,
    pub(crate) warmup: Duration,
    pub(crate) slice: Duration,
    pub(crate) source: TimeSource,
}

impl Plan {
    /// Number of slices per side (at least one).
    pub(crate) fn slices(&self) -> u32 {
        slice_count(self.duration, self.slice)
    }
}

/// The sum of each worker's own rate (workers that measured no time left out).
fn rate_of(workers: &[(u64, Duration)]) -> f64 {
    workers
        .iter()
        .filter(|(_, t)| !t.is_zero())
        .map(|(ops, t)| *ops as f64 / t.as_secs_f64())
        .sum()
}

/// How many slices of `slice` fill `duration` (at least one).
pub(crate) fn slice_count(duration: Duration, slice: Duration) -> u32 {
    if slice.is_zero() {
        return 1;
    }
    let n = duration.as_secs_f64() / slice.as_secs_f64();
    (n.round() as u32).max(1)
}

/// Both sides of a paired measurement.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Paired {
    /// Our code path, summed over slices.
    pub(crate) ours: Rate,
    /// The raw primitive, summed over slices.
    pub(crate) raw: Rate,
    /// `ours / raw` of each pair of slices measured back to back.
    pub(crate) pair_ratios: Vec<f64>,
}

/// Measures `ours` and `raw` alternately, slice by slice (ours, raw, raw, ours, ...), after a
/// warm-up of each. An operation error stops the measurement: `Err((side, error))`.
pub(crate) fn paired(plan: &Plan, ours: Op<'_>, raw: Op<'_>) -> Result<Paired, (&'static str, String)> {
    run_slice(1, plan.warmup, plan.source, ours).map_err(|e| ("ours", e))?;
    run_slice(1, plan.warmup, plan.source, raw).map_err(|e| ("raw", e))?;
    let mut out = Paired::default();
    for i in 0..plan.slices() {
        let order = if i % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        let (mut ours_slice, mut raw_slice) = (Rate::default(), Rate::default());
        for is_ours in order {
            if is_ours {
                ours_slice.add(run_slice(plan.threads, plan.slice, plan.source, ours).map_err(|e| ("ours", e))?);
            } else {
                raw_slice.add(run_slice(plan.threads, plan.slice, plan.source, raw).map_err(|e| ("raw", e))?);
            }
        }
        if raw_slice.per_sec() > 0.0 {
            out.pair_ratios.push(ours_slice.per_sec() / raw_slice.per_sec());
        }
        out.ours.merge(ours_slice);
        out.raw.merge(raw_slice);
    }
    Ok(out)
}

/// The median of `values` (the mean of the middle two for an even count); `None` when empty.
pub(crate) fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => v.get(n / 2).copied(),
        _ => Some((v.get(n / 2 - 1)? + v.get(n / 2)?) / 2.0),
    }
}

/// Measures one operation alone, after a warm-up.
pub(crate) fn single(plan: &Plan, op: Op<'_>) -> Result<Rate, String> {
    run_slice(1, plan.warmup, plan.source, op)?;
    let mut rate = Rate::default();
    for _ in 0..plan.slices() {
        rate.add(run_slice(plan.threads, plan.slice, plan.source, op)?);
    }
    Ok(rate)
}

/// Runs `op` on `threads` workers for `length` of wall time; per worker (operations, time).
fn run_slice(
    threads: usize,
    length: Duration,
    source: TimeSource,
    op: Op<'_>,
) -> Result<Vec<(u64, Duration)>, String> {
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(move || worker(length, source, op)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err("a worker thread panicked".to_owned()))
            })
            .collect()
    })
}

/// Calls `op` in batches until `length` of wall time has passed. Batches double while one takes
/// under 0.5 ms, so the clock is read rarely for fast operations and often for slow ones.
fn worker(length: Duration, source: TimeSource, op: Op<'_>) -> Result<(u64, Duration), String> {
    let origin = Instant::now();
    let start = source.read(origin);
    let mut ops = 0u64;
    let mut batch = 1u64;
    loop {
        let batch_start = Instant::now();
        for _ in 0..batch {
            op()?;
        }
        ops += batch;
        let now = Instant::now();
        if now.duration_since(origin) >= length {
            break;
        }
        if now.duration_since(batch_start) < Duration::from_micros(500) && batch < 1 << 16 {
            batch *= 2;
        }
    }
    let end = source.read(origin);
    Ok((ops, end.saturating_sub(start)))
}
