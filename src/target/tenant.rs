//! Extra tenants of a multi-tenant provider (`[[tenants]]` in a profile): each has its own
//! issuer, clients and optionally users, and client validation shared with the top level.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::profile::{ClientAuth, ClientProfile, UserProfile};

/// Another tenant of the same provider (the profile's top level is the first tenant), e.g. Fief's
/// `https://<domain>/<slug>`: its own issuer, discovery document, keys and clients.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantProfile {
    /// Label used in module ids and reports.
    pub name: String,
    /// The tenant's issuer URL (exact, as the tenant advertises it).
    pub issuer: String,
    /// Clients registered at this tenant (the first one drives its flows).
    pub clients: Vec<ClientProfile>,
    /// Users of this tenant (the first one logs in); empty means the profile's top-level users.
    #[serde(default)]
    pub users: Vec<UserProfile>,
}

impl TenantProfile {
    /// The users that log in at this tenant: its own, else `fallback` (the top-level users).
    pub fn users_or<'a>(&'a self, fallback: &'a [UserProfile]) -> &'a [UserProfile] {
        if self.users.is_empty() { fallback } else { &self.users }
    }

    /// Client secrets and user passwords of this tenant (for redaction).
    pub(super) fn secrets(&self) -> impl Iterator<Item = String> + '_ {
        let clients = self.clients.iter().filter_map(|c| c.client_secret.as_ref().map(|s| s.expose().to_owned()));
        let decryption = self.clients.iter().flat_map(super::decryption::redaction_values);
        clients.chain(self.users.iter().map(|u| u.password.expose().to_owned())).chain(decryption)
    }
}

/// Whether `s` is an absolute http(s) URL with a host.
pub(super) fn is_http_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Validates a client list: unique labels, secrets matching the auth method, absolute redirect
/// URIs, `openid` in the scope. `at` prefixes messages (empty at the top level).
pub(super) fn validate_clients(clients: &[ClientProfile], at: &str) -> Result<(), String> {
    let mut labels = BTreeSet::new();
    for c in clients {
        if c.client_id.is_empty() {
            return Err(format!("{at}a client has an empty client_id"));
        }
        if !labels.insert(c.label().to_owned()) {
            return Err(format!("{at}client label {:?} is used twice", c.label()));
        }
        match (c.auth_method, &c.client_secret) {
            (ClientAuth::None, Some(_)) => return Err(format!("{at}client {:?}: auth_method none takes no client_secret", c.label())),
            (ClientAuth::ClientSecretBasic | ClientAuth::ClientSecretPost, None) => {
                return Err(format!("{at}client {:?}: auth_method {} needs client_secret", c.label(), c.auth_method.as_str()));
            }
            _ => {}
        }
        match url::Url::parse(&c.redirect_uri) {
            Ok(u) if u.fragment().is_none() => {}
            _ => return Err(format!("{at}client {:?}: redirect_uri must be an absolute URL without fragment (found {:?})", c.label(), c.redirect_uri)),
        }
        if let Some(uri) = &c.post_logout_redirect_uri
            && !url::Url::parse(uri).is_ok_and(|u| u.fragment().is_none())
        {
            return Err(format!("{at}client {:?}: post_logout_redirect_uri must be an absolute URL without fragment (found {uri:?})", c.label()));
        }
        if !c.scope.split(' ').any(|s| s == "openid") {
            return Err(format!("{at}client {:?}: scope must include openid", c.label()));
        }
        super::decryption::check(c).map_err(|e| format!("{at}{e}"))?;
    }
    Ok(())
}

/// Validates the extra tenants of a profile whose top level is named `main` at `issuer`: unique
/// non-empty names, distinct http(s) issuers, at least one valid client each, named users.
pub(super) fn validate_tenants(tenants: &[TenantProfile], main: &str, issuer: &str) -> Result<(), String> {
    let mut names = BTreeSet::from([main.to_owned()]);
    let mut issuers = BTreeSet::from([issuer.trim_end_matches('/').to_owned()]);
    for (i, t) in tenants.iter().enumerate() {
        let at = format!("tenants[{i}] ({:?}): ", t.name);
        if t.name.is_empty() || !t.name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
            return Err(format!("{at}name must be non-empty letters, digits, '-', '_' or '.'"));
        }
        if !names.insert(t.name.clone()) {
            return Err(format!("{at}the name is used twice (the top level is tenant {main:?})"));
        }
        if !is_http_url(&t.issuer) {
            return Err(format!("{at}issuer must be an absolute http(s) URL (found {:?})", t.issuer));
        }
        if !issuers.insert(t.issuer.trim_end_matches('/').to_owned()) {
            return Err(format!("{at}issuer {:?} is another tenant's issuer too; tenants need distinct issuers", t.issuer));
        }
        if t.clients.is_empty() {
            return Err(format!("{at}at least one client is needed ([[tenants.clients]])"));
        }
        validate_clients(&t.clients, &at)?;
        if t.users.iter().any(|u| u.username.is_empty()) {
            return Err(format!("{at}a user has an empty username"));
        }
    }
    Ok(())
}
