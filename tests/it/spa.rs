//! The JavaScript login UI of the reference provider (`--login-ui spa`: no `<form>`, JSON
//! endpoints with a CSRF header, "deny" only through script) driven by the Chromium driver:
//! plan `all` passes through it (the HTML driver sees a page that needs a script and hands the
//! run over to Chromium), and the login and consent really went through the JSON API. Skipped
//! loudly when Chromium is not installed. The fault-matrix rows that concern login and consent
//! run against it too, and fail exactly their checks, as with the HTML UI.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;

use oidc_harness::browser::locate;
use oidc_harness::checks::Status;
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, FAULT_MATRIX, Plan, RunOptions, Selection};
use oidc_harness::report::ModuleStatus;
use reference_provider::config::LoginUi;
use reference_provider::store::Store;
use reference_provider::{Config, FaultSet, Provider, paths};

/// POSTs seen by the provider: to the JSON login and consent APIs, and to the HTML form paths.
#[derive(Default)]
struct Posts {
    api: AtomicUsize,
    forms: AtomicUsize,
}

/// Serves the reference provider with the JavaScript UI on a free port, counting POSTs;
/// returns the issuer.
async fn serve_spa(faults: FaultSet, posts: Arc<Posts>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let config = Config { login_ui: LoginUi::Spa, ..conform::embedded_config() };
    let provider = Provider::new(
        config,
        issuer.clone(),
        Store::open_in_memory().unwrap(),
        faults,
        Arc::new(reference_provider::clock::SystemClock),
        Arc::new(reference_provider::random::SystemRandom),
    )
    .unwrap();
    let count = move |req: Request, next: Next| {
        let posts = Arc::clone(&posts);
        async move {
            if req.method() == "POST" {
                match req.uri().path() {
                    paths::LOGIN_API | paths::CONSENT_API => posts.api.fetch_add(1, Ordering::SeqCst),
                    paths::LOGIN | paths::CONSENT => posts.forms.fetch_add(1, Ordering::SeqCst),
                    _ => 0,
                };
            }
            let res: Response = next.run(req).await;
            res
        }
    };
    let router = reference_provider::app(Arc::new(provider)).layer(middleware::from_fn(count));
    tokio::spawn(async move { axum::serve(listener, router).await });
    issuer
}


#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_javascript_login_ui_passes_plan_all_through_chromium() {
    if let Err(e) = locate(None) {
        eprintln!("\n!!! SKIPPING plan all against the JavaScript login UI: {e}\n");
        return;
    }
    let posts = Arc::new(Posts::default());
    let issuer = serve_spa(FaultSet::none(), Arc::clone(&posts)).await;
    let target = oidc_harness::target::Target::try_from(conform::embedded_profile(&issuer)).unwrap();
    let options = RunOptions { selection: Selection::plan(Plan::All), run_name: None, progress: false, budget: Default::default() };
    let report = conform::run(target, &options, Arc::new(SystemClock)).await.unwrap();
    assert_eq!(super::reach::problems(&report), Vec::<String>::new());
    let ran = report.modules.iter().filter(|m| m.status == ModuleStatus::Passed).count();
    eprintln!("plan all against the JavaScript login UI: {ran} modules passed through Chromium");
    assert!(ran >= 20, "{ran}");
    // Logins and consents went through the JSON API (from the page's script), never a form.
    let (api, forms) = (posts.api.load(Ordering::SeqCst), posts.forms.load(Ordering::SeqCst));
    assert!(api >= 20 && forms == 0, "{api} API calls, {forms} form posts");
}

/// The fault-matrix rows about login, consent and the browser session.
const LOGIN_AND_CONSENT_FAULTS: &[&str] = &[
    "consent-deny-issues-code",
    "error-response-with-code",
    "consent-skipped-third-party",
    "prompt-none-wrong-error",
    "prompt-none-shows-login",
    "prompt-login-ignored",
    "max-age-ignored",
    "silent-auth-time-reset",
    "login-hint-rejected",
    "id-token-hint-rejected",
];

