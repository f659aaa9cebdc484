//! The userinfo-errors module: a call without a token and one with an invalid token must be
//! refused with a Bearer challenge (RFC 6750 3, 3.1).

use super::ModuleOutcome;
use crate::checks::{USERINFO_INVALID_TOKEN_CHECKS, USERINFO_NO_TOKEN_CHECKS, UserInfoErrorEvidence, evaluate};
use crate::conform::{Ctx, steps};
use crate::http::HttpRequest;

/// The note of a module that needs the userinfo_endpoint when none was advertised.
pub(super) const NO_USERINFO_ENDPOINT: &str = "no userinfo_endpoint advertised";

pub(super) async fn errors(ctx: &Ctx) -> ModuleOutcome {
    let Some(ep) = ctx.endpoints().userinfo.clone() else {
        return ModuleOutcome::skipped(NO_USERINFO_ENDPOINT);
    };
    let mut out = ModuleOutcome::default();
    let calls = [
        (HttpRequest::get(ep.clone()), USERINFO_NO_TOKEN_CHECKS),
        (HttpRequest::get(ep).bearer("oidc-harness-invalid-token"), USERINFO_INVALID_TOKEN_CHECKS),
    ];
    for (req, checks) in calls {
        match steps::send(&ctx.back, req).await {
            Ok(resp) => {
                let ev = UserInfoErrorEvidence { status: resp.status, www_authenticate: resp.header("www-authenticate").map(str::to_owned) };
                out.findings.extend(evaluate(checks, &ev));
            }
            Err(note) => return out.abort(note),
        }
    }
    out
}
