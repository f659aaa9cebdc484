//! `conform --plan basic` against a provider whose login page is a JavaScript app (no HTML
//! form; see [`spa_op`]), logging in through `[hints.json_login]` of a parsed target profile:
//! the plan passes, and a wrong password ends quickly as a rejected login, not a hang.

pub(super) mod spa_op;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use oidc_harness::checks::Status;
use oidc_harness::clock::FixedClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleStatus, RunReport};
use oidc_harness::target::Target;

/// The fake's and the harness's clock (2027-01-15).
pub(super) const NOW: i64 = 1_800_000_000;

/// What every loopback provider draws: it serves plain http on 127.0.0.1.
pub(super) const LOOPBACK_WARNINGS: &[&str] = &["disc.endpoints.https_loopback", "disc.issuer.https_loopback"];

/// A target profile for the fake at `issuer`, parsed from TOML as a user would write it;
/// `clients` is TOML for the `[[clients]]` tables.
pub(super) fn profile(issuer: &str, clients: &str, password: &str) -> Target {
    profile_with(issuer, clients, password, "refresh_token = false\nrefresh_rotation = false")
}

/// [`profile`] with `features` as the body of its `[features]` table.
pub(super) fn profile_with(issuer: &str, clients: &str, password: &str, features: &str) -> Target {
    let text = format!(
        r#"
name = "spa"
issuer = "{issuer}"
timeout_secs = 5
{clients}
[[users]]
username = "{user}"
password = "${{SPA_PASSWORD}}"

[hints.json_login]
page = "/ui/login"
url = "{{origin}}/api/login"
body = '{{"username": "{{username}}", "password": "{{password}}", "flow": "{{query.flow}}"}}'
continue = "{{json.redirect_to}}"
csrf_cookie = "csrf"
csrf_header = "X-CSRF-Token"

[features]
{features}
"#,
        user = spa_op::USERNAME,
    );
    let env = |name: &str| match name {
        "SPA_PASSWORD" => Some(password.to_owned()),
        "SPA_SECRET" => Some(spa_op::CLIENT_SECRET.to_owned()),
        _ => None,
    };
    Target::parse(&text, Path::new("spa.toml"), &env).expect("the profile parses")
}

/// The `[[clients]]` table of one client of the fake.
pub(super) fn client(id: &str, first_party: bool) -> String {
    client_with_scope(id, first_party, "openid profile email")
}

/// [`client`] asking for `scope`.
pub(super) fn client_with_scope(id: &str, first_party: bool, scope: &str) -> String {
    format!(
        "[[clients]]\nclient_id = \"{id}\"\nclient_secret = \"${{SPA_SECRET}}\"\nredirect_uri = \"{}\"\nfirst_party = {first_party}\nscope = \"{scope}\"\n",
        spa_op::REDIRECT_URI
    )
}

/// Runs `selection` against `profile` (bounded: a hang is a failure).
pub(super) async fn run(profile: Target, selection: Selection) -> RunReport {
    let options = RunOptions { selection, run_name: Some("spa".into()), progress: false, budget: Default::default() };
    let run = conform::run(profile, &options, Arc::new(FixedClock(NOW)));
    tokio::time::timeout(Duration::from_secs(120), run).await.expect("the run ends").expect("the run happens")
}

/// Findings other than pass and skip, without the loopback warnings, as `module: check (status)`.
pub(super) fn reported(report: &RunReport) -> Vec<String> {
    report
        .modules
        .iter()
        .flat_map(|m| m.findings.iter().map(move |f| (m, f)))
        .filter(|(_, f)| !matches!(f.status, Status::Pass | Status::Skip))
        .filter(|(_, f)| !(f.status == Status::Warn && LOOPBACK_WARNINGS.contains(&f.check_id.as_str())))
        .map(|(m, f)| format!("{}: {} ({:?}: {})", m.id, f.check_id, f.status, f.message.as_deref().unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_basic_passes_through_the_json_login_api() {
    let op = spa_op::start(NOW).await;
    let report = run(profile(&op.issuer, &client(spa_op::WEB_CLIENT, true), spa_op::PASSWORD), Selection::plan(Plan::Basic)).await;
    assert_eq!(reported(&report), Vec::<String>::new());
    for m in &report.modules {
        // form_post is not advertised, and the profile says no refresh tokens: skipped, with why.
        let may_skip = m.id.starts_with("code-flow-form-post/") || m.id == "refresh";
        let ran = matches!(m.status, ModuleStatus::Passed | ModuleStatus::Warning);
        assert!(ran || (may_skip && m.status == ModuleStatus::Skipped && m.note.is_some()), "{} is {:?}: {:?}", m.id, m.status, m.note);
    }
    let passed = |id: &str| report.modules.iter().flat_map(|m| &m.findings).any(|f| f.check_id == id && f.status == Status::Pass);
    for id in ["flow.callback.reached", "flow.login.shown", "idtoken.signature.valid", "userinfo.sub.matches_id_token"] {
        assert!(passed(id), "{id} did not pass");
    }
    assert!(op.login_calls() > 0, "the login API was used");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_a_rejected_login() {
    let op = spa_op::start(NOW).await;
    let profile = profile(&op.issuer, &client(spa_op::WEB_CLIENT, true), "not her password");
    let user = profile.users[0].username.clone();
    let only = vec![format!("code-flow/{}", spa_op::WEB_CLIENT)];
    let selection = Selection::with_ids(Plan::Basic, &profile, &only, &[]).expect("selection");
    let options = RunOptions { selection, run_name: Some("spa".into()), progress: false, budget: Default::default() };
    let run = conform::run(profile, &options, Arc::new(FixedClock(NOW)));
    // The preflight stops the run before the code-flow module: one sentence naming the user.
    let error = tokio::time::timeout(Duration::from_secs(120), run).await.expect("the run ends").expect_err("wrong credentials");
    assert!(matches!(error, conform::HarnessError::Credentials(_)), "{error}");
    let message = error.to_string();
    assert!(message.contains(&format!("rejected the password of user {user:?}")), "{message}");
    assert!(message.contains("/api/login") || message.contains("/ui/login"), "{message}");
    assert_eq!(op.login_calls(), 1, "one refused API call, no retry");
}
