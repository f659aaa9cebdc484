//! Criterion: HTML form handling on the captured provider pages in `src/form/fixtures/`:
//! `parse_forms` (every form and control) and `classify` (login, consent, form_post, other),
//! which the load driver runs on every page of a login.
//!
//! Run: `cargo bench --bench form_parse`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use oidc_harness::form::{FormHints, classify, parse_forms};
use url::Url;

/// (name, page) for every fixture.
const PAGES: &[(&str, &str)] = &[
    ("fief_login", include_str!("../src/form/fixtures/fief_login.html")),
    ("fief_consent", include_str!("../src/form/fixtures/fief_consent.html")),
    ("keycloak_consent", include_str!("../src/form/fixtures/keycloak_consent.html")),
    ("dex_consent", include_str!("../src/form/fixtures/dex_consent.html")),
    ("node_login", include_str!("../src/form/fixtures/node_login.html")),
    ("node_consent", include_str!("../src/form/fixtures/node_consent.html")),
    ("django_login", include_str!("../src/form/fixtures/django_login.html")),
    ("form_post", include_str!("../src/form/fixtures/form_post.html")),
    ("two_forms", include_str!("../src/form/fixtures/two_forms.html")),
    ("get_form", include_str!("../src/form/fixtures/get_form.html")),
    ("action_hash", include_str!("../src/form/fixtures/action_hash.html")),
    ("no_action", include_str!("../src/form/fixtures/no_action.html")),
];

fn form_parse(c: &mut Criterion) {
    let url = Url::parse("https://op.example.com/login?state=abc").expect("page url");
    let hints = FormHints::default();
    let mut parse = c.benchmark_group("parse_forms");
    for (name, html) in PAGES {
        parse.bench_function(*name, |b| b.iter(|| black_box(parse_forms(black_box(html), &url))));
    }
    parse.finish();
    let mut detect = c.benchmark_group("classify");
    for (name, html) in PAGES {
        detect.bench_function(*name, |b| b.iter(|| black_box(classify(black_box(html), &url, &hints))));
    }
    detect.finish();
}

criterion_group!(benches, form_parse);
criterion_main!(benches);
