//! Unit tests of the benchmark: algorithm names, configuration, fixtures (both sides really sign
//! and verify, over the same bytes), the timing loop, and both output formats.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::fixture::{Fixture, id_token_claims};
use super::measure::{self, Plan, Rate, parse_schedstat};
use super::table::group_thousands;
use super::*;

fn tiny_plan(threads: usize) -> Plan {
    Plan {
        threads,
        duration: Duration::from_millis(20),
        warmup: Duration::from_millis(2),
        slice: Duration::from_millis(10),
        source: TimeSource::Wall,
    }
}

#[test]
fn alg_names_round_trip_and_unknown_names_are_refused() {
    for alg in BenchAlg::ALL {
        assert_eq!(alg.as_str().parse::<BenchAlg>(), Ok(alg));
    }
    assert_eq!(
        "rs256".parse::<BenchAlg>(),
        Err(BenchError::UnknownAlg("rs256".into()))
    );
    assert_eq!(
        "none".parse::<BenchAlg>(),
        Err(BenchError::UnknownAlg("none".into()))
    );
    let signed: Vec<_> = BenchAlg::ALL
        .into_iter()
        .filter(|a| a.signed_by_us())
        .collect();
    assert_eq!(
        signed,
        [
            BenchAlg::Rs256,
            BenchAlg::Ps256,
            BenchAlg::Es256,
            BenchAlg::EdDsa
        ]
    );
}

#[test]
fn config_rejects_bad_durations_and_zero_threads() {
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 3601.0] {
        assert!(
            matches!(BenchConfig::new(bad, 2), Err(BenchError::BadDuration(_))),
            "{bad}"
        );
    }
    assert_eq!(BenchConfig::new(2.0, 0).err(), Some(BenchError::NoThreads));
    let config = BenchConfig::new(2.0, 4).unwrap();
    assert_eq!(config.thread_counts(), [1, 4]);
    assert_eq!(config.warmup, Duration::from_millis(250));
    assert_eq!(config.slice, Duration::from_millis(250));
    assert_eq!(BenchConfig::new(0.1, 1).unwrap().thread_counts(), [1]);
    assert_eq!(
        BenchConfig::new(0.1, 1).unwrap().slice,
        Duration::from_millis(25)
    );
}

#[test]
fn ratio_is_ours_over_raw_and_absent_without_ours() {
    let mut row = Row {
        alg: BenchAlg::Rs256,
        operation: Operation::Sign,
        threads: 1,
        ours_per_sec: Some(900.0),
        raw_per_sec: 1000.0,
        ours_spread: None,
        raw_spread: None,
        median_ratio: None,
        signature_step_ratio: None,
    };
    assert_eq!(row.ratio(), Some(0.9));
    // The median of the slice pairs, when measured, is the judged figure.
    row.median_ratio = Some(0.95);
    assert_eq!((row.ratio(), row.ratio_of_totals()), (Some(0.95), Some(0.9)));
    row.median_ratio = None;
    row.raw_per_sec = 0.0;
    assert_eq!(row.ratio(), None);
    row.ours_per_sec = None;
    row.raw_per_sec = 1000.0;
    assert_eq!(row.ratio(), None);
}

#[test]
fn median_takes_the_middle_and_ignores_non_finite_values() {
    assert_eq!(measure::median(&[]), None);
    assert_eq!(measure::median(&[0.7]), Some(0.7));
    // One disturbed pair (0.2) does not move the median of the others.
    assert_eq!(measure::median(&[0.91, 0.2, 0.93, 0.92, 0.95]), Some(0.92));
    assert_eq!(measure::median(&[1.0, 0.5, f64::NAN, 0.75, 0.25]), Some(0.625));
}

#[test]
fn schedstat_first_field_is_cpu_nanoseconds() {
    assert_eq!(
        parse_schedstat("469401901 126376 12\n"),
        Some(Duration::from_nanos(469_401_901))
    );
    assert_eq!(parse_schedstat(""), None);
    assert_eq!(parse_schedstat("abc 1 2"), None);
}

