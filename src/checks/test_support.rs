//! Test helpers shared by the check catalogs: table-driven pass/fail cases and catalog hygiene.

use std::collections::BTreeSet;

use super::{Check, CheckDef, Verdict};

/// Runs one passing and one failing piece of evidence per check id and insists that the table
/// covers every check of the catalog exactly once.
pub(crate) fn run_cases<E>(catalog: &[Check<E>], cases: Vec<(&'static str, E, E)>) {
    let mut seen = BTreeSet::new();
    for (id, pass, fail) in &cases {
        assert!(seen.insert(*id), "{id}: more than one case");
        let check = catalog
            .iter()
            .find(|c| c.def.id == *id)
            .unwrap_or_else(|| panic!("{id}: no such check"));
        assert_eq!((check.run)(pass), Verdict::Pass, "{id}: expected pass");
        let v = (check.run)(fail);
        assert!(
            matches!(v, Verdict::Fail(_)),
            "{id}: expected fail (found {v:?})"
        );
    }
    let missing: Vec<&str> = catalog
        .iter()
        .map(|c| c.def.id)
        .filter(|id| !seen.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "checks without a pass/fail case: {missing:?}"
    );
}

/// Whether `id` matches `^[a-z0-9_]+(\.[a-z0-9_]+)+$`.
pub(crate) fn is_dotted_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// Ids unique and dotted, titles present, every spec tag resolving to a URL.
pub(crate) fn assert_defs_well_formed<'a>(defs: impl IntoIterator<Item = &'a CheckDef>) {
    let mut ids = BTreeSet::new();
    for d in defs {
        assert!(ids.insert(d.id), "duplicate check id {}", d.id);
        assert!(is_dotted_id(d.id), "malformed check id {}", d.id);
        assert!(!d.title.is_empty(), "{}: empty title", d.id);
        assert!(
            d.spec.url().is_some(),
            "{}: spec tag {} does not resolve",
            d.id,
            d.spec
        );
    }
}

/// [`assert_defs_well_formed`] over one catalog.
pub(crate) fn assert_catalog_well_formed<E>(catalog: &[Check<E>]) {
    assert_defs_well_formed(catalog.iter().map(|c| &c.def));
}

/// Each case's table holds exactly the checks of `all` whose id starts with the case's prefix,
/// in `all`'s order; no case's table is empty; the tables of `cases` (listed in case order)
/// make up `all`.
pub(crate) fn assert_case_tables<E: 'static, K: Copy + std::fmt::Debug>(
    all: &[Check<E>],
    cases: &[K],
    checks: fn(K) -> &'static [Check<E>],
    prefix: fn(K) -> &'static str,
) {
    let ids = |t: &[Check<E>]| t.iter().map(|c| c.def.id).collect::<Vec<_>>();
    for &k in cases {
        let by_prefix: Vec<_> = all.iter().map(|c| c.def.id).filter(|id| id.starts_with(prefix(k))).collect();
        assert_eq!(ids(checks(k)), by_prefix, "{k:?}");
        assert!(!checks(k).is_empty(), "{k:?} has no check");
    }
    let joined: Vec<_> = cases.iter().flat_map(|&k| ids(checks(k))).collect();
    assert_eq!(joined, ids(all), "the case tables in case order are the whole table");
}

#[test]
fn dotted_id_pattern() {
    assert!(is_dotted_id("disc.issuer.present"));
    assert!(is_dotted_id("a_1.b"));
    assert!(!is_dotted_id("single"));
    assert!(!is_dotted_id("Upper.case"));
    assert!(!is_dotted_id("trailing."));
    assert!(!is_dotted_id("dash-ed.id"));
}
