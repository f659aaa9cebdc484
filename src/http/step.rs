//! The step a request belongs to ([`StepLabel`]): load metrics group latencies and errors by it, and
//! a load report names its steps with [`StepLabel::as_str`]. One list, so that the driver that labels
//! a request and the load run that judges its answer cannot spell a step two ways.

use std::fmt;

/// A step of a flow, as load reports name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepLabel {
    /// The authorization request (`authorize`).
    Authorize,
    /// A redirect followed by the browser (`redirect`).
    Redirect,
    /// A login form or JSON login call (`login`).
    Login,
    /// A consent form or JSON consent call (`consent`).
    Consent,
    /// An auto-submitted form elsewhere than the redirect_uri (`form_post`).
    FormPost,
    /// The code exchange (`token`).
    Token,
    /// A code redeemed a second time, whose refusal is expected (`token_replay`).
    TokenReplay,
    /// A refresh grant (`refresh`).
    Refresh,
    /// A client-credentials grant (`client_credentials`).
    ClientCredentials,
    /// A UserInfo request (`userinfo`).
    Userinfo,
    /// The discovery document (`discovery`).
    Discovery,
    /// The JWKS (`jwks`).
    Jwks,
    /// The preflight's client-authentication probe (`preflight token`).
    PreflightToken,
    /// A client-side JWT verification: no request, a step of the load metrics (`verify_jwt`).
    VerifyJwt,
}

impl StepLabel {
    /// The step's name in load reports.
    pub fn as_str(self) -> &'static str {
        match self {
            StepLabel::Authorize => "authorize",
            StepLabel::Redirect => "redirect",
            StepLabel::Login => "login",
            StepLabel::Consent => "consent",
            StepLabel::FormPost => "form_post",
            StepLabel::Token => "token",
            StepLabel::TokenReplay => "token_replay",
            StepLabel::Refresh => "refresh",
            StepLabel::ClientCredentials => "client_credentials",
            StepLabel::Userinfo => "userinfo",
            StepLabel::Discovery => "discovery",
            StepLabel::Jwks => "jwks",
            StepLabel::PreflightToken => "preflight token",
            StepLabel::VerifyJwt => "verify_jwt",
        }
    }
}

impl fmt::Display for StepLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
