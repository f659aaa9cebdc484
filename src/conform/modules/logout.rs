//! The logout module: RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) as the OIDF
//! "RP-Initiated Logout OP" plan tests it.
//!
//! Browser A logs in with a client that has a registered `post_logout_redirect_uri` (the first
//! such client, else the first client), and its ID token serves as `id_token_hint`. A sends first
//! the requests after which the OP must not redirect to the RP — an unregistered URI, a
//! registered one with a query parameter or a path segment added, the hint re-signed by a foreign
//! key or turned into `alg: none` — then the normal logout (hint, registered URI, `state`),
//! after which `prompt=none` must fail, and one without `state`. Browser B logs in and sends a
//! request without any parameter: a page, and (RP-Initiated Logout 6) no logout without asking.
//!
//! A profile that names a `logout_url` (with its `logout_redirect_param`), for a provider that
//! advertises no `end_session_endpoint`, has that URL probed for the must-not-redirect cases
//! only: it is no standard logout endpoint whose other behaviour could be judged. Redirects within the OP are followed;
//! one leaving it is where the request ended.

use url::Url;

use super::ModuleOutcome;
use super::probe;
use crate::checks::{LogoutCase, LogoutEvidence, LogoutSessionAfter, evaluate};
use crate::conform::Ctx;
use crate::conform::steps::{self, UserActs};
use crate::flow::{self, AuthParams};
use crate::form::ConsentChoice;
use crate::http::{Browser, HttpRequest, HttpResponse};
use crate::jose::{ForeignSigner, stripped_to_alg_none};
use crate::target::ClientProfile;

/// A post_logout_redirect_uri no client registers (the `.invalid` TLD never resolves).
const UNREGISTERED_TARGET: &str = "https://post-logout.oidc-harness.invalid/logged-out";

/// The query parameter added to a registered URI, and the path segment.
const EXTRA_PARAM: &str = "oidc_harness_extra";
const EXTRA_SEGMENT: &str = "oidc-harness-extra";

/// Redirects followed within the OP (to its own logged-out or confirmation page).
const MAX_HOPS: usize = 5;

/// Where logout requests go.
struct Endpoint {
    url: Url,
    /// The redirect parameter's name.
    param: String,
    /// Advertised as `end_session_endpoint` (else the profile's `logout_url`).
    standard: bool,
}

/// One logout request's parameters.
#[derive(Default)]
struct Request {
    hint: Option<String>,
    client_id: Option<String>,
    target: Option<String>,
    state: Option<String>,
}

impl Endpoint {
    /// The profile's `logout_url` when it names one (it is probed as it is, not as a standard
    /// end-session endpoint), else the advertised `end_session_endpoint`.
    fn of(ctx: &Ctx) -> Option<Endpoint> {
        let param = ctx.target.logout_redirect_param().to_owned();
        if let Some(url) = ctx.target.logout_url.as_deref().and_then(|u| Url::parse(u).ok()) {
            return Some(Endpoint { url, param, standard: false });
        }
        let url = probe::advertised(ctx, |m| m.end_session_endpoint.as_ref())?;
        Some(Endpoint { url, param, standard: true })
    }

    fn request(&self, r: &Request) -> HttpRequest {
        let pairs: Vec<(&str, &str)> = [("id_token_hint", &r.hint), ("client_id", &r.client_id), (self.param.as_str(), &r.target), ("state", &r.state)]
            .into_iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
            .collect();
        let mut url = self.url.clone();
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        HttpRequest::get(url)
    }

    /// Sends `r` in `browser`, following redirects within the OP (not to the target sent):
    /// the final answer and the redirect that left the OP, if any.
    async fn send(&self, browser: &Browser, r: &Request) -> Result<(HttpResponse, Option<Url>), String> {
        let mut resp = steps::visit(browser, self.request(r)).await?;
        for _ in 0..MAX_HOPS {
            match resp.is_redirect().then(|| resp.location()).flatten() {
                Some(next) if next.origin() == self.url.origin() && !r.target.as_deref().is_some_and(|t| is_at(&next, t)) => {
                    resp = steps::visit(browser, HttpRequest::get(next)).await?;
                }
                other => return Ok((resp, other)),
            }
        }
        let left = resp.is_redirect().then(|| resp.location()).flatten();
        Ok((resp, left))
    }
}

