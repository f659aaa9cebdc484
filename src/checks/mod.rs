//! The check catalog: pure functions over evidence, each with a stable id, spec tag and level.

mod model;

pub use model::{Check, CheckDef, FailDetail, Finding, Level, Status, Verdict};

pub mod id_token;
pub mod jwks;
pub mod token_response;

pub use id_token::IdTokenEvidence;
pub use jwks::JwksEvidence;
pub use token_response::TokenResponseEvidence;
