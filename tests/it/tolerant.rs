//! Variations the specifications allow, all at once (the fake of [`super::json_login`]):
//! profile and email claims only in UserInfo, no `auth_time` unless asked, `token_type`
//! `bearer` in lower case, no `scope` in the token response when unchanged, `aud` a string,
//! and consent remembered by the provider (no consent page for the third-party client unless
//! `prompt=consent`). None of it may fail a MUST check, in plan basic or in the consent module.
//!
//! Then the behaviours that once drew a false MUST failure, each served by the fake (see
//! `spa_op::Variations`) and judged by its module, each with a reason why the test can fail.

use oidc_harness::checks::{Finding, Level, Status};
use oidc_harness::conform::{Plan, Selection};
use oidc_harness::report::{ModuleResult, ModuleStatus, RunReport};
use oidc_harness::target::Target;

use super::json_login::spa_op::{self, Variations};
use super::json_login::{NOW, client, client_with_scope, profile, profile_with, reported, run};

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

/// The findings of module `id` (it must have run).
fn module<'a>(report: &'a RunReport, id: &str) -> &'a ModuleResult {
    report.modules.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("{id} did not run: {:?}", report.modules.iter().map(|m| &m.id).collect::<Vec<_>>()))
}

/// The finding `check` of module `id`.
fn finding<'a>(report: &'a RunReport, id: &str, check: &str) -> &'a Finding {
    let m = module(report, id);
    m.findings.iter().find(|f| f.check_id == check).unwrap_or_else(|| panic!("no {check} in {id}: {m:?}"))
}

/// Runs the modules `ids` of plan all against `target`.
async fn run_ids(target: &Target, ids: &[&str]) -> RunReport {
    let ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    run(target.clone(), Selection::with_ids(Plan::All, target, &ids, &[]).expect("selection")).await
}

const NO_OPENID: &str = "negative-authz/scope-without-openid";

/// A scope without `openid` answered with an HTML error page (no redirect), then with
/// `error=access_denied` at the redirect_uri: OIDC Core 3.1.2.1 leaves it unspecified, so no
/// MUST check fails, and the error-shape checks skip with that reason. Before 9d243c5 the case
/// was `Expectation::RefusalRecommended`: `authz.error.redirected` (MUST) failed on the page, and
/// `authz.error.code_for_case` (MUST) failed on any code but invalid_scope/invalid_request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scope_without_openid_may_get_a_page_or_any_error() {
    for error in [None, Some("access_denied")] {
        let op = spa_op::start_with(NOW, Variations { no_openid_error: error, ..Variations::default() }).await;
        let target = profile(&op.issuer, &client(spa_op::WEB_CLIENT, true), spa_op::PASSWORD);
        let report = run_ids(&target, &[NO_OPENID]).await;
        assert_eq!(must_failures(&report), Vec::<String>::new(), "{error:?}");
        for check in ["authz.error.redirected", "authz.error.code_for_case"] {
            let f = finding(&report, NO_OPENID, check);
            assert_eq!(f.status, Status::Skip, "{error:?}: {f:?}");
            assert!(f.message.as_deref().unwrap_or_default().contains("unspecified"), "{f:?}");
        }
        // The provider did refuse (page or error), so the MAY check that wants a refusal passes.
        assert_eq!(finding(&report, NO_OPENID, "authz.scope.openid_enforced").status, Status::Pass, "{error:?}");
    }
}

/// `prompt=none` with a session, for a client that needs consent on every request, answered
/// `consent_required`: a skip with that reason, no MUST failure. Controls in the same test: the
/// first-party client gets a code from the same session (the session is real), and the same
/// client answered `access_denied` fails `session.silent.code` (the check can fail; before
/// 9d243c5 `consent_required` failed it the same way).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_none_answered_consent_required_is_no_failure() {
    let op = spa_op::start(NOW).await;
    let ask = profile(&op.issuer, &client(spa_op::ASK_CLIENT, false), spa_op::PASSWORD);
    let report = run_ids(&ask, &["prompt-session"]).await;
    assert_eq!(must_failures(&report), Vec::<String>::new());
    let silent = finding(&report, "prompt-session", "session.silent.code");
    assert_eq!(silent.status, Status::Skip, "{silent:?}");
    assert!(silent.message.as_deref().unwrap_or_default().contains("error=consent_required"), "{silent:?}");
    assert_eq!(finding(&report, "prompt-session", "session.prompt_none.error").status, Status::Pass);

    let web = profile(&op.issuer, &client(spa_op::WEB_CLIENT, true), spa_op::PASSWORD);
    let report = run_ids(&web, &["prompt-session"]).await;
    assert_eq!(must_failures(&report), Vec::<String>::new());
    assert_eq!(finding(&report, "prompt-session", "session.silent.code").status, Status::Pass, "the session gives the first-party client a code");

    let wrong = spa_op::start_with(NOW, Variations { silent_consent_error: "access_denied", ..Variations::default() }).await;
    let ask = profile(&wrong.issuer, &client(spa_op::ASK_CLIENT, false), spa_op::PASSWORD);
    let report = run_ids(&ask, &["prompt-session"]).await;
    let failed = must_failures(&report);
    assert!(failed.iter().any(|f| f.contains("session.silent.code")), "{failed:?}");
}

