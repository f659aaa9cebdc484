//! Page classification: is this a login page, a consent page, an auto-submitting
//! `form_post` page, or something else (and, on an error page, which error code the provider
//! names in a header)?
//!
//! Detection relies on structure (password inputs, `autocomplete`, hidden fields, button
//! `name`/`value` attributes) before visible labels, so it works whatever the page language.

use scraper::Html;
use serde::Deserialize;
use url::Url;

use super::json_login::JsonLogin;
use crate::browser::BrowserMode;
use super::parse::{Field, Form, FormMethod, Submit, parse_forms, sel};
use crate::http::HttpResponse;

/// Words meaning "allow" in a consent button's name, value or label.
const ALLOW_WORDS: &[&str] = &[
    "approved",
    "allowed",
    "granted",
    "allow",
    "accept",
    "approve",
    "authorize",
    "authorise",
    "consent",
    "continue",
    "yes",
    "grant",
    "confirm",
];
/// Words meaning "deny" in a consent button's name, value or label.
const DENY_WORDS: &[&str] =
    &["deny", "denied", "reject", "rejected", "cancel", "decline", "abort", "no", "refuse"];
/// Fragments of hidden field names that carry a consent decision (`approval`, `prompt`, …).
const DECISION_FIELDS: &[&str] =
    &["approv", "consent", "decision", "action", "prompt", "allow", "grant", "accept"];
/// Words in a username field's name or id.
const USERNAME_WORDS: &[&str] = &["user", "login", "email", "identifier", "mail"];

/// Per-provider overrides for page detection (from the target profile).
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormHints {
    /// Name of the username field.
    pub username_field: Option<String>,
    /// Name of the password field.
    pub password_field: Option<String>,
    /// Name, value or label of the login button.
    pub submit: Option<String>,
    /// Name, value or label of the consent "allow" button.
    pub consent_allow: Option<String>,
    /// Name, value or label of the consent "deny" button.
    pub consent_deny: Option<String>,
    /// Log in through this JSON API on a login page without a form (a JavaScript app).
    pub json_login: Option<JsonLogin>,
    /// When to drive login and consent in headless Chromium: `auto` (default: when a page
    /// needs a script to show its form), `always` or `never`.
    #[serde(default)]
    pub browser: BrowserMode,
    /// The Chromium binary (default: `OIDC_HARNESS_CHROMIUM`, then the usual install paths).
    #[serde(default)]
    pub browser_path: Option<String>,
}

/// What kind of page a response is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// A page with a login form.
    Login(LoginForm),
    /// A consent page with allow (and maybe deny) buttons.
    Consent(ConsentForm),
    /// A `form_post` response page: a POST form with only hidden fields, submitted by script.
    AutoPost(Form),
    /// Anything else (error page, unknown page).
    Other,
}

/// A login form and the fields to fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginForm {
    /// The form.
    pub form: Form,
    /// Name of the detected username field (absent on a password-only step).
    pub username_field: Option<String>,
    /// Name of the password field; `None` on the first page of an identifier-first login
    /// (the login name alone; the password page follows).
    pub password_field: Option<String>,
    /// Other login forms on the page that post somewhere else (the driver fills the first).
    pub others_elsewhere: usize,
}

/// A consent form and its buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentForm {
    /// The form.
    pub form: Form,
    /// The button that grants consent.
    pub allow: Submit,
    /// The button that refuses consent, when the page has one.
    pub deny: Option<Submit>,
    /// The form holding `deny` when it is a separate form (Dex style), else `None`.
    pub deny_form: Option<Box<Form>>,
}

/// Classifies a page by its forms.
pub fn classify(html: &str, page_url: &Url, hints: &FormHints) -> Page {
    let forms = parse_forms(html, page_url);
    let mut logins = forms.iter().filter(|f| login_form(f, hints).is_some());
    if let Some(mut login) = logins.next().and_then(|f| login_form(f, hints)) {
        login.others_elsewhere = logins.filter(|f| f.action != login.form.action).count();
        return Page::Login(login);
    }
    let consent = consent_page(&forms, hints);
    // A page with both an allow and a deny button (or hinted) is a consent page even if a
    // script submits it; otherwise a hidden-only POST form with a submitting script is form_post.
    if let Some(c) = consent.as_ref().filter(|c| c.deny.is_some() || hints.consent_allow.is_some())
    {
        return Page::Consent(c.clone());
    }
    if let Some(f) = forms.iter().find(|f| is_auto_post(f, html)) {
        return Page::AutoPost(f.clone());
    }
    consent.map_or(Page::Other, Page::Consent)
}

/// A login form: one with a password field (or the hinted one), or — the first step of an
/// identifier-first login — one whose only visible input is clearly a login name.
fn login_form(form: &Form, hints: &FormHints) -> Option<LoginForm> {
    let password = match &hints.password_field {
        Some(h) => form.fields.iter().find(|f| &f.name == h),
        None => None,
    }
    .or_else(|| form.fields.iter().find(|f| f.kind == "password"));
    let Some(password) = password else {
        return identifier_form(form, hints);
    };
    let candidates: Vec<&Field> = form
        .fields
        .iter()
        .filter(|f| f.name != password.name && f.kind != "password" && f.kind != "hidden")
        .collect();
    let username = hinted_username(form, hints)
        .or_else(|| strong_username(&candidates))
        .or_else(|| candidates.iter().copied().find(|f| f.is_text_like()));
    Some(LoginForm {
        form: form.clone(),
        username_field: username.map(|f| f.name.clone()),
        password_field: Some(password.name.clone()),
        others_elsewhere: 0,
    })
}

