//! The check catalog: pure functions over evidence, each with a stable id, spec tag and level.

mod model;

mod authorization;
mod discovery;
#[cfg(test)]
mod test_support;

pub use authorization::{AuthorizationEvidence, CHECKS as AUTHORIZATION_CHECKS};
pub use discovery::{CHECKS as DISCOVERY_CHECKS, DiscoveryEvidence};
pub use model::{Check, CheckDef, FailDetail, Finding, Level, Status, Verdict};
