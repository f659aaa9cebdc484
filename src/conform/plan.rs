//! Plans: ordered lists of test modules built for a target, and `--only`/`--skip` selection
//! validated against the module list and the check catalog before any network call.

use super::modules::ModuleKind;
use crate::target::Target;

/// A named plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Discovery document and JWKS only (like the OIDF Config OP profile).
    Config,
    /// Config plus complete code flows per client, form_post, refresh and userinfo errors.
    Basic,
    /// Everything available.
    All,
}

impl std::str::FromStr for Plan {
    type Err = PlanError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "config" => Ok(Plan::Config),
            "basic" => Ok(Plan::Basic),
            "all" => Ok(Plan::All),
            other => Err(PlanError(format!("unknown plan {other:?}: expected config, basic or all"))),
        }
    }
}

impl Plan {
    /// The plan's name.
    pub fn name(self) -> &'static str {
        match self {
            Plan::Config => "config",
            Plan::Basic => "basic",
            Plan::All => "all",
        }
    }
}

/// An invalid plan or selection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

/// Which plan, and which modules/checks within it.
#[derive(Debug, Clone)]
pub struct Selection {
    /// The plan.
    pub plan: Plan,
    /// `--only` ids that name modules (exact id or `prefix/`), e.g. `code-flow`.
    pub only_modules: Vec<String>,
    /// `--only` ids that name checks.
    pub only_checks: Vec<String>,
    /// `--skip` ids that name modules.
    pub skip_modules: Vec<String>,
    /// `--skip` ids that name checks.
    pub skip_checks: Vec<String>,
    /// `--shuffle SEED`: run the modules after discovery and JWKS in an order drawn from this
    /// seed (the same seed, the same order), to show that no verdict depends on the order.
    pub shuffle: Option<u64>,
}

impl Selection {
    /// A whole plan.
    pub fn plan(plan: Plan) -> Self {
        Selection { plan, only_modules: vec![], only_checks: vec![], skip_modules: vec![], skip_checks: vec![], shuffle: None }
    }

    /// Sorts `--only`/`--skip` ids into module ids and check ids; unknown ids are an error
    /// with a suggestion.
    pub fn with_ids(plan: Plan, target: &Target, only: &[String], skip: &[String]) -> Result<Self, PlanError> {
        let modules: Vec<String> = build_all(target).into_iter().map(|m| m.id).collect();
        let mut sel = Selection::plan(plan);
        for (ids, into_modules, into_checks) in [
            (only, &mut sel.only_modules, &mut sel.only_checks),
            (skip, &mut sel.skip_modules, &mut sel.skip_checks),
        ] {
            for id in ids {
                if modules.iter().any(|m| module_matches(m, id)) {
                    into_modules.push(id.clone());
                } else if crate::checks::find(id).is_some() {
                    into_checks.push(id.clone());
                } else {
                    let all_ids = modules.iter().cloned().chain(crate::checks::catalog().into_iter().flat_map(|(_, d)| d).map(|d| d.id.to_owned()));
                    // The most similar id (Jaro-Winkler, at least 0.8): a typo anywhere is forgiven.
                    let hint = all_ids
                        .map(|c| (strsim::jaro_winkler(id, &c), c))
                        .filter(|(score, _)| *score >= 0.8)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, c)| format!("; did you mean {c:?}?"))
                        .unwrap_or_default();
                    return Err(PlanError(format!("unknown module or check id {id:?} (see `oidc-harness checks`){hint}")));
                }
            }
        }
        Ok(sel)
    }
}

fn module_matches(module_id: &str, selector: &str) -> bool {
    module_id == selector || module_id.starts_with(&format!("{selector}/"))
}

/// One module instance in a plan.
#[derive(Debug, Clone)]
pub struct ModuleSpec {
    /// Stable id, e.g. `code-flow/confidential-basic`.
    pub id: String,
    /// One line.
    pub description: String,
    /// What it does.
    pub kind: ModuleKind,
    /// Plans that include it.
    pub in_basic: bool,
}

/// A plan instantiated for a target.
#[derive(Debug, Clone)]
pub struct BuiltPlan {
    /// Plan name.
    pub name: String,
    /// Modules in order.
    pub modules: Vec<ModuleSpec>,
    /// Modules of the plan that `--skip` excluded, with the selector that did: reported as
    /// skipped with that reason, never silently absent.
    pub excluded: Vec<(ModuleSpec, String)>,
}

