//! The provider under test: target profiles (`scenarios/targets/*.toml`, `${ENV}` secrets) or
//! ad-hoc flags, validated into a [`Target`] before any network call.

mod decryption;
mod interpolate;
mod profile;
mod tenant;
#[cfg(test)]
mod tests;

pub use decryption::{DEFAULT_ENCRYPTION_ALG, DEFAULT_ENCRYPTION_ENC};
pub use interpolate::{InterpolateError, interpolate};
pub use profile::{AdHoc, ClientAuth, ClientProfile, Features, Profile, ProfileError, Secret, UserProfile};
pub use tenant::TenantProfile;

/// A validated target: what the harness needs to drive flows against one provider.
pub type Target = Profile;
