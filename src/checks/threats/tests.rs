//! The threat data holds together: every check id names a real check, every countermeasure
//! and threat id is in the catalog, and every observed countermeasure closes some threat.

use std::collections::HashSet;

use super::{COUNTERMEASURES, EVIDENCE, THREATS, countermeasure, evidence_of, members, threat, threats_of_check};
use crate::checks::find;

#[test]
fn every_evidence_row_names_a_real_check_once() {
    let mut seen = HashSet::new();
    for (id, cms) in EVIDENCE {
        assert!(find(id).is_some(), "{id} is not a check (see `oidc-harness checks`)");
        assert!(seen.insert(*id), "{id} is listed twice");
        assert!(!cms.is_empty(), "{id} lists no countermeasure: leave it out instead");
    }
}

#[test]
fn every_countermeasure_and_threat_id_is_in_the_catalog() {
    let cm_ids: HashSet<_> = COUNTERMEASURES.iter().map(|c| c.id).collect();
    assert_eq!(cm_ids.len(), COUNTERMEASURES.len(), "duplicate countermeasure id");
    let threat_ids: HashSet<_> = THREATS.iter().map(|t| t.id).collect();
    assert_eq!(threat_ids.len(), 38, "the catalog has 38 threats, each once");
    for (check, cms) in EVIDENCE {
        for c in *cms {
            assert!(cm_ids.contains(c), "{check} names {c}, not in the catalog");
        }
    }
    for t in THREATS {
        assert!(t.id.starts_with("T-") && !t.title.is_empty() && !t.sources.is_empty(), "{}", t.id);
        assert!(!t.instances.is_empty(), "{} has no instance", t.id);
        for i in t.instances {
            for m in members(i) {
                assert!(cm_ids.contains(m), "{} names {m}, not in the catalog", t.id);
            }
            assert!(t.instances.len() == 1 || !i.label.is_empty(), "{}: instances need labels", t.id);
        }
    }
}

#[test]
fn every_observed_countermeasure_closes_some_threat() {
    for (check, cms) in EVIDENCE {
        for c in *cms {
            assert!(
                THREATS.iter().flat_map(|t| t.instances).any(|i| members(i).contains(c)),
                "{check} observes {c}, which no threat names"
            );
        }
        assert!(!threats_of_check(check).is_empty(), "{check} addresses no threat");
    }
}

#[test]
fn lookups_find_threats_by_their_checks() {
    let ids = |check: &str| threats_of_check(check).iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(ids("code.reuse.rejected"), ["T-TOKEN-LEAK-REFERER", "T-BROWSER-HISTORY", "T-CODE-LEAK-REDEMPTION", "T-CODE-REPLAY"]);
    assert!(ids("pkce.wrong_verifier.rejected").contains(&"T-PKCE-DOWNGRADE"));
    assert!(ids("authz.iss.present").contains(&"T-MIXUP"));
    assert!(ids("token.error.code_registered").is_empty(), "a format rule addresses no threat");
    assert!(evidence_of("no.such.check").is_empty());
    assert_eq!(threat("T-MIXUP").map(|t| t.instances.len()), Some(1));
    assert_eq!(countermeasure("C-RT-ROTATION").and_then(|c| c.needs), Some(super::Feature::RefreshToken));
}
