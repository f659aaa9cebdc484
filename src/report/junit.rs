//! The JUnit XML report (`junit.xml`): one `<testsuite>` per module, one `<testcase>` per finding.
//!
//! A failed MUST finding is a `<failure type="MUST">` — or, when the run's baseline accepts it,
//! a `<skipped message="accepted by baseline: ...">`; a skipped finding is `<skipped>`; warnings
//! (SHOULD) and notes (MAY) are `<system-out>` text so they never fail a CI test view — strict
//! gating is the exit code's job. A module the harness could not run to the end gets one extra
//! test case named [`MODULE_CHECK_ID`] with an `<error>` (the harness's, not the provider's
//! failure); so does a module skipped without findings (`<skipped>`) and, in reports written
//! before the error status existed, a module that failed without a failing finding
//! (`<failure>`). The XML is written by hand with full escaping.

use std::fmt::Write as _;

use super::escape::{Escape, escape};
use super::{MODULE_CHECK_ID, ModuleResult, ModuleStatus, ReportError, ReportWriter, RunReport};
use crate::checks::{Finding, Status};
use crate::spec::url_for;

/// Writes `junit.xml`.
#[derive(Debug, Clone, Copy, Default)]
pub struct JunitWriter;

impl ReportWriter for JunitWriter {
    fn render(&self, report: &RunReport) -> Result<Vec<u8>, ReportError> {
        Ok(render(report).into_bytes())
    }

    fn file_name(&self) -> &'static str {
        "junit.xml"
    }
}

/// Counts for one `<testsuite>` or the `<testsuites>` root.
#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of(m: &ModuleResult) -> Self {
        let mut c = Counts {
            tests: m.findings.len(),
            ..Counts::default()
        };
        for f in &m.findings {
            match f.status {
                Status::Fail if f.accepted.is_some() => c.skipped += 1,
                Status::Fail => c.failures += 1,
                Status::Skip => c.skipped += 1,
                Status::Pass | Status::Warn | Status::Info => {}
            }
        }
        if m.failed_without_finding() {
            c.tests += 1;
            c.failures += 1;
        } else if m.status == ModuleStatus::Error {
            c.tests += 1;
            c.errors += 1;
        } else if module_skipped_empty(m) {
            c.tests += 1;
            c.skipped += 1;
        }
        c
    }

    fn add(self, o: Counts) -> Self {
        Counts {
            tests: self.tests + o.tests,
            failures: self.failures + o.failures,
            errors: self.errors + o.errors,
            skipped: self.skipped + o.skipped,
        }
    }
}

/// A skipped module with no finding still shows up, as one skipped test case.
fn module_skipped_empty(m: &ModuleResult) -> bool {
    m.status == ModuleStatus::Skipped && m.findings.is_empty()
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1_000, ms % 1_000)
}

fn render(report: &RunReport) -> String {
    let total = report
        .modules
        .iter()
        .map(Counts::of)
        .fold(Counts::default(), Counts::add);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // Writing to a String cannot fail; `let _ =` keeps the library free of unwraps.
    let _ = writeln!(
        x,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">",
        esc(&format!(
            "oidc-harness {} ({})",
            report.run_name, report.plan
        )),
        total.tests,
        total.failures,
        total.errors,
        total.skipped,
        seconds(report.duration_ms),
    );
    for m in &report.modules {
        suite(&mut x, report, m);
    }
    x.push_str("</testsuites>\n");
    x
}

