//! oidc-harness: drives complete OpenID Connect authorization-code flows against a provider,
//! checks every step against the specifications and reports findings.
//!
//! Data flows one way:
//!
//! ```text
//! cli ─> target ─> conform / load ──────────────> checks ───────> report
//! (args, (validated  (plans, modules; prepare:     (pure: typed    (json, junit,
//! values) profile)    discovery+JWKS → Prepared;    evidence →      md, html,
//!                     steps: authorize, login,      findings with   threats)
//!                     consent, redeem)              quoted level)
//!                        │
//!                        └─> flow, form, browser ─> http ─> the provider
//!                            (requests, drivers)   (browser + back channel, redaction)
//! ```
//!
//! - `src/cli/` (the binary, beside this library) is the only place that reads arguments: one file
//!   per subcommand, each turning its flags into validated options before anything runs;
//!   [`target`] holds the validated profile.
//! - [`conform`] runs a plan: discovery and JWKS first ([`conform::Prepared`]), then each module
//!   with the steps of `conform::steps`; [`load`] drives the same steps under Goose.
//! - [`checks`] are pure functions declared with `must/should/may(id).spec(..).title(..).run(f)`,
//!   citing [`spec`] constants; [`report`] writes what they found.
//! - [`http`] is the edge: a browser (front channel, cookie jar) and a back channel (no cookies),
//!   TLS, redaction, the transcript, last-byte-synchronised races; [`form`] and [`browser`] drive
//!   login and consent pages (HTML, JSON APIs, Chromium); [`jose`] verifies and decrypts tokens.

pub mod bench;
pub mod browser;
pub mod checks;
pub mod clock;
pub mod conform;
pub mod discover;
pub mod discovery;
pub mod flow;
pub mod form;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod jose;
pub mod load;
pub mod report;
pub mod spec;
pub mod target;
