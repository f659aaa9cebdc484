//! Why a load user's flow stopped, and whether that is already counted. An error is counted
//! once: a request without an answer or with an HTTP error status is counted at its step (from
//! the user's timings, "no response at token", "HTTP 500 at token"); the flow's own reason is
//! counted only when no step counts it (a 200 without a token, a login page shown again).

use std::fmt;

/// The reason a flow stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The failing exchange is already counted as an error of its step.
    AtStep(String),
    /// Nothing counts this yet: the caller counts it once, under this kind.
    Flow(String),
}

impl Stop {
    /// A request that got no answer (its timing has no status, counted at its step).
    pub fn transport(what: &str) -> Self {
        Self::AtStep(format!("{what} transport error"))
    }

    /// A refusal with `status`: counted at its step when the status is an HTTP error (≥ 400),
    /// else a flow error of its own (e.g. a 200 without the expected token).
    pub fn refused(what: impl fmt::Display, status: u16) -> Self {
        let kind = format!("{what} refused (HTTP {status})");
        if status >= 400 { Self::AtStep(kind) } else { Self::Flow(kind) }
    }

    /// The kind, as errors are named in the report.
    pub fn kind(&self) -> &str {
        match self {
            Self::AtStep(k) | Self::Flow(k) => k,
        }
    }

    /// The kind to count when nothing counted it yet.
    pub fn uncounted(&self) -> Option<&str> {
        match self {
            Self::AtStep(_) => None,
            Self::Flow(k) => Some(k),
        }
    }
}

impl From<&str> for Stop {
    fn from(kind: &str) -> Self {
        Self::Flow(kind.to_owned())
    }
}

impl From<String> for Stop {
    fn from(kind: String) -> Self {
        Self::Flow(kind)
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::Stop;

    #[test]
    fn error_statuses_are_counted_at_their_step_and_the_rest_by_the_flow() {
        assert_eq!(Stop::refused("refresh_token", 400).uncounted(), None);
        assert_eq!(Stop::refused("refresh_token", 503).uncounted(), None);
        assert_eq!(Stop::refused("refresh_token", 200).uncounted(), Some("refresh_token refused (HTTP 200)"));
        assert_eq!(Stop::transport("token").uncounted(), None);
        assert_eq!(Stop::from("login rejected").uncounted(), Some("login rejected"));
        assert_eq!(Stop::transport("token").to_string(), "token transport error");
    }
}
