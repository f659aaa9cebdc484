//! The two HTML reports seen in a real browser: `report.html` (rendered by
//! [`HtmlWriter`] from `reports/samples/report.json`) and `load.html` (rendered by
//! [`render_html`] from `reports/samples/load.json`) are opened in headless Chromium with the
//! network cut off (every request goes to a proxy on the discard port, where nothing listens),
//! and each must
//! - render: a 1200×900 screenshot that is a real PNG and not one flat colour;
//! - show its content: the DOM after rendering has the page's headings, and `load.html` its
//!   inline SVG charts, each with a line drawn;
//! - need nothing from outside: no `src`, stylesheet link, `@import` or `url(` to an http(s) URL;
//! - log nothing: no console message at all (the pages have no script; Chromium logs every
//!   console message and uncaught error as a `CONSOLE` line on stderr with `--enable-logging`).
//!
//! A control page (white, with a script that logs and throws) proves the blank-image and console
//! detectors fire. Chromium is found as the browser driver finds it ([`locate`]); without it
//! the tests print a loud SKIPPING line and pass (`.ci/run` installs it).
//!
//! `UPDATE_SAMPLES=1` also writes `reports/samples/report.png`, `load.png` and `load.html`.

use std::collections::HashSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use oidc_harness::browser::locate;
use oidc_harness::load::{LoadReport, render_html};
use oidc_harness::report::{HtmlWriter, ReportWriter, read_json};

/// Screenshot size (also the size of the committed sample PNGs).
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 900;

/// The repository root (the harness crate's manifest directory).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Chromium, or `None` after saying loudly that the tests are skipped.
fn chromium() -> Option<PathBuf> {
    match locate(None) {
        Ok(path) => Some(path),
        Err(e) => {
            eprintln!("\n!!! SKIPPING the report screenshot tests: {e}\n");
            None
        }
    }
}

/// A scratch directory of this test process, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oidc-harness-screenshots-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What Chromium made of one page.
struct Rendered {
    /// The screenshot.
    png: Vec<u8>,
    /// The DOM after loading (`--dump-dom`).
    dom: String,
    /// Every console message and uncaught error, one line each.
    console: Vec<String>,
}

/// Opens `page` (a file) in headless Chromium, offline, with a fresh profile under `dir`.
fn open(chromium: &Path, page: &Path, dir: &Path) -> Rendered {
    let png = dir.join(format!("{}.png", page.file_stem().unwrap().to_string_lossy()));
    let output = Command::new(chromium)
        .args(oidc_harness::browser::HEADLESS_FLAGS)
        .args([
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            // Offline: any request goes to a proxy on the discard port, where nothing listens.
            "--proxy-server=127.0.0.1:9",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .arg(format!("--user-data-dir={}", dir.join(format!("profile-{}", png.file_stem().unwrap().to_string_lossy())).display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "chromium failed on {}: {}\n{stderr}", page.display(), output.status);
    let console = stderr.lines().filter(|l| l.contains(":CONSOLE")).map(str::to_owned).collect();
    Rendered { png: std::fs::read(&png).unwrap(), dom: String::from_utf8_lossy(&output.stdout).into_owned(), console }
}

/// Width, height and the number of distinct colours of an 8-bit, non-interlaced PNG (what
/// Chromium writes: RGB or RGBA).
fn png_colours(png: &[u8]) -> (u32, u32, usize) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let (mut pos, mut idat, mut header) = (8, Vec::new(), None);
    while pos + 8 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        let (kind, data) = (&png[pos + 4..pos + 8], &png[pos + 8..pos + 8 + len]);
        match kind {
            b"IHDR" => header = Some((u32::from_be_bytes(data[0..4].try_into().unwrap()), u32::from_be_bytes(data[4..8].try_into().unwrap()), data[8], data[9], data[12])),
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        pos += 12 + len;
    }
    let (width, height, depth, colour_type, interlace) = header.expect("no IHDR chunk");
    assert_eq!((depth, interlace), (8, 0), "only 8-bit non-interlaced PNGs are decoded here");
    let bpp = match colour_type {
        2 => 3,
        6 => 4,
        other => panic!("colour type {other} not decoded here"),
    };
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..]).read_to_end(&mut raw).unwrap();
    let stride = width as usize * bpp;
    assert_eq!(raw.len(), (stride + 1) * height as usize, "image data of the wrong size");
    // Undo the per-row filters (PNG spec §9), then count colours.
    let mut prev = vec![0u8; stride];
    let mut colours = HashSet::new();
    for row in raw.chunks(stride + 1) {
        let (filter, line) = (row[0], &row[1..]);
        let mut cur = vec![0u8; stride];
        for i in 0..stride {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let (b, c) = (prev[i], if i >= bpp { prev[i - bpp] } else { 0 });
            let predictor = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                other => panic!("unknown PNG filter {other}"),
            };
            cur[i] = line[i].wrapping_add(predictor);
        }
        colours.extend(cur.chunks(bpp).map(<[u8]>::to_vec));
        prev = cur;
    }
    (width, height, colours.len())
}

