//! The logout module against the embedded reference provider: every case judged (passes, not
//! skips) on the correct provider, and a profile's `logout_url` with a non-default redirect
//! parameter probed for the must-not-redirect cases only.

use std::sync::Arc;

use oidc_harness::checks::Status;
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleResult, ModuleStatus};
use oidc_harness::target::{Profile, Target};

/// Runs the logout module alone against the embedded provider with `faults`, the profile
/// changed by `edit`.
async fn logout_module(faults: &[reference_provider::Fault], edit: impl FnOnce(&mut Profile)) -> ModuleResult {
    let op = conform::start_embedded(reference_provider::FaultSet::of(faults.iter().copied())).await.unwrap();
    let mut profile = conform::embedded_profile(op.issuer());
    edit(&mut profile);
    let target = Target::try_from(profile).unwrap();
    let selection = Selection::with_ids(Plan::All, &target, &["logout".to_owned()], &[]).unwrap();
    let options = RunOptions { selection, run_name: None, progress: false, budget: Default::default() };
    let report = conform::run(target, &options, Arc::new(SystemClock)).await.unwrap();
    op.stop().await;
    report.modules.into_iter().find(|m| m.id == "logout").expect("the logout module ran")
}

fn statuses(m: &ModuleResult) -> Vec<(String, Status)> {
    m.findings.iter().map(|f| (f.check_id.clone(), f.status)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_logout_case_is_judged_and_passes_on_the_reference_provider() {
    let m = logout_module(&[], |_| {}).await;
    assert_eq!(m.status, ModuleStatus::Passed, "{:?}: {:?}", m.note, statuses(&m));
    let mut ids: Vec<&str> = m.findings.iter().filter(|f| f.status == Status::Pass).map(|f| f.check_id.as_str()).collect();
    ids.sort_unstable();
    let mut all: Vec<&str> = oidc_harness::checks::LOGOUT_CHECKS.iter().map(|c| c.def.id).collect();
    all.sort_unstable();
    assert_eq!(ids, all, "every logout check passes (none skipped): {:?}", statuses(&m));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_logout_url_is_probed_with_its_redirect_parameter() {
    // The provider redirects anywhere; the profile names its logout URL and parameter.
    let m = logout_module(&[reference_provider::Fault::LogoutOpenRedirect], |p| {
        p.logout_url = Some(format!("{}/logout", p.issuer));
        p.logout_redirect_param = Some("post_logout_redirect_uri".into());
    })
    .await;
    let failed: Vec<&str> = m.findings.iter().filter(|f| f.status == Status::Fail).map(|f| f.check_id.as_str()).collect();
    assert_eq!(failed, ["logout.unregistered_uri.not_redirected", "logout.modified_query.not_redirected", "logout.modified_path.not_redirected"]);
    assert!(m.findings.iter().all(|f| !f.check_id.starts_with("logout.normal.")), "only the must-not-redirect cases: {:?}", statuses(&m));
    assert!(m.note.as_deref().is_some_and(|n| n.contains("logout_url")), "{:?}", m.note);
    // Another parameter name: the provider never sees post_logout_redirect_uri, so never redirects.
    let m = logout_module(&[reference_provider::Fault::LogoutOpenRedirect], |p| {
        p.logout_url = Some(format!("{}/logout", p.issuer));
        p.logout_redirect_param = Some("redirect_uri".into());
    })
    .await;
    assert!(m.findings.iter().all(|f| f.status == Status::Pass), "{:?}", statuses(&m));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logout_page_asking_the_user_first_fails_no_must_check() {
    use super::json_login::spa_op::{self, Variations};
    use super::json_login::{NOW, client, profile, run};

    // A provider whose logout endpoint always asks the user first (conformant: RP-Initiated
    // Logout 2 says it SHOULD): no redirect, the session kept until the user confirms.
    let op = spa_op::start_with(NOW, Variations { logout_confirmation: true, ..Variations::default() }).await;
    let clients = format!("{}post_logout_redirect_uri = \"https://client.example.org/logged-out\"\n", client(spa_op::WEB_CLIENT, true));
    let target = profile(&op.issuer, &clients, spa_op::PASSWORD);
    let report = run(target.clone(), Selection::with_ids(Plan::All, &target, &["logout".to_owned()], &[]).unwrap()).await;
    let m = report.modules.iter().find(|m| m.id == "logout").expect("the logout module ran");
    let all = statuses(m);
    assert!(all.iter().all(|(_, s)| *s != Status::Fail), "{all:?}");
    let status = |id: &str| all.iter().find(|(c, _)| c == id).map(|(_, s)| *s);
    for id in ["logout.normal.redirected", "logout.normal.state_echoed", "logout.normal.session_ended", "logout.no_state.no_state_param"] {
        assert_eq!(status(id), Some(Status::Skip), "{id}: a confirmation page is not judged as a redirect");
    }
    for id in ["logout.unregistered_uri.not_redirected", "logout.foreign_hint.not_redirected", "logout.unsigned_hint.not_redirected", "logout.no_params.confirmed"] {
        assert_eq!(status(id), Some(Status::Pass), "{id}");
    }
}
