//! Filling and submitting forms: what a browser would send when a button is pressed.

use url::Url;

use super::detect::{ConsentForm, FormHints, LoginForm, hint_matches};
use super::parse::{Form, FormEncoding, FormMethod, Submit};
use crate::http::HttpRequest;

/// Words that mark a login-form button as not the sign-in button.
const NOT_SIGN_IN: &[&str] = &["cancel", "back", "forgot", "register", "signup", "reset"];

/// A form submission ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// Method to use.
    pub method: FormMethod,
    /// Target URL; for GET the fields are already in its query.
    pub url: Url,
    /// Submitted fields in order.
    pub fields: Vec<(String, String)>,
    /// Body encoding of a POST.
    pub encoding: FormEncoding,
}

impl Submission {
    /// The HTTP request a browser would send for this submission.
    pub fn into_request(self) -> HttpRequest {
        match (self.method, self.encoding) {
            (FormMethod::Get, _) => HttpRequest::get(self.url),
            (FormMethod::Post, FormEncoding::UrlEncoded) => HttpRequest::post_form(self.url, self.fields),
            (FormMethod::Post, FormEncoding::Multipart) => {
                let boundary = format!("----oidc-harness-{}", crate::flow::random_token(18));
                let body = multipart_body(&self.fields, &boundary);
                let post = HttpRequest { method: reqwest::Method::POST, ..HttpRequest::get(self.url) };
                post.with_body(&format!("multipart/form-data; boundary={boundary}"), body)
            }
        }
    }
}

impl ConsentForm {
    /// The submission that grants consent.
    pub fn allow_submission(&self) -> Submission {
        press(&self.form, Some(&self.allow))
    }

    /// The submission that refuses consent (from the deny button's own form), if the page
    /// has a deny button.
    pub fn deny_submission(&self) -> Option<Submission> {
        let deny = self.deny.as_ref()?;
        Some(press(self.deny_form.as_deref().unwrap_or(&self.form), Some(deny)))
    }
}

/// Submits `form` as is, pressing `submit` (its `name=value` is added when it has a name).
pub fn press(form: &Form, submit: Option<&Submit>) -> Submission {
    let mut fields: Vec<(String, String)> =
        form.fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
    if let Some(Submit { name: Some(name), value, .. }) = submit {
        fields.push((name.clone(), value.clone().unwrap_or_default()));
    }
    let mut url = form.action.clone();
    if form.method == FormMethod::Get {
        // HTML: a GET submission replaces the action URL's query with the form data.
        url.set_query(None);
        if !fields.is_empty() {
            url.query_pairs_mut().extend_pairs(fields.iter());
        }
    }
    Submission { method: form.method, url, fields, encoding: form.encoding }
}

/// A `multipart/form-data` body of text fields (RFC 7578): one part per field, in order, its
/// name quoted as HTML does (`"` → `%22`, CR and LF → `%0D`, `%0A`).
pub(crate) fn multipart_body(fields: &[(String, String)], boundary: &str) -> String {
    let quote = |s: &str| s.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n", quote(name)));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body
}

/// Fills the username and password of a login form (the username only, on the first page of
/// an identifier-first login) and presses its sign-in (or "next") button.
///
/// Every other field (hidden CSRF tokens, `next`, …) keeps its value.
pub fn fill_login(
    login: &LoginForm,
    username: &str,
    password: &str,
    hints: &FormHints,
) -> Submission {
    let mut form = login.form.clone();
    for field in &mut form.fields {
        if login.password_field.as_deref() == Some(field.name.as_str()) {
            field.value = password.to_owned();
        } else if login.username_field.as_deref() == Some(field.name.as_str()) {
            field.value = username.to_owned();
        }
    }
    let submit = login_submit(&form, hints);
    press(&form, submit)
}

/// The button that signs in (or goes on to the password page): the hinted one, else the first
/// that is not a side action, else the first.
pub fn login_submit<'f>(form: &'f Form, hints: &FormHints) -> Option<&'f Submit> {
    hints
        .submit
        .as_deref()
        .and_then(|h| form.submits.iter().find(|s| hint_matches(h, s)))
        .or_else(|| form.submits.iter().find(|s| !is_side_button(s)))
        .or_else(|| form.submits.first())
}

/// Whether a button is a side action (cancel, forgot password, …) rather than sign-in.
fn is_side_button(s: &Submit) -> bool {
    [s.name.as_deref(), s.value.as_deref(), Some(s.label.as_str())].into_iter().flatten().any(|t| {
        t.split(|c: char| !c.is_alphanumeric())
            .any(|w| NOT_SIGN_IN.iter().any(|n| w.eq_ignore_ascii_case(n)))
    })
}
