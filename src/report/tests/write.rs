//! Format names and the file manager.

use super::fixture::fixture;
use crate::report::{Format, ReportError, read_json, write_all};

#[test]
fn formats_parse_by_name() {
    assert_eq!("json".parse::<Format>().expect("json"), Format::Json);
    assert_eq!("junit".parse::<Format>().expect("junit"), Format::Junit);
    assert_eq!("md".parse::<Format>().expect("md"), Format::Markdown);
    assert_eq!(
        "Markdown".parse::<Format>().expect("markdown"),
        Format::Markdown
    );
    assert_eq!("html".parse::<Format>().expect("html"), Format::Html);
    let err = "pdf".parse::<Format>().expect_err("pdf");
    assert!(matches!(&err, ReportError::UnknownFormat(f) if f == "pdf"));
    assert!(err.to_string().contains("(found `pdf`)"));
    for f in Format::ALL {
        assert_eq!(f.to_string().parse::<Format>().expect("own name"), f);
    }
}

#[test]
fn write_all_creates_the_directory_and_every_file_without_temporaries() {
    let root =
        std::env::temp_dir().join(format!("oidc-harness-report-test-{}", std::process::id()));
    let dir = root.join("nested/run");
    let report = fixture();
    let formats = [
        Format::Json,
        Format::Junit,
        Format::Markdown,
        Format::Html,
        Format::Json,
    ];
    let paths = write_all(&report, &dir, &formats).expect("write");
    let names: Vec<_> = paths
        .iter()
        .map(|p| p.file_name().and_then(|n| n.to_str()).expect("name"))
        .collect();
    assert_eq!(
        names,
        ["report.json", "junit.xml", "summary.md", "report.html"]
    );
    let mut on_disk: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk,
        ["junit.xml", "report.html", "report.json", "summary.md"]
    );
    let back = read_json(&std::fs::read(dir.join("report.json")).expect("read")).expect("parse");
    assert_eq!(back, report);
    // Rewriting replaces files in place.
    assert_eq!(
        write_all(&report, &dir, &[Format::Markdown])
            .expect("again")
            .len(),
        1
    );
    std::fs::remove_dir_all(&root).expect("cleanup");
}

#[test]
fn write_all_reports_an_unusable_directory() {
    let file =
        std::env::temp_dir().join(format!("oidc-harness-report-file-{}", std::process::id()));
    std::fs::write(&file, b"not a dir").expect("setup");
    let err =
        write_all(&fixture(), &file.join("sub"), &[Format::Json]).expect_err("parent is a file");
    assert!(matches!(err, ReportError::CreateDir { .. }), "{err}");
    std::fs::remove_file(&file).expect("cleanup");
}
