//! Boundary input to the login and consent forms the provider shows: a field missing (the
//! password, the decision, the anti-forgery token), another session's anti-forgery token, an
//! empty body, and the same form posted again after it succeeded. Each input goes to a page of
//! its own, in a browser of its own (a refused post may spend the page), and its answer is
//! followed through the provider's redirects to what the browser would end on.
//!
//! Only forms the HTML driver reads are probed (a JavaScript or JSON login is left out, said in
//! the note). A consent post that did not come from this session's consent page must not yield
//! a code (OIDC Core 3.1.2.4, judged as `robust.consent.forged_not_granted`).

use url::Url;

use crate::checks::{Expect, RobustAnswer, RobustEndpoint, RobustProbe, classify_robust};
use crate::conform::Ctx;
use crate::flow::{self, AuthParams};
use crate::form::{self, ConsentForm, LoginForm, Page, Submission};
use crate::http::{AgentError, Browser, HttpRequest, HttpResponse};
use crate::target::ClientProfile;

/// Redirects followed after a post, within the provider.
const MAX_REDIRECTS: usize = 8;

/// Whether a hidden field's name is an anti-forgery token's.
fn is_anti_forgery(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["csrf", "xsrf", "authenticity", "verificationtoken", "_token", "nonce_field"].iter().any(|k| n.contains(k))
}

/// `sub` without the fields `drop` picks.
fn without(mut sub: Submission, drop: impl Fn(&str) -> bool) -> Submission {
    sub.fields.retain(|(k, _)| !drop(k));
    sub
}

/// `sub` with its anti-forgery values taken from `other` (same names); `None` when the form has
/// no such field or the other form lacks it.
fn with_foreign_token(mut sub: Submission, other: &Submission) -> Option<Submission> {
    let mut swapped = false;
    for (k, v) in sub.fields.iter_mut().filter(|(k, _)| is_anti_forgery(k)) {
        let theirs = other.fields.iter().find(|(ok, _)| ok == k)?;
        if theirs.1 != *v {
            v.clone_from(&theirs.1);
            swapped = true;
        }
    }
    swapped.then_some(sub)
}

/// What the probes need from the run.
pub(super) struct Forms<'a> {
    /// The run's context.
    pub ctx: &'a Ctx,
    /// A browser whose configuration the probes' fresh browsers copy.
    pub browser: &'a Browser,
}