/// Whether `location` is `target` with parameters added: same scheme, host, port and path,
/// and every query pair of `target` present.
fn is_at(location: &Url, target: &str) -> bool {
    let Ok(t) = Url::parse(target) else { return false };
    let pairs: Vec<_> = location.query_pairs().collect();
    location[..url::Position::AfterPath] == t[..url::Position::AfterPath] && t.query_pairs().all(|p| pairs.contains(&p))
}

/// The parameters of `location` (query and fragment) besides `target`'s own and `state`.
fn added_params(location: &Url, target: &str) -> Vec<String> {
    let own: Vec<String> = Url::parse(target).map(|t| t.query_pairs().map(|(k, _)| k.into_owned()).collect()).unwrap_or_default();
    let fragment = location.fragment().map(|f| url::form_urlencoded::parse(f.as_bytes()).map(|(k, _)| k.into_owned()).collect::<Vec<_>>()).unwrap_or_default();
    location.query_pairs().map(|(k, _)| k.into_owned()).chain(fragment).filter(|k| k != "state" && !own.contains(k)).collect()
}

fn evidence(ctx: &Ctx, case: LogoutCase, r: &Request, resp: &HttpResponse, left: Option<&Url>, session_after: Option<LogoutSessionAfter>) -> LogoutEvidence {
    let at_target = left.zip(r.target.as_deref()).filter(|(l, t)| is_at(l, t));
    LogoutEvidence {
        case,
        status: resp.status,
        location: left.map(|l| ctx.browser.redactor().url(l)),
        target: r.target.clone(),
        to_target: at_target.is_some(),
        state_sent: r.state.is_some(),
        state_returned: at_target.and_then(|(l, _)| l.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| Some(&*v) == r.state.as_deref())),
        added_params: at_target.map(|(l, t)| added_params(l, t)).unwrap_or_default(),
        session_after,
    }
}

/// A `prompt=none` request in `browser`: what it says about the session.
async fn session_after(ctx: &Ctx, browser: &Browser, client: &ClientProfile) -> Result<LogoutSessionAfter, String> {
    let mut params = AuthParams::fresh(client);
    params.prompt = Some("none".into());
    let att = steps::attempt(ctx, browser, client, params, UserActs { login: false, consent: ConsentChoice::Allow }).await?;
    Ok(LogoutSessionAfter { error: att.error(), code_returned: att.code_returned(), login_form_seen: att.report.login_forms_seen > 0, detail: att.detail() })
}

/// `uri` with a query parameter added, and with a path segment added.
fn modified(uri: &str) -> Option<(String, String)> {
    let mut query = Url::parse(uri).ok()?;
    query.query_pairs_mut().append_pair(EXTRA_PARAM, "1");
    let mut path = Url::parse(uri).ok()?;
    let joined = format!("{}/{EXTRA_SEGMENT}", path.path().trim_end_matches('/'));
    path.set_path(&joined);
    Some((query.to_string(), path.to_string()))
}

pub(super) async fn run(ctx: &Ctx) -> ModuleOutcome {
    let Some(ep) = Endpoint::of(ctx) else {
        return ModuleOutcome::skipped("no end_session_endpoint advertised and no logout_url in the profile");
    };
    let clients = &ctx.target.clients;
    let Some(client) = clients.iter().find(|c| c.post_logout_redirect_uri.is_some()).or(clients.first()).cloned() else {
        return ModuleOutcome::skipped("no client in the profile");
    };
    ModuleOutcome::gather(async |out, notes| probe_all(ctx, &ep, &client, out, notes).await).await
}

