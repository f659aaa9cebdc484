//! `conform` against an independent fake provider (wiremock, see [`fake_op`]) that breaks one
//! rule at a time: each misbehaviour fails exactly the MUST checks listed for it in [`TABLE`],
//! and the well-behaved fake fails none.

mod fake_op;

use std::sync::Arc;

use oidc_harness::checks::{self, Level, Status};
use oidc_harness::clock::FixedClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleStatus, RunReport};
use oidc_harness::target::{ClientAuth, ClientProfile, Features, Profile, Secret, UserProfile};

use fake_op::Misbehaviour;

/// The fake's and the harness's clock (2027-01-15).
const NOW: i64 = 1_800_000_000;

/// One misbehaviour and every MUST check it must fail (no other MUST check may fail).
struct Row {
    bad: Misbehaviour,
    fails: &'static [&'static str],
}

const fn row(bad: Misbehaviour, fails: &'static [&'static str]) -> Row {
    Row { bad, fails }
}

/// The misbehaviour table.
const TABLE: &[Row] = &[
    row(Misbehaviour::DiscoveryIssuerMismatch, &["disc.issuer.matches_url", "disc.issuer.matches_configured"]),
    row(Misbehaviour::DiscoveryWithoutResponseTypes, &["disc.response_types.present"]),
    row(Misbehaviour::JwksPrivateMember, &["jwks.keys.no_private_members"]),
    row(Misbehaviour::TokenCacheable, &["token.cache_control.no_store"]),
    row(Misbehaviour::TokenTypeMac, &["token.token_type.bearer"]),
    row(Misbehaviour::TokenWithoutIdToken, &["token.id_token.present"]),
    row(Misbehaviour::IdTokenForeignKey, &["idtoken.signature.valid"]),
    row(Misbehaviour::IdTokenWrongNonce, &["idtoken.nonce.matches"]),
    row(Misbehaviour::IdTokenOtherAudience, &["idtoken.aud.contains_client"]),
    row(Misbehaviour::IdTokenExpired, &["idtoken.exp.in_future"]),
    row(Misbehaviour::IdTokenWrongAtHash, &["idtoken.at_hash.matches"]),
    row(Misbehaviour::IdTokenWrongIssuer, &["idtoken.iss.matches"]),
    row(Misbehaviour::CallbackWithoutState, &["authz.state.echoed"]),
    row(Misbehaviour::CallbackStateRepeated, &["authz.state.single"]),
    row(Misbehaviour::CallbackWrongIss, &["authz.iss.matches"]),
    row(Misbehaviour::CallbackLeaksToken, &["authz.code_response.no_tokens"]),
    row(Misbehaviour::UserinfoOtherSub, &["userinfo.sub.matches_id_token"]),
    row(Misbehaviour::UserinfoNoChallenge, &["userinfo.no_token.www_authenticate", "userinfo.invalid_token.www_authenticate"]),
];

/// The profile for a fake at `issuer`: its one client and user, no refresh tokens.
fn profile(issuer: &str) -> Profile {
    Profile {
        name: Some("fake".into()),
        issuer: issuer.to_owned(),
        ca_file: None,
        insecure_skip_tls_verify: false,
        timeout_secs: 5,
        clients: vec![ClientProfile {
            name: Some("fake".into()),
            client_id: fake_op::CLIENT_ID.into(),
            client_secret: Some(Secret::new(fake_op::CLIENT_SECRET)),
            auth_method: ClientAuth::ClientSecretBasic,
            redirect_uri: fake_op::REDIRECT_URI.into(),
            first_party: true,
            id_token_signed_response_alg: None,
            scope: "openid".into(),
        }],
        users: vec![UserProfile { username: fake_op::USERNAME.into(), password: Secret::new(fake_op::PASSWORD) }],
        hints: Default::default(),
        features: Features { refresh_token: false, refresh_rotation: false },
    }
}

/// Runs plan basic against a fake misbehaving in `bad`.
async fn run(bad: Misbehaviour) -> RunReport {
    let (_server, issuer) = fake_op::start(bad, NOW).await;
    let options = RunOptions { selection: Selection::plan(Plan::Basic), run_name: Some(format!("{bad:?}")), progress: false };
    conform::run(profile(&issuer), &options, Arc::new(FixedClock(NOW))).await.expect("the run happens")
}

/// The failed check ids of a report, sorted, each once.
fn failed(report: &RunReport) -> Vec<String> {
    let mut ids: Vec<String> = report
        .modules
        .iter()
        .flat_map(|m| &m.findings)
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.check_id.clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_well_behaved_fake_passes_every_must_check() {
    let report = run(Misbehaviour::None).await;
    assert_eq!(failed(&report), Vec::<String>::new());
    for m in &report.modules {
        let form_post = m.id.starts_with("code-flow-form-post/");
        let expected_skip = form_post && m.status == ModuleStatus::Skipped;
        assert!(expected_skip || matches!(m.status, ModuleStatus::Passed | ModuleStatus::Warning), "{} is {:?}: {:?}", m.id, m.status, m.note);
    }
    // The flow went all the way: the checks at its end were judged, not skipped.
    let passed = |id: &str| report.modules.iter().flat_map(|m| &m.findings).any(|f| f.check_id == id && f.status == Status::Pass);
    for id in ["authz.state.echoed", "idtoken.signature.valid", "idtoken.nonce.matches", "idtoken.at_hash.matches", "userinfo.sub.matches_id_token", "userinfo.invalid_token.www_authenticate"] {
        assert!(passed(id), "{id} did not pass");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_misbehaviour_fails_exactly_its_checks() {
    let runs = TABLE.iter().map(|row| (row, tokio::spawn(run(row.bad))));
    let mut problems = Vec::new();
    for (row, handle) in runs.collect::<Vec<_>>() {
        let got = failed(&handle.await.expect("run task"));
        let mut want: Vec<String> = row.fails.iter().map(|s| (*s).to_owned()).collect();
        want.sort_unstable();
        if got != want {
            problems.push(format!("{:?}: expected {want:?}, failed {got:?}", row.bad));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_table_names_real_must_checks_once_each() {
    for (i, row) in TABLE.iter().enumerate() {
        assert_ne!(row.bad, Misbehaviour::None);
        assert!(TABLE[..i].iter().all(|r| r.bad != row.bad), "{:?} is listed twice", row.bad);
        assert!(!row.fails.is_empty(), "{:?} names no check", row.bad);
        for id in row.fails {
            let def = checks::find(id).unwrap_or_else(|| panic!("{:?}: unknown check {id}", row.bad));
            assert_eq!(def.level, Level::Must, "{id} is not a MUST check: it cannot fail");
        }
    }
}
