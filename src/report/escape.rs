//! The one text escaper of the report writers: every character rule of HTML text and
//! attributes, XML (JUnit) attributes and text, and Markdown table cells, side by side.
//!
//! Each writer keeps a short named entry point ([`super::markup::html_escape`], `junit::esc`,
//! `markdown::cell`) that picks its [`Escape`]. The reference provider escapes its own pages in
//! its own crate (`reference-provider/src/html.rs`).

/// Where escaped text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Escape {
    /// HTML text or a quoted attribute value: markup characters become references; tab,
    /// newline and carriage return stay; other control characters are dropped.
    Html,
    /// An XML attribute value: like XML text, but tab and newline become references so that
    /// attribute normalisation keeps them.
    XmlAttribute,
    /// XML element content: markup characters become references, carriage return `&#13;`;
    /// characters XML 1.0 forbids (other controls, U+FFFE, U+FFFF) are dropped.
    XmlText,
    /// A Markdown table cell (also safe as inline HTML): no raw HTML, no Markdown syntax, no
    /// `|`, newlines as `<br>`.
    MarkdownCell,
}

impl Escape {
    /// Whether this is one of the two XML targets.
    fn is_xml(self) -> bool {
        matches!(self, Escape::XmlAttribute | Escape::XmlText)
    }
}

/// `s` escaped for `to`.
pub(super) fn escape(s: &str, to: Escape) -> String {
    use Escape::{Html, MarkdownCell, XmlAttribute, XmlText};
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match (c, to) {
            ('&', _) => out.push_str("&amp;"),
            ('<', _) => out.push_str("&lt;"),
            ('>', _) => out.push_str("&gt;"),
            ('"', Html | XmlAttribute | XmlText) => out.push_str("&quot;"),
            ('\'', Html) => out.push_str("&#39;"),
            ('\'', XmlAttribute | XmlText) => out.push_str("&apos;"),
            ('\t' | '\n' | '\r', Html) | ('\t' | '\n', XmlText) => out.push(c),
            ('\t', XmlAttribute) => out.push_str("&#9;"),
            ('\n', XmlAttribute) => out.push_str("&#10;"),
            ('\r', XmlAttribute | XmlText) => out.push_str("&#13;"),
            ('\u{FFFE}' | '\u{FFFF}', t) if t.is_xml() => {}
            ('|', MarkdownCell) => out.push_str("\\|"),
            ('\n', MarkdownCell) => out.push_str("<br>"),
            ('\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~', MarkdownCell) => {
                out.push('\\');
                out.push(c);
            }
            (c, _) if c.is_control() => {}
            (c, _) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Escape, escape};

    /// Every special character through every target, as the writers printed them before the
    /// escapers became one.
    #[test]
    fn each_target_keeps_its_rules() {
        let all = "&<>\"'\t\n\r\u{0}\u{1b}\u{FFFE}\u{FFFF}|\\`*_[]#~é";
        assert_eq!(escape(all, Escape::Html), "&amp;&lt;&gt;&quot;&#39;\t\n\r\u{FFFE}\u{FFFF}|\\`*_[]#~é");
        assert_eq!(escape(all, Escape::XmlAttribute), "&amp;&lt;&gt;&quot;&apos;&#9;&#10;&#13;|\\`*_[]#~é");
        assert_eq!(escape(all, Escape::XmlText), "&amp;&lt;&gt;&quot;&apos;\t\n&#13;|\\`*_[]#~é");
        assert_eq!(escape(all, Escape::MarkdownCell), "&amp;&lt;&gt;\"'<br>\u{FFFE}\u{FFFF}\\|\\\\\\`\\*\\_\\[\\]\\#\\~é");
    }
}
