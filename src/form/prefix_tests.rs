//! The form-start scan: where it starts, where it gives up, and that parsing from there reads
//! exactly the forms a full parse reads, on every captured provider page and on tricky markup.

use scraper::Html;
use url::Url;

use super::forms_start;
use crate::form::parse::{forms_of, parse_forms};

/// Every captured provider page (the simple-scan tests read them too).
pub(crate) const FIXTURES: &[&str] = &[
    include_str!("fixtures/action_hash.html"),
    include_str!("fixtures/dex_consent.html"),
    include_str!("fixtures/django_login.html"),
    include_str!("fixtures/fief_consent.html"),
    include_str!("fixtures/fief_login.html"),
    include_str!("fixtures/fief_real_consent.html"),
    include_str!("fixtures/fief_real_error.html"),
    include_str!("fixtures/fief_real_login.html"),
    include_str!("fixtures/fief_real_login_rejected.html"),
    include_str!("fixtures/form_post.html"),
    include_str!("fixtures/get_form.html"),
    include_str!("fixtures/keycloak_consent.html"),
    include_str!("fixtures/no_action.html"),
    include_str!("fixtures/node913_dev_consent.html"),
    include_str!("fixtures/node913_dev_login.html"),
    include_str!("fixtures/node913_form_post.html"),
    include_str!("fixtures/node_consent.html"),
    include_str!("fixtures/node_login.html"),
    include_str!("fixtures/node_strict_consent.html"),
    include_str!("fixtures/node_strict_login.html"),
    include_str!("fixtures/node_strict_login_error.html"),
    include_str!("fixtures/two_forms.html"),
];

/// Markup before the form that a naive search for `<form` would get wrong.
const TRICKY: &[&str] = &[
    // `<form` in a comment, a script, a style, a title and attribute values.
    "<html><head><!-- <form action=/fake><input name=fake> --><title>a <form> b</title>\
     <style>p::after{content:'<form>'}</style><script>let s = \"<form action=/js>\";</script>\
     <meta name=x content=\"<form action=/meta>\"><meta name=y content='<form>'></head>\
     <body><form method=post action=/real><input name=u><button name=go value=1>Go</button></form></body></html>",
    // Several forms, a form inside a table cell, uppercase tags, text with `<` in it.
    "<!DOCTYPE html><HTML><BODY><p>1 < 2 <b>bold</b></p><TABLE><TR><TD><FORM ACTION=\"/a\">\
     <INPUT NAME=x VALUE=1></FORM></TD></TR></TABLE><form action=/b><input type=password name=p></form>",
    // Empty comments and odd end tags before the form.
    "<!--><!---><p></p ><//x></ ><?php x ?><form action=/c><input name=c></form>",
    // `<script/>` is not self-closing in HTML: the `<form>` inside is script text.
    "<script/><form action=/in-script></script><form action=/d><input name=d></form>",
    // Inline SVG icons (nested, self-closing, with a title and a comment) before the form.
    "<header><svg viewBox=\"0 0 10 10\"><title>Logo</title><!-- mark --><path d=\"M0 0L10 10\"/>\
     <g><svg><circle r=1 /></svg></g></svg><svg/></header><form action=/f><input name=f></form>",
    // A control after the form that joins it by id.
    "<div></div><form id=f action=/e></form><input form=f name=late value=1>",
];

fn page_url() -> Url {
    Url::parse("https://op.example.com/login/step?x=1").expect("page URL")
}

#[test]
fn parsing_from_the_first_form_reads_what_a_full_parse_reads() {
    let mut with_forms = 0;
    for (i, html) in FIXTURES.iter().chain(TRICKY).enumerate() {
        let full = forms_of(&Html::parse_document(html), &page_url());
        assert_eq!(parse_forms(html, &page_url()), full, "page {i}");
        with_forms += usize::from(!full.is_empty());
    }
    // Every page but Fief's error page (`<form />` only inside a script attribute).
    assert_eq!(with_forms, FIXTURES.len() + TRICKY.len() - 1);
}

#[test]
fn the_scan_skips_the_prefix_of_ordinary_pages() {
    let mut skipped = 0;
    for (i, html) in FIXTURES.iter().enumerate() {
        let Some(start) = forms_start(html) else {
            assert!(forms_of(&Html::parse_document(html), &page_url()).is_empty(), "page {i}");
            continue;
        };
        assert!(html[start..].to_ascii_lowercase().starts_with("<form"), "page {i}");
        assert!(start > 0, "page {i}");
        skipped += 1;
    }
    assert_eq!(skipped, FIXTURES.len() - 1, "every page with a form but one");
    let tricky = TRICKY[0];
    let start = forms_start(tricky).expect("start");
    assert!(tricky[start..].starts_with("<form method=post action=/real>"));
    assert_eq!(forms_start(TRICKY[3]), TRICKY[3].find("<form action=/d>"));
    assert_eq!(forms_start(TRICKY[4]), TRICKY[4].find("<form action=/f>"));
}

#[test]
fn the_scan_gives_up_where_the_prefix_could_matter() {
    for html in [
        // A base URL resolves relative actions.
        "<head><base href=\"https://elsewhere.example/\"></head><form action=x></form>",
        // A control before the form may belong to it by its `form` attribute.
        "<input form=f name=early><form id=f></form>",
        "<button form=f>Go</button><form id=f></form>",
        "<select form=f name=s></select><form id=f></form>",
        // Inert template content, foreign content, plaintext.
        "<template><form></form></template><form></form>",
        "<svg><a><form></form></a></svg><form></form>",
        "<svg><p>HTML again</p><input form=f name=early></svg><form id=f></form>",
        "<svg></p><input form=f name=early></svg><form id=f></form>",
        "<svg><![CDATA[ <form> ]]></svg><form></form>",
        "<plaintext><form></form>",
        // A comment that `--!>` ends, a script whose `<!--` opens the escaped states.
        "<!-- x --!><form action=/a></form><!-- y --><form action=/b></form>",
        "<script><!--<script></script></script><form></form>",
        // Markup the scan cannot see the end of.
        "<!-- never closed <form></form>",
        "<div title=\"never closed><form></form>",
        "<script>never closed <form></form>",
        // No form at all.
        "<p>no form here</p>",
        "",
    ] {
        assert_eq!(forms_start(html), None, "{html}");
    }
}

#[test]
fn form_is_found_only_as_a_whole_tag_name() {
    assert_eq!(forms_start("<formula>x</formula><form>"), Some(20));
    assert_eq!(forms_start("<FORM\tmethod=post>"), Some(0));
    assert_eq!(forms_start("<form/>"), Some(0));
    assert_eq!(forms_start("</form><form>"), Some(7));
}
