//! The check catalog: pure functions over evidence, each with a stable id, spec tag and level.

mod model;

mod authorization;
mod discovery;
mod scopes;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod test_support;
mod userinfo;

pub use authorization::{AuthorizationEvidence, CHECKS as AUTHORIZATION_CHECKS};
pub use discovery::{CHECKS as DISCOVERY_CHECKS, DiscoveryEvidence};
pub use scopes::{CHECKS as SCOPE_CHECKS, ScopeEvidence};
pub use userinfo::{
    CHECKS as USERINFO_CHECKS, INVALID_TOKEN_CHECKS as USERINFO_INVALID_TOKEN_CHECKS,
    NO_TOKEN_CHECKS as USERINFO_NO_TOKEN_CHECKS, UserInfoErrorEvidence, UserInfoEvidence,
};
pub use model::{Check, CheckDef, FailDetail, Finding, Level, Status, Verdict};

pub mod id_token;
pub mod jwks;
pub mod token_response;
