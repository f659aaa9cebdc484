//! The threat view of a run: which threats of the catalog ([`crate::checks::threats`]) this
//! provider leaves unmitigated, partially mitigated or untested (pure; no I/O).
//!
//! The rule is threat-model.md §2. A countermeasure's outcome comes from the findings of the
//! checks that observe it: n/a when the feature it needs is known to be off; *no check* when the
//! harness has none; *not run* when none of its checks ran (skipped, errored, absent); *absent*
//! when a MUST check failed or every check that ran failed; *partial* when only a SHOULD or MAY
//! check failed beside passing ones; else *present*. An instance is mitigated when one of its
//! sets is complete (every member present or n/a, one present), partially mitigated when any
//! set or partial-only member is present or partial, not tested when some set has no absent
//! member, else unmitigated; a threat takes its worst relevant instance. A feature is on when a
//! check that needs it ran, off when a module or finding was skipped with a reason saying so,
//! else unknown: an instance whose feature is unknown is "not tested" (nothing says the threat
//! exists, nothing says it does not).

use serde::Serialize;

use super::RunReport;
use crate::checks::threats::{Feature, Instance, THREATS, Threat, checks_for, countermeasure, members};
use crate::checks::{Level, Status};

/// How far a threat is mitigated for this provider, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mitigation {
    /// A relevant instance has no countermeasure present (or none exists server-side).
    Unmitigated,
    /// Some countermeasure is present, but no mitigation set is complete.
    PartiallyMitigated,
    /// Nothing is known: the checks that would tell did not run.
    NotTested,
    /// A complete mitigation set was observed.
    Mitigated,
    /// The feature the threat depends on is not offered.
    NotApplicable,
}

impl Mitigation {
    /// The words shown in reports.
    pub fn label(self) -> &'static str {
        match self {
            Mitigation::Unmitigated => "unmitigated",
            Mitigation::PartiallyMitigated => "partially mitigated",
            Mitigation::NotTested => "not tested",
            Mitigation::Mitigated => "mitigated",
            Mitigation::NotApplicable => "not applicable",
        }
    }

    /// Whether the report opens with this class (unmitigated, partial, not tested).
    pub fn is_open(self) -> bool {
        self < Mitigation::Mitigated
    }
}

/// What the checks say of one countermeasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check that observes it and ran passed.
    Present,
    /// Only a SHOULD or MAY check failed, beside passing ones.
    Partial,
    /// A MUST check failed, or every check that ran failed.
    Absent,
    /// The feature it needs is not offered.
    NotApplicable,
    /// None of its checks ran in this run.
    NotRun,
    /// The harness has no check that observes it.
    NoCheck,
}

impl Outcome {
    /// The words shown in reports.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Present => "present",
            Outcome::Partial => "partial",
            Outcome::Absent => "absent",
            Outcome::NotApplicable => "n/a",
            Outcome::NotRun => "not run",
            Outcome::NoCheck => "no check",
        }
    }
}

/// One check's result over the whole run: its worst status and the modules that judged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// Check id.
    pub check_id: String,
    /// Worst status over its findings (fail, warn, info, pass, then skip).
    pub status: Status,
    /// Modules with a finding of this check, in run order.
    pub modules: Vec<String>,
}

/// One countermeasure of a threat, with the checks behind its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountermeasureStatus {
    /// Catalog id, e.g. `C-CODE-SINGLE-USE`.
    pub id: &'static str,
    /// The observable behaviour.
    pub behaviour: &'static str,
    /// What the checks say.
    pub outcome: Outcome,
    /// The checks that observe it and have a finding in this run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckResult>,
}

/// One threat's verdict for this provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreatStatus {
    /// Catalog id, e.g. `T-CODE-REPLAY`.
    pub id: &'static str,
    /// The attack in a few words.
    pub title: &'static str,
    /// Where the threat is described.
    pub sources: &'static str,
    /// The verdict.
    pub status: Mitigation,
    /// The countermeasures of its relevant instances (none when not applicable).
    pub countermeasures: Vec<CountermeasureStatus>,
}

impl ThreatStatus {
    /// Countermeasures named by the verdict's relevant instances that no check could judge.
    pub fn untested(&self) -> impl Iterator<Item = &CountermeasureStatus> {
        self.countermeasures.iter().filter(|c| matches!(c.outcome, Outcome::NotRun | Outcome::NoCheck))
    }

