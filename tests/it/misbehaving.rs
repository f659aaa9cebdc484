//! `conform` against an independent fake provider (wiremock, see [`fake_op`]) that breaks one
//! rule at a time: each misbehaviour is caught by exactly the checks listed for it in [`TABLE`]
//! (failing for MUST, warning for SHOULD, informing for MAY; nothing else reports), and the
//! well-behaved fake draws no finding but the plain-http warnings every loopback provider gets.

mod fake_op;
mod misbehaviour;

use std::sync::Arc;

use oidc_harness::checks::{self, Status};
use oidc_harness::clock::FixedClock;
use oidc_harness::conform::{self, Plan, RunOptions, Selection};
use oidc_harness::report::{ModuleStatus, RunReport};
use oidc_harness::target::{ClientProfile, Features, Profile, Secret, UserProfile};

use misbehaviour::Misbehaviour;

/// The fake's and the harness's clock (2027-01-15).
const NOW: i64 = 1_800_000_000;

/// What the well-behaved fake draws: it serves plain http on 127.0.0.1.
const LOOPBACK_WARNINGS: &[&str] = &["disc.endpoints.https_loopback", "disc.issuer.https_loopback"];

/// One misbehaviour and every check that must catch it (fail for MUST, warn for SHOULD, inform
/// for MAY), the intended one first; no other check may report, apart from [`LOOPBACK_WARNINGS`].
struct Row {
    bad: Misbehaviour,
    caught_by: &'static [&'static str],
}

const fn row(bad: Misbehaviour, caught_by: &'static [&'static str]) -> Row {
    Row { bad, caught_by }
}

/// The misbehaviour table.
const TABLE: &[Row] = &[
    row(Misbehaviour::DiscoveryIssuerMismatch, &["disc.issuer.matches_url", "disc.issuer.matches_configured"]),
    row(Misbehaviour::DiscoveryWithoutResponseTypes, &["disc.response_types.present"]),
    row(Misbehaviour::DiscoveryNotJsonContentType, &["disc.fetch.content_type_json"]),
    row(Misbehaviour::JwksNotJsonContentType, &["jwks.fetch.content_type_json"]),
    row(Misbehaviour::JwksPrivateMember, &["jwks.keys.no_private_members"]),
    row(Misbehaviour::TokenCacheable, &["token.cache_control.no_store"]),
    row(Misbehaviour::TokenTypeMac, &["token.token_type.bearer"]),
    row(Misbehaviour::TokenWithoutIdToken, &["token.id_token.present"]),
    row(Misbehaviour::TokenErrorMember, &["token.success.no_error_field"]),
    row(Misbehaviour::TokenExpiresInString, &["token.expires_in.valid"]),
    row(Misbehaviour::IdTokenForeignKey, &["idtoken.signature.valid"]),
    row(Misbehaviour::IdTokenWrongNonce, &["idtoken.nonce.matches"]),
    row(Misbehaviour::IdTokenOtherAudience, &["idtoken.aud.contains_client", "idtoken.aud.no_untrusted"]),
    row(Misbehaviour::IdTokenExpired, &["idtoken.exp.in_future"]),
    row(Misbehaviour::IdTokenWrongAtHash, &["idtoken.at_hash.matches"]),
    row(Misbehaviour::IdTokenWrongIssuer, &["idtoken.iss.matches"]),
    row(Misbehaviour::IdTokenIatFuture, &["idtoken.iat.not_in_future"]),
    row(Misbehaviour::IdTokenOtherAzp, &["idtoken.azp.matches_client"]),
    row(Misbehaviour::IdTokenWithoutSub, &["idtoken.sub.present"]),
    row(Misbehaviour::NoLoginPage, &["flow.login.shown"]),
    row(Misbehaviour::CallbackWithoutState, &["authz.state.echoed"]),
    row(Misbehaviour::CallbackStateRepeated, &["authz.state.single"]),
    row(Misbehaviour::CallbackCodeRepeated, &["authz.code.single"]),
    row(Misbehaviour::CallbackWithoutIss, &["authz.iss.present"]),
    row(Misbehaviour::CallbackWrongIss, &["authz.iss.matches"]),
    row(Misbehaviour::CallbackLeaksToken, &["authz.code_response.no_tokens", "authz.params.expected_only"]),
    row(Misbehaviour::UserinfoOtherSub, &["userinfo.sub.matches_id_token"]),
    row(Misbehaviour::UserinfoWithoutSub, &["userinfo.sub.present"]),
    row(Misbehaviour::UserinfoNotJsonContentType, &["userinfo.content_type"]),
    row(Misbehaviour::UserinfoAcceptsInvalidToken, &["userinfo.invalid_token.rejected"]),
    row(Misbehaviour::UserinfoAcceptsNoToken, &["userinfo.no_token.rejected"]),
    row(Misbehaviour::UserinfoNoChallenge, &["userinfo.no_token.www_authenticate", "userinfo.invalid_token.www_authenticate"]),
];

/// Variations a provider may choose: the harness must not report any of them.
const ALLOWED: &[Misbehaviour] = &[
    Misbehaviour::AllowedIdTokenWithoutKid,
    Misbehaviour::AllowedAudienceArray,
    Misbehaviour::AllowedLowercaseBearer,
    Misbehaviour::AllowedCallbackOrder,
    Misbehaviour::AllowedTokenWithoutScope,
    Misbehaviour::AllowedJsonCharset,
    Misbehaviour::AllowedTwoKeys,
    Misbehaviour::AllowedLowercaseChallenge,
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
            client_secret: Some(Secret::new(fake_op::CLIENT_SECRET)),
            first_party: true,
            scope: "openid".into(),
            ..ClientProfile::new(fake_op::CLIENT_ID, fake_op::REDIRECT_URI)
        }],
        users: vec![UserProfile { username: fake_op::USERNAME.into(), password: Secret::new(fake_op::PASSWORD) }],
        hints: Default::default(),
        features: Features { refresh_token: false, refresh_rotation: false, ..Features::default() },
        tenants: Vec::new(),
        logout_url: None,
        logout_redirect_param: None,
    }
}

