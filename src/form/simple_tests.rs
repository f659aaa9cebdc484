//! The simple-markup scan against html5ever: wherever the scan vouches for a page it must read
//! exactly the forms html5ever reads from the same markup, on the captured provider pages, the
//! reference provider's own pages, tricky markup and thousands of generated pages.

use scraper::Html;
use url::Url;

use super::simple_forms;
use crate::form::parse::{Form, forms_of};
use crate::form::prefix::forms_start;
use crate::form::prefix::tests::FIXTURES;

fn page_url() -> Url {
    Url::parse("https://op.example.com/login/step?x=1").expect("page URL")
}

/// html5ever's reading of a fragment that starts at a form.
fn full(fragment: &str) -> Vec<Form> {
    forms_of(&Html::parse_fragment(fragment), &page_url())
}

/// Asserts the scan either declines or agrees with html5ever; true when it vouched.
fn agrees(fragment: &str) -> bool {
    match simple_forms(fragment, &page_url()) {
        Some(forms) => {
            assert_eq!(forms, full(fragment), "scan and html5ever differ on: {fragment}");
            true
        }
        None => false,
    }
}

/// The fragment the parser hands to the scan: the page from its first form on.
fn fragment(page: &str) -> Option<&str> {
    forms_start(page).and_then(|start| page.get(start..))
}

#[test]
fn the_reference_providers_pages_take_the_fast_path_and_agree() {
    use reference_provider::html;
    let scopes = ["openid".to_owned(), "profile".to_owned(), "a&b <c>".to_owned()];
    let pages = [
        html::login("itx-1", "csrf&\"'<>", "Demo <client> & co", None, None),
        html::login("itx-2", "c", "Demo", Some("alice@example.com"), Some("Wrong \"password\"")),
        html::consent("itx-3", "csrf", "Demo & co", &scopes),
        html::logout_confirm("csrf", &[("state".to_owned(), "s&1".to_owned())]),
    ];
    for page in &pages {
        let frag = fragment(page).expect("a form");
        assert!(agrees(frag), "the scan should vouch for the reference page: {page}");
        assert!(!full(frag).is_empty());
    }
    // The form_post page holds a script and a noscript: html5ever reads it.
    let post = html::form_post("https://rp.example/cb", &[("code".to_owned(), "x".to_owned())]);
    assert!(!agrees(fragment(&post).expect("a form")));
}

#[test]
fn captured_pages_agree_where_the_scan_vouches() {
    let mut vouched = 0;
    for page in FIXTURES {
        if let Some(frag) = fragment(page)
            && agrees(frag)
        {
            vouched += 1;
        }
    }
    // Real Fief, node and Keycloak-like pages are plain enough: 17 of the 21 with a form.
    assert!(vouched >= 17, "the scan vouched for only {vouched} captured pages");
}