/// The first page of an identifier-first login: no password field, exactly one visible input,
/// and that input is a login name by its hint, `autocomplete`, type or name — never a guess on
/// a bare text box (a search field is not a login page).
fn identifier_form(form: &Form, hints: &FormHints) -> Option<LoginForm> {
    let visible: Vec<&Field> = form.fields.iter().filter(|f| f.kind != "hidden" && f.kind != "checkbox").collect();
    let [only] = visible.as_slice() else {
        return None;
    };
    let username = hinted_username(form, hints).or_else(|| strong_username(&visible)).filter(|f| f.name == only.name)?;
    Some(LoginForm { form: form.clone(), username_field: Some(username.name.clone()), password_field: None, others_elsewhere: 0 })
}

/// The field the profile names as the username field.
fn hinted_username<'a>(form: &'a Form, hints: &FormHints) -> Option<&'a Field> {
    hints.username_field.as_ref().and_then(|h| form.fields.iter().find(|f| &f.name == h))
}

/// A login-name field by structure: `autocomplete` username/email, `type=email`, or a text
/// input named like one (`user`, `login`, `email`, `identifier`).
fn strong_username<'a>(candidates: &[&'a Field]) -> Option<&'a Field> {
    let has_token = |f: &Field, words: &[&str]| {
        f.autocomplete.as_deref().is_some_and(|a| a.split_whitespace().any(|t| words.contains(&t)))
    };
    let named_like_user = |f: &Field| {
        let name = f.name.to_ascii_lowercase();
        let id = f.id.as_deref().unwrap_or_default().to_ascii_lowercase();
        USERNAME_WORDS.iter().any(|w| name.contains(w) || id.contains(w))
    };
    candidates
        .iter()
        .copied()
        .find(|f| has_token(f, &["username", "email"]))
        .or_else(|| candidates.iter().copied().find(|f| f.kind == "email"))
        .or_else(|| candidates.iter().copied().find(|f| f.is_text_like() && named_like_user(f)))
}

/// Whether a hint names this button (by name, value or label, case-insensitively).
pub(crate) fn hint_matches(hint: &str, s: &Submit) -> bool {
    let hint = hint.trim();
    [s.name.as_deref(), s.value.as_deref(), Some(s.label.as_str())]
        .into_iter()
        .flatten()
        .any(|v| v.trim().eq_ignore_ascii_case(hint))
}

/// Whether any alphanumeric word of `s` is in `words`.
fn has_word(s: &str, words: &[&str]) -> bool {
    s.split(|c: char| !c.is_alphanumeric()).any(|t| words.iter().any(|w| t.eq_ignore_ascii_case(w)))
}

/// Whether a button's attributes mean `words` rather than `not`: its value decides when it
/// means either (`name=consent value=No` is a deny button), else its name (`name=accept
/// value=Ja` is an allow button).
fn attrs_mean(s: &Submit, words: &[&str], not: &[&str]) -> bool {
    if let Some(v) = s.value.as_deref() {
        if has_word(v, not) {
            return false;
        }
        if has_word(v, words) {
            return true;
        }
    }
    s.name.as_deref().is_some_and(|n| has_word(n, words) && !has_word(n, not))
}

/// Picks the button meaning `words`, judged on attributes or (weaker) on labels; a label
/// counts only when neither the attributes nor the label also mean `not`.
fn pick<'a>(
    submits: &'a [Submit],
    words: &[&str],
    not: &[&str],
    use_label: bool,
) -> Option<&'a Submit> {
    submits.iter().find(|s| {
        if use_label {
            has_word(&s.label, words) && !has_word(&s.label, not) && !attrs_mean(s, not, words)
        } else {
            attrs_mean(s, words, not)
        }
    })
}

/// The consent form of a page: the first form with an allow button; its deny button, or the
/// first other form offering only a deny button.
fn consent_page(forms: &[Form], hints: &FormHints) -> Option<ConsentForm> {
    let buttons: Vec<(&Form, Option<&Submit>, Option<&Submit>)> = forms
        .iter()
        .filter(|f| !f.fields.iter().any(|x| x.kind == "password" || x.is_text_like()))
        .map(|f| {
            let (allow, deny) = decision_buttons(f, hints);
            (f, allow, deny)
        })
        .collect();
    let (form, allow, own_deny) = buttons.iter().find(|(_, allow, _)| allow.is_some())?;
    let allow = (*allow)?;
    let (deny, deny_form) = match own_deny {
        Some(d) => (Some((*d).clone()), None),
        None => match buttons
            .iter()
            .find(|(f, a, d)| f.index != form.index && a.is_none() && d.is_some())
        {
            Some((f, _, d)) => (d.cloned(), Some(Box::new((*f).clone()))),
            None => (None, None),
        },
    };
    Some(ConsentForm { form: (*form).clone(), allow: allow.clone(), deny, deny_form })
}

