//! JSON writer: schema conformance, round trip, version checks, summary line.

use std::path::Path;

use super::fixture::{fixture, report_with};
use crate::report::{JsonWriter, ReportError, ReportWriter, read_json, summary_line};

fn schema_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("reports/schema")
        .join(name)
}

/// Validates `instance` against the committed report schema.
fn validate(instance: &serde_json::Value) -> Result<(), String> {
    validate_with("run-report.v1.json", instance)
}

/// Validates `instance` against a committed schema with `boon` (format assertions on).
pub(super) fn validate_with(schema: &str, instance: &serde_json::Value) -> Result<(), String> {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let path = schema_path(schema);
    let index = compiler
        .compile(path.to_str().expect("utf-8 path"), &mut schemas)
        .map_err(|e| format!("schema does not compile: {e:#}"))?;
    schemas
        .validate(instance, index)
        .map_err(|e| format!("{e}"))
}

fn rendered() -> serde_json::Value {
    let bytes = JsonWriter.render(&fixture()).expect("render");
    serde_json::from_slice(&bytes).expect("valid JSON")
}

#[test]
fn rendered_json_validates_against_the_schema() {
    validate(&rendered()).expect("fixture report validates");
    validate(&serde_json::to_value(serde_json::json!({})).expect("value"))
        .expect_err("an empty object must not validate");
    let empty = JsonWriter.render(&report_with(Vec::new())).expect("render");
    validate(&serde_json::from_slice(&empty).expect("json")).expect("empty report validates");
}

#[test]
fn schema_rejects_what_the_writer_never_writes() {
    let mut extra = rendered();
    extra["modules"][0]["findings"][0]["surprise"] = serde_json::json!(1);
    assert!(
        validate(&extra).is_err(),
        "additional finding property accepted"
    );
    let mut bad_status = rendered();
    bad_status["modules"][0]["status"] = serde_json::json!("exploded");
    assert!(
        validate(&bad_status).is_err(),
        "unknown module status accepted"
    );
    let mut no_totals = rendered();
    no_totals.as_object_mut().expect("object").remove("totals");
    assert!(validate(&no_totals).is_err(), "missing totals accepted");
    let mut bad_threat = rendered();
    bad_threat["threats"][0]["status"] = serde_json::json!("fine");
    assert!(validate(&bad_threat).is_err(), "unknown threat status accepted");
    let mut old = rendered();
    old.as_object_mut().expect("object").remove("threats");
    validate(&old).expect("a report written before the threat view still validates");
    let mut version = rendered();
    version["schema_version"] = serde_json::json!(2);
    assert!(validate(&version).is_err(), "schema_version 2 accepted");
}

#[test]
fn json_has_totals_and_is_pretty() {
    let bytes = JsonWriter.render(&fixture()).expect("render");
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.starts_with("{\n  \"schema_version\": 1,"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        v["totals"],
        serde_json::json!({"pass":3,"fail":1,"warn":1,"info":1,"skip":1,"accepted":0})
    );
    assert_eq!(JsonWriter.file_name(), "report.json");
    let threats = v["threats"].as_array().expect("threats");
    assert_eq!(threats.len(), 38);
    let sub = threats.iter().find(|t| t["id"] == "T-ID-TOKEN-SUBSTITUTION").expect("threat");
    assert_eq!(sub["status"], "partially_mitigated");
    let nonce = sub["countermeasures"].as_array().expect("list").iter().find(|c| c["id"] == "C-NONCE-ECHO").expect("member");
    assert_eq!(nonce["outcome"], "absent");
    assert_eq!(nonce["checks"], serde_json::json!([{"check_id": "idtoken.nonce.matches", "status": "fail", "modules": ["code-flow-basic"]}]));
}

#[test]
fn read_json_round_trips() {
    let report = fixture();
    let bytes = JsonWriter.render(&report).expect("render");
    assert_eq!(read_json(&bytes).expect("read back"), report);
}

#[test]
fn read_json_rejects_a_newer_schema_version_clearly() {
    let mut v = rendered();
    v["schema_version"] = serde_json::json!(99);
    let err = read_json(&serde_json::to_vec(&v).expect("bytes")).expect_err("version 99");
    assert!(matches!(
        err,
        ReportError::UnsupportedSchemaVersion {
            found: 99,
            supported: 1,
            ..
        }
    ));
    let msg = err.to_string();
    assert!(msg.contains("expected 1 (found 99)"), "{msg}");
    assert!(msg.contains("newer oidc-harness"), "{msg}");
}

#[test]
fn read_json_rejects_missing_or_odd_versions_and_garbage() {
    let mut v = rendered();
    v.as_object_mut().expect("object").remove("schema_version");
    let err = read_json(&serde_json::to_vec(&v).expect("bytes")).expect_err("no version");
    assert!(err.to_string().contains("(found nothing)"), "{err}");
    v["schema_version"] = serde_json::json!("1");
    let err = read_json(&serde_json::to_vec(&v).expect("bytes")).expect_err("string version");
    assert!(err.to_string().contains("(found a string)"), "{err}");
    v["schema_version"] = serde_json::json!(0);
    let err = read_json(&serde_json::to_vec(&v).expect("bytes")).expect_err("version 0");
    assert!(err.to_string().contains("older oidc-harness"), "{err}");
    assert!(matches!(
        read_json(b"not json"),
        Err(ReportError::Decode(_))
    ));
    let mut broken = rendered();
    broken["modules"][0]["status"] = serde_json::json!("exploded");
    let bytes = serde_json::to_vec(&broken).expect("bytes");
    assert!(matches!(read_json(&bytes), Err(ReportError::Decode(_))));
}

#[test]
fn summary_line_counts_modules_and_checks() {
    assert_eq!(
        summary_line(&fixture()),
        "5 modules: 0 passed, 2 failed, 1 warning, 1 skipped, 1 error (could not run) — \
         7 checks: 3 pass, 1 fail, 1 warn, 1 info, 1 skip"
    );
    assert_eq!(
        summary_line(&report_with(Vec::new())),
        "0 modules: 0 passed, 0 failed — 0 checks: 0 pass, 0 fail"
    );
}
