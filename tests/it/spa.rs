//! The JavaScript login UI of the reference provider (`--login-ui spa`: no `<form>`, JSON
//! endpoints with a CSRF header, "deny" only through script) driven by the Chromium driver:
//! plan `all` passes through it (the HTML driver sees a page that needs a script and hands the
//! run over to Chromium), and the login and consent really went through the JSON API. Skipped
//! loudly when Chromium is not installed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;

use oidc_harness::browser::locate;
use oidc_harness::checks::Status;
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleStatus, RunReport};
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
async fn serve_spa(posts: Arc<Posts>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let config = Config { login_ui: LoginUi::Spa, ..conform::embedded_config() };
    let provider = Provider::new(
        config,
        issuer.clone(),
        Store::open_in_memory().unwrap(),
        FaultSet::none(),
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

/// Every failed check and every module that did not pass or was skipped.
fn problems(report: &RunReport) -> Vec<String> {
    let failed = report
        .modules
        .iter()
        .flat_map(|m| m.findings.iter().map(move |f| (m, f)))
        .filter(|(_, f)| f.status == Status::Fail)
        .map(|(m, f)| format!("{} {}: {:?}", m.id, f.check_id, f.message));
    let modules = report
        .modules
        .iter()
        .filter(|m| matches!(m.status, ModuleStatus::Failed | ModuleStatus::Skipped))
        .map(|m| format!("{} {:?}: {:?}", m.id, m.status, m.note));
    failed.chain(modules).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_javascript_login_ui_passes_plan_all_through_chromium() {
    if let Err(e) = locate(None) {
        eprintln!("\n!!! SKIPPING plan all against the JavaScript login UI: {e}\n");
        return;
    }
    let posts = Arc::new(Posts::default());
    let issuer = serve_spa(Arc::clone(&posts)).await;
    let target = conform::embedded_profile(&issuer);
    let options = RunOptions { selection: Selection::plan(Plan::All), run_name: None, progress: false };
    let report = conform::run(target, &options, Arc::new(SystemClock)).await.unwrap();
    assert_eq!(problems(&report), Vec::<String>::new());
    let ran = report.modules.iter().filter(|m| m.status == ModuleStatus::Passed).count();
    eprintln!("plan all against the JavaScript login UI: {ran} modules passed through Chromium");
    assert!(ran >= 20, "{ran}");
    // Logins and consents went through the JSON API (from the page's script), never a form.
    let (api, forms) = (posts.api.load(Ordering::SeqCst), posts.forms.load(Ordering::SeqCst));
    assert!(api >= 20 && forms == 0, "{api} API calls, {forms} form posts");
}
