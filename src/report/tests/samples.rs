//! The committed samples in `reports/samples/` are the fixture rendered by this build.
//! Regenerate with `UPDATE_SAMPLES=1 cargo test -p oidc-harness --lib report::tests::samples`.

use std::path::Path;

use super::fixture::fixture;
use crate::report::{Baseline, Format};

#[test]
fn committed_samples_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/samples");
    let report = fixture();
    let mut expected: Vec<(&str, Vec<u8>)> = Format::ALL
        .iter()
        .map(|f| {
            let w = f.writer();
            (w.file_name(), w.render(&report).expect("render"))
        })
        .collect();
    expected.push((
        "baseline.json",
        Baseline::from_report(&report).to_json().expect("baseline"),
    ));
    let update = std::env::var_os("UPDATE_SAMPLES").is_some();
    let mut stale = Vec::new();
    for (name, bytes) in expected {
        let path = dir.join(name);
        if update {
            std::fs::create_dir_all(&dir).expect("samples dir");
            std::fs::write(&path, &bytes).expect("write sample");
        } else if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "reports/samples is out of date ({stale:?}); regenerate with \
         UPDATE_SAMPLES=1 cargo test -p oidc-harness --lib report::tests::samples"
    );
}