async fn probe_all(ctx: &Ctx, ep: &Endpoint, client: &ClientProfile, out: &mut ModuleOutcome, notes: &mut Vec<String>) -> Result<(), String> {
    let a = steps::browser(ctx)?;
    let first = steps::login(ctx, &a, client, AuthParams::fresh(client)).await?;
    let Some(hint) = first.token("id_token") else {
        return Err("the login's token response carried no id_token to send as id_token_hint".into());
    };
    let state = || Some(flow::random_token(16));
    let mut cases = vec![(
        LogoutCase::Unregistered,
        Request { hint: Some(hint.clone()), client_id: Some(client.client_id.clone()), target: Some(UNREGISTERED_TARGET.into()), state: state() },
    )];
    let registered = client.post_logout_redirect_uri.clone();
    match registered.as_deref().and_then(modified) {
        Some((query, path)) => {
            let forged = |what: &str, t: Result<String, crate::jose::JoseError>| t.map_err(|e| format!("cannot forge the {what} id_token_hint: {e}"));
            let foreign = forged("foreign-signed", ForeignSigner::generate().and_then(|k| k.resign(&hint)))?;
            let unsigned = forged("unsigned", stripped_to_alg_none(&hint))?;
            let with = |hint: &str, target: &str| Request { hint: Some(hint.to_owned()), target: Some(target.to_owned()), state: state(), ..Request::default() };
            let reg = registered.as_deref().unwrap_or_default();
            cases.extend([
                (LogoutCase::ModifiedQuery, with(&hint, &query)),
                (LogoutCase::ModifiedPath, with(&hint, &path)),
                (LogoutCase::ForeignHint, with(&foreign, reg)),
                (LogoutCase::UnsignedHint, with(&unsigned, reg)),
            ]);
        }
        None => notes.push(format!("client {} has no post_logout_redirect_uri in the profile: only the unregistered-URI case is run", client.label())),
    }
    for (case, r) in &cases {
        let (resp, left) = ep.send(&a, r).await?;
        out.findings.extend(evaluate(case.checks(), &evidence(ctx, *case, r, &resp, left.as_ref(), None)));
    }
    if !ep.standard {
        notes.push("the profile's logout_url is probed for the must-not-redirect cases only".into());
        return Ok(());
    }
    let none_ok = ctx.metadata().prompt_values_supported.as_ref().is_none_or(|v| v.iter().any(|p| p == "none"));
    if !none_ok {
        notes.push("prompt=none is not advertised in prompt_values_supported: whether a logout ends the session is not judged".into());
    }
    if let Some(reg) = registered {
        let normal = Request { hint: Some(hint.clone()), target: Some(reg.clone()), state: state(), ..Request::default() };
        let (resp, left) = ep.send(&a, &normal).await?;
        let after = if none_ok { Some(session_after(ctx, &a, client).await?) } else { None };
        out.findings.extend(evaluate(LogoutCase::Normal.checks(), &evidence(ctx, LogoutCase::Normal, &normal, &resp, left.as_ref(), after)));
        let bare = Request { hint: Some(hint), target: Some(reg), ..Request::default() };
        let (resp, left) = ep.send(&a, &bare).await?;
        out.findings.extend(evaluate(LogoutCase::NoState.checks(), &evidence(ctx, LogoutCase::NoState, &bare, &resp, left.as_ref(), None)));
    }
    // B: a session, then a request without any parameter.
    let b = steps::browser(ctx)?;
    steps::login(ctx, &b, client, AuthParams::fresh(client)).await?;
    let empty = Request::default();
    let (resp, left) = ep.send(&b, &empty).await?;
    let after = if none_ok { Some(session_after(ctx, &b, client).await?) } else { None };
    out.findings.extend(evaluate(LogoutCase::NoParams.checks(), &evidence(ctx, LogoutCase::NoParams, &empty, &resp, left.as_ref(), after)));
    Ok(())
}
