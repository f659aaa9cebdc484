//! Where form parsing may start: the markup before a page's first `<form>` tag (the head with its
//! styles and scripts, headers, navigation) is usually a third to a half of a login page, and
//! html5ever's cost grows with every byte. [`forms_start`] finds that tag with a light scan that
//! reads markup as the HTML tokenizer does where it matters (comments, quoted attribute values,
//! the raw-text elements `script`, `style`, `title`, …), and gives up — the caller then parses
//! the whole document — whenever something before the form could change how the forms are read:
//! a `<base>` element (it resolves relative actions), a form control (it may join a form by its
//! `form` attribute), `<template>`, `<plaintext>`, MathML, an SVG that is more than an icon's
//! plain SVG elements, or anything it cannot scan to its end.

/// Elements whose content is raw text up to the matching end tag (`noscript` too: html5ever
/// parses with scripting enabled).
const RAW_TEXT: &[&str] =
    &["script", "style", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// Start tags before the first form that send the caller back to a full parse.
const GIVE_UP: &[&str] = &[
    "base", "input", "button", "select", "textarea", "output", "object", "fieldset", "keygen",
    "template", "plaintext", "math",
];

/// Elements an inline SVG icon is made of. Inside `<svg>` any other tag sends the caller back to
/// a full parse: some HTML tags end foreign content early, so what follows them is HTML.
const SVG_ELEMENTS: &[&str] = &[
    "svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "defs",
    "use", "symbol", "title", "desc", "lineargradient", "radialgradient", "stop", "clippath",
    "mask", "pattern", "text", "tspan", "image", "filter", "fegaussianblur", "feoffset",
    "feblend", "fecolormatrix", "feflood", "fecomposite", "femerge", "femergenode", "metadata",
];

/// The byte offset of the first `<form` start tag, when everything before it is ordinary
/// markup that cannot change which forms and controls the page has; `None` means "parse the
/// whole document" (no form, or a prefix this scan does not vouch for).
pub(crate) fn forms_start(html: &str) -> Option<usize> {
    let b = html.as_bytes();
    let mut i = 0;
    loop {
        let lt = i + b.get(i..)?.iter().position(|&c| c == b'<')?;
        let after = lt + 1;
        let rest = b.get(after..)?;
        if rest.starts_with(b"!--") {
            // A comment ends at the first `-->` (`<!-->` and `<!--->` end at once).
            let body = after + 3;
            i = if b.get(body..)?.starts_with(b">") {
                body + 1
            } else if b.get(body..)?.starts_with(b"->") {
                body + 2
            } else {
                // `--!>` ends a comment too: where it comes first, leave the page to html5ever.
                let end = body + find(b.get(body..)?, b"-->")?;
                if find(b.get(body..end + 3)?, b"--!>").is_some() {
                    return None;
                }
                end + 3
            };
            continue;
        }
        let is_end_tag = rest.first() == Some(&b'/');
        let name_at = if is_end_tag { after + 1 } else { after };
        match b.get(name_at) {
            Some(c) if c.is_ascii_alphabetic() => {}
            // `</>` is dropped; `</…>` without a name, `<!…>` (doctype, bogus comment) and
            // `<?…>` end at the next `>`.
            _ if is_end_tag || matches!(rest.first(), Some(b'!' | b'?')) => {
                i = after + b.get(after..)?.iter().position(|&c| c == b'>')? + 1;
                continue;
            }
            // `<` followed by anything else is text.
            _ => {
                i = after;
                continue;
            }
        }
        let name_bytes = b.get(name_at..)?;
        let name_len = name_bytes.iter().take_while(|c| !is_tag_name_end(**c)).count();
        let name = std::str::from_utf8(name_bytes.get(..name_len)?).ok()?.to_ascii_lowercase();
        if !is_end_tag && name == "form" {
            return Some(lt);
        }
        if !is_end_tag && GIVE_UP.contains(&name.as_str()) {
            return None;
        }
        // The rest of the tag (end tags are tokenized with attributes too).
        i = name_at + name_len + tag_rest_len(b.get(name_at + name_len..)?)?;
        if !is_end_tag && name == "svg" && !b.get(..i)?.ends_with(b"/>") {
            i += svg_len(b.get(i..)?)?;
            continue;
        }
        // Raw text runs to the matching end tag (`<script/>` included: HTML ignores the `/`).
        if !is_end_tag && RAW_TEXT.contains(&name.as_str()) {
            let len = end_tag_at(b.get(i..)?, &name)?;
            // `<!--` in a script opens the escaped states, where `</script>` may not end it.
            if name == "script" && find(b.get(i..i + len)?, b"<!--").is_some() {
                return None;
            }
            i += len;
        }
    }
}

/// Length of an inline SVG's content up to and including its `</svg>` (nested `<svg>` counted),
/// when it holds only comments, text and [`SVG_ELEMENTS`]; `None` otherwise.
fn svg_len(b: &[u8]) -> Option<usize> {
    let mut depth = 1usize;
    let mut i = 0;
    loop {
        let lt = i + b.get(i..)?.iter().position(|&c| c == b'<')?;
        let rest = b.get(lt + 1..)?;
        if rest.starts_with(b"!--") {
            let body = lt + 4;
            let end = body + find(b.get(body..)?, b"-->")?;
            if b.get(body..end).is_none_or(|c| c.starts_with(b">") || c.starts_with(b"->"))
                || find(b.get(body..end + 3)?, b"--!>").is_some()
            {
                return None;
            }
            i = end + 3;
            continue;
        }
        let is_end_tag = rest.first() == Some(&b'/');
        let name_at = lt + 1 + usize::from(is_end_tag);
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            // `<![CDATA[`, `<?`, `</>` and the like: not worth reading here.
            if is_end_tag || matches!(rest.first(), Some(b'!' | b'?')) {
                return None;
            }
            i = lt + 1;
            continue;
        }
        let name_bytes = b.get(name_at..)?;
        let name_len = name_bytes.iter().take_while(|c| !is_tag_name_end(**c)).count();
        let name = std::str::from_utf8(name_bytes.get(..name_len)?).ok()?.to_ascii_lowercase();
        // End tags too: `</p>` or `</br>` in foreign content closes it, and HTML follows.
        if !SVG_ELEMENTS.contains(&name.as_str()) {
            return None;
        }
        i = name_at + name_len + tag_rest_len(b.get(name_at + name_len..)?)?;
        if name == "svg" {
            if is_end_tag {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            } else if !b.get(..i)?.ends_with(b"/>") {
                depth += 1;
            }
        }
    }
}

/// Characters that end a tag name (HTML: whitespace, `/`, `>`).
fn is_tag_name_end(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
}

/// Length of the rest of a tag after its name, `>` included: attribute values quoted after `=`
/// may hold `>` and `<`. `None` when the tag never ends.
fn tag_rest_len(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    let mut after_equals = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'>' => return Some(i + 1),
            b'=' => after_equals = true,
            b'"' | b'\'' if after_equals => {
                i += b.get(i + 1..)?.iter().position(|&q| q == c)? + 1;
                after_equals = false;
            }
            b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    None
}

/// Offset just past the `>` of the first `</name` end tag (any case) in `b`.
fn end_tag_at(b: &[u8], name: &str) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + find(b.get(from..)?, b"</")?;
        let candidate = b.get(at + 2..)?;
        let matches_name = candidate
            .get(..name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if matches_name && candidate.get(name.len()).is_none_or(|c| is_tag_name_end(*c)) {
            let close = candidate.iter().position(|&c| c == b'>')?;
            return Some(at + 2 + close + 1);
        }
        from = at + 2;
    }
}

/// First offset of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
#[path = "prefix_tests.rs"]
pub(crate) mod tests;