/// Runs plan basic against a fake misbehaving in `bad`.
async fn run(bad: Misbehaviour) -> RunReport {
    let (_server, issuer) = fake_op::start(bad, NOW).await;
    let options = RunOptions { selection: Selection::plan(Plan::Basic), run_name: Some(format!("{bad:?}")), progress: false, budget: Default::default() };
    let target = oidc_harness::target::Target::try_from(profile(&issuer)).expect("a valid profile");
    conform::run(target, &options, Arc::new(FixedClock(NOW))).await.expect("the run happens")
}

/// The ids of checks that failed, warned or informed (anything but pass and skip), without the
/// loopback warnings, sorted, each once.
fn caught_by(report: &RunReport) -> Vec<String> {
    let mut ids: Vec<String> = report
        .modules
        .iter()
        .flat_map(|m| &m.findings)
        .filter(|f| !matches!(f.status, Status::Pass | Status::Skip))
        .filter(|f| !(f.status == Status::Warn && LOOPBACK_WARNINGS.contains(&f.check_id.as_str())))
        .map(|f| f.check_id.clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_well_behaved_fake_draws_only_the_loopback_warnings() {
    let report = run(Misbehaviour::None).await;
    assert_eq!(caught_by(&report), Vec::<String>::new());
    for id in LOOPBACK_WARNINGS {
        let warned = report.modules.iter().flat_map(|m| &m.findings).any(|f| f.check_id == *id && f.status == Status::Warn);
        assert!(warned, "{id} did not warn about plain http");
    }
    for m in &report.modules {
        // form_post is not advertised, and the profile says no refresh tokens: skipped, with why.
        let may_skip = m.id.starts_with("code-flow-form-post/") || m.id == "refresh";
        let expected_skip = may_skip && m.status == ModuleStatus::Skipped && m.note.is_some();
        let ran = matches!(m.status, ModuleStatus::Passed | ModuleStatus::Warning);
        assert!(expected_skip || ran, "{} is {:?}: {:?}", m.id, m.status, m.note);
    }
    // The flow went all the way: the checks at its end were judged, not skipped.
    let passed = |id: &str| report.modules.iter().flat_map(|m| &m.findings).any(|f| f.check_id == id && f.status == Status::Pass);
    let end_of_flow = [
        "authz.state.echoed",
        "idtoken.signature.valid",
        "idtoken.nonce.matches",
        "idtoken.at_hash.matches",
        "userinfo.sub.matches_id_token",
        "userinfo.invalid_token.www_authenticate",
    ];
    for id in end_of_flow {
        assert!(passed(id), "{id} did not pass");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_misbehaviour_is_caught_by_exactly_its_checks() {
    let runs = TABLE.iter().map(|row| (row, tokio::spawn(run(row.bad))));
    let mut problems = Vec::new();
    for (row, handle) in runs.collect::<Vec<_>>() {
        let got = caught_by(&handle.await.expect("run task"));
        let mut want: Vec<String> = row.caught_by.iter().map(|s| (*s).to_owned()).collect();
        want.sort_unstable();
        if got != want {
            problems.push(format!("{:?}: expected {want:?}, caught by {got:?}", row.bad));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_variations_draw_no_finding() {
    let runs: Vec<_> = ALLOWED.iter().map(|bad| (bad, tokio::spawn(run(*bad)))).collect();
    let mut problems = Vec::new();
    for (bad, handle) in runs {
        let got = caught_by(&handle.await.expect("run task"));
        if !got.is_empty() {
            problems.push(format!("{bad:?}: caught by {got:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A token body that is not strict JSON (a byte-order mark, trailing text) is judged as not JSON,
/// and neither its access token nor its ID token reaches any report format (issue "Hardening" §6:
/// before redaction by shape, both stood in report.json and report.html in full).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_body_that_is_not_strict_json_leaves_no_token_in_the_reports() {
    let report = run(Misbehaviour::TokenBodyNotStrictJson).await;
    let json_failed = report.modules.iter().flat_map(|m| &m.findings).any(|f| f.check_id == "token.response.body_json_object" && f.status == Status::Fail);
    assert!(json_failed, "a body with a BOM and trailing text is not JSON (RFC 8259 §8.1)");
    let dir = std::env::temp_dir().join(format!("oh-not-strict-{}", std::process::id()));
    let written = oidc_harness::report::write_all(&report, &dir, &oidc_harness::report::Format::ALL).expect("reports written");
    for path in written {
        let text = std::fs::read_to_string(&path).expect("report readable");
        assert!(!text.contains("AT-not-strict-"), "{} shows the access token", path.display());
        assert!(!text.contains("eyJhbGci"), "{} shows a JWS", path.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_table_names_real_checks_and_each_misbehaviour_once() {
    for (i, row) in TABLE.iter().enumerate() {
        assert_ne!(row.bad, Misbehaviour::None);
        assert!(TABLE[..i].iter().all(|r| r.bad != row.bad), "{:?} is listed twice", row.bad);
        assert!(!row.caught_by.is_empty(), "{:?} names no check", row.bad);
        for id in row.caught_by {
            assert!(checks::find(id).is_some(), "{:?}: unknown check {id}", row.bad);
        }
    }
    for (i, bad) in ALLOWED.iter().enumerate() {
        assert!(!ALLOWED[..i].contains(bad) && TABLE.iter().all(|r| r.bad != *bad), "{bad:?} is listed twice");
    }
}