#[test]
fn rate_sums_each_workers_own_rate_and_skips_untimed_workers() {
    let rate = Rate {
        workers: vec![
            (100, Duration::from_secs(1)),
            (50, Duration::from_millis(250)),
            (7, Duration::ZERO),
        ],
        slices: vec![],
    };
    assert!((rate.per_sec() - 300.0).abs() < 1e-9);
    assert_eq!(Rate::default().per_sec(), 0.0);
}

#[test]
fn every_fixture_signs_and_verifies_on_both_sides() {
    for alg in BenchAlg::ALL {
        let f = Fixture::new(alg).unwrap();
        assert_eq!(f.raw_sign(), Ok(()), "{alg} raw sign");
        assert_eq!(f.raw_verify(), Ok(()), "{alg} raw verify");
        assert_eq!(f.ours_verify(), Ok(()), "{alg} ours verify");
        assert_eq!(f.ours_verify_signature(), Ok(()), "{alg} ours signature step");
        assert_eq!(f.ours_sign().is_ok(), alg.signed_by_us(), "{alg} ours sign");
        let header: Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(f.token().split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header["alg"], alg.as_str());
        assert_eq!(header["typ"], "JWT");
    }
}

#[test]
fn ours_and_raw_sign_the_same_bytes() {
    // The provider's encode_jws is deterministic up to the signature, so the token's signing
    // input (what raw signs) is exactly what ours signs on every call.
    let f = Fixture::new(BenchAlg::EdDsa).unwrap();
    let claims = serde_json::to_vec(&id_token_claims()).unwrap();
    let payload = f.signing_input().split('.').nth(1).unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(payload).unwrap(), claims);
    assert!(f.token().starts_with(f.signing_input()));
    assert_eq!(
        f.token().len() - f.signing_input().len(),
        1 + 86,
        "one dot and a 64-byte signature"
    );
}

#[test]
fn paired_measures_both_sides_and_names_the_failing_one() {
    let ok = || Ok(());
    let bad = || Err("broken".to_owned());
    let pair = measure::paired(&tiny_plan(2), &ok, &ok).unwrap();
    let (ours, raw) = (&pair.ours, &pair.raw);
    assert_eq!(ours.workers.len(), 2);
    assert_eq!(raw.workers.len(), 2);
    assert!(ours.per_sec() > 0.0 && raw.per_sec() > 0.0);
    // One ratio per pair of slices (tiny_plan: 2 slices per side), and each slice's rate.
    assert_eq!(pair.pair_ratios.len(), 2, "{:?}", pair.pair_ratios);
    assert_eq!((ours.slices.len(), raw.slices.len()), (2, 2));
    let (lo, hi) = ours.spread().unwrap();
    assert!(0.0 < lo && lo <= hi, "{lo} {hi}");
    assert_eq!(Rate::default().spread(), None);
    assert_eq!(
        measure::paired(&tiny_plan(1), &bad, &ok).err(),
        Some(("ours", "broken".to_owned()))
    );
    assert_eq!(
        measure::paired(&tiny_plan(1), &ok, &bad).err(),
        Some(("raw", "broken".to_owned()))
    );
    assert_eq!(
        measure::single(&tiny_plan(1), &bad).err(),
        Some("broken".to_owned())
    );
}

#[test]
fn slower_operation_measures_slower() {
    let fast = || Ok(());
    let slow = || {
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_micros(200) {}
        Ok(())
    };
    let pair = measure::paired(&tiny_plan(1), &fast, &slow).unwrap();
    let (fast, slow) = (&pair.ours, &pair.raw);
    assert!(slow.per_sec() < 5_001.0, "{}", slow.per_sec());
    assert!(fast.per_sec() > 10.0 * slow.per_sec());
    assert!(pair.pair_ratios.iter().all(|r| *r > 10.0), "{:?}", pair.pair_ratios);
}

#[test]
fn thread_cpu_time_is_detected_on_linux() {
    // This box's kernel has /proc/thread-self/schedstat; elsewhere wall time is the fallback.
    if std::path::Path::new("/proc/thread-self/schedstat").exists() {
        assert_eq!(TimeSource::detect(), TimeSource::ThreadCpu);
    } else {
        assert_eq!(TimeSource::detect(), TimeSource::Wall);
    }
}

