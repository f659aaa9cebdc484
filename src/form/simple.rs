//! The simple-markup fast path of form parsing: plain, well-nested markup from the first `<form>`
//! on (a provider's own login and consent pages, this project's reference provider first) is read
//! by a small scanner instead of building an html5ever tree, which cost about a tenth of the
//! harness's CPU per login flow under load.
//!
//! [`simple_forms`] vouches for a page only where the HTML tree builder would build the obvious
//! tree: known elements only (no tables, scripts, templates, selects or text areas, nothing
//! foreign), every end tag closing the element opened last, none of the start tags that close
//! other elements implicitly (a block inside `<p>`, a `<li>` in a `<li>`, a heading in a
//! heading, a button in a button, a link in a link, a form in a form), no comments, quoted or
//! plain attribute values, and only the character references our own pages write. Anything
//! else returns `None` and the caller parses with html5ever; the tests compare both on every
//! captured page and on thousands of generated ones.

use std::borrow::Cow;

use url::Url;

use super::parse::{ControlElement, Form, FormEncoding, FormMethod, add_button, add_input, resolve_action};

/// Elements the scan understands. Anything else sends the page to html5ever.
const KNOWN: &[&str] = &[
    "form", "input", "button", "label", "p", "div", "span", "strong", "em", "b", "i", "small",
    "code", "br", "img", "hr", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "main", "header", "footer", "nav", "fieldset", "legend", "a",
];

/// Elements without content (no end tag).
const VOID: &[&str] = &["input", "br", "img", "hr"];

/// Start tags that close an open `<p>` (HTML "in body" insertion mode).
const CLOSES_P: &[&str] = &[
    "form", "p", "div", "hr", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "main", "header", "footer", "nav", "fieldset",
];

/// Elements that may sit inside a `<button>` here (text-level markup only).
const IN_BUTTON: &[&str] = &["span", "strong", "em", "b", "i", "small", "code", "br", "img"];

/// A start tag read by the scan.
struct Tag<'a> {
    name: String,
    attrs: Vec<(String, Cow<'a, str>)>,
}

impl Tag<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_ref())
    }
}

/// A control as [`add_button`] / [`add_input`] read it.
struct Control<'t, 'a> {
    tag: &'t Tag<'a>,
    text: String,
}

impl ControlElement for Control<'_, '_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.tag.get(name)
    }

    fn text(&self) -> String {
        self.text.clone()
    }
}

