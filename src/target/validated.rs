//! [`Target`]: a [`Profile`] that passed validation, the only form the harness runs against.
//! Every way in (a profile file, ad-hoc flags, the embedded provider, a test's literal) goes
//! through [`Target::new`], after any command-line override has been applied to the raw profile.

use std::ops::Deref;
use std::path::Path;

use super::profile::{Profile, ProfileError};
use super::tenant::{is_http_url, validate_clients, validate_tenants};

/// Longest code lifetime the code-expiry module will wait for.
const MAX_CODE_LIFETIME_SECS: u64 = 300;
/// Most parallel requests the concurrency modules send.
const MAX_PARALLEL_REQUESTS: usize = 256;

/// A validated target: what the harness needs to drive flows against one provider.
///
/// Read it as a [`Profile`] (it dereferences to one); change it only by taking the profile out
/// ([`Target::into_profile`]) and validating the result again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    profile: Profile,
}

impl Target {
    /// Validates `profile`; `origin` is where it came from (the file, or [`AdHoc::ORIGIN`](super::AdHoc::ORIGIN)),
    /// as error messages name it. URLs must parse, files named (`ca_file`) must exist, clients,
    /// users, tenants and features must agree.
    pub fn new(profile: Profile, origin: &Path) -> Result<Target, ProfileError> {
        validate(&profile, origin)?;
        Ok(Target { profile })
    }

    /// Reads and validates a profile file, interpolating `${ENV}` from the process environment.
    pub fn load(path: &Path) -> Result<Target, ProfileError> {
        Target::new(Profile::read(path)?, path)
    }

    /// Parses and validates profile text read from `path`, with an injected environment.
    pub fn parse(text: &str, path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Target, ProfileError> {
        Target::new(Profile::from_toml(text, path, env)?, path)
    }

    /// The validated profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The profile, to change it (the result must be validated again to run).
    pub fn into_profile(self) -> Profile {
        self.profile
    }
}

impl Deref for Target {
    type Target = Profile;

    fn deref(&self) -> &Profile {
        &self.profile
    }
}

/// A profile built in memory (the embedded provider's, a test's) is named by its profile name.
impl TryFrom<Profile> for Target {
    type Error = ProfileError;

    fn try_from(profile: Profile) -> Result<Target, ProfileError> {
        let origin = profile.name().to_owned();
        Target::new(profile, Path::new(&origin))
    }
}

/// The one validation of a profile (`origin` names it in messages).
fn validate(profile: &Profile, origin: &Path) -> Result<(), ProfileError> {
    let bad = |message: String| Err(ProfileError::Invalid { path: origin.to_owned(), message });
    if !is_http_url(&profile.issuer) {
        return bad(format!("issuer must be an absolute http(s) URL (found {:?})", profile.issuer));
    }
    if profile.clients.is_empty() {
        return bad("at least one client is needed ([[clients]])".into());
    }
    if profile.users.is_empty() {
        return bad("at least one test user is needed ([[users]])".into());
    }
    validate_clients(&profile.clients, "").or_else(bad)?;
    validate_tenants(&profile.tenants, profile.name(), &profile.issuer).or_else(bad)?;
    if profile.users.iter().any(|u| u.username.is_empty()) {
        return bad("a user has an empty username".into());
    }
    if let Some(ca) = &profile.ca_file
        && !ca.is_file()
    {
        return bad(format!("ca_file {} does not exist", ca.display()));
    }
    let features = &profile.features;
    if let Some(name) = &features.short_lifetime_client {
        if profile.short_lifetime_client().is_none() {
            return bad(format!("features.short_lifetime_client {name:?} names no client (use a label or client_id)"));
        }
        match features.code_lifetime_secs {
            Some(1..=MAX_CODE_LIFETIME_SECS) => {}
            other => return bad(format!("features.code_lifetime_secs must be 1 to {MAX_CODE_LIFETIME_SECS} with short_lifetime_client (found {other:?})")),
        }
    }
    if !(1..=20).contains(&features.race_rounds) {
        return bad(format!("features.race_rounds must be 1 to 20 (found {})", features.race_rounds));
    }
    if !(2..=MAX_PARALLEL_REQUESTS).contains(&features.parallel_requests) {
        return bad(format!("features.parallel_requests must be 2 to {MAX_PARALLEL_REQUESTS} (found {})", features.parallel_requests));
    }
    if let Some(json) = &profile.hints.json_login {
        json.validate().or_else(bad)?;
    }
    if let Some(url) = &profile.logout_url
        && !is_http_url(url)
    {
        return bad(format!("logout_url must be an absolute http(s) URL (found {url:?})"));
    }
    if let Some(name) = &profile.logout_redirect_param
        && (name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b)))
    {
        return bad(format!("logout_redirect_param must be a parameter name of letters, digits, _, - or . (found {name:?})"));
    }
    if profile.timeout_secs == 0 {
        return bad("timeout_secs must be positive".into());
    }
    Ok(())
}