#[test]
fn run_yields_a_row_per_alg_operation_and_thread_count() {
    let mut config = BenchConfig::new(0.01, 2).unwrap();
    config.algs = vec![BenchAlg::Hs256, BenchAlg::Es256];
    let mut seen = 0;
    let rows = run(&config, |_| seen += 1).unwrap();
    assert_eq!(seen, 8);
    let keys: Vec<_> = rows
        .iter()
        .map(|r| (r.alg, r.operation, r.threads))
        .collect();
    assert_eq!(keys[0], (BenchAlg::Hs256, Operation::Sign, 1));
    assert_eq!(keys[3], (BenchAlg::Hs256, Operation::Verify, 2));
    assert_eq!(keys[7], (BenchAlg::Es256, Operation::Verify, 2));
    assert!(rows.iter().all(|r| r.raw_per_sec > 0.0));
    assert!(
        rows.iter()
            .filter(|r| r.alg == BenchAlg::Hs256 && r.operation == Operation::Sign)
            .all(|r| r.ours_per_sec.is_none())
    );
    assert!(
        rows.iter()
            .filter(|r| r.alg == BenchAlg::Es256)
            .all(|r| r.ours_per_sec.is_some())
    );
    // Verify rows carry the signature step alone; sign rows do not.
    assert!(rows.iter().all(|r| r.signature_step_ratio.is_some()
        == (r.operation == Operation::Verify)));
}

fn sample_rows() -> Vec<Row> {
    vec![
        Row {
            alg: BenchAlg::Rs256,
            operation: Operation::Sign,
            threads: 2,
            ours_per_sec: Some(1950.4),
            raw_per_sec: 2000.0,
            ours_spread: Some(Spread { min: 1800.0, max: 2010.4 }),
            raw_spread: Some(Spread { min: 1900.0, max: 2100.0 }),
            median_ratio: Some(0.96),
            signature_step_ratio: None,
        },
        Row {
            alg: BenchAlg::Hs256,
            operation: Operation::Sign,
            threads: 1,
            ours_per_sec: None,
            raw_per_sec: 1_351_000.0,
            ours_spread: None,
            raw_spread: Some(Spread { min: 1_300_000.0, max: 1_400_000.0 }),
            median_ratio: None,
            signature_step_ratio: None,
        },
        Row {
            alg: BenchAlg::Hs256,
            operation: Operation::Verify,
            threads: 1,
            ours_per_sec: Some(200_000.0),
            raw_per_sec: 1_000_000.0,
            ours_spread: None,
            raw_spread: None,
            median_ratio: None,
            signature_step_ratio: Some(0.5),
        },
        Row {
            alg: BenchAlg::Hs256,
            operation: Operation::Verify,
            threads: 2,
            ours_per_sec: Some(400_000.0),
            raw_per_sec: 1_000_000.0,
            ours_spread: None,
            raw_spread: None,
            median_ratio: Some(0.41),
            signature_step_ratio: Some(0.95),
        },
    ]
}

