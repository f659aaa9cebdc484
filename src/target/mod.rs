//! The provider under test: target profiles (`scenarios/targets/*.toml`, `${ENV}` secrets) or
//! ad-hoc flags read into a raw [`Profile`], overridden by flags, then validated once into a
//! [`Target`] before any network call.

mod decryption;
mod interpolate;
mod profile;
mod tenant;
mod validated;
#[cfg(test)]
mod tests;

pub use decryption::{DEFAULT_ENCRYPTION_ALG, DEFAULT_ENCRYPTION_ENC};
pub use interpolate::{InterpolateError, interpolate};
pub use profile::{DEFAULT_LOGOUT_REDIRECT_PARAM, AdHoc, ClientAuth, ClientProfile, Features, Profile, ProfileError, RaceMethod, Secret, UserProfile};
pub use tenant::TenantProfile;
pub use validated::Target;