#[test]
fn tricky_markup_is_declined_or_read_alike() {
    let declined = [
        // A comment, a select, a text area, a table, a script.
        "<form><!-- x --><input name=a></form>",
        "<form><select name=s><option>1</select></form>",
        "<form><textarea name=t>x</textarea></form>",
        "<form><table><tr><td><input name=a></td></tr></table></form>",
        "<form><input name=a></form><script>document.write('<form>')</script>",
        // Implicit closing: a block in a paragraph, a button in a button, a form in a form.
        "<form><p>a<div><input name=a></div></p></form>",
        "<form><button>a<button>b</button></button></form>",
        "<form><form action=/inner><input name=a></form></form>",
        "<form><h1>a<h2>b</h1><input name=a></form>",
        // Misnested end tags and the ones that insert elements.
        "<form><b><i>x</b></i><input name=a></form>",
        "<form></p><input name=a></form>",
        "<form></br><input name=a></form>",
        // References we do not decode, a carriage return, a control joining by id.
        "<form><input name=a value=\"&nbsp;\"></form>",
        "<form><button>&copy x</button></form>",
        "<form>\r<input name=a></form>",
        "<form id=f></form><input form=f name=late>",
        // Attributes run together, a self-closing div, a button left open.
        "<form><input name=\"a\"value=\"b\"></form>",
        "<form><div/><input name=a></form>",
        "<form><button>Go",
    ];
    for html in declined {
        assert!(simple_forms(html, &page_url()).is_none(), "should decline: {html}");
    }
    let vouched = [
        // Unquoted values with slashes, valueless attributes, repeated ones (the first wins).
        "<form action=/a/b/ method=POST><input name=x value=1 value=2 disabled><input name=y value=a/></form>",
        // Entities in values and button text; `&` before a space is itself.
        "<form><input name=\"a&amp;b\" value='&lt;&#39;&quot;&gt; & x'><button name=go>Go &amp; <b>on</b>  now</button></form>",
        // Elements opened before the form close after it; the rest of the page is ignored.
        "<form action=/c></form></div></main></body></html>",
        // Checkboxes, radios, images, buttons of other types, an input outside the form.
        "<form><input type=checkbox name=c checked><input type=checkbox name=d><input type=radio name=r value=1 checked>\
         <input type=image name=i alt=Pic><button type=button>No</button><input type=reset></form><input name=outside>",
        // Two forms, a disabled button, labels and lists, a heading, a self-closing input.
        "<form method=post><ul><li><label for=u>User</label><input id=u name=u autocomplete=\" Username \"/></li></ul>\
         <h2>t</h2><button disabled>x</button></form><p>between</p><form action=\"#frag\"><input type=submit></form>",
        // `<` as text in a button, uppercase names.
        "<FORM ACTION=/u><BUTTON NAME=b>1 < 2</BUTTON></FORM>",
    ];
    for html in vouched {
        assert!(agrees(html), "should vouch for: {html}");
    }
}

/// A small deterministic generator (xorshift64*), so that the generated pages are the same on
/// every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let n = u64::try_from(items.len()).unwrap_or(1);
        let at = usize::try_from(self.next() % n).unwrap_or(0);
        items.get(at).copied().unwrap_or_default()
    }
}

fn generated_page(g: &mut Gen) -> String {
    const TAGS: &[&str] = &[
        "form", "input", "input", "input", "button", "label", "p", "div", "span", "b", "i", "a",
        "li", "ul", "h1", "h2", "br", "img", "hr", "fieldset", "select", "table", "script", "xy",
    ];
    const ATTRS: &[&str] = &[
        "name=a", "name=\"b c\"", "name='d'", "value=1", "value=\"x&amp;y\"", "value='&#39;q'",
        "value=\"&nbsp;\"", "type=hidden", "type=submit", "type=checkbox", "type=radio",
        "type=image", "type=button", "type=text", "checked", "disabled", "id=f", "form=f",
        "action=/a", "action='#x'", "method=post", "alt=pic", "autocomplete=\" On \"",
        "VALUE=Up", "name=a/", "x", "data-y=\"1\"", "name = e", "NAME=F", "value=&amp",
        "value=\"a\"/",
    ];
    const TEXT: &[&str] = &[
        "hi", " ", "  two  words ", "a < b", "&amp;", "&nbsp;", "&", "&#39;", "x&y", "\n",
        "<!-- c -->", "&lt;", "&amp", "&#x27;", "</ x>", "<>",
    ];
    let mut page = String::from("<form action=/start method=post>");
    let tokens = 2 + g.next() % 14;
    for _ in 0..tokens {
        match g.next() % 3 {
            0 => {
                let tag = g.pick(TAGS);
                page.push('<');
                page.push_str(tag);
                for _ in 0..g.next() % 3 {
                    page.push(' ');
                    page.push_str(g.pick(ATTRS));
                }
                page.push_str(if g.next().is_multiple_of(9) { "/>" } else { ">" });
            }
            1 => {
                page.push_str("</");
                page.push_str(g.pick(TAGS));
                page.push('>');
            }
            _ => page.push_str(g.pick(TEXT)),
        }
    }
    if g.next().is_multiple_of(2) {
        page.push_str("</form>");
    }
    page
}

#[test]
fn generated_pages_are_declined_or_read_alike() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let (mut vouched, total) = (0, 4000);
    for _ in 0..total {
        if agrees(&generated_page(&mut g)) {
            vouched += 1;
        }
    }
    // The comparison means something only if the scan vouches for a fair share of the pages.
    assert!(vouched > total / 10, "the scan vouched for only {vouched} of {total} pages");
}
