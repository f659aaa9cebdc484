//! How a drive of an authorization request ended ([`DriveOutcome`], with what was seen on the way
//! in a [`DriveReport`]) and its kind as a protocol value ([`DriveEnd`]) for evidence: the same
//! outcome for the HTML form driver and for headless Chromium.

use serde::{Deserialize, Serialize};

use crate::flow::AuthorizationResponse;

/// How a drive ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriveOutcome {
    /// The provider sent the user agent to the redirect_uri with these parameters.
    Callback(AuthorizationResponse),
    /// Credentials were submitted and a login page came back (or the JSON login API refused them).
    LoginRejected {
        /// Redacted URL of the returned login page.
        url: String,
    },
    /// A login page (form or JSON login) appeared but no credentials were given.
    LoginRequired {
        /// Redacted URL of the login page.
        url: String,
    },
    /// The harness cannot go on with what it was told (a JSON login hint that does not fit the
    /// provider's answers, a deny that only a script can press): the harness's limit, never the
    /// provider's failure. Modules stop with an error saying why.
    CannotDrive {
        /// Redacted URL of the last response.
        url: String,
        /// What the harness could not do, and what to change.
        reason: String,
    },
    /// No way forward: an error or unknown page, a missing control, or too many steps.
    Stuck {
        /// Redacted URL of the last response.
        url: String,
        /// Status of the last response.
        status: u16,
        /// Why the drive stopped.
        reason: String,
    },
}

/// The outcome plus what was seen on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveReport {
    /// How the drive ended.
    pub outcome: DriveOutcome,
    /// Login pages seen (the rejected one included).
    pub login_forms_seen: usize,
    /// Consent pages seen.
    pub consent_pages_seen: usize,
    /// HTTP requests made.
    pub steps: usize,
    /// The origins (`scheme://host:port`) the user's password was sent to, in order, each once;
    /// empty when no password was sent or the driver cannot tell (the Chromium driver).
    pub password_origins: Vec<String>,
}

impl DriveReport {
    /// Notes that the password went to `url`'s origin.
    pub(crate) fn password_sent_to(&mut self, url: &url::Url) {
        let origin = url.origin().ascii_serialization();
        if !self.password_origins.contains(&origin) {
            self.password_origins.push(origin);
        }
    }
}

impl DriveOutcome {
    /// The kind of ending, without its details.
    pub fn end(&self) -> DriveEnd {
        match self {
            DriveOutcome::Callback(_) => DriveEnd::Callback,
            DriveOutcome::LoginRejected { .. } => DriveEnd::LoginRejected,
            DriveOutcome::LoginRequired { .. } => DriveEnd::LoginRequired,
            DriveOutcome::CannotDrive { .. } => DriveEnd::CannotDrive,
            DriveOutcome::Stuck { .. } => DriveEnd::Stuck,
        }
    }

    /// The callback, when the drive reached the redirect_uri.
    pub fn callback(&self) -> Option<&AuthorizationResponse> {
        match self {
            DriveOutcome::Callback(cb) => Some(cb),
            _ => None,
        }
    }

    /// The callback's `code`, when the drive reached the redirect_uri with one.
    pub fn code(&self) -> Option<&str> {
        self.callback().and_then(AuthorizationResponse::code)
    }
}

/// How a drive ended, as evidence names it (`callback`, `login_rejected`, `login_required`,
/// `stuck`, `cannot_drive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriveEnd {
    /// The provider sent the user agent to the redirect_uri.
    Callback,
    /// Credentials were submitted and a login page came back.
    LoginRejected,
    /// A login page appeared and no credentials were given.
    LoginRequired,
    /// No way forward (an error or unknown page, a missing control, too many steps).
    Stuck,
    /// The harness could not go on: its limit, never the provider's failure.
    CannotDrive,
}

impl DriveEnd {
    /// The name evidence and messages use.
    pub fn as_str(self) -> &'static str {
        match self {
            DriveEnd::Callback => "callback",
            DriveEnd::LoginRejected => "login_rejected",
            DriveEnd::LoginRequired => "login_required",
            DriveEnd::Stuck => "stuck",
            DriveEnd::CannotDrive => "cannot_drive",
        }
    }
}

impl std::fmt::Display for DriveEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_end_is_named_as_serde_names_it() {
        for end in [DriveEnd::Callback, DriveEnd::LoginRejected, DriveEnd::LoginRequired, DriveEnd::Stuck, DriveEnd::CannotDrive] {
            assert_eq!(serde_json::to_value(end).ok(), Some(serde_json::Value::String(end.as_str().to_owned())));
        }
        let stuck = DriveOutcome::Stuck { url: "u".into(), status: 400, reason: "r".into() };
        assert_eq!((stuck.end(), stuck.code()), (DriveEnd::Stuck, None));
    }
}
