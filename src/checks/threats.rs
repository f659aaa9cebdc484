//! The threat model behind severity: the threats of RFC 6819 §4–5, RFC 9700 §4 and OIDC Core
//! §16 that an OpenID provider's behaviour can leave open, the countermeasures written as
//! behaviour a black-box tester can observe, and which checks give evidence of each
//! countermeasure (DESIGN §6: severity from a threat model, not from taste).
//!
//! The ids (`T-*` threats, `C-*` countermeasures, `F-*` features) and the mitigation sets are
//! those of the project's threat catalog (shared/reference/threat-model.md §1–§2). Everything
//! here is data: [`catalog`] holds the threats with their mitigation sets, [`evidence`] maps
//! each check id to the countermeasures it observes. A check that observes no countermeasure
//! (a pure format rule) maps to nothing and ranks last in the reports. The classification of a
//! run against this data is `report::threat_report`.

mod catalog;
mod evidence;
#[cfg(test)]
mod tests;

pub use catalog::{COUNTERMEASURES, THREATS};
pub use evidence::EVIDENCE;

/// A provider feature a threat or countermeasure depends on (threat-model.md §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    /// Any redirect-based response type (the harness always drives one).
    Front,
    /// The authorization-code flow.
    Code,
    /// ID tokens.
    Oidc,
    /// Access tokens and a resource the tester may call (UserInfo counts).
    AccessToken,
    /// The provider renders login and consent pages.
    Interactive,
    /// PKCE is accepted.
    Pkce,
    /// Refresh tokens are issued.
    RefreshToken,
    /// A public client is registered for the tester.
    PublicClient,
    /// A revocation endpoint.
    Revocation,
    /// Several issuers on one deployment.
    MultiTenant,
    /// A response type returning an access token or ID token from the authorization endpoint.
    Implicit,
    /// The password grant.
    Ropc,
    /// Client credentials or dynamic registration (a client chooses its own identity).
    ClientChosenId,
    /// Anonymous dynamic client registration.
    OpenRegistration,
    /// Pushed or signed authorization requests.
    ParJar,
    /// JWTs the provider consumes: client assertions or request objects.
    JwtInput,
    /// `response_mode=web_message`.
    WebMessage,
}

impl Feature {
    /// The catalog's id, e.g. `F-RT`.
    pub fn id(self) -> &'static str {
        match self {
            Feature::Front => "F-FRONT",
            Feature::Code => "F-CODE",
            Feature::Oidc => "F-OIDC",
            Feature::AccessToken => "F-AT",
            Feature::Interactive => "F-INTERACTIVE",
            Feature::Pkce => "F-PKCE",
            Feature::RefreshToken => "F-RT",
            Feature::PublicClient => "public",
            Feature::Revocation => "F-REVOCATION",
            Feature::MultiTenant => "F-MULTI-TENANT",
            Feature::Implicit => "F-IMPLICIT",
            Feature::Ropc => "F-ROPC",
            Feature::ClientChosenId => "F-DCR ∨ F-CC",
            Feature::OpenRegistration => "F-DCR-OPEN",
            Feature::ParJar => "F-PAR ∨ F-JAR",
            Feature::JwtInput => "F-JWT-CLIENT-AUTH ∨ F-JAR",
            Feature::WebMessage => "F-WEB-MESSAGE",
        }
    }
}

/// One threat of the catalog.
#[derive(Debug, Clone, Copy)]
pub struct Threat {
    /// Catalog id, e.g. `T-CODE-REPLAY`.
    pub id: &'static str,
    /// The attack in a few words.
    pub title: &'static str,
    /// Where the threat is described (RFC 6819, RFC 9700, OIDC Core sections).
    pub sources: &'static str,
    /// The instances (per client type or sub-scenario), each classified on its own.
    pub instances: &'static [Instance],
}

/// One instance of a threat: when it is relevant and which countermeasures close it.
#[derive(Debug, Clone, Copy)]
pub struct Instance {
    /// What this instance is about (empty when the threat has one instance).
    pub label: &'static str,
    /// Relevant when every one of these features is offered; empty = always relevant.
    pub relevant_if: &'static [Feature],
    /// Alternative mitigation sets: one complete set mitigates the instance. Empty = no
    /// server-side countermeasure exists: a relevant instance is unmitigated.
    pub sets: &'static [&'static [&'static str]],
    /// Countermeasures that lift the instance to "partially mitigated", never further.
    pub partial_only: &'static [&'static str],
    /// Hardening: reported, but never changes the class.
    pub bonus: &'static [&'static str],
}

/// One countermeasure: the observable behaviour, and the feature without which it is n/a.
#[derive(Debug, Clone, Copy)]
pub struct Countermeasure {
    /// Catalog id, e.g. `C-CODE-SINGLE-USE`.
    pub id: &'static str,
    /// The behaviour that shows it is present.
    pub behaviour: &'static str,
    /// Not applicable when this feature is not offered.
    pub needs: Option<Feature>,
}

/// The threat with catalog id `id`.
pub fn threat(id: &str) -> Option<&'static Threat> {
    THREATS.iter().find(|t| t.id == id)
}

/// The countermeasure with catalog id `id`.
pub fn countermeasure(id: &str) -> Option<&'static Countermeasure> {
    COUNTERMEASURES.iter().find(|c| c.id == id)
}

/// The countermeasures check `check_id` gives evidence of (none for a pure format rule).
pub fn evidence_of(check_id: &str) -> &'static [&'static str] {
    EVIDENCE.iter().find(|(id, _)| *id == check_id).map_or(&[], |(_, cms)| cms)
}

/// The checks that give evidence of countermeasure `cm`, in table order.
pub fn checks_for(cm: &str) -> impl Iterator<Item = &'static str> + '_ {
    EVIDENCE.iter().filter(move |(_, cms)| cms.contains(&cm)).map(|(id, _)| *id)
}

/// Every countermeasure an instance names, sets first, then partial-only, then bonus, without
/// repeats.
pub fn members(instance: &Instance) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for cm in instance.sets.iter().flat_map(|s| s.iter()).chain(instance.partial_only).chain(instance.bonus) {
        if !out.contains(cm) {
            out.push(cm);
        }
    }
    out
}

/// The threats whose mitigation (sets or partial-only) names a countermeasure check
/// `check_id` gives evidence of, in catalog order.
pub fn threats_of_check(check_id: &str) -> Vec<&'static Threat> {
    let cms = evidence_of(check_id);
    THREATS
        .iter()
        .filter(|t| t.instances.iter().any(|i| members(i).iter().any(|m| cms.contains(m))))
        .collect()
}
