//! `load.html`: one self-contained page per load report — throughput, per-step latency
//! percentiles and errors/findings over time as inline SVG drawn here, then the summary tables.
//! No script, no stylesheet link, no font or image from the network: it opens offline.

use std::fmt::Write as _;

use super::report::LoadReport;
use super::series::SeriesPoint;

/// Chart size and margins, in SVG user units.
const W: f64 = 760.0;
const H: f64 = 220.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 30.0;
/// Line colours, in order (readable on white, distinct for the colour-blind in pairs).
const COLORS: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/// Escapes text for HTML content and attributes.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A number for an axis label: no decimals from 100, one from 1, two below.
fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// One line of a chart: a value per point, `None` where the interval has no sample.
struct Line {
    name: String,
    values: Vec<Option<f64>>,
}

/// A line chart of `lines` over the seconds `xs`, y from 0, with a legend.
fn chart(title: &str, unit: &str, xs: &[f64], lines: &[Line]) -> String {
    let x_max = xs.iter().copied().fold(1.0_f64, f64::max);
    let y_top = lines.iter().flat_map(|l| l.values.iter().flatten().copied()).fold(0.0_f64, f64::max);
    let y_max = if y_top > 0.0 { y_top * 1.1 } else { 1.0 };
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let px = |x: f64| LEFT + x / x_max * pw;
    let py = |y: f64| TOP + ph - y / y_max * ph;
    let mut svg = format!("<h3>{}</h3>\n<svg viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{}\">\n", esc(title), esc(title));
    for k in 0..=4 {
        let y = y_max * f64::from(k) / 4.0;
        let _ = writeln!(svg, "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" class=\"grid\"/>", W - RIGHT, py(y), py(y));
        let _ = writeln!(svg, "<text x=\"{:.1}\" y=\"{:.1}\" class=\"ylab\">{}</text>", LEFT - 6.0, py(y) + 4.0, num(y));
    }
    for k in 0..=4 {
        let x = x_max * f64::from(k) / 4.0;
        let _ = writeln!(svg, "<text x=\"{:.1}\" y=\"{:.1}\" class=\"xlab\">{:.0} s</text>", px(x), H - 10.0, x);
    }
    let _ = writeln!(svg, "<text x=\"12\" y=\"{:.1}\" class=\"unit\" transform=\"rotate(-90 12 {:.1})\">{}</text>", TOP + ph / 2.0, TOP + ph / 2.0, esc(unit));
    for (i, line) in lines.iter().enumerate() {
        let color = COLORS.get(i % COLORS.len()).copied().unwrap_or("#000");
        // A gap where an interval has no sample: one polyline per run of points.
        let mut runs: Vec<Vec<String>> = vec![Vec::new()];
        for (x, v) in xs.iter().zip(&line.values) {
            match (v, runs.last_mut()) {
                (Some(v), Some(run)) => run.push(format!("{:.1},{:.1}", px(*x), py(*v))),
                (None, Some(run)) if !run.is_empty() => runs.push(Vec::new()),
                _ => {}
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            let _ = writeln!(svg, "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\" points=\"{}\"/>", run.join(" "));
        }
        let lx = LEFT + 8.0 + 150.0 * i as f64;
        let _ = writeln!(svg, "<rect x=\"{lx:.1}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{color}\"/>");
        let _ = writeln!(svg, "<text x=\"{:.1}\" y=\"13\" class=\"legend\">{}</text>", lx + 14.0, esc(&line.name));
    }
    svg.push_str("</svg>\n");
    svg
}

/// Per-second rate of a count over each point's interval.
fn rate(series: &[SeriesPoint], count: impl Fn(&SeriesPoint) -> u64) -> Vec<Option<f64>> {
    series.iter().map(|p| Some(count(p) as f64 / (p.interval_ms.max(1) as f64 / 1000.0))).collect()
}

/// The charts of the time series (a sentence when the report has none).
fn charts(series: &[SeriesPoint]) -> String {
    if series.is_empty() {
        return "<p>This report has no time series (written by an older build).</p>\n".into();
    }
    let xs: Vec<f64> = series.iter().map(|p| p.at_ms as f64 / 1000.0).collect();
    let mut out = chart(
        "Throughput",
        "per second",
        &xs,
        &[
            Line { name: "login flows/s".into(), values: rate(series, |p| p.flows_completed) },
            Line { name: "token responses/s".into(), values: rate(series, |p| p.token_responses) },
        ],
    );
    out += &chart("Users started", "users", &xs, &[Line { name: "users".into(), values: series.iter().map(|p| Some(p.users as f64)).collect() }]);
    out += &chart(
        "Errors and findings",
        "per interval",
        &xs,
        &[
            Line { name: "errors".into(), values: series.iter().map(|p| Some(p.errors as f64)).collect() },
            Line { name: "findings".into(), values: series.iter().map(|p| Some(p.findings as f64)).collect() },
        ],
    );
    let mut steps: Vec<&String> = series.iter().flat_map(|p| p.steps.keys()).collect();
    steps.sort();
    steps.dedup();
    for step in steps {
        let pick = |f: fn(&super::series::WindowStep) -> f64| series.iter().map(|p| p.steps.get(step).map(f)).collect::<Vec<_>>();
        out += &chart(
            &format!("Latency: {step}"),
            "ms",
            &xs,
            &[
                Line { name: "p50".into(), values: pick(|w| w.p50_ms) },
                Line { name: "p95".into(), values: pick(|w| w.p95_ms) },
                Line { name: "p99".into(), values: pick(|w| w.p99_ms) },
            ],
        );
    }
    out
}

/// The summary tables (the same numbers as `summary.md`).
fn tables(r: &LoadReport) -> String {
    let c = &r.counters;
    let mut out = String::from("<h2>Summary</h2>\n<table><tr><th>rate</th><th>per second</th><th>total</th></tr>\n");
    let _ = writeln!(out, "<tr><td>login flows completed</td><td>{:.1}</td><td>{} of {} started</td></tr>", r.flows_per_sec(), c.flows_completed, c.flows_started);
    let _ = writeln!(out, "<tr><td>token responses</td><td>{:.1}</td><td>{}</td></tr>", r.tokens_per_sec(), c.token_responses);
    let _ = writeln!(out, "<tr><td>JWT verifications</td><td>{:.1}</td><td>{} ({} failed)</td></tr>", r.verifications_per_sec(), c.verifications, c.verification_failures);
    for (us, unit) in r.cpu_us_per_unit() {
        let _ = writeln!(out, "<tr><td>CPU per {unit}</td><td>{us:.0} µs</td><td></td></tr>");
    }
    out.push_str("</table>\n<table><tr><th>step</th><th>count</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n");
    for (name, s) in &r.steps {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td></tr>",
            esc(name),
            s.count,
            s.errors,
            s.p50_ms,
            s.p95_ms,
            s.p99_ms,
            s.max_ms
        );
    }
    out.push_str("</table>\n");
    if r.errors.is_empty() {
        out.push_str("<p>Errors: none.</p>\n");
    } else {
        out.push_str("<table><tr><th>error</th><th>count</th></tr>\n");
        for (k, n) in &r.errors {
            let _ = writeln!(out, "<tr><td>{}</td><td>{n}</td></tr>", esc(k));
        }
        out.push_str("</table>\n");
    }
    if r.findings.is_empty() {
        out.push_str("<p>Findings under load: none.</p>\n");
    } else {
        out.push_str("<table><tr><th>finding under load</th><th>level</th><th>count</th><th>first message</th></tr>\n");
        for (id, f) in &r.findings {
            let _ = writeln!(out, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(id), f.level.as_str(), f.count, esc(&f.example));
        }
        out.push_str("</table>\n");
    }
    if !r.thresholds_failed.is_empty() {
        let _ = writeln!(out, "<p class=\"bad\">Thresholds missed: {}</p>", esc(&r.thresholds_failed.join(", ")));
    }
    out
}

/// Inline styles (no external sheet).
const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:2em;max-width:60em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}\
td:first-child,th:first-child{text-align:left}.grid{stroke:#e4e4e4}.ylab{font-size:11px;text-anchor:end}\
.xlab{font-size:11px;text-anchor:middle}.unit,.legend{font-size:11px}.bad{color:#b00}h3{margin:1.5em 0 .2em}";

/// The whole page.
pub fn render_html(r: &LoadReport) -> String {
    let title = format!("Load: {} against {}", r.scenario, r.target.issuer);
    let mut out = format!("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n", esc(&title));
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>{} users, {} process{}, {:.1} s from {} (oidc-harness {}).</p>",
        esc(&title),
        r.users,
        r.processes,
        if r.processes == 1 { "" } else { "es" },
        r.seconds(),
        esc(&r.started_at),
        esc(&r.tool_version)
    );
    if let Some(why) = &r.incomplete {
        let _ = writeln!(out, "<p class=\"bad\">Incomplete: {}; the numbers are those of the time that ran.</p>", esc(why));
    }
    out += &charts(&r.series);
    out += &tables(r);
    out.push_str("</body></html>\n");
    out
}
