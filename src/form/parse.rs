//! HTML form extraction: every `<form>` of a page with its resolved action, method, the
//! successful controls a browser would submit, and its submit buttons.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::prefix::forms_start;
use super::simple::simple_forms;

/// The selectors every page needs, parsed once (parsing them took as long as a small page).
static FORM: LazyLock<Option<Selector>> = LazyLock::new(|| sel("form"));
static CONTROL: LazyLock<Option<Selector>> = LazyLock::new(|| sel("input, button, select, textarea"));
static BASE: LazyLock<Option<Selector>> = LazyLock::new(|| sel("base[href]"));
static OPTION: LazyLock<Option<Selector>> = LazyLock::new(|| sel("option"));

/// How a form is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormMethod {
    /// Fields go into the query of the action URL (the HTML default).
    Get,
    /// Fields go into an `application/x-www-form-urlencoded` body.
    Post,
}

impl FormMethod {
    /// The method a form's `method` attribute selects (GET unless it says POST).
    pub(crate) fn from_attr(method: Option<&str>) -> FormMethod {
        match method {
            Some(m) if m.trim().eq_ignore_ascii_case("post") => FormMethod::Post,
            _ => FormMethod::Get,
        }
    }
}

/// How a POST form encodes its body (its `enctype`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FormEncoding {
    /// `application/x-www-form-urlencoded` (the HTML default).
    #[default]
    UrlEncoded,
    /// `multipart/form-data`.
    Multipart,
}

impl FormEncoding {
    /// The encoding a form's `enctype` attribute selects (unknown values: the default).
    pub(crate) fn from_attr(enctype: Option<&str>) -> FormEncoding {
        match enctype {
            Some(e) if e.trim().eq_ignore_ascii_case("multipart/form-data") => FormEncoding::Multipart,
            _ => FormEncoding::UrlEncoded,
        }
    }
}

/// One HTML form as a browser would see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// Absolute action URL: a missing, empty or `#` action is the page URL (without fragment).
    pub action: Url,
    /// Submission method (GET unless `method="post"`).
    pub method: FormMethod,
    /// Body encoding of a POST submission.
    pub encoding: FormEncoding,
    /// Successful controls in document order (unchecked checkboxes/radios and disabled or
    /// unnamed controls excluded).
    pub fields: Vec<Field>,
    /// Submit buttons (`<button>` of type submit, `<input type=submit|image>`).
    pub submits: Vec<Submit>,
    /// Position of the form in the page, from 0.
    pub index: usize,
}

/// A named control and the value it would submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The `name` attribute.
    pub name: String,
    /// Current value (a select's selected or first option, a textarea's text).
    pub value: String,
    /// Input type lower-cased (`text`, `hidden`, `password`, …), or `textarea` / `select`.
    pub kind: String,
    /// The `autocomplete` attribute, if any.
    pub autocomplete: Option<String>,
    /// The `id` attribute, if any.
    pub id: Option<String>,
}

impl Field {
    /// Whether the user would see and type into this field (text-like input).
    pub fn is_text_like(&self) -> bool {
        matches!(self.kind.as_str(), "text" | "email" | "tel" | "search" | "url")
    }
}

/// A submit button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submit {
    /// The `name` attribute, if any (only named buttons add a field when pressed).
    pub name: Option<String>,
    /// The `value` attribute, if any.
    pub value: Option<String>,
    /// Visible text: the button's text, else its value (or `alt` of an image input).
    pub label: String,
}

/// Extracts every form of `html`, resolving actions against `page_url` (or `<base href>`).
pub fn parse_forms(html: &str, page_url: &Url) -> Vec<Form> {
    // No `<form` anywhere (a redirect body, an error or JSON page): no tree to build.
    if !contains_ignore_ascii_case(html.as_bytes(), b"<form") {
        return Vec::new();
    }
    // Parsing from the first form on reads the same forms and controls (see `prefix`); plain
    // markup from there on is read without building a tree (see `simple`).
    let doc = match forms_start(html).and_then(|start| html.get(start..)) {
        Some(from_form) => match simple_forms(from_form, page_url) {
            Some(forms) => return forms,
            None => Html::parse_fragment(from_form),
        },
        None => Html::parse_document(html),
    };
    forms_of(&doc, page_url)
}

/// Every form of a parsed page, with its controls.
pub(crate) fn forms_of(doc: &Html, page_url: &Url) -> Vec<Form> {
    let (Some(form_sel), Some(control_sel), Some(base_sel)) = (&*FORM, &*CONTROL, &*BASE) else {
        return Vec::new();
    };
    let base = doc
        .select(base_sel)
        .next()
        .and_then(|b| b.attr("href"))
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone());

    let form_elems: Vec<ElementRef<'_>> = doc.select(form_sel).collect();
    let mut forms: Vec<Form> = form_elems
        .iter()
        .enumerate()
        .map(|(index, f)| Form {
            action: resolve_action(f.attr("action"), page_url, &base),
            method: FormMethod::from_attr(f.attr("method")),
            encoding: FormEncoding::from_attr(f.attr("enctype")),
            fields: Vec::new(),
            submits: Vec::new(),
            index,
        })
        .collect();

    // Each form by its node and by its id: one lookup per control, whatever the page's size.
    let by_node: std::collections::HashMap<_, usize> = form_elems.iter().enumerate().map(|(i, f)| (f.id(), i)).collect();
    let mut by_id: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, f) in form_elems.iter().enumerate() {
        if let Some(id) = f.attr("id") {
            by_id.entry(id).or_insert(i);
        }
    }
    for control in doc.select(control_sel) {
        // A control's form: the one its `form` attribute names, else its nearest form ancestor.
        let owner = match control.attr("form") {
            Some(id) => by_id.get(id).copied(),
            None => control.ancestors().filter_map(ElementRef::wrap).find(|a| a.value().name() == "form").and_then(|a| by_node.get(&a.id()).copied()),
        };
        let Some(owner) = owner else { continue };
        let Some(form) = forms.get_mut(owner) else { continue };
        if control.attr("disabled").is_some() {
            continue;
        }
        add_control(form, control);
    }
    forms
}

