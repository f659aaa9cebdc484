//! Variations the specifications allow, all at once (the fake of [`super::json_login`]):
//! profile and email claims only in UserInfo, no `auth_time` unless asked, `token_type`
//! `bearer` in lower case, no `scope` in the token response when unchanged, `aud` a string,
//! and consent remembered by the provider (no consent page for the third-party client unless
//! `prompt=consent`). None of it may fail a MUST check, in plan basic or in the consent module.

use oidc_harness::checks::{Level, Status};
use oidc_harness::conform::{Plan, Selection};
use oidc_harness::report::RunReport;

use super::json_login::{NOW, client, profile, reported, run, spa_op};

/// `module: check` of every failed MUST finding.
fn must_failures(report: &RunReport) -> Vec<String> {
    report
        .modules
        .iter()
        .flat_map(|m| m.findings.iter().map(move |f| (m, f)))
        .filter(|(_, f)| f.level == Level::Must && f.status == Status::Fail)
        .map(|(m, f)| format!("{}: {} ({})", m.id, f.check_id, f.message.as_deref().unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_variations_fail_no_must_check() {
    let op = spa_op::start(NOW).await;
    let clients = format!("{}{}", client(spa_op::WEB_CLIENT, true), client(spa_op::THIRD_CLIENT, false));
    let target = profile(&op.issuer, &clients, spa_op::PASSWORD);
    let basic = run(target.clone(), Selection::plan(Plan::Basic)).await;
    assert_eq!(must_failures(&basic), Vec::<String>::new());
    assert_eq!(reported(&basic), Vec::<String>::new(), "not even a warning");
    // The remembered consent: the third-party client's plain flow met no consent page.
    let third = basic.modules.iter().find(|m| m.id == format!("code-flow/{}", spa_op::THIRD_CLIENT)).expect("its code flow ran");
    assert!(third.findings.iter().any(|f| f.check_id == "flow.consent.third_party" && f.status == Status::Skip), "{third:?}");
    let only = vec!["consent".to_owned()];
    let consent = run(target.clone(), Selection::with_ids(Plan::All, &target, &only, &[]).expect("selection")).await;
    assert_eq!(must_failures(&consent), Vec::<String>::new());
    let module = consent.modules.iter().find(|m| m.id == "consent").expect("the consent module ran");
    let judged = |id: &str| module.findings.iter().any(|f| f.check_id == id && f.status == Status::Pass);
    for id in ["consent.first_party.no_page", "consent.deny.access_denied", "flow.consent.third_party"] {
        assert!(judged(id), "{id} did not pass: {module:?}");
    }
    // The tolerated shapes were really served: judged, not skipped.
    let passed = |id: &str| basic.modules.iter().flat_map(|m| &m.findings).any(|f| f.check_id == id && f.status == Status::Pass);
    for id in ["token.token_type.bearer", "idtoken.aud.contains_client", "scope.profile.claims_released", "scope.email.claims_released"] {
        assert!(passed(id), "{id} did not pass");
    }
}