/// References in `dom` to anything fetched from the network.
fn external_resources(dom: &str) -> Vec<String> {
    let lower = dom.to_ascii_lowercase();
    let patterns = ["src=\"http", "src='http", "src=http", "@import", "url(http", "url(\"http", "url('http", "<link"];
    patterns.iter().filter(|p| lower.contains(*p)).map(|p| (*p).to_owned()).collect()
}

/// The checks every report page must pass; returns the screenshot.
fn assert_renders(name: &str, r: &Rendered) -> Vec<u8> {
    assert_eq!(r.console, Vec::<String>::new(), "{name}: console messages");
    assert_eq!(external_resources(&r.dom), Vec::<String>::new(), "{name}: references to the network");
    let (w, h, colours) = png_colours(&r.png);
    assert_eq!((w, h), (WIDTH, HEIGHT), "{name}: screenshot size");
    // Text, table borders and coloured statuses or chart lines: many colours; a blank page has one.
    assert!(colours >= 16, "{name}: the screenshot has {colours} colours: nothing rendered");
    eprintln!("{name}: {} bytes of PNG, {colours} colours, {} bytes of DOM", r.png.len(), r.dom.len());
    r.png.clone()
}

/// Writes `bytes` to `reports/samples/<name>` when `UPDATE_SAMPLES=1`.
fn update_sample(name: &str, bytes: &[u8]) {
    if std::env::var_os("UPDATE_SAMPLES").is_some_and(|v| v == "1") {
        let path = root().join("reports/samples").join(name);
        std::fs::write(&path, bytes).unwrap();
        eprintln!("wrote {}", path.display());
    }
}

#[test]
fn report_html_renders_offline_without_console_messages() {
    let Some(chromium) = chromium() else { return };
    let dir = scratch("report");
    let report = read_json(&std::fs::read(root().join("reports/samples/report.json")).unwrap()).unwrap();
    let page = dir.join("report.html");
    std::fs::write(&page, HtmlWriter.render(&report).unwrap()).unwrap();
    let rendered = open(&chromium, &page, &dir);
    // The page's parts are in the rendered DOM: the title, the threats, the modules.
    for part in ["<h1", "<table", "Threats", "code-flow"] {
        assert!(rendered.dom.contains(part), "report.html: {part} missing from the rendered DOM");
    }
    let png = assert_renders("report.html", &rendered);
    update_sample("report.png", &png);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_html_renders_its_charts_offline_without_console_messages() {
    let Some(chromium) = chromium() else { return };
    let dir = scratch("load");
    let report = LoadReport::read(&root().join("reports/samples/load.json")).unwrap();
    let html = render_html(&report);
    let page = dir.join("load.html");
    std::fs::write(&page, &html).unwrap();
    let rendered = open(&chromium, &page, &dir);
    // Throughput, errors and findings, then one latency chart per step: each an inline SVG with
    // at least one line drawn.
    let charts = rendered.dom.matches("<svg").count();
    let lines = rendered.dom.matches("<polyline").count();
    assert!(charts >= 3, "load.html: {charts} charts in the rendered DOM");
    assert!(lines >= charts, "load.html: {lines} lines for {charts} charts");
    assert!(rendered.dom.contains("<h2>Summary</h2>"), "load.html: no summary tables");
    let png = assert_renders("load.html", &rendered);
    update_sample("load.png", &png);
    update_sample("load.html", html.as_bytes());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_blank_page_and_a_script_error_are_caught() {
    let Some(chromium) = chromium() else { return };
    let dir = scratch("control");
    let page = dir.join("control.html");
    let html = "<!doctype html><html><head><link rel=stylesheet href=\"https://example.com/x.css\"></head>\
                <body style=\"background:#fff\"><script>console.log('hello');throw new Error('boom')</script></body></html>";
    std::fs::write(&page, html).unwrap();
    let rendered = open(&chromium, &page, &dir);
    assert!(rendered.console.iter().any(|l| l.contains("\"hello\"")), "{:?}", rendered.console);
    assert!(rendered.console.iter().any(|l| l.contains("Uncaught Error: boom")), "{:?}", rendered.console);
    assert_eq!(external_resources(&rendered.dom), ["<link"]);
    let (w, h, colours) = png_colours(&rendered.png);
    assert_eq!((w, h, colours), (WIDTH, HEIGHT, 1));
    std::fs::remove_dir_all(&dir).unwrap();
}