/// The allow and deny buttons of one form. Signals, strongest first: hints, button values or
/// names, a hidden decision field of a single-button form (`approval=approve`,
/// `prompt=consent`), button labels.
fn decision_buttons<'a>(
    form: &'a Form,
    hints: &FormHints,
) -> (Option<&'a Submit>, Option<&'a Submit>) {
    let hinted = |h: &Option<String>| {
        h.as_deref().and_then(|h| form.submits.iter().find(|s| hint_matches(h, s)))
    };
    let hidden_means = |words: &[&str]| match form.submits.as_slice() {
        [only] => form
            .fields
            .iter()
            .filter(|f| f.kind == "hidden")
            .filter(|f| {
                let name = f.name.to_ascii_lowercase();
                DECISION_FIELDS.iter().any(|d| name.contains(d))
            })
            .any(|f| has_word(&f.value, words))
            .then_some(only),
        _ => None,
    };
    let by_attrs = |words, not| pick(&form.submits, words, not, false);
    let by_label = |words, not| pick(&form.submits, words, not, true);
    let allow = hinted(&hints.consent_allow)
        .or_else(|| by_attrs(ALLOW_WORDS, DENY_WORDS))
        .or_else(|| hidden_means(ALLOW_WORDS))
        .or_else(|| by_label(ALLOW_WORDS, DENY_WORDS));
    let deny = hinted(&hints.consent_deny)
        .or_else(|| by_attrs(DENY_WORDS, ALLOW_WORDS))
        .or_else(|| hidden_means(DENY_WORDS))
        .or_else(|| by_label(DENY_WORDS, ALLOW_WORDS))
        .filter(|d| Some(*d) != allow);
    (allow, deny)
}

/// A `form_post` page: a POST form with only hidden fields, submitted by script (`onload`,
/// a script calling `submit`) or offering its buttons only inside `<noscript>`.
fn is_auto_post(form: &Form, html: &str) -> bool {
    if form.method != FormMethod::Post
        || form.fields.is_empty()
        || form.fields.iter().any(|f| f.kind != "hidden")
    {
        return false;
    }
    let doc = Html::parse_document(html);
    let (Some(script_sel), Some(onload_sel), Some(noscript_sel)) =
        (sel("script"), sel("[onload]"), sel("noscript"))
    else {
        return false;
    };
    let script_submits =
        doc.select(&script_sel).any(|s| s.text().collect::<String>().contains("submit"));
    let onload_submits =
        doc.select(&onload_sel).any(|e| e.attr("onload").is_some_and(|o| o.contains("submit")));
    // html5ever parses <noscript> content as raw text (scripting enabled), so read it as text.
    let noscript_submit = doc.select(&noscript_sel).any(|n| {
        let inner = n.text().collect::<String>().to_ascii_lowercase();
        inner.contains("submit") || inner.contains("<button")
    });
    script_submits || onload_submits || noscript_submit
}

/// The target of a `<meta http-equiv="refresh" content="N; url=…">`, resolved against the page.
///
/// Some providers hand the browser to the redirect_uri this way instead of with a 302.
pub fn meta_refresh(html: &str, page_url: &Url) -> Option<Url> {
    let doc = Html::parse_document(html);
    let selector = sel("meta[http-equiv][content]")?;
    let content = doc
        .select(&selector)
        .find(|m| m.attr("http-equiv").is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh")))?
        .attr("content")?;
    let (_, after) = content.split_once([';', ','])?;
    let after = after.trim_start();
    let eq = after.find('=')?;
    let (key, value) = (after.get(..eq)?, after.get(eq + 1..)?);
    if !key.trim().eq_ignore_ascii_case("url") {
        return None;
    }
    let value = value.trim().trim_matches(|c| c == '\'' || c == '"');
    page_url.join(value).ok()
}

/// Response headers in which providers name the error of an HTML error page (Fief:
/// `X-Fief-Error: invalid_redirect_uri`), read instead of the page's translated text.
const ERROR_CODE_HEADERS: &[&str] = &["x-fief-error"];

/// Longest error code quoted from a header.
const MAX_ERROR_CODE: usize = 80;

/// `name: value` of the first provider error-code header, value cut to printable ASCII.
pub(super) fn provider_error(resp: &HttpResponse) -> Option<String> {
    ERROR_CODE_HEADERS.iter().find_map(|name| {
        let value: String = resp
            .header(name)?
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(MAX_ERROR_CODE)
            .collect();
        (!value.is_empty()).then(|| format!("{name}: {value}"))
    })
}

/// Whether a page with no form the HTML driver can use may show one through script: it runs
/// scripts, or it has a form without a single visible input.
pub(crate) fn needs_script(html: &str, page_url: &Url) -> bool {
    let lower = html.to_ascii_lowercase();
    lower.contains("<script") || parse_forms(html, page_url).iter().any(|f| f.fields.iter().all(|x| x.kind == "hidden"))
}
