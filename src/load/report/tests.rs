//! Load reports: rates, CPU per unit, merging and rendering.

use super::*;
use crate::load::stats::LoadStats;

fn report(issuer: &str, ms: u64, flows: u64) -> LoadReport {
    let stats = LoadStats::default();
    for i in 0..flows {
        stats.step("token", 1000 + i, None);
    }
    stats.count(|c| {
        c.flows_started += flows;
        c.flows_completed += flows;
        c.token_responses += flows;
    });
    stats.tick(ms / 2);
    stats.tick(ms);
    let s = stats.snapshot();
    LoadReport {
        kind: KIND.into(),
        schema_version: LOAD_SCHEMA_VERSION,
        tool_version: "test".into(),
        scenario: "login-flow".into(),
        target: TargetSummary { name: "t".into(), issuer: issuer.into() },
        started_at: "2026-11-27T10:00:00Z".into(),
        duration_ms: ms,
        processes: 1,
        users: 4,
        counters: s.counters,
        steps: s.steps,
        errors: s.errors,
        findings: s.findings,
        series: s.series,
        thresholds_failed: vec![],
        process_cpu_ms: Some(ms / 2),
        process_system_cpu_ms: None,
        provider_in_process: false,
        incomplete: None,
    }
}

#[test]
fn merged_shards_add_up_and_rates_use_the_longest_run() {
    let merged = merge(vec![("a".into(), report("http://op", 10_000, 100)), ("b".into(), report("http://op", 8_000, 50))]).unwrap();
    assert_eq!(merged.processes, 2);
    assert_eq!(merged.users, 8);
    assert_eq!(merged.counters.flows_completed, 150);
    assert_eq!(merged.steps["token"].count, 150);
    assert!((merged.flows_per_sec() - 15.0).abs() < 1e-9);
    let text = render(&merged);
    assert!(text.contains("| login flows completed | 15.0 | 150 of 150 started |"), "{text}");
    assert!(text.contains("| token | 150 | 0 |"), "{text}");
    // CPU adds up over processes: (5000 + 4000) ms for 150 flows.
    assert_eq!(merged.process_cpu_ms, Some(9000));
    assert!(text.contains("| harness CPU per login flow | 60000 µs | 9.00 s in all |"), "{text}");
    assert!(text.contains("| harness CPU per token response | 60000 µs | 9.00 s in all |"), "{text}");
}

#[test]
fn the_kernel_share_of_cpu_is_shown_and_summed_when_every_part_knows_it() {
    let mut a = report("http://op", 10_000, 100);
    a.process_system_cpu_ms = Some(1000);
    let mut b = report("http://op", 8_000, 50);
    b.process_system_cpu_ms = Some(800);
    let merged = merge(vec![("a".into(), a.clone()), ("b".into(), b)]).unwrap();
    assert_eq!(merged.process_system_cpu_ms, Some(1800));
    // 9000 ms for 150 flows, 1800 of them in the kernel: 60000 µs per flow, 12000 kernel.
    let text = render(&merged);
    assert!(text.contains("| harness CPU per login flow | 60000 µs (kernel 12000 µs) | 9.00 s in all |"), "{text}");
    let older = report("http://op", 8_000, 50);
    let merged = merge(vec![("a".into(), a), ("old".into(), older)]).unwrap();
    assert_eq!(merged.process_system_cpu_ms, None, "a report without the split leaves the sum unknown");
    assert!(!render(&merged).contains("kernel"));
}