/// Whether `needle` (ASCII, lower case) occurs in `haystack` in any ASCII case.
fn contains_ignore_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Parses a CSS selector known to be valid.
pub(crate) fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

/// Resolves a form action the way a browser does (empty or missing: the document URL).
pub(crate) fn resolve_action(action: Option<&str>, page_url: &Url, base: &Url) -> Url {
    let mut url = match action.map(str::trim) {
        None | Some("") => page_url.clone(),
        Some(a) => base.join(a).unwrap_or_else(|_| page_url.clone()),
    };
    url.set_fragment(None);
    url
}

/// What [`add_control`] reads of an element: its attributes and its text. Implemented by
/// html5ever's elements and by the simple scan's (see `simple`).
pub(crate) trait ControlElement {
    /// The attribute `name` (lower case), `""` for one without a value.
    fn attr(&self, name: &str) -> Option<&str>;
    /// The text of every descendant text node, in order.
    fn text(&self) -> String;
}

impl ControlElement for ElementRef<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.value().attr(name)
    }

    fn text(&self) -> String {
        ElementRef::text(self).collect()
    }
}

/// Adds one control to its form as a field or a submit button.
fn add_control(form: &mut Form, el: ElementRef<'_>) {
    match el.value().name() {
        "textarea" => {
            if let Some(name) = el.attr("name").filter(|n| !n.is_empty()) {
                form.fields.push(field(&el, name.to_owned(), ControlElement::text(&el), "textarea"));
            }
        }
        "select" => {
            let Some(name) = el.attr("name").filter(|n| !n.is_empty()) else { return };
            let Some(opt_sel) = &*OPTION else { return };
            let options: Vec<ElementRef<'_>> = el.select(opt_sel).collect();
            let chosen =
                options.iter().find(|o| o.attr("selected").is_some()).or_else(|| options.first());
            if let Some(o) = chosen {
                let value = o
                    .attr("value")
                    .map_or_else(|| collapse(&ControlElement::text(o)), str::to_owned);
                form.fields.push(field(&el, name.to_owned(), value, "select"));
            }
        }
        "button" => add_button(form, &el),
        _ => add_input(form, &el),
    }
}

/// A field of `el` with the given name, value and kind.
fn field(el: &impl ControlElement, name: String, value: String, kind: &str) -> Field {
    Field {
        name,
        value,
        kind: kind.to_owned(),
        autocomplete: el.attr("autocomplete").map(|a| a.trim().to_ascii_lowercase()),
        id: el.attr("id").map(str::to_owned),
    }
}

/// A `<button>`: a submit button unless its type says otherwise.
pub(crate) fn add_button(form: &mut Form, el: &impl ControlElement) {
    let kind = el.attr("type").map_or("submit".to_owned(), |t| t.trim().to_ascii_lowercase());
    if kind == "submit" {
        let name = el.attr("name").map(str::to_owned).filter(|n| !n.is_empty());
        let text = collapse(&el.text());
        let value = el.attr("value").map(str::to_owned);
        let label = if text.is_empty() { value.clone().unwrap_or_default() } else { text };
        form.submits.push(Submit { name, value, label });
    }
}

/// An `<input>`: a field, a submit button, or nothing (unchecked boxes, buttons, files).
pub(crate) fn add_input(form: &mut Form, el: &impl ControlElement) {
    let name = el.attr("name").map(str::to_owned).filter(|n| !n.is_empty());
    let kind = el.attr("type").map_or("text".to_owned(), |t| t.trim().to_ascii_lowercase());
    let value = el.attr("value").map(str::to_owned);
    match kind.as_str() {
        "submit" => {
            let label = value.clone().unwrap_or_else(|| "Submit".to_owned());
            form.submits.push(Submit { name, value, label });
        }
        "image" => {
            let label = el.attr("alt").or(value.as_deref()).unwrap_or("Submit").to_owned();
            form.submits.push(Submit { name, value, label });
        }
        "button" | "reset" | "file" => {}
        "checkbox" | "radio" => {
            if let (Some(name), true) = (name, el.attr("checked").is_some()) {
                form.fields.push(field(el, name, value.unwrap_or_else(|| "on".to_owned()), &kind));
            }
        }
        _ => {
            if let Some(name) = name {
                form.fields.push(field(el, name, value.unwrap_or_default(), &kind));
            }
        }
    }
}

/// Trims and collapses inner whitespace of visible text.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