impl Forms<'_> {
    /// A fresh browser's first page for `client` (redirects followed).
    async fn open(&self, client: &ClientProfile, prompt_consent: bool) -> Result<(Browser, HttpResponse), String> {
        let b = self.browser.with_fresh_cookies().map_err(|e| e.to_string())?;
        let mut params = AuthParams::fresh(client);
        if prompt_consent {
            params.prompt = Some("consent".into());
        }
        let url = flow::authorization_url(&self.ctx.endpoints().authorization, client, &params);
        let resp = walk(&b, b.send(HttpRequest::get(url)).await, &client.redirect_uri).await.map_err(|e| e.to_string())?;
        Ok((b, resp))
    }

    /// A fresh browser on `client`'s login page, with the page's form filled for the profile's
    /// user; `None` when the page is not an HTML login form with a password field.
    async fn login_page(&self, client: &ClientProfile, prompt_consent: bool) -> Result<Option<(Browser, Submission)>, String> {
        Ok(self.login_form_filled(client, prompt_consent).await?.map(|(b, sub, _)| (b, sub)))
    }

    /// [`Self::login_page`] with the name of the form's password field.
    async fn login_form_filled(&self, client: &ClientProfile, prompt_consent: bool) -> Result<Option<(Browser, Submission, String)>, String> {
        let (b, resp) = self.open(client, prompt_consent).await?;
        let Some(login) = login_form(self.ctx, &resp) else { return Ok(None) };
        let user = self.ctx.target.users.first().ok_or("no user in the profile")?;
        let password = login.password_field.clone().unwrap_or_default();
        Ok(Some((b, form::fill_login(&login, &user.username, user.password.expose(), &self.ctx.target.hints), password)))
    }

    /// A fresh browser on `client`'s consent page (logged in, prompt=consent), with the
    /// page's allow submission; `None` when no HTML consent page came.
    async fn consent_page(&self, client: &ClientProfile) -> Result<Option<(Browser, Submission, ConsentForm)>, String> {
        let Some((b, login)) = self.login_page(client, true).await? else { return Ok(None) };
        let resp = walk(&b, b.send(login.into_request()).await, &client.redirect_uri).await.map_err(|e| e.to_string())?;
        match form::classify(&resp.text(), &resp.url, &self.ctx.target.hints) {
            Page::Consent(c) => Ok(Some((b, c.allow_submission(), c))),
            _ => Ok(None),
        }
    }

    /// Sends `sub` in `b`, follows the provider's redirects, classes what the browser ends on.
    async fn post(&self, b: &Browser, sub: Submission, client: &ClientProfile) -> RobustAnswer {
        let result = walk(b, b.send(sub.into_request()).await, &client.redirect_uri).await;
        let login = result.as_ref().is_ok_and(|r| login_form(self.ctx, r).is_some());
        classify_robust(&result, &client.redirect_uri, login)
    }

    /// Every probe of the login and consent forms; notes say what could not be probed.
    pub(super) async fn probes(&self, client: &ClientProfile, third_party: Option<&ClientProfile>) -> (Vec<RobustProbe>, Vec<String>) {
        let mut probes = Vec::new();
        let mut notes = Vec::new();
        match self.login_probes(client, &mut probes).await {
            Ok(true) => {}
            Ok(false) => notes.push("login form: not an HTML form with a password field (not probed)".to_owned()),
            Err(e) => notes.push(format!("login form: {e}")),
        }
        match third_party {
            None => notes.push("consent form: no third-party client in the profile (not probed)".to_owned()),
            Some(tp) => match self.consent_probes(tp, &mut probes).await {
                Ok(true) => {}
                Ok(false) => notes.push("consent form: no HTML consent page for prompt=consent (not probed)".to_owned()),
                Err(e) => notes.push(format!("consent form: {e}")),
            },
        }
        (probes, notes)
    }

    async fn login_probes(&self, client: &ClientProfile, out: &mut Vec<RobustProbe>) -> Result<bool, String> {
        let probe = |name: &str, answer| RobustProbe { name: format!("login.{name}"), endpoint: RobustEndpoint::Login, expect: Expect::NoCrash, answer };
        let Some((b, filled, password)) = self.login_form_filled(client, false).await? else { return Ok(false) };
        let no_password = without(filled, |k| k == password);
        out.push(probe("no_password", self.post(&b, no_password, client).await));
        if let Some((b, filled)) = self.login_page(client, false).await? {
            let mut empty = filled;
            empty.fields.clear();
            out.push(probe("empty_body", self.post(&b, empty, client).await));
        }
        if let (Some((b, mine)), Some((_, theirs))) = (self.login_page(client, false).await?, self.login_page(client, false).await?) {
            if let Some(forged) = with_foreign_token(mine.clone(), &theirs) {
                out.push(probe("foreign_csrf", self.post(&b, forged, client).await));
            }
            if mine.fields.iter().any(|(k, _)| is_anti_forgery(k)) {
                out.push(probe("no_csrf", self.post(&b, without(mine, is_anti_forgery), client).await));
            }
        }
        if let Some((b, filled)) = self.login_page(client, false).await? {
            let _first = self.post(&b, filled.clone(), client).await;
            out.push(probe("replayed", self.post(&b, filled, client).await));
        }
        Ok(true)
    }

    async fn consent_probes(&self, client: &ClientProfile, out: &mut Vec<RobustProbe>) -> Result<bool, String> {
        let probe = |name: &str, expect, answer| RobustProbe { name: format!("consent.{name}"), endpoint: RobustEndpoint::Consent, expect, answer };
        let Some((b, allow, page)) = self.consent_page(client).await? else { return Ok(false) };
        let decision = page.allow.name.clone();
        let no_decision = without(allow, |k| Some(k) == decision.as_deref());
        out.push(probe("no_decision", Expect::Refusal, self.post(&b, no_decision, client).await));
        if let (Some((b, mine, _)), Some((_, theirs, _))) = (self.consent_page(client).await?, self.consent_page(client).await?) {
            if let Some(forged) = with_foreign_token(mine.clone(), &theirs) {
                out.push(probe("foreign_csrf", Expect::Refusal, self.post(&b, forged, client).await));
            }
            if mine.fields.iter().any(|(k, _)| is_anti_forgery(k)) {
                out.push(probe("no_csrf", Expect::Refusal, self.post(&b, without(mine, is_anti_forgery), client).await));
            }
        }
        if let Some((b, allow, _)) = self.consent_page(client).await? {
            let _first = self.post(&b, allow.clone(), client).await;
            out.push(probe("replayed", Expect::NoCrash, self.post(&b, allow, client).await));
        }
        Ok(true)
    }
}

/// The login form of a 2xx page (with a password field), if it is one.
fn login_form(ctx: &Ctx, resp: &HttpResponse) -> Option<LoginForm> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    match form::classify(&resp.text(), &resp.url, &ctx.target.hints) {
        Page::Login(l) if l.password_field.is_some() => Some(l),
        _ => None,
    }
}

/// Follows redirects on the provider's side (never to the redirect_uri), at most
/// [`MAX_REDIRECTS`]; the last answer.
async fn walk(b: &Browser, first: Result<HttpResponse, AgentError>, redirect_uri: &str) -> Result<HttpResponse, AgentError> {
    let mut resp = first?;
    for _ in 0..MAX_REDIRECTS {
        let Some(next) = resp.location().filter(|_| resp.is_redirect()) else { break };
        if next.as_str().starts_with(redirect_uri) || !matches!(next.scheme(), "http" | "https") {
            break;
        }
        resp = b.send(HttpRequest::get(Url::clone(&next))).await?;
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(fields: &[(&str, &str)]) -> Submission {
        Submission {
            url: Url::parse("https://op.test/consent").unwrap(),
            method: form::FormMethod::Post,
            encoding: form::FormEncoding::UrlEncoded,
            fields: fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        }
    }

    #[test]
    fn a_foreign_token_replaces_only_anti_forgery_values() {
        let mine = sub(&[("interaction", "i-1"), ("csrf_token", "mine"), ("decision", "allow")]);
        let theirs = sub(&[("interaction", "i-2"), ("csrf_token", "theirs"), ("decision", "allow")]);
        let forged = with_foreign_token(mine.clone(), &theirs).unwrap();
        assert_eq!(forged.fields[0], ("interaction".to_owned(), "i-1".to_owned()));
        assert_eq!(forged.fields[1], ("csrf_token".to_owned(), "theirs".to_owned()));
        // No anti-forgery field, or the same value: nothing to forge.
        assert!(with_foreign_token(sub(&[("decision", "allow")]), &theirs).is_none());
        assert!(with_foreign_token(mine.clone(), &mine).is_none());
        assert_eq!(without(mine, is_anti_forgery).fields.len(), 2);
        assert!(is_anti_forgery("__RequestVerificationToken") && is_anti_forgery("_csrf") && !is_anti_forgery("interaction"));
    }
}