/// Introspection answering `active: false` for a live access token: RFC 7662 §2.2 allows it to
/// a caller that may not introspect, so with the profile's default (`introspection_allowed`
/// false) it is a skip; the control declares the client allowed, and then it is a MUST failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_inactive_to_an_undeclared_caller_is_no_failure() {
    let op = spa_op::start(NOW).await;
    let clients = client(spa_op::WEB_CLIENT, true);
    let features = "refresh_token = false\nrefresh_rotation = false";
    let report = run_ids(&profile_with(&op.issuer, &clients, spa_op::PASSWORD, features), &["token-lifecycle"]).await;
    assert_eq!(must_failures(&report), Vec::<String>::new());
    let active = finding(&report, "token-lifecycle", "introspection.active_token.active");
    assert_eq!(active.status, Status::Skip, "{active:?}");
    assert!(active.message.as_deref().unwrap_or_default().contains("introspection_allowed"), "{active:?}");

    let declared = format!("introspection_allowed = true\n{features}");
    let report = run_ids(&profile_with(&op.issuer, &clients, spa_op::PASSWORD, &declared), &["token-lifecycle"]).await;
    assert_eq!(must_failures(&report).iter().filter(|f| f.contains("introspection.active_token.active")).count(), 1, "{:?}", must_failures(&report));
}

/// UserInfo refusals in forms the harness must not over-judge: for an unknown token a 401 with
/// a lower-case `bearer` challenge whose `error=invalid_token` is an unquoted token; for a call
/// without any token a 400 `invalid_request` with a Bearer challenge (RFC 6750 §3.1 allows it;
/// only the SHOULD of a 401 warns). Every MUST check is judged and passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn userinfo_refusals_in_allowed_forms_pass() {
    let op = spa_op::start_with(NOW, Variations { no_token_400: true, ..Variations::default() }).await;
    let target = profile(&op.issuer, &client(spa_op::WEB_CLIENT, true), spa_op::PASSWORD);
    let report = run_ids(&target, &["userinfo-errors"]).await;
    assert_eq!(must_failures(&report), Vec::<String>::new());
    for check in [
        "userinfo.no_token.rejected",
        "userinfo.no_token.www_authenticate",
        "userinfo.no_token.bearer_scheme",
        "userinfo.invalid_token.rejected",
        "userinfo.invalid_token.status_401",
        "userinfo.invalid_token.www_authenticate",
        "userinfo.invalid_token.bearer_scheme",
        "userinfo.invalid_token.error_code",
    ] {
        let f = finding(&report, "userinfo-errors", check);
        assert_eq!(f.status, Status::Pass, "{f:?}");
    }
    assert_eq!(finding(&report, "userinfo-errors", "userinfo.no_token.status_401").status, Status::Warn);
}

/// A refresh token for `offline_access` only with `prompt=consent` (node oidc-provider): the
/// refresh module retries with `prompt=consent`, gets one and is judged (it would be skipped
/// without the retry). A provider that never issues one: the module is skipped with its reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_token_only_with_prompt_consent_is_obtained_or_skipped() {
    let clients = client_with_scope(spa_op::WEB_CLIENT, true, "openid profile email offline_access");
    let features = "refresh_token = true\nrefresh_rotation = false";
    let op = spa_op::start_with(NOW, Variations { refresh_with_consent: true, ..Variations::default() }).await;
    let report = run_ids(&profile_with(&op.issuer, &clients, spa_op::PASSWORD, features), &["refresh"]).await;
    assert_eq!(must_failures(&report), Vec::<String>::new());
    let refresh = module(&report, "refresh");
    assert!(matches!(refresh.status, ModuleStatus::Passed | ModuleStatus::Warning), "{refresh:?}");
    assert!(refresh.findings.iter().filter(|f| f.status == Status::Pass).count() > 3, "{refresh:?}");

    let never = spa_op::start(NOW).await;
    let report = run_ids(&profile_with(&never.issuer, &clients, spa_op::PASSWORD, features), &["refresh"]).await;
    let refresh = module(&report, "refresh");
    assert_eq!(refresh.status, ModuleStatus::Skipped, "{refresh:?}");
    assert!(refresh.note.as_deref().unwrap_or_default().contains("no login returned a refresh token"), "{refresh:?}");
}

/// Four parallel redemptions of one code, every other loser answered `invalid_grant` only after
/// the harness's timeout (5 s): one winner, the answered losers `invalid_grant`, the others
/// "no answer" in the module's note — no MUST failure. Before fb6e65d a request without an answer
/// counted as a wrong answer and failed `race.code.losers_invalid_grant` (MUST).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn race_requests_without_an_answer_are_no_answer() {
    let op = spa_op::start_with(NOW, Variations { silent_losers: true, ..Variations::default() }).await;
    let features = "refresh_token = false\nrefresh_rotation = false\nparallel_requests = 4";
    let report = run_ids(&profile_with(&op.issuer, &client(spa_op::WEB_CLIENT, true), spa_op::PASSWORD, features), &["concurrency/code"]).await;
    assert_eq!(must_failures(&report), Vec::<String>::new());
    assert_eq!(finding(&report, "concurrency/code", "race.code.single_winner").status, Status::Pass);
    let losers = finding(&report, "concurrency/code", "race.code.losers_invalid_grant");
    assert_eq!(losers.status, Status::Pass, "{losers:?}");
    // The summary names the requests without an answer (the late losers really were late).
    let note = module(&report, "concurrency/code").note.clone().unwrap_or_default();
    assert!(note.contains("1 succeeded") && note.contains("no answer") && !note.contains(" 0 no answer"), "{note}");
}