fn build_all(target: &Target) -> Vec<ModuleSpec> {
    let m = |id: String, description: String, kind: ModuleKind, in_basic: bool| ModuleSpec { id, description, kind, in_basic };
    let mut out = vec![
        m("discovery".into(), "discovery document fetched from the issuer and judged (OIDC Discovery 1.0)".into(), ModuleKind::Discovery, true),
        m("jwks".into(), "JSON Web Key Set fetched and judged (RFC 7517)".into(), ModuleKind::Jwks, true),
    ];
    for (i, c) in target.clients.iter().enumerate() {
        if target.is_short_lifetime(c) {
            continue;
        }
        out.push(m(
            format!("code-flow/{}", c.label()),
            format!("complete authorization-code flow with PKCE for client {} ({})", c.client_id, c.auth_method.as_str()),
            ModuleKind::CodeFlow { client: i, response_mode: None },
            true,
        ));
    }
    out.push(m(
        format!("code-flow-form-post/{}", target.clients[0].label()),
        "the code flow with response_mode=form_post (skipped unless advertised)".into(),
        ModuleKind::CodeFlow { client: 0, response_mode: Some("form_post") },
        true,
    ));
    out.push(m("refresh".into(), "refresh grant with a refresh token of a login of its own (OIDC Core 12)".into(), ModuleKind::Refresh, true));
    for case in super::modules::AuthzErrorCase::ALL {
        out.push(m(format!("negative-authz/{}", case.id()), case.description().into(), ModuleKind::AuthzError(*case), false));
    }
    out.push(m("userinfo-errors".into(), "userinfo without a token and with an invalid token (RFC 6750 3)".into(), ModuleKind::UserinfoErrors, true));
    out.extend(super::modules::code_exchange::specs(target));
    out.extend(super::modules::pkce::specs(target));
    out.extend(super::modules::concurrency::specs(target));
    out.push(m("prompt-session".into(), "prompt=none/login, max_age, id_token_hint and login_hint against a session (OIDC Core 3.1.2.1)".into(), ModuleKind::PromptSession, false));
    out.push(m("consent".into(), "consent pages for first- and third-party clients, prompt=consent and a denial (OIDC Core 3.1.2.4)".into(), ModuleKind::Consent, false));
    out.push(m("refresh-rules".into(), "refresh tokens bound to the client, no scope widening, rotation and reuse (RFC 6749 6, RFC 9700 4.14.2)".into(), ModuleKind::RefreshRules, false));
    out.push(m("userinfo-methods".into(), "UserInfo with GET, POST and a form-body token; an ID token as bearer is refused (OIDC Core 5.3)".into(), ModuleKind::UserinfoMethods, false));
    out.push(m("token-lifecycle".into(), "revocation and introspection, when advertised (RFC 7009, RFC 7662)".into(), ModuleKind::TokenLifecycle, false));
    out.push(m(
        "logout".into(),
        "RP-initiated logout: state echoed and the session ended; no redirect to an unregistered or modified URI or with a forged id_token_hint (RP-Initiated Logout 1.0)".into(),
        ModuleKind::Logout,
        false,
    ));
    out.push(m("robustness".into(), "boundary input to every endpoint: oversized, repeated, empty and malformed parameters and bodies (RFC 6749 4.1.2.1, 5.2)".into(), ModuleKind::Robustness, false));
    // Last: its flows at the home tenant must not change what earlier modules expect (consent).
    for (i, t) in target.tenants.iter().enumerate() {
        out.push(m(
            format!("cross-tenant/{}", t.name),
            format!("codes, access tokens, iss and keys of tenant {} kept apart from the home tenant's (RFC 6749 4.1.3, OIDC Core 3.1.3.7)", t.issuer),
            ModuleKind::CrossTenant { tenant: i },
            false,
        ));
    }
    out
}

/// Builds the plan's module list for `target`, applying module selection.
pub fn build_plan(target: &Target, sel: &Selection) -> Result<BuiltPlan, PlanError> {
    let all = build_all(target);
    let modules = all
        .into_iter()
        .filter(|m| match sel.plan {
            Plan::Config => m.kind.is_setup(),
            Plan::Basic => m.in_basic,
            Plan::All => true,
        })
        .filter(|m| sel.only_modules.is_empty() || sel.only_modules.iter().any(|o| module_matches(&m.id, o)) || matches!(m.kind, ModuleKind::Discovery))
        .collect::<Vec<_>>();
    let (modules, excluded): (Vec<ModuleSpec>, Vec<ModuleSpec>) =
        modules.into_iter().partition(|m| !sel.skip_modules.iter().any(|s| module_matches(&m.id, s)));
    let excluded = excluded
        .into_iter()
        .map(|m| {
            let by = sel.skip_modules.iter().find(|s| module_matches(&m.id, s)).cloned().unwrap_or_default();
            (m, format!("excluded by --skip {by}"))
        })
        .collect();
    if modules.is_empty() {
        return Err(PlanError("the selection leaves no module to run".into()));
    }
    let mut modules = modules;
    if let Some(seed) = sel.shuffle {
        let setup = modules.iter().take_while(|m| m.kind.is_setup()).count();
        shuffle(&mut modules[setup..], seed);
    }
    Ok(BuiltPlan { name: sel.plan.name().to_owned(), modules, excluded })
}

/// Fisher–Yates with a splitmix64 stream from `seed`: one order per seed, on every machine.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = usize::try_from(next() % (i as u64 + 1)).unwrap_or(0);
        items.swap(i, j);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod shuffle_tests {
    use super::*;
    use crate::conform::embedded_profile;

    fn ids(sel: &Selection) -> Vec<String> {
        let target = Target::try_from(embedded_profile("http://127.0.0.1:1")).unwrap();
        build_plan(&target, sel).unwrap().modules.into_iter().map(|m| m.id).collect()
    }

    #[test]
    fn a_seed_draws_one_order_of_the_same_modules_after_discovery_and_jwks() {
        let plain = ids(&Selection::plan(Plan::All));
        let seeded = |seed| ids(&Selection { shuffle: Some(seed), ..Selection::plan(Plan::All) });
        let (a, b, c) = (seeded(7), seeded(7), seeded(8));
        assert_eq!(a, b, "same seed, same order");
        assert_ne!(a, plain);
        assert_ne!(a, c);
        assert_eq!(&a[..2], &["discovery".to_owned(), "jwks".to_owned()]);
        let (mut sorted_a, mut sorted_plain) = (a.clone(), plain.clone());
        sorted_a.sort();
        sorted_plain.sort();
        assert_eq!(sorted_a, sorted_plain, "the same modules");
    }
}