/// The forms of `markup` (a page from its first `<form` tag on), when the scan can vouch that
/// html5ever would read the same; `None` otherwise.
pub(crate) fn simple_forms(markup: &str, page_url: &Url) -> Option<Vec<Form>> {
    if markup.contains(['\0', '\r']) {
        return None;
    }
    let b = markup.as_bytes();
    let last_maker = last_form_maker(markup);
    let mut forms: Vec<Form> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut in_form = false;
    // The open button and its text so far.
    let mut button: Option<(Tag<'_>, String)> = None;
    let mut i = 0;
    while i < b.len() {
        let Some(lt) = b.get(i..)?.iter().position(|&c| c == b'<').map(|p| i + p) else {
            if let Some((_, text)) = button.as_mut() {
                text.push_str(&decode(markup.get(i..)?)?);
            }
            break;
        };
        if let Some((_, text)) = button.as_mut() {
            text.push_str(&decode(markup.get(i..lt)?)?);
        }
        match b.get(lt + 1) {
            Some(b'/') => {
                let (name, next) = end_tag(b, lt + 2)?;
                i = next;
                match stack.iter().rposition(|open| *open == name) {
                    // Closing what was opened last.
                    Some(top) if top + 1 == stack.len() => {}
                    // Misnested: HTML would close or reopen other elements.
                    Some(_) => return None,
                    // Not open (an element opened before the first form, `</body>`): ignored
                    // in the body, except `</p>` and `</br>`, which insert an element.
                    None if matches!(name.as_str(), "p" | "br") => return None,
                    // `</h1>` closes an open `<h2>`.
                    None if is_heading(&name) && stack.iter().any(|open| is_heading(open)) => {
                        return None;
                    }
                    None => continue,
                }
                stack.pop();
                match name.as_str() {
                    "form" => {
                        in_form = false;
                        // Nothing after the last form can change the forms read so far: done
                        // unless another form, a `<base>` or a control joining a form by id
                        // may follow.
                        if stack.is_empty() && last_maker.is_none_or(|at| at < i) {
                            return Some(forms);
                        }
                    }
                    "button" => {
                        let (tag, text) = button.take()?;
                        if in_form && tag.get("disabled").is_none() {
                            add_button(forms.last_mut()?, &Control { tag: &tag, text });
                        }
                    }
                    _ => {}
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let (tag, self_closing, next) = start_tag(markup, lt + 1)?;
                i = next;
                let name = tag.name.as_str();
                let void = VOID.contains(&name);
                if !KNOWN.contains(&name) || (self_closing && !void) || tag.get("form").is_some() {
                    return None;
                }
                let open = |n: &str| stack.iter().any(|s| s == n);
                if (button.is_some() && !IN_BUTTON.contains(&name))
                    || (CLOSES_P.contains(&name) && open("p"))
                    || (name == "li" && open("li"))
                    || (is_heading(name) && stack.iter().any(|s| is_heading(s)))
                    || (matches!(name, "a" | "form") && open(name))
                {
                    return None;
                }
                match name {
                    "form" => {
                        in_form = true;
                        forms.push(Form {
                            action: resolve_action(tag.get("action"), page_url, page_url),
                            method: FormMethod::from_attr(tag.get("method")),
                            encoding: FormEncoding::from_attr(tag.get("enctype")),
                            fields: Vec::new(),
                            submits: Vec::new(),
                            index: forms.len(),
                        });
                    }
                    "input" if in_form && tag.get("disabled").is_none() => {
                        add_input(forms.last_mut()?, &Control { tag: &tag, text: String::new() });
                    }
                    _ => {}
                }
                if !void {
                    stack.push(tag.name.clone());
                }
                if name == "button" {
                    button = Some((tag, String::new()));
                }
            }
            // Comments, doctypes, processing instructions: left to html5ever.
            Some(b'!' | b'?') => return None,
            // `<` followed by anything else is text.
            _ => {
                if let Some((_, text)) = button.as_mut() {
                    text.push('<');
                }
                i = lt + 1;
            }
        }
    }
    // A button left open would hold the rest of the page as its text.
    button.is_none().then_some(forms)
}

/// Whether `rest` may hold another form, a `<base>` or a `form` attribute (any case; a mention
/// in text or a script counts too: the caller then keeps scanning).
/// Where the last `<form`, `<base` or `form=` of `markup` starts: past it nothing can add to the
/// forms read. Found once per page (looking at the rest after every form made a page of
/// thousands of forms quadratic).
fn last_form_maker(markup: &str) -> Option<usize> {
    let lower = markup.to_ascii_lowercase();
    let attr = lower
        .match_indices("form")
        .filter(|(at, _)| {
            lower.get(at + 4..).is_some_and(|after| after.trim_start_matches(|c: char| c.is_ascii_whitespace()).starts_with('='))
        })
        .map(|(at, _)| at)
        .last();
    [lower.rfind("<form"), lower.rfind("<base"), attr].into_iter().flatten().max()
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// An end tag's name (lower case) from `at` (just past `</`) and the offset past its `>`; only
/// `</name>` with optional whitespace before `>`.
fn end_tag(b: &[u8], at: usize) -> Option<(String, usize)> {
    let rest = b.get(at..)?;
    let len = rest.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if len == 0 || !rest.first()?.is_ascii_alphabetic() {
        return None;
    }
    let name = std::str::from_utf8(rest.get(..len)?).ok()?.to_ascii_lowercase();
    let spaces = rest.get(len..)?.iter().take_while(|c| is_space(**c)).count();
    (rest.get(len + spaces) == Some(&b'>')).then_some((name, at + len + spaces + 1))
}

/// A start tag from `at` (its first name letter): the tag, whether it ends with `/>`, and the
/// offset past its `>`.
fn start_tag(markup: &str, at: usize) -> Option<(Tag<'_>, bool, usize)> {
    let b = markup.as_bytes();
    let name_len = b.get(at..)?.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    let mut i = at + name_len;
    let name = markup.get(at..i)?.to_ascii_lowercase();
    let mut tag = Tag { name, attrs: Vec::new() };
    loop {
        let before = i;
        while b.get(i).is_some_and(|c| is_space(*c)) {
            i += 1;
        }
        match b.get(i)? {
            b'>' => return Some((tag, false, i + 1)),
            b'/' => return (b.get(i + 1) == Some(&b'>')).then_some((tag, true, i + 2)),
            // Only whitespace, `>` or `/>` may follow the name or an attribute.
            _ if i == before => return None,
            _ => {}
        }
        let name_len = b
            .get(i..)?
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':'))
            .count();
        if name_len == 0 {
            return None;
        }
        let name = markup.get(i..i + name_len)?.to_ascii_lowercase();
        i += name_len;
        let mut value = Cow::Borrowed("");
        let mut j = i;
        while b.get(j).is_some_and(|c| is_space(*c)) {
            j += 1;
        }
        if b.get(j) == Some(&b'=') {
            j += 1;
            while b.get(j).is_some_and(|c| is_space(*c)) {
                j += 1;
            }
            match b.get(j)? {
                q @ (b'"' | b'\'') => {
                    let len = b.get(j + 1..)?.iter().position(|c| c == q)?;
                    value = decode(markup.get(j + 1..j + 1 + len)?)?;
                    i = j + 1 + len + 1;
                    // Another attribute must be separated by whitespace.
                    if !b.get(i).is_some_and(|c| is_space(*c) || matches!(c, b'>' | b'/')) {
                        return None;
                    }
                }
                _ => {
                    let len = b.get(j..)?.iter().take_while(|c| !is_space(**c) && **c != b'>').count();
                    let raw = markup.get(j..j + len)?;
                    if len == 0 || raw.contains(['"', '\'', '<', '=', '`']) {
                        return None;
                    }
                    value = decode(raw)?;
                    i = j + len;
                }
            }
        } else if !b.get(i).is_some_and(|c| is_space(*c) || matches!(c, b'>' | b'/')) {
            return None;
        }
        // The first of repeated attributes wins (as in HTML).
        if tag.get(&name).is_none() {
            tag.attrs.push((name, value));
        }
    }
}

/// Decodes the character references our pages write (`&amp;` `&lt;` `&gt;` `&quot;` `&#39;`
/// `&#x27;` `&apos;`); a `&` before whitespace, `<`, `&` or the end is itself. Any other
/// reference: `None` (HTML's many named and legacy references are left to html5ever).
fn decode(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('&') {
        return Some(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at)?);
        let after = rest.get(at + 1..)?;
        let (ch, len) = [
            ("amp;", '&'),
            ("lt;", '<'),
            ("gt;", '>'),
            ("quot;", '"'),
            ("#39;", '\''),
            ("#x27;", '\''),
            ("apos;", '\''),
        ]
        .iter()
        .find(|(r, _)| after.starts_with(r))
        .map_or_else(
            || match after.bytes().next() {
                None | Some(b' ' | b'\t' | b'\n' | b'\x0c' | b'<' | b'&') => Some(('&', 0)),
                _ => None,
            },
            |(r, c)| Some((*c, r.len())),
        )?;
        out.push(ch);
        rest = after.get(len..)?;
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// HTML whitespace (CR aside: pages holding one never reach the scan).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0c')
}

#[cfg(test)]
#[path = "simple_tests.rs"]
mod tests;
