//! Modules are independent (DESIGN §6): plan `all` in a shuffled module order gives the same
//! verdict for every check of every module as the plan's own order — against the reference
//! provider, and against one that keeps a single "last login" time per user (so that any
//! login of the user moves the `auth_time` of every session: another module's login must not
//! be read as a re-authentication).

use std::collections::BTreeMap;
use std::sync::Arc;

use oidc_harness::checks::Status;
use oidc_harness::clock::SystemClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleStatus, RunReport};
use reference_provider::Config;
use reference_provider::config::AuthTimeScope;

/// Module id → (its status, each check id with its statuses), for comparing runs.
type Verdicts = BTreeMap<String, (ModuleStatus, Vec<(String, Status)>)>;

fn verdicts(report: &RunReport) -> Verdicts {
    report
        .modules
        .iter()
        .map(|m| {
            let mut checks: Vec<(String, Status)> = m.findings.iter().map(|f| (f.check_id.clone(), f.status)).collect();
            checks.sort();
            (m.id.clone(), (m.status, checks))
        })
        .collect()
}

/// Plan `all` against a fresh reference provider with `auth_time` counted per `scope` (the
/// embedded profile says no approval exists before the run, so each run needs a provider of
/// its own).
async fn run(scope: AuthTimeScope, shuffle: Option<u64>) -> RunReport {
    let issuer = super::reach::serve(Config { auth_time: scope, ..conform::embedded_config() }, false).await;
    let selection = Selection { shuffle, ..Selection::plan(Plan::All) };
    let options = RunOptions { selection, run_name: None, progress: false, budget: Default::default() };
    conform::run(oidc_harness::target::Target::try_from(conform::embedded_profile(&issuer)).unwrap(), &options, Arc::new(SystemClock)).await.unwrap()
}

/// Failed checks and modules that did not pass or warn.
fn problems(report: &RunReport) -> Vec<String> {
    report
        .modules
        .iter()
        .flat_map(|m| m.findings.iter().map(move |f| (m, f)))
        .filter(|(_, f)| f.status == Status::Fail)
        .map(|(m, f)| format!("{} {}: {:?}", m.id, f.check_id, f.message))
        .chain(report.modules.iter().filter(|m| matches!(m.status, ModuleStatus::Failed | ModuleStatus::Error)).map(|m| format!("{} {:?}: {:?}", m.id, m.status, m.note)))
        .collect()
}

/// The plan order and two shuffled orders give identical verdicts, and none fails.
async fn same_verdicts_in_any_order(scope: AuthTimeScope) {
    let planned = run(scope, None).await;
    assert_eq!(problems(&planned), Vec::<String>::new(), "{scope:?}");
    let expected = verdicts(&planned);
    for seed in [1, 20261207] {
        let shuffled = run(scope, Some(seed)).await;
        let order: Vec<&str> = shuffled.modules.iter().map(|m| m.id.as_str()).collect();
        assert_ne!(order, planned.modules.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), "seed {seed} kept the order");
        let got = verdicts(&shuffled);
        let differ: Vec<String> = expected
            .iter()
            .filter(|(id, v)| got.get(*id) != Some(v))
            .map(|(id, v)| format!("{id}: planned {v:?}, shuffled {:?}", got.get(id)))
            .collect();
        assert!(differ.is_empty(), "{scope:?}, seed {seed}, order {order:?}:\n{}", differ.join("\n"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shuffled_module_orders_give_the_same_verdicts_as_the_plan_order() {
    same_verdicts_in_any_order(AuthTimeScope::Session).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_keeping_login_time_per_user_gets_the_same_verdicts_in_any_order() {
    same_verdicts_in_any_order(AuthTimeScope::User).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modules_left_out_by_skip_or_by_the_profile_are_listed_as_skipped_with_why() {
    let op = conform::start_embedded(reference_provider::FaultSet::none()).await.unwrap();
    let mut profile = conform::embedded_profile(op.issuer());
    profile.features.refresh_token = false;
    let target = oidc_harness::target::Target::try_from(profile).unwrap();
    let skip = vec!["code-reuse".to_owned()];
    let selection = Selection::with_ids(Plan::Basic, &target, &[], &skip).unwrap();
    let options = RunOptions { selection, run_name: None, progress: false, budget: Default::default() };
    let report = conform::run(target, &options, Arc::new(SystemClock)).await.unwrap();
    let note = |id: &str| {
        let m = report.modules.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("{id} is not in the report"));
        assert_eq!(m.status, ModuleStatus::Skipped, "{id}");
        m.note.clone().unwrap_or_default()
    };
    assert!(note("refresh").contains("features.refresh_token = false"));
    // code-reuse is not in plan basic: --skip of it lists nothing; a basic module can be skipped.
    assert!(report.modules.iter().all(|m| m.id != "code-reuse"));
    let skip = vec!["userinfo-errors".to_owned()];
    let target = oidc_harness::target::Target::try_from(conform::embedded_profile(op.issuer())).unwrap();
    let selection = Selection::with_ids(Plan::Basic, &target, &[], &skip).unwrap();
    let report = conform::run(target, &RunOptions { selection, run_name: None, progress: false, budget: Default::default() }, Arc::new(SystemClock)).await.unwrap();
    let m = report.modules.iter().find(|m| m.id == "userinfo-errors").expect("listed");
    assert_eq!((m.status, m.note.as_deref()), (ModuleStatus::Skipped, Some("excluded by --skip userinfo-errors")));
}