fn suite(x: &mut String, report: &RunReport, m: &ModuleResult) {
    let c = Counts::of(m);
    let _ = writeln!(
        x,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" timestamp=\"{}\">",
        esc(&m.id),
        c.tests,
        c.failures,
        c.errors,
        c.skipped,
        seconds(m.duration_ms),
        esc(&report.started_at),
    );
    x.push_str("    <properties>\n");
    let mut props = vec![
        ("description", m.description.as_str()),
        ("status", super::markup::module_status_word(m.status)),
        ("target", report.target.issuer.as_str()),
    ];
    if let Some(note) = &m.note {
        props.push(("note", note));
    }
    for (name, value) in props {
        let _ = writeln!(
            x,
            "      <property name=\"{name}\" value=\"{}\"/>",
            esc(value)
        );
    }
    x.push_str("    </properties>\n");
    let note = m.note.as_deref();
    if m.failed_without_finding() {
        let msg = note.unwrap_or("module did not complete");
        let _ = writeln!(
            x,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n      <failure message=\"{}\" type=\"MUST\">{}</failure>\n    </testcase>",
            esc(MODULE_CHECK_ID),
            esc(&m.id),
            seconds(m.duration_ms),
            esc(msg),
            esc_text(msg),
        );
    } else if m.status == ModuleStatus::Error {
        let msg = note.unwrap_or("the harness could not run the module to the end");
        let _ = writeln!(
            x,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n      <error message=\"{}\" type=\"could-not-run\">{}</error>\n    </testcase>",
            esc(MODULE_CHECK_ID),
            esc(&m.id),
            seconds(m.duration_ms),
            esc(msg),
            esc_text(msg),
        );
    } else if module_skipped_empty(m) {
        let _ = writeln!(
            x,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"0.000\">\n      <skipped message=\"{}\"/>\n    </testcase>",
            esc(MODULE_CHECK_ID),
            esc(&m.id),
            esc(note.unwrap_or("module skipped")),
        );
    }
    for f in &m.findings {
        case(x, &m.id, f);
    }
    x.push_str("  </testsuite>\n");
}

fn case(x: &mut String, module: &str, f: &Finding) {
    let _ = write!(
        x,
        "    <testcase name=\"{}\" classname=\"{}\" time=\"0.000\"",
        esc(&f.check_id),
        esc(module)
    );
    let message = f.message.as_deref().unwrap_or("");
    match f.status {
        Status::Pass => {
            x.push_str("/>\n");
            return;
        }
        Status::Fail if f.accepted.is_some() => {
            let reason = f.accepted.as_deref().unwrap_or_default();
            let what = if reason.is_empty() { "accepted by baseline".to_owned() } else { format!("accepted by baseline: {reason}") };
            let _ = write!(x, ">\n      <skipped message=\"{}\"/>\n      <system-out>{}</system-out>\n", esc(&what), esc_text(&details(f)));
        }
        Status::Fail => {
            let _ = write!(
                x,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                esc(message),
                f.level.as_str(),
                esc_text(&details(f)),
            );
        }
        Status::Skip => {
            let _ = write!(x, ">\n      <skipped message=\"{}\"/>\n", esc(message));
        }
        Status::Warn | Status::Info => {
            let word = if f.status == Status::Warn {
                "WARNING"
            } else {
                "INFO"
            };
            let text = format!("{word} ({}): {message}\n{}", f.level.as_str(), details(f));
            let _ = write!(x, ">\n      <system-out>{}</system-out>\n", esc_text(&text));
        }
    }
    x.push_str("    </testcase>\n");
}

/// Title, spec reference and evidence of a finding, one item per line.
fn details(f: &Finding) -> String {
    let mut s = format!("{}\nspec: {}", f.title, f.spec);
    if let Some(url) = url_for(&f.spec) {
        let _ = write!(s, " <{url}>");
    }
    if let Some(e) = &f.expected {
        let _ = write!(s, "\nexpected: {e}");
    }
    if let Some(a) = &f.actual {
        let _ = write!(s, "\nactual: {a}");
    }
    s
}

/// Escapes text for a double-quoted XML attribute. Characters XML 1.0 forbids (control
/// characters other than tab, newline, carriage return; U+FFFE, U+FFFF) are dropped; tab,
/// newline and carriage return are written as character references so the value keeps them.
fn esc(s: &str) -> String {
    escape(s, Escape::XmlAttribute)
}

/// Escapes text for XML element content: like [`esc`], but tab and newline stay literal.
fn esc_text(s: &str) -> String {
    escape(s, Escape::XmlText)
}

#[cfg(test)]
mod tests {
    use super::{esc, esc_text};

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            esc("a&b<c>\"d'\u{0}\u{1b}e\u{FFFF}"),
            "a&amp;b&lt;c&gt;&quot;d&apos;e"
        );
        assert_eq!(esc("l1\nl2\tx\r"), "l1&#10;l2&#9;x&#13;");
        assert_eq!(esc_text("l1\nl2\tx\r<"), "l1\nl2\tx&#13;&lt;");
    }
}
