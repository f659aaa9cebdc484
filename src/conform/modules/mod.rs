//! Test modules: each acts through the agent, gathers typed evidence and runs checks.

mod authz_errors;
pub(super) mod code_exchange;
mod code_flow;
pub(super) mod concurrency;
pub(super) mod pkce;
mod consent;
mod cross_tenant;
mod lifecycle;
mod logout;
mod metadata;
mod probe;
mod prompt;
mod refresh;
mod refresh_rules;
mod robustness;
mod userinfo;
mod userinfo_methods;

pub use authz_errors::AuthzErrorCase;
pub use code_exchange::CodeCase;
pub use concurrency::RaceGrant;
pub use pkce::PkceCase;
pub(crate) use code_flow::{open_id_token, token_evidence, userinfo_evidence};
pub(crate) use metadata::Preparation;

use super::{Ctx, HarnessError};
use crate::checks::Finding;
use crate::http::BackChannel;
use crate::report::ModuleStatus;
use crate::target::Target;

/// What a module does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleKind {
    /// Fetch and judge the discovery document (a prerequisite of everything else).
    Discovery,
    /// Fetch and judge the JWKS.
    Jwks,
    /// A complete code flow for one client.
    CodeFlow {
        /// Index into the target's clients.
        client: usize,
        /// response_mode to request (None: default query).
        response_mode: Option<&'static str>,
    },
    /// Refresh the token of the first code flow that returned one.
    Refresh,
    /// Userinfo without and with an invalid token.
    UserinfoErrors,
    /// One invalid authorization request for the first client.
    AuthzError(AuthzErrorCase),
    /// A misuse of an authorization code (RFC 6749 4.1.2, 4.1.3).
    Code(CodeCase),
    /// Client authentication with a wrong, a missing and the right secret.
    ClientAuth {
        /// Index into the target's clients (a confidential one).
        client: usize,
    },
    /// A PKCE misuse (RFC 7636, RFC 9700 2.1.1).
    Pkce(PkceCase),
    /// Parallel use of one code or one refresh token.
    Race(RaceGrant),
    /// prompt=none/login, max_age, id_token_hint and login_hint against a session.
    PromptSession,
    /// Consent pages for first- and third-party clients, and a denial.
    Consent,
    /// Refresh-token binding, scope widening/narrowing and rotation.
    RefreshRules,
    /// UserInfo with GET, POST and a form-body token; an ID token as bearer.
    UserinfoMethods,
    /// Revocation and introspection.
    TokenLifecycle,
    /// RP-initiated logout: the normal logout, and the requests that must not redirect.
    Logout,
    /// Boundary input to every endpoint the provider has (no server error, no grant).
    Robustness,
    /// Codes, tokens, issuer and keys across the home tenant and one extra tenant.
    CrossTenant {
        /// Index into the target's extra tenants.
        tenant: usize,
    },
}

/// What a module produced.
#[derive(Debug, Default)]
pub(crate) struct ModuleOutcome {
    /// Findings in evaluation order.
    pub(crate) findings: Vec<Finding>,
    /// Why the module stopped early or was skipped.
    pub(crate) note: Option<String>,
    /// Forced status (skipped, or an error because the harness could not run it to the end).
    pub(crate) status: Option<ModuleStatus>,
}

impl ModuleOutcome {
    /// A skipped module with its reason.
    pub(crate) fn skipped(reason: impl Into<String>) -> Self {
        ModuleOutcome { findings: vec![], note: Some(reason.into()), status: Some(ModuleStatus::Skipped) }
    }

    /// Stops the module: the harness could not go on (an error, not the provider's failure,
    /// unless a finding gathered so far failed), keeping the findings gathered so far.
    pub(crate) fn abort(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self.status = super::aborted();
        self
    }

    /// Runs a module's `probes`, which add findings to a fresh outcome and notes as they go: the
    /// module is aborted with the error when they fail, otherwise ends with the notes joined (if
    /// any) as its note.
    pub(crate) async fn gather(probes: impl AsyncFnOnce(&mut ModuleOutcome, &mut Vec<String>) -> Result<(), String>) -> Self {
        let mut out = ModuleOutcome::default();
        let mut notes = Vec::new();
        if let Err(e) = probes(&mut out, &mut notes).await {
            return out.abort(e);
        }
        if !notes.is_empty() {
            out.note = Some(notes.join("; "));
        }
        out
    }
}

/// A module's note when discovery did not yield usable endpoints.
const NO_ENDPOINTS: &str = "discovery did not yield usable endpoints";

impl ModuleKind {
    /// Whether this is a set-up module (discovery, JWKS): run first, through a [`Preparation`],
    /// to make the [`super::Prepared`] value the other modules receive.
    pub(crate) fn is_setup(&self) -> bool {
        matches!(self, ModuleKind::Discovery | ModuleKind::Jwks)
    }

    /// Why this module is skipped when discovery did not yield usable endpoints.
    pub(crate) fn unprepared_note(&self) -> &'static str {
        match self {
            ModuleKind::Jwks => metadata::NO_JWKS_URI,
            ModuleKind::UserinfoErrors | ModuleKind::UserinfoMethods => userinfo::NO_USERINFO_ENDPOINT,
            ModuleKind::CrossTenant { .. } => "discovery of the home tenant did not yield usable endpoints",
            _ => NO_ENDPOINTS,
        }
    }
}

/// Runs a set-up module, adding what it learned to `prep`.
pub(crate) async fn run_setup(prep: &mut Preparation, target: &Target, back: &BackChannel, kind: &ModuleKind) -> Result<ModuleOutcome, HarnessError> {
    Ok(match kind {
        ModuleKind::Discovery => prep.discovery(target, back).await?,
        ModuleKind::Jwks => prep.jwks(back).await,
        _ => ModuleOutcome::default().abort(format!("{kind:?} is no set-up module")),
    })
}

/// Runs one module after the set-up (a set-up module is no module to run here).
pub(crate) async fn run_module(ctx: &Ctx, kind: &ModuleKind) -> ModuleOutcome {
    match kind {
        ModuleKind::Discovery | ModuleKind::Jwks => ModuleOutcome::default().abort(format!("{kind:?} is a set-up module")),
        ModuleKind::CodeFlow { client, response_mode } => code_flow::run(ctx, *client, *response_mode).await,
        ModuleKind::Refresh => refresh::run(ctx).await,
        ModuleKind::UserinfoErrors => userinfo::errors(ctx).await,
        ModuleKind::AuthzError(case) => authz_errors::run(ctx, *case).await,
        ModuleKind::Code(case) => code_exchange::run(ctx, *case).await,
        ModuleKind::ClientAuth { client } => code_exchange::client_auth(ctx, *client).await,
        ModuleKind::Pkce(case) => pkce::run(ctx, *case).await,
        ModuleKind::Race(grant) => concurrency::run(ctx, *grant).await,
        ModuleKind::PromptSession => prompt::run(ctx).await,
        ModuleKind::Consent => consent::run(ctx).await,
        ModuleKind::RefreshRules => refresh_rules::run(ctx).await,
        ModuleKind::UserinfoMethods => userinfo_methods::run(ctx).await,
        ModuleKind::TokenLifecycle => lifecycle::run(ctx).await,
        ModuleKind::Logout => logout::run(ctx).await,
        ModuleKind::Robustness => robustness::run(ctx).await,
        ModuleKind::CrossTenant { tenant } => cross_tenant::run(ctx, *tenant).await,
    }
}
