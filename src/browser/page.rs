//! What the driver asks of a live page, as JavaScript evaluated in it: a snapshot of the DOM
//! the scripts built (read by the same [`classify`](crate::form::classify) as the HTML driver)
//! and the user's actions (type into fields by name, press a button by name, value and label).
//!
//! Script-rendered pages often put their inputs in no `<form>`: the snapshot then appends a
//! synthetic form holding those controls (names given to unnamed inputs from their `id`), so
//! the HTML heuristics and profile hints apply unchanged. Arguments reach the scripts as JSON
//! literals, never spliced as text.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::form::Submit;

/// Serialises the live DOM (plus a synthetic form for controls outside any form) with the
/// page URL, `document.readyState` and whether the page runs scripts.
const SNAPSHOT: &str = r#"(() => {
  const shown = (el) => el.type === 'hidden' || el.getClientRects().length > 0;
  const orphans = [];
  let n = 0;
  for (const el of document.querySelectorAll('input,button,select,textarea')) {
    if (el.form || !shown(el)) continue;
    if (el.tagName !== 'BUTTON' && !el.getAttribute('name')) el.setAttribute('name', el.id || ('oh-field-' + (n++)));
    orphans.push(el);
  }
  let extra = '';
  if (orphans.length) {
    const f = document.createElement('form');
    f.setAttribute('method', 'post');
    f.setAttribute('action', location.href);
    for (const el of orphans) {
      const c = el.cloneNode(true);
      if (c.tagName === 'BUTTON' || (c.tagName === 'INPUT' && c.type === 'button')) c.setAttribute('type', 'submit');
      f.appendChild(c);
    }
    extra = f.outerHTML;
  }
  const html = document.documentElement ? document.documentElement.outerHTML : '';
  return JSON.stringify({ url: location.href, ready: document.readyState, scripts: document.scripts.length, html: html + extra });
})()"#;

/// Types `fill` (pairs of field name and value) as a user would (input and change events,
/// React-style value setter), then presses `click` (or submits the last field's form). Answers
/// `ok` or what was missing.
const ACT: &str = r#"((a) => {
  const setv = (el, v) => {
    const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const named = (name) => {
    const all = [...document.getElementsByName(name)];
    return all.find((e) => e.type !== 'hidden') || all[0];
  };
  let last = null;
  for (const [name, v] of a.fill) {
    const el = named(name);
    if (!el) return 'no field named ' + name;
    el.focus();
    setv(el, v);
    last = el;
  }
  const text = (b) => (b.tagName === 'INPUT' ? (b.value || b.alt || '') : b.textContent).replace(/\s+/g, ' ').trim();
  const buttons = [...document.querySelectorAll('button,input[type=submit],input[type=image],input[type=button]')];
  const c = a.click;
  let btn = null;
  if (c) {
    const same = (b) => (c.name === null || b.name === c.name) && (c.value === null || b.value === c.value);
    btn = buttons.find((b) => same(b) && text(b) === c.label) || buttons.find((b) => c.name !== null && same(b)) || buttons.find((b) => text(b) === c.label);
  }
  if (btn) { btn.click(); return 'ok'; }
  const form = last && last.form;
  if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); return 'ok'; }
  return c ? 'no button labelled ' + c.label : 'no button to press';
})"#;

/// Submits the first form whose action is `a` (an auto-submit page whose script did not run).
const SUBMIT_FORM: &str = r#"((a) => {
  const f = [...document.forms].find((f) => f.action === a) || document.forms[0];
  if (!f) return 'no form';
  f.submit();
  return 'ok';
})"#;

/// The page as the driver reads it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Snapshot {
    /// `location.href`.
    pub(crate) url: String,
    /// `document.readyState`.
    pub(crate) ready: String,
    /// How many `<script>` elements the page has.
    pub(crate) scripts: usize,
    /// The serialised DOM (and the synthetic form, if any).
    pub(crate) html: String,
}

impl Snapshot {
    /// Whether scripts may still change the page (so an empty page is worth waiting for).
    pub(crate) fn scripted(&self) -> bool {
        self.scripts > 0 || self.ready != "complete"
    }
}

/// The expression that takes a [`Snapshot`].
pub(crate) fn snapshot_expression() -> &'static str {
    SNAPSHOT
}

/// Reads a snapshot from `Runtime.evaluate`'s result.
pub(crate) fn read_snapshot(result: &Value) -> Option<Snapshot> {
    let text = result.pointer("/result/value")?.as_str()?;
    serde_json::from_str(text).ok()
}

/// The expression that types `fill` and presses `click`.
pub(crate) fn act_expression(fill: &[(String, String)], click: Option<&Submit>) -> String {
    let click = click.map(|s| json!({ "name": s.name, "value": s.value, "label": s.label }));
    format!("{ACT}({})", json!({ "fill": fill, "click": click }))
}

/// The expression that submits the form posting to `action`.
pub(crate) fn submit_expression(action: &str) -> String {
    format!("{SUBMIT_FORM}({})", Value::String(action.to_owned()))
}

/// What an action script answered (`ok`, or what was missing).
pub(crate) fn action_answer(result: &Value) -> String {
    if let Some(ex) = result.get("exceptionDetails") {
        let text = ex.pointer("/exception/description").or_else(|| ex.get("text")).and_then(Value::as_str).unwrap_or("an exception");
        return format!("the page script failed: {}", text.lines().next().unwrap_or(text));
    }
    result.pointer("/result/value").and_then(Value::as_str).unwrap_or("no answer").to_owned()
}
