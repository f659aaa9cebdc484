//! The provider's HTML pages: login, consent, errors, logout and the form_post response page.
//! Every interpolated value is escaped; pages load nothing external.

use crate::paths;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}\
label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%;padding:.4rem}\
button{margin:1rem .5rem 0 0;padding:.5rem 1rem}.error{color:#b00020}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head>\
         <body><h1>{t}</h1>\n{body}\n</body></html>\n",
        t = escape(title)
    )
}

/// The login form. `error` is shown (with a machine-readable `data-error` marker) after a failed attempt.
pub fn login(interaction: &str, csrf: &str, client_name: &str, login_hint: Option<&str>, error: Option<&str>) -> String {
    let fields = format!(
        "<label for=\"username\">Username</label>\
         <input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" value=\"{hint}\" required>\
         <label for=\"password\">Password</label>\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\">Sign in</button>",
        hint = escape(login_hint.unwrap_or("")),
    );
    login_page(interaction, csrf, client_name, error, &fields)
}

/// The first page of an identifier-first login: the username only.
pub fn login_identifier(interaction: &str, csrf: &str, client_name: &str, login_hint: Option<&str>, error: Option<&str>) -> String {
    let fields = format!(
        "<label for=\"username\">Username</label>\
         <input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" value=\"{hint}\" required>\
         <button type=\"submit\">Next</button>",
        hint = escape(login_hint.unwrap_or("")),
    );
    login_page(interaction, csrf, client_name, error, &fields)
}

/// The second page of an identifier-first login: the password for `username` (shown, and
/// carried in a hidden field). Shown whether or not the account exists.
pub fn login_password(interaction: &str, csrf: &str, client_name: &str, username: &str) -> String {
    let fields = format!(
        "<p>Signing in as <strong>{shown}</strong></p>\
         <input type=\"hidden\" name=\"username\" value=\"{user}\">\
         <label for=\"password\">Password</label>\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\">Sign in</button>",
        shown = escape(username),
        user = escape(username),
    );
    login_page(interaction, csrf, client_name, None, &fields)
}

/// A login page: the client's name, an optional error, and a POST form to `/login` carrying
/// the interaction and its CSRF token around `fields`.
fn login_page(interaction: &str, csrf: &str, client_name: &str, error: Option<&str>, fields: &str) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\" data-error=\"invalid_credentials\">{}</p>", escape(e)))
        .unwrap_or_default();
    page(
        "Sign in",
        &format!(
            "<p>to continue to <strong>{client}</strong></p>{error}\
             <form method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"interaction\" value=\"{interaction}\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">{fields}</form>",
            client = escape(client_name),
            action = paths::LOGIN,
            interaction = escape(interaction),
            csrf = escape(csrf),
        ),
    )
}

/// The consent page: lists the scopes; buttons `decision=allow` / `decision=deny`.
pub fn consent(interaction: &str, csrf: &str, client_name: &str, scopes: &[String]) -> String {
    let items: String = scopes.iter().map(|s| format!("<li data-scope=\"{0}\">{0}</li>", escape(s))).collect();
    page(
        "Allow access?",
        &format!(
            "<p><strong>{client}</strong> asks for:</p><ul>{items}</ul>\
             <form method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"interaction\" value=\"{interaction}\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{csrf}\">\
             <button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
             <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
            client = escape(client_name),
            action = paths::CONSENT,
            interaction = escape(interaction),
            csrf = escape(csrf),
        ),
    )
}

/// An error page (used where redirecting would be unsafe).
pub fn error(message: &str) -> String {
    page("Request refused", &format!("<p class=\"error\" data-error=\"request_refused\">{}</p>", escape(message)))
}

/// The inline script of the form_post page; its hash is allowed by that page's CSP.
pub const FORM_POST_SCRIPT: &str = "document.forms[0].submit();";

/// The form_post response (OAuth 2.0 Form Post Response Mode §2): auto-submits to the client.
pub fn form_post(redirect_uri: &str, params: &[(String, String)]) -> String {
    let inputs: String = params
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Submit</title></head>\
         <body><form method=\"post\" action=\"{}\">{inputs}<noscript><button type=\"submit\">Continue</button></noscript></form>\
         <script>{FORM_POST_SCRIPT}</script></body></html>\n",
        escape(redirect_uri)
    )
}

/// The logout confirmation form.
pub fn logout_confirm(csrf: &str, hidden: &[(String, String)]) -> String {
    let inputs: String = hidden
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
        .collect();
    page(
        "Sign out?",
        &format!(
            "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\">{inputs}\
             <button type=\"submit\" name=\"decision\" value=\"logout\">Sign out</button></form>",
            paths::LOGOUT,
            escape(csrf)
        ),
    )
}

/// Shown after logout without a redirect.
pub fn logged_out() -> String {
    page("Signed out", "<p data-status=\"logged_out\">You are signed out.</p>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        let html = login("i\"d", "c<s>", "<script>x</script>", Some("a&b"), Some("bad <b>"));
        assert!(!html.contains("<script>x"));
        assert!(html.contains("&lt;script&gt;") && html.contains("i&quot;d") && html.contains("a&amp;b"));
        assert!(html.contains("data-error=\"invalid_credentials\""));
        let fp = form_post("https://c/cb?x=\"", &[("state".into(), "\"><img>".into())]);
        assert!(!fp.contains("\"><img>"));
    }

    #[test]
    fn pages_reference_nothing_external() {
        for html in [login("i", "c", "n", None, None), consent("i", "c", "n", &["email".into()]), error("e"), logged_out()] {
            assert!(!html.contains("src=") && !html.contains("<link"), "{html}");
        }
    }
}