    /// Countermeasures found absent or partial.
    pub fn missing(&self) -> impl Iterator<Item = &CountermeasureStatus> {
        self.countermeasures.iter().filter(|c| matches!(c.outcome, Outcome::Absent | Outcome::Partial))
    }
}

/// Every threat of the catalog classified for `report`, worst first (catalog order within a
/// class).
pub fn threat_report(report: &RunReport) -> Vec<ThreatStatus> {
    let mut out: Vec<ThreatStatus> = THREATS.iter().map(|t| classify(report, t)).collect();
    out.sort_by_key(|t| t.status);
    out
}

fn classify(report: &RunReport, threat: &Threat) -> ThreatStatus {
    let mut status: Option<Mitigation> = None;
    let mut countermeasures: Vec<CountermeasureStatus> = Vec::new();
    for instance in threat.instances {
        let relevance = relevance(report, instance.relevant_if);
        if relevance == Known::Off {
            continue;
        }
        let outcomes: Vec<CountermeasureStatus> = members(instance).into_iter().map(|cm| judge(report, cm)).collect();
        // Whether the threat exists at all is unknown until its feature is seen: not tested.
        let class = match relevance {
            Known::Unknown => Mitigation::NotTested,
            _ => classify_instance(instance, relevance, &|id| outcome_in(&outcomes, id)),
        };
        // Worst first: a not-applicable instance (largest) never hides a relevant one.
        status = Some(status.map_or(class, |s| s.min(class)));
        if class == Mitigation::NotApplicable {
            continue;
        }
        for c in outcomes {
            if !countermeasures.iter().any(|k| k.id == c.id) {
                countermeasures.push(c);
            }
        }
    }
    ThreatStatus {
        id: threat.id,
        title: threat.title,
        sources: threat.sources,
        status: status.unwrap_or(Mitigation::NotApplicable),
        countermeasures,
    }
}

fn outcome_in(list: &[CountermeasureStatus], id: &str) -> Outcome {
    list.iter().find(|c| c.id == id).map_or(Outcome::NoCheck, |c| c.outcome)
}

/// threat-model.md §2, step 3, for one instance whose feature is on.
pub(super) fn classify_instance(instance: &Instance, relevance: Known, outcome: &dyn Fn(&str) -> Outcome) -> Mitigation {
    if instance.sets.is_empty() {
        // No server-side countermeasure: open whenever the feature is on.
        return if relevance == Known::On { Mitigation::Unmitigated } else { Mitigation::NotTested };
    }
    if instance.sets.iter().flat_map(|s| s.iter()).all(|m| outcome(m) == Outcome::NotApplicable) {
        return Mitigation::NotApplicable;
    }
    let complete = |set: &&[&str]| {
        set.iter().all(|m| matches!(outcome(m), Outcome::Present | Outcome::NotApplicable))
            && set.iter().any(|m| outcome(m) == Outcome::Present)
    };
    if instance.sets.iter().any(complete) {
        return Mitigation::Mitigated;
    }
    let some_present = instance
        .sets
        .iter()
        .flat_map(|s| s.iter())
        .chain(instance.partial_only)
        .any(|m| matches!(outcome(m), Outcome::Present | Outcome::Partial));
    if some_present {
        Mitigation::PartiallyMitigated
    } else if instance.sets.iter().any(|s| s.iter().all(|m| outcome(m) != Outcome::Absent)) {
        Mitigation::NotTested
    } else {
        Mitigation::Unmitigated
    }
}

/// What a countermeasure's checks say in this run.
fn judge(report: &RunReport, cm: &'static str) -> CountermeasureStatus {
    let behaviour = countermeasure(cm).map_or("", |c| c.behaviour);
    let needs = countermeasure(cm).and_then(|c| c.needs);
    let checks: Vec<CheckResult> = checks_for(cm).filter_map(|id| check_result(report, id)).collect();
    let outcome = if needs.is_some_and(|f| feature(report, f) == Known::Off) {
        Outcome::NotApplicable
    } else if checks_for(cm).next().is_none() {
        Outcome::NoCheck
    } else {
        outcome_of(report, &checks)
    };
    CountermeasureStatus { id: cm, behaviour, outcome, checks }
}