#[test]
fn table_shows_rates_ratio_bar_and_notes() {
    let text = render_table(&sample_rows(), TimeSource::ThreadCpu);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("slices min–max/s"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("RS256  sign")
            && lines[1].contains("1,950")
            && lines[1].contains("1,800–2,010")
            && lines[1].contains("0.96")
            && lines[1].ends_with("yes"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("n/a")
            && lines[2].contains("1,351,000")
            && lines[2].contains("1,300,000–1,400,000")
            && lines[2].ends_with('-'),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains("0.20") && lines[3].contains("0.50") && lines[3].ends_with("NO"),
        "{}",
        lines[3]
    );
    // Under the bar on the whole path, over it on the signature step alone.
    assert!(
        lines[4].contains("0.41") && lines[4].contains("0.95") && lines[4].ends_with("sig"),
        "{}",
        lines[4]
    );
    assert!(text.contains("the bar is judged on the signature step there"));
    assert!(text.contains("thread CPU time"));
    assert!(text.contains("no code path of ours signs ES384 or HS256"));
    let without_na = render_table(&sample_rows()[..1], TimeSource::Wall);
    assert!(!without_na.contains("no code path"));
    assert!(!without_na.contains("judged on the signature step"));
    assert!(without_na.contains("wall time per worker thread"));
}

#[test]
fn json_has_the_documented_fields_with_null_for_na() {
    let json: Value = serde_json::from_str(&to_json(&sample_rows()).unwrap()).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let mut fields: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "alg",
            "bar",
            "operation",
            "ours_max_per_sec",
            "ours_min_per_sec",
            "ours_per_sec",
            "ratio",
            "ratio_of_totals",
            "raw_max_per_sec",
            "raw_min_per_sec",
            "raw_per_sec",
            "signature_step_ratio",
            "threads"
        ]
    );
    assert_eq!(rows[0]["alg"], "RS256");
    assert_eq!(rows[0]["operation"], "sign");
    assert_eq!(rows[0]["threads"], 2);
    assert_eq!(rows[0]["ours_per_sec"], 1950.4);
    assert_eq!(rows[0]["ratio"], 0.96);
    assert_eq!(rows[0]["ratio_of_totals"], 0.975);
    assert_eq!((&rows[0]["ours_min_per_sec"], &rows[0]["ours_max_per_sec"]), (&Value::from(1800.0), &Value::from(2010.4)));
    assert_eq!((&rows[1]["ours_min_per_sec"], &rows[1]["raw_min_per_sec"]), (&Value::Null, &Value::from(1_300_000.0)));
    assert_eq!(rows[1]["ours_per_sec"], Value::Null);
    assert_eq!(rows[1]["ratio"], Value::Null);
    assert_eq!(rows[1]["ratio_of_totals"], Value::Null);
    assert_eq!(rows[1]["bar"], "n/a");
    assert_eq!(rows[0]["bar"], "whole_path");
    assert_eq!(rows[0]["signature_step_ratio"], Value::Null);
    assert_eq!(rows[2]["bar"], "missed");
    assert_eq!(rows[3]["signature_step_ratio"], 0.95);
    assert_eq!(rows[3]["bar"], "signature_step");
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(group_thousands(0.4), "0");
    assert_eq!(group_thousands(999.0), "999");
    assert_eq!(group_thousands(1000.0), "1,000");
    assert_eq!(group_thousands(1_234_567.8), "1,234,568");
}

#[test]
fn within_shares_the_total_out_so_the_estimate_is_the_total() {
    for (total, algs) in [(1.0, BenchAlg::ALL.to_vec()), (10.0, BenchAlg::ALL.to_vec()), (60.0, vec![BenchAlg::Rs256]), (3.0, vec![BenchAlg::Hs256, BenchAlg::EdDsa])] {
        for threads in [1, 2] {
            let config = BenchConfig::within(total, threads, algs.clone()).unwrap();
            let estimate = config.estimate().as_secs_f64();
            assert!((estimate - total).abs() <= total * 0.01, "{total} s, {threads} thread(s), {algs:?}: estimate {estimate}");
            assert_eq!(config.row_estimates().len(), config.planned_rows().len());
            assert!(config.slice <= Duration::from_millis(250) && config.warmup <= Duration::from_millis(250));
        }
    }
    // 6 algorithms at 1 and 2 threads: 24 rows; 1 s shared out gives each side about 12 ms
    // (it was 1 s per side, 79 s in all).
    let config = BenchConfig::within(1.0, 2, BenchAlg::ALL.to_vec()).unwrap();
    assert_eq!(config.planned_rows().len(), 24);
    assert!(config.duration < Duration::from_millis(20), "{:?}", config.duration);
    assert!(matches!(BenchConfig::within(0.0, 2, vec![BenchAlg::Rs256]), Err(BenchError::BadDuration(_))));
}

#[test]
fn new_fills_the_duration_with_whole_slices() {
    // At most 250 ms, at least four slices where each is 25 ms or more, one below.
    for (seconds, slice_ms) in [(2.0, 250.0), (0.3, 75.0), (0.1, 25.0), (0.05, 25.0), (0.02, 20.0), (1.1, 220.0)] {
        let config = BenchConfig::new(seconds, 1).unwrap();
        assert!((config.slice.as_secs_f64() * 1000.0 - slice_ms).abs() < 1e-6, "{seconds}: {:?}", config.slice);
    }
}
