//! The JavaScript login UI (`--login-ui spa`): one HTML shell with no `<form>` and one inline
//! script, the same for the login and consent pages. The script reads the interaction id from
//! the URL, fetches the interaction's state (client name, scopes, login hint and the CSRF token,
//! as JSON, only with the interaction cookie), renders inputs and buttons outside any form, and
//! calls the JSON endpoints with the token in an `X-CSRF-Token` header. It then goes where the
//! answer says: a `continue` URL, or a `form_post` it builds and submits. "Deny" exists only in
//! the script.
//!
//! Security equals the HTML UI's: the token is bound to the interaction cookie and checked in
//! constant time; the JSON endpoints take only `application/json` with the custom header (a
//! cross-site page cannot send either without a CORS preflight, which is never granted); the
//! page's Content-Security-Policy allows only this script, by hash, and `fetch` to itself.

use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::html::escape;
use crate::paths;

/// The app. Element ids and `autocomplete` values match the HTML UI's, so users' password
/// managers (and the harness's heuristics) see the same fields.
pub const SCRIPT: &str = r#"(() => {
  const id = new URLSearchParams(location.search).get('interaction') || '';
  const app = document.getElementById('app');
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text) e.textContent = text;
    app.appendChild(e);
    return e;
  };
  const go = (j) => {
    if (j.continue) { location.assign(j.continue); return; }
    if (j.form_post) {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = j.form_post.action;
      for (const [k, v] of j.form_post.params) {
        const i = document.createElement('input');
        i.type = 'hidden'; i.name = k; i.value = v;
        f.appendChild(i);
      }
      document.body.appendChild(f);
      f.submit();
    }
  };
  const call = async (path, body, csrf) => {
    const r = await fetch(path, { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body) });
    return { status: r.status, json: await r.json().catch(() => ({})) };
  };
  const login = (s) => {
    el('p', {}, 'to continue to ' + s.client_name);
    const err = el('p', { class: 'error', role: 'alert' });
    el('label', { for: 'username' }, 'Username');
    const u = el('input', { type: 'text', id: 'username', autocomplete: 'username' });
    u.value = s.login_hint || '';
    el('label', { for: 'password' }, 'Password');
    const pw = el('input', { type: 'password', id: 'password', autocomplete: 'current-password' });
    el('button', { type: 'button', id: 'sign-in' }, 'Sign in').addEventListener('click', async () => {
      const r = await call('/api/login', { interaction: id, username: u.value, password: pw.value }, s.csrf_token);
      if (r.status === 200) { go(r.json); return; }
      err.setAttribute('data-error', r.json.error || 'error');
      err.textContent = r.json.error_description || 'Sign-in failed.';
    });
  };
  const consent = (s) => {
    el('p', {}, s.client_name + ' asks for:');
    const ul = el('ul');
    for (const scope of s.scopes) {
      const li = document.createElement('li');
      li.textContent = scope;
      li.setAttribute('data-scope', scope);
      ul.appendChild(li);
    }
    for (const [label, decision] of [['Allow', 'allow'], ['Deny', 'deny']]) {
      el('button', { type: 'button', id: decision }, label).addEventListener('click', async () => {
        go((await call('/api/consent', { interaction: id, decision }, s.csrf_token)).json);
      });
    }
  };
  fetch('/api/interaction?interaction=' + encodeURIComponent(id), { credentials: 'same-origin' })
    .then(async (r) => {
      const s = await r.json().catch(() => ({}));
      if (!r.ok) { el('p', { class: 'error', 'data-error': 'request_refused' }, s.error_description || 'Start again from the application.'); return; }
      if (document.body.dataset.page === 'consent') consent(s); else login(s);
    });
})();"#;

/// The shell of the login (`page = "login"`) or consent (`"consent"`) page.
pub fn shell(page: &str) -> String {
    let title = if page == "consent" { "Allow access?" } else { "Sign in" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head>\
         <body data-page=\"{page}\"><h1>{title}</h1><div id=\"app\"><noscript>This page needs JavaScript.</noscript></div>\
         <script>{SCRIPT}</script></body></html>\n",
        page = escape(page),
    )
}

/// The shell's Content-Security-Policy: this script only (by hash), `fetch` to the provider.
pub fn content_security_policy() -> String {
    let hash = STANDARD.encode(digest::digest(&digest::SHA256, SCRIPT.as_bytes()));
    format!("default-src 'none'; script-src 'sha256-{hash}'; connect-src 'self'; frame-ancestors 'none'")
}

/// The API paths the script calls (kept in step with [`paths`]).
pub const API_PATHS: [&str; 3] = [paths::INTERACTION_API, paths::LOGIN_API, paths::CONSENT_API];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_has_no_form_and_the_script_calls_the_provider_paths() {
        let html = shell("login");
        assert!(!html.contains("<form") && !html.contains("src="), "{html}");
        for path in API_PATHS {
            assert!(SCRIPT.contains(&format!("'{path}")), "{path}");
        }
        assert!(content_security_policy().starts_with("default-src 'none'; script-src 'sha256-"));
    }
}