fn outcome_of(report: &RunReport, checks: &[CheckResult]) -> Outcome {
    let ran: Vec<&CheckResult> = checks.iter().filter(|c| c.status != Status::Skip).collect();
    let failed = |c: &&CheckResult| matches!(c.status, Status::Fail | Status::Warn | Status::Info);
    if ran.is_empty() {
        Outcome::NotRun
    } else if ran.iter().all(failed) || ran.iter().any(|c| failed(c) && level_of(report, &c.check_id) == Level::Must) {
        Outcome::Absent
    } else if ran.iter().any(failed) {
        Outcome::Partial
    } else {
        Outcome::Present
    }
}

fn level_of(report: &RunReport, check_id: &str) -> Level {
    report.modules.iter().flat_map(|m| &m.findings).find(|f| f.check_id == check_id).map_or(Level::Must, |f| f.level)
}

/// The check's worst status over the run, or `None` when no module has a finding of it.
fn check_result(report: &RunReport, check_id: &str) -> Option<CheckResult> {
    let mut result: Option<CheckResult> = None;
    for m in &report.modules {
        for f in m.findings.iter().filter(|f| f.check_id == check_id) {
            let r = result.get_or_insert_with(|| CheckResult { check_id: check_id.to_owned(), status: f.status, modules: Vec::new() });
            if severity(f.status) > severity(r.status) {
                r.status = f.status;
            }
            if !r.modules.contains(&m.id) {
                r.modules.push(m.id.clone());
            }
        }
    }
    result
}

/// Order of badness of a finding status: skip < pass < info < warn < fail.
fn severity(s: Status) -> u8 {
    match s {
        Status::Skip => 0,
        Status::Pass => 1,
        Status::Info => 2,
        Status::Warn => 3,
        Status::Fail => 4,
    }
}

/// Whether a feature is offered, as far as the run shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Known {
    /// Offered (or assumed: the harness always drives it).
    On,
    /// Known not to be offered.
    Off,
    /// The run does not say.
    Unknown,
}

fn relevance(report: &RunReport, relevant_if: &[Feature]) -> Known {
    if relevant_if.is_empty() {
        return Known::On;
    }
    let states: Vec<Known> = relevant_if.iter().map(|f| feature(report, *f)).collect();
    if states.contains(&Known::Off) {
        Known::Off
    } else if states.iter().all(|s| *s == Known::On) {
        Known::On
    } else {
        Known::Unknown
    }
}

/// For features the run can show: check ids (prefixes) that need the feature, and the skip
/// reasons (as the conformance modules word them) that say it is not offered.
const SIGNS: &[(Feature, &[&str], &[&str])] = &[
    (Feature::Pkce, &["pkce."], &[]),
    (Feature::RefreshToken, &["refresh.", "race.refresh.", "idtoken.refresh."], &["issues no refresh tokens", "does not list refresh_token", "no login returned a refresh token"]),
    (Feature::PublicClient, &["pkce.public_client."], &["has no public client"]),
    (Feature::Revocation, &["revocation."], &["no revocation_endpoint"]),
    (Feature::MultiTenant, &["tenant."], &["lists no such tenant"]),
];

/// Whether `f` is on for this run: the code flow, ID tokens, UserInfo and the login pages are
/// what the harness drives, so they are on; the features in [`SIGNS`] are judged from the run;
/// the rest (implicit, password grant, registration, PAR/JAR, web_message) are not probed.
pub(super) fn feature(report: &RunReport, f: Feature) -> Known {
    match f {
        Feature::Front | Feature::Code | Feature::Oidc | Feature::AccessToken | Feature::Interactive => return Known::On,
        _ => {}
    }
    let Some((_, prefixes, off)) = SIGNS.iter().find(|(g, _, _)| *g == f) else {
        return Known::Unknown;
    };
    let findings = report.modules.iter().flat_map(|m| &m.findings);
    if findings.clone().any(|x| x.status != Status::Skip && prefixes.iter().any(|p| x.check_id.starts_with(p))) {
        return Known::On;
    }
    let notes = report.modules.iter().filter_map(|m| m.note.as_deref());
    let skips = findings.filter(|x| x.status == Status::Skip).filter_map(|x| x.message.as_deref());
    if notes.chain(skips).any(|n| off.iter().any(|o| n.contains(o))) { Known::Off } else { Known::Unknown }
}

/// The skip reasons of [`SIGNS`], for the test that holds them to the modules' wording.
#[cfg(test)]
pub(super) fn off_signs() -> impl Iterator<Item = &'static str> {
    SIGNS.iter().flat_map(|(_, _, off)| off.iter().copied())
}