/// Plan `all` against the JavaScript UI with `fault` on; the failed check ids (and the row's
/// SHOULD/MAY checks that warned or noted).
async fn failed_checks(fault: reference_provider::Fault, row: &[&str]) -> Vec<String> {
    let issuer = serve_spa(FaultSet::of([fault]), Arc::default()).await;
    let options = RunOptions { selection: Selection::plan(Plan::All), run_name: None, progress: false, budget: Default::default() };
    let report = conform::run(oidc_harness::target::Target::try_from(conform::embedded_profile(&issuer)).unwrap(), &options, Arc::new(SystemClock)).await.unwrap();
    super::faults::broken(&report, row)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_consent_faults_fail_exactly_their_checks_through_the_javascript_ui() {
    if let Err(e) = locate(None) {
        eprintln!("\n!!! SKIPPING the login and consent fault rows in SPA mode: {e}\n");
        return;
    }
    let rows = LOGIN_AND_CONSENT_FAULTS
        .iter()
        .map(|name| FAULT_MATRIX.iter().find(|r| r.fault == *name).unwrap_or_else(|| panic!("{name} is not in the fault matrix")))
        .collect();
    // One Chromium per run: two runs side by side on a 2-core machine.
    let problems = super::faults::prove(rows, 2, failed_checks).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_profile_logs_in_to_the_javascript_ui_with_json_login_steps_and_no_browser() {
    use oidc_harness::browser::BrowserMode;
    use oidc_harness::target::{Profile, Target};
    let posts = Arc::new(Posts::default());
    let issuer = serve_spa(FaultSet::none(), Arc::clone(&posts)).await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/targets/reference-spa.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let env = |name: &str| (name == "REFERENCE_ISSUER").then(|| issuer.clone());
    let mut profile = Profile::from_toml(&text, &path, &env).unwrap();
    // The HTML driver alone: a page it could not log in to would leave the flow stuck.
    profile.hints.browser = BrowserMode::Never;
    let target = Target::new(profile, &path).unwrap();
    // The third-party client's consent page, allowed in its code flow and denied in the
    // consent module, is answered through the consent API steps.
    let only = ["code-flow/confidential-basic".to_owned(), "code-flow/third-party-post".to_owned(), "consent".to_owned()];
    let selection = Selection::with_ids(Plan::All, &target, &only, &[]).unwrap();
    let options = RunOptions { selection, run_name: None, progress: false, budget: Default::default() };
    let report = conform::run(target, &options, Arc::new(SystemClock)).await.unwrap();
    assert_eq!(super::reach::problems(&report), Vec::<String>::new());
    for id in &only {
        let m = report.modules.iter().find(|m| &m.id == id).unwrap();
        assert_eq!(m.status, ModuleStatus::Passed, "{id}: {:?}", m.note);
    }
    let consent = report.modules.iter().find(|m| m.id == "consent").unwrap();
    let passed = |id: &str| consent.findings.iter().any(|f| f.check_id == id && f.status == Status::Pass);
    assert!(passed("consent.deny.access_denied") && passed("consent.third_party.asked"), "{consent:?}");
    let (api, forms) = (posts.api.load(Ordering::SeqCst), posts.forms.load(Ordering::SeqCst));
    assert!(api >= 1 && forms == 0, "{api} API calls, {forms} form posts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ad_hoc_run_logs_in_to_the_javascript_ui_with_json_login_from_a_file() {
    let issuer = serve_spa(FaultSet::none(), Arc::default()).await;
    let dir = std::env::temp_dir().join(format!("oh-json-login-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("json-login.toml");
    // What a profile's [hints.json_login] holds, as a file of its own.
    std::fs::write(
        &file,
        r#"page = "/login"
url = "{origin}/api/login"
body = '{"interaction": "{query.interaction}", "username": "{username}", "password": "{password}"}'
headers = { "X-CSRF-Token" = "{take.csrf}" }
continue = "{json.continue}"
[[before]]
method = "GET"
url = "{origin}/api/interaction?interaction={query.interaction}"
take = { csrf = "csrf_token" }
"#,
    )
    .unwrap();
    let args: Vec<String> = [
        "conform", "--quiet", "--plan", "basic", "--browser-path", "/nonexistent/chromium", "--issuer", &issuer, "--client-id", "demo-client",
        "--client-secret", "demo-client-secret", "--redirect-uri", "http://127.0.0.1:8765/callback", "--username", "alice",
        "--password", "alice-demo-password", "--no-refresh", "--json-login",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([file.display().to_string(), "--out".into(), dir.join("out").display().to_string()])
    .collect();
    let out = tokio::task::spawn_blocking(move || std::process::Command::new(env!("CARGO_BIN_EXE_oidc-harness")).args(&args).output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // No browser at hand: the JSON steps alone log in, every code flow passes. The form_post
    // flow's login answer carries a form to post, not the `continue` URL the steps name: the
    // harness cannot go on there, which is its error (exit 2), never the provider's failure.
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("0 failed") && !stdout.contains("FAIL "), "{stdout}");
    let errors: Vec<&str> = stdout.lines().filter(|l| l.starts_with("ERROR ")).collect();
    assert_eq!(errors.len(), 1, "{stdout}");
    assert!(errors[0].starts_with("ERROR code-flow-form-post/") && errors[0].contains("expected JSON field continue"), "{stdout}");
    // A fragment that is not a json_login table is refused before the run, naming the file.
    std::fs::write(&file, "pages = 1\n").unwrap();
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_oidc-harness"))
        .args(["conform", "--quiet", "--issuer", &issuer, "--client-id", "c", "--redirect-uri", "http://127.0.0.1:8765/cb", "--username", "u", "--password", "p", "--json-login"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("json-login.toml"), "{}", String::from_utf8_lossy(&bad.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}
