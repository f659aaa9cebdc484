//! oidc-harness: drives complete OpenID Connect authorization-code flows against a provider,
//! checks every step against the specifications and reports findings.
//!
//! Data flows one way: target profile → discovery/JWKS → test modules acting through the
//! [`http`] agent and the [`form`] driver → typed evidence → pure [`checks`] → [`report`].

pub mod bench;
pub mod browser;
pub mod checks;
pub mod clock;
pub mod conform;
pub mod discover;
pub mod discovery;
pub mod flow;
pub mod form;
pub mod http;
pub mod jose;
pub mod load;
pub mod report;
pub mod spec;
pub mod target;
