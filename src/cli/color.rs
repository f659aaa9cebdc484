//! Whether to colour a stream: only a terminal, and never when `NO_COLOR` is set to a
//! non-empty value (<https://no-color.org>).

use std::io::IsTerminal as _;

/// Colour on stdout (the conform summary).
pub(crate) fn stdout() -> bool {
    wanted(std::io::stdout().is_terminal(), std::env::var_os("NO_COLOR"))
}

/// Colour on stderr (load progress).
pub(crate) fn stderr() -> bool {
    wanted(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR"))
}

/// A terminal without a non-empty `NO_COLOR`.
fn wanted(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::wanted;

    #[test]
    fn only_a_terminal_without_no_color_gets_colour() {
        assert!(wanted(true, None));
        assert!(wanted(true, Some("".into())), "an empty NO_COLOR is unset");
        assert!(!wanted(true, Some("1".into())));
        assert!(!wanted(false, None), "a pipe or a file: never");
    }
}