#[test]
fn cpu_per_unit_says_whose_cpu_it_is_and_is_left_out_when_unknown() {
    // A refresh loop: one login per user, many token responses: per token response only.
    let mut r = report("http://op", 2000, 1);
    r.counters.token_responses = 4;
    assert_eq!(r.cpu_us_per_unit(), vec![(250_000.0, "token response"), (1_000_000.0, "HTTP request")]);
    r.provider_in_process = true;
    let text = render(&r);
    assert!(text.contains("| load process CPU (harness + embedded provider) per token response | 250000 µs |"), "{text}");
    assert!(!text.contains("per login flow"), "{text}");
    r.counters.token_responses = 0;
    r.counters.flows_completed = 0;
    r.steps.clear();
    assert_eq!(r.cpu_us_per_unit(), vec![]);
    // A userinfo run: 8 logins and their 8 token responses, then userinfo calls, 100,000
    // requests in all: per HTTP request only (verifications are not requests).
    let stats = LoadStats::default();
    for step in ["authorize", "login", "token"] {
        (0..8).for_each(|_| stats.step(step, 900, None));
    }
    (0..99_976).for_each(|_| stats.step("userinfo", 300, None));
    (0..16).for_each(|_| stats.step("verify_jwt", 50, None));
    let mut userinfo = report("http://op", 20_000, 8);
    userinfo.steps = stats.snapshot().steps;
    assert_eq!(userinfo.cpu_us_per_unit(), vec![(100.0, "HTTP request")]);
    assert!(!render(&userinfo).contains("per login flow"));
    let mut unknown = report("http://op", 2000, 3);
    unknown.process_cpu_ms = None;
    assert!(unknown.cpu_us_per_unit().is_empty());
    assert!(!render(&unknown).contains("CPU"));
    let merged = merge(vec![("a".into(), report("http://op", 1, 1)), ("b".into(), unknown)]).unwrap();
    assert_eq!(merged.process_cpu_ms, None, "a sum with an unknown part is unknown");
}

#[test]
fn reports_of_different_targets_do_not_merge() {
    let err = merge(vec![("a".into(), report("http://op", 1, 1)), ("b.json".into(), report("http://other", 1, 1))]).unwrap_err();
    assert!(err.to_string().contains("b.json"), "{err}");
    assert!(matches!(merge(vec![]), Err(LoadReportError::Empty)));
}

#[test]
fn reports_round_trip_through_files_and_reject_other_json() {
    let dir = std::env::temp_dir().join(format!("oh-load-{}", std::process::id()));
    let path = dir.join("load.json");
    let r = report("http://op", 1000, 3);
    r.write(&path).unwrap();
    assert_eq!(LoadReport::read(&path).unwrap(), r);
    std::fs::write(&path, r#"{"schema_version": 1, "modules": []}"#).unwrap();
    let err = LoadReport::read(&path).unwrap_err().to_string();
    assert!(err.contains("expected an oidc-harness load report"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_html_report_is_written_beside_load_json_and_loads_nothing_from_the_network() {
    let dir = std::env::temp_dir().join(format!("oidc-harness-load-html-{}", std::process::id()));
    let mut r = report("https://op.example/<x>", 10_000, 40);
    // A step seen in the second interval only, and an error.
    let late = crate::load::series::WindowStep { count: 1, p50_ms: 0.7, p95_ms: 0.7, p99_ms: 0.7, max_ms: 0.7 };
    r.series[1].steps.insert("userinfo".into(), late);
    r.errors.insert("HTTP 500 at userinfo".into(), 1);
    let [json, md, html] = write_all(&r, &dir.join("load.json")).unwrap();
    assert_eq!(json.file_name().unwrap(), "load.json");
    assert!(md.exists());
    assert_eq!(html, dir.join("load.html"));
    let page = std::fs::read_to_string(&html).unwrap();
    // Throughput, users, errors and findings, and a latency chart per step.
    assert_eq!(page.matches("<svg ").count(), 5, "{page}");
    for part in ["Throughput", "Latency: token", "Latency: userinfo", "Errors and findings", "<polyline", "HTTP 500 at userinfo"] {
        assert!(page.contains(part), "{part} missing");
    }
    // The issuer is escaped text; nothing else names a URL, and nothing is fetched.
    assert!(page.contains("https://op.example/&lt;x&gt;"));
    let rest = page.replace("https://op.example/&lt;x&gt;", "");
    for loads in ["http://", "https://", "src=", "href=", "url(", "@import", "<script", "<link"] {
        assert!(!rest.contains(loads), "{loads} in the page");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_report_without_a_time_series_says_so_in_its_page() {
    let mut r = report("http://op", 1_000, 1);
    r.series.clear();
    let page = crate::load::render_html(&r);
    assert!(page.contains("no time series") && !page.contains("<svg"), "{page}");
}
