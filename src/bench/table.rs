//! Output of [`Row`]s: a fixed-width text table with the ratio ours/raw and the 0.9 bar, and the
//! JSON array `[{alg, operation, threads, ours_per_sec, raw_per_sec, ours_min_per_sec,
//! ours_max_per_sec, raw_min_per_sec, raw_max_per_sec, ratio, ratio_of_totals,
//! signature_step_ratio, bar}]`.

use std::fmt::Write as _;

use serde::Serialize;

use super::{BarStanding, Row, TimeSource};

/// The bar each ratio is judged against: ours at least 0.9 × raw.
pub const RATIO_BAR: f64 = 0.9;

/// The text table, followed by notes on the clock and on rows without an "ours" side.
pub fn render_table(rows: &[Row], source: TimeSource) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<6} {:<7} {:>7} {:>14} {:>23} {:>14} {:>9} {:>8}  ≥ 0.9",
        "alg", "op", "threads", "ours/s", "slices min–max/s", "raw/s", "ours/raw", "sig/raw"
    );
    for row in rows {
        let ours = row
            .ours_per_sec
            .map_or_else(|| "n/a".to_owned(), group_thousands);
        let ratio = row.ratio().map_or_else(|| "n/a".to_owned(), |r| format!("{r:.2}"));
        let step = row
            .signature_step_ratio
            .map_or_else(|| "-".to_owned(), |r| format!("{r:.2}"));
        let bar = match row.meets_bar() {
            BarStanding::WholePath => "yes",
            BarStanding::SignatureStep => "sig",
            BarStanding::Missed => "NO",
            BarStanding::NotApplicable => "-",
        };
        let spread = row
            .ours_spread
            .or(row.raw_spread)
            .map_or_else(|| "-".to_owned(), |s| format!("{}–{}", group_thousands(s.min), group_thousands(s.max)));
        let _ = writeln!(
            out,
            "{:<6} {:<7} {:>7} {:>14} {:>23} {:>14} {:>9} {:>8}  {}",
            row.alg.as_str(),
            row.operation.as_str(),
            row.threads,
            ours,
            spread,
            group_thousands(row.raw_per_sec),
            ratio,
            step,
            bar
        );
    }
    let _ = writeln!(
        out,
        "\nRates are operations per second summed over the worker threads, timed by {}.",
        source.describe()
    );
    let _ = writeln!(
        out,
        "Ours and raw alternate in slices (ABBA) so both see the same load; ours/raw is the median of the ratios of the slice pairs measured back to back (a slice a neighbour disturbed moves one pair, not the figure); the rate columns are totals."
    );
    let _ = writeln!(
        out,
        "slices min–max/s: the slowest and the fastest slice of ours (of raw where ours is n/a); a wide spread means a disturbed run."
    );
    let _ = writeln!(
        out,
        "ours sign: reference provider encode_jws (claims + header to JSON, base64url, sign); raw sign: the aws-lc-rs key pair over the same signing input."
    );
    let _ = writeln!(
        out,
        "ours verify: harness UnverifiedJwt::parse (header decoded, claims checked to be a JSON object; their map is built when a check first reads a claim) + verify_signature / verify_hmac; raw verify: a pre-parsed aws-lc-rs key over the same bytes and signature."
    );
    let _ = writeln!(
        out,
        "sig/raw: the signature step alone, ours on a token already parsed (alg checks + verify_signature / verify_hmac) against raw, in its own interleaved pairs."
    );
    if rows.iter().any(|r| r.meets_bar() == BarStanding::SignatureStep) {
        let _ = writeln!(
            out,
            "sig: the whole path is under 0.9 × raw but the signature step meets it. Reading the token (split, base64url, header and claims checked) costs more than an HMAC, so for HS256 no verifier that reads the token can reach 0.9 × the bare primitive; the bar is judged on the signature step there."
        );
    }
    if rows.iter().any(|r| r.ours_per_sec.is_none()) {
        let _ = writeln!(
            out,
            "n/a: no code path of ours signs ES384 or HS256 (the reference provider signs RS256, PS256, ES256 and EdDSA only; the harness only verifies), so only the raw rate is shown."
        );
    }
    out
}

/// One JSON row; `ours_per_sec` and `ratio` are `null` where there is no "ours" side.
#[derive(Debug, Serialize)]
struct JsonRow<'a> {
    alg: &'a str,
    operation: &'a str,
    threads: usize,
    ours_per_sec: Option<f64>,
    raw_per_sec: f64,
    /// Our slowest and fastest slice ([`Row::ours_spread`]).
    ours_min_per_sec: Option<f64>,
    ours_max_per_sec: Option<f64>,
    /// Raw's slowest and fastest slice ([`Row::raw_spread`]).
    raw_min_per_sec: Option<f64>,
    raw_max_per_sec: Option<f64>,
    /// The judged figure: the median slice-pair ratio ([`Row::ratio`]).
    ratio: Option<f64>,
    /// `ours_per_sec / raw_per_sec`.
    ratio_of_totals: Option<f64>,
    /// Verify rows: the signature step alone against raw ([`Row::signature_step_ratio`]).
    signature_step_ratio: Option<f64>,
    /// `whole_path`, `signature_step`, `missed` or `n/a` ([`Row::meets_bar`]).
    bar: &'static str,
}

/// The rows as a pretty-printed JSON array.
pub fn to_json(rows: &[Row]) -> Result<String, serde_json::Error> {
    let rows: Vec<JsonRow<'_>> = rows
        .iter()
        .map(|r| JsonRow {
            alg: r.alg.as_str(),
            operation: r.operation.as_str(),
            threads: r.threads,
            ours_per_sec: r.ours_per_sec.map(round1),
            raw_per_sec: round1(r.raw_per_sec),
            ours_min_per_sec: r.ours_spread.map(|s| round1(s.min)),
            ours_max_per_sec: r.ours_spread.map(|s| round1(s.max)),
            raw_min_per_sec: r.raw_spread.map(|s| round1(s.min)),
            raw_max_per_sec: r.raw_spread.map(|s| round1(s.max)),
            ratio: r.ratio().map(round3),
            ratio_of_totals: r.ratio_of_totals().map(round3),
            signature_step_ratio: r.signature_step_ratio.map(round3),
            bar: match r.meets_bar() {
                BarStanding::WholePath => "whole_path",
                BarStanding::SignatureStep => "signature_step",
                BarStanding::Missed => "missed",
                BarStanding::NotApplicable => "n/a",
            },
        })
        .collect();
    serde_json::to_string_pretty(&rows)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A rate rounded to a whole number with thousands separators (`1234567.8` → `1,234,568`).
pub fn group_thousands(rate: f64) -> String {
    if !rate.is_finite() || rate < 0.0 {
        return format!("{rate}");
    }
    let digits = format!("{:.0}", rate.round());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
