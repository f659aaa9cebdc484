//! The provider core: configuration, store, keys, clock, randomness and faults, assembled once
//! at start (seeding clients and users, loading or generating keys). No HTTP types here.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use argon2::{Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier as _};

use crate::clock::Clock;
use crate::config::{AuthMethod, Config};
use crate::faults::{Fault, FaultSet};
use crate::keys::{KeyEntry, KeyError, KeyRing, SigningAlg, SigningKey, new_kid};
use crate::random::{self, TokenSource};
use crate::store::{ClientRecord, KeyRecord, Store, StoreError, UserRecord};

/// Why the provider could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The store failed.
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    /// A key could not be loaded or generated.
    #[error("signing keys: {0}")]
    Keys(#[from] KeyError),
    /// Password hashing failed.
    #[error("password hashing: {0}")]
    PasswordHash(String),
    /// Binding or serving failed.
    #[error("{0}")]
    Io(String),
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

/// Everything a request needs, shared by all handlers.
pub struct Provider {
    pub(crate) config: Config,
    pub(crate) issuer: String,
    pub(crate) store: Store,
    keys: RwLock<Arc<KeyRing>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rng: Arc<dyn TokenSource>,
    pub(crate) faults: FaultSet,
    argon2: Argon2<'static>,
    /// A real argon2 hash compared against when the user does not exist (equal timing).
    dummy_hash: String,
    pub(crate) discovery_json: String,
    /// Registered clients, read once after seeding (clients change only through the seed, and
    /// the token endpoint must not pay a database round trip per request to authenticate one).
    clients: HashMap<String, ClientRecord>,
    /// Every user in the store by `sub`, read once after seeding, for the same reason: users
    /// change only through the seed, and a refresh grant or userinfo call must not pay a query
    /// and a JSON decode of the user's claims per request.
    users: HashMap<String, UserRecord>,
    /// `username` → `sub`, for the login form.
    subs_by_username: HashMap<String, String>,
    /// The latest login time per user `sub` (kept only with `auth_time = "user"`).
    last_login: std::sync::Mutex<HashMap<String, i64>>,
    /// Failed logins per account and client address.
    pub(crate) login_throttle: crate::throttle::LoginThrottle,
    /// Slots for password checks on the blocking pool.
    pub(crate) hashing: Arc<tokio::sync::Semaphore>,
    /// A second origin serving the same routes (`scheme://host:port`), bound only for the fault
    /// login-form-other-origin (the login form then posts there).
    pub(crate) other_origin: Option<String>,
}

/// Issuer and faults only: the configuration holds the seed's passwords and client secrets, the
/// user map password hashes, and a provider must not print them wherever it is debug-formatted.
impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("issuer", &self.issuer)
            .field("faults", &self.faults)
            .field("clients", &self.clients.len())
            .field("users", &self.users.len())
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// Assembles a provider: seeds clients and users from `config`, loads persisted keys and
    /// generates a key for every configured alg that has none.
    pub fn new(
        config: Config,
        issuer: String,
        store: Store,
        faults: FaultSet,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn TokenSource>,
    ) -> Result<Provider, StartError> {
        config.validate()?;
        let cost = &config.password_hash;
        let params = argon2::Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
            .map_err(|e| StartError::PasswordHash(e.to_string()))?;
        let argon2 = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let now = clock.now();
        let keys = load_keys(&store, &config.signing_algs, now)?;
        let mut provider = Provider {
            discovery_json: String::new(),
            clients: HashMap::new(),
            users: HashMap::new(),
            subs_by_username: HashMap::new(),
            last_login: std::sync::Mutex::default(),
            login_throttle: crate::throttle::LoginThrottle::new(config.login_throttle.clone()),
            hashing: Arc::new(tokio::sync::Semaphore::new(config.password_hash.max_concurrent.max(1))),
            other_origin: None,
            dummy_hash: String::new(),
            config,
            issuer,
            store,
            keys: RwLock::new(Arc::new(keys)),
            clock,
            rng,
            faults,
            argon2,
        };
        provider.dummy_hash = provider.hash_password("dummy-password-for-timing")?;
        provider.seed()?;
        provider.clients = provider
            .config
            .clients
            .iter()
            .filter_map(|c| provider.store.client(&c.client_id).transpose())
            .map(|r| r.map(|c| (c.client_id.clone(), c)))
            .collect::<Result<_, _>>()?;
        let users = provider.store.users()?;
        provider.subs_by_username = users.iter().map(|u| (u.username.clone(), u.sub.clone())).collect();
        provider.users = users.into_iter().map(|u| (u.sub.clone(), u)).collect();
        let mut discovery = crate::protocol::discovery::document(&provider);
        crate::faults::discovery::bend_document(&provider, &mut discovery);
        provider.discovery_json = discovery.to_string();
        Ok(provider)
    }

    /// The issuer URL.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The store (SQLite), e.g. for tools and tests that inspect what the provider kept.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The active faults.
    pub fn faults(&self) -> &FaultSet {
        &self.faults
    }

    /// Whether `fault` is on.
    pub(crate) fn fault(&self, fault: Fault) -> bool {
        self.faults.has(fault)
    }

    /// A registered client.
    pub(crate) fn client(&self, client_id: &str) -> Option<&ClientRecord> {
        self.clients.get(client_id)
    }

    /// A user by subject identifier (`None` when no such user exists).
    pub(crate) fn user(&self, sub: &str) -> Option<&UserRecord> {
        self.users.get(sub)
    }

    /// Current time (Unix seconds) from the injected clock.
    /// Records a login of `user_sub` at `at` (for `auth_time = "user"`).
    pub(crate) fn note_login(&self, user_sub: &str, at: i64) {
        if self.config.auth_time == crate::config::AuthTimeScope::User {
            let mut last = self.last_login.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let t = last.entry(user_sub.to_owned()).or_insert(at);
            *t = (*t).max(at);
        }
    }

    /// The `auth_time` a session reports: its own login, or with `auth_time = "user"` the
    /// user's latest login in any browser.
    pub(crate) fn auth_time_of(&self, user_sub: &str, session_auth_time: i64) -> i64 {
        match self.config.auth_time {
            crate::config::AuthTimeScope::Session => session_auth_time,
            crate::config::AuthTimeScope::User => {
                let last = self.last_login.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                last.get(user_sub).copied().unwrap_or(session_auth_time).max(session_auth_time)
            }
        }
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.now()
    }

    /// A random URL-safe token with `bytes` bytes of entropy.
    pub(crate) fn token(&self, bytes: usize) -> String {
        random::token(self.rng.as_ref(), bytes)
    }

    /// The current key ring (cheap: an `Arc` clone).
    pub fn keys(&self) -> Arc<KeyRing> {
        match self.keys.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Rotates the signing key of `alg`: a new key signs from now on, the old one stays published
    /// for `key_rotation_grace_secs`. The new key is persisted before it is used.
    pub fn rotate_key(&self, alg: SigningAlg) -> Result<String, StartError> {
        let now = self.now();
        let grace = self.config.key_rotation_grace_secs;
        let mut guard = match self.keys.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (ring, entry, retired) = guard.rotate(alg, new_kid(), now, grace)?;
        self.store.insert_key(&KeyRecord {
            kid: entry.key.kid().to_owned(),
            alg: alg.as_str().to_owned(),
            pkcs8: entry.key.pkcs8_der().to_vec(),
            created_at: now,
            retired_at: None,
            expires_at: None,
        })?;
        if let Some(old) = &retired {
            self.store.retire_key(old, now, now + grace)?;
        }
        let kid = entry.key.kid().to_owned();
        *guard = Arc::new(ring);
        Ok(kid)
    }

    /// argon2id hash (PHC string) of `password` with a random salt.
    pub(crate) fn hash_password(&self, password: &str) -> Result<String, StartError> {
        let mut salt = [0u8; 16];
        self.rng.fill(&mut salt);
        self.argon2
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StartError::PasswordHash(e.to_string()))
    }

    /// Checks a username/password pair. Unknown users cost the same time as wrong passwords.
    pub(crate) fn authenticate(&self, username: &str, password: &str) -> Option<&UserRecord> {
        let user = self.subs_by_username.get(username).and_then(|sub| self.users.get(sub));
        let hash = user.map_or(self.dummy_hash.as_str(), |u| u.password_hash.as_str());
        if self.password_matches(hash, password) { user } else { None }
    }

    fn password_matches(&self, hash: &str, password: &str) -> bool {
        PasswordHash::new(hash)
            .map(|h| self.argon2.verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    }

    /// Writes the configured clients and users into the store (config is the source of truth for
    /// seeded entries; a password is re-hashed only when it changed).
    fn seed(&self) -> Result<(), StartError> {
        for c in &self.config.clients {
            self.store.upsert_client(&ClientRecord {
                client_id: c.client_id.clone(),
                name: c.name.clone().unwrap_or_else(|| c.client_id.clone()),
                secret_hash: c.client_secret.as_deref().map(random::fingerprint),
                auth_method: c.auth_method.as_str().to_owned(),
                redirect_uris: c.redirect_uris.clone(),
                post_logout_redirect_uris: c.post_logout_redirect_uris.clone(),
                first_party: c.first_party,
                id_token_signed_response_alg: c.id_token_signed_response_alg.map(|a| a.as_str().to_owned()),
                grant_types: c.grant_types.clone(),
                allowed_scopes: c.scopes.clone().unwrap_or_else(|| {
                    crate::config::SCOPES.iter().map(|s| (*s).to_owned()).collect()
                }),
                code_lifetime_secs: c.code_lifetime_secs,
                token_lifetime_secs: c.token_lifetime_secs,
            })?;
            debug_assert!(c.auth_method != AuthMethod::None || c.client_secret.is_none());
        }
        for u in &self.config.users {
            let sub = u.sub.clone().unwrap_or_else(|| derived_sub(&u.username));
            self.seed_user(&sub, &u.username, &u.password, u.claims.clone(), None)?;
        }
        if let Some(pool) = &self.config.user_pool {
            // One hash shared by the pool (same password): seeding thousands of load-test users
            // must not take thousands of argon2 runs.
            let mut shared: Option<String> = None;
            for n in 1..=pool.count {
                let username = format!("{}{n}", pool.prefix);
                let mut claims = serde_json::Map::new();
                claims.insert("name".into(), format!("Load user {n}").into());
                claims.insert("email".into(), format!("{username}@example.com").into());
                claims.insert("email_verified".into(), true.into());
                let sub = derived_sub(&username);
                shared = Some(self.seed_user(&sub, &username, &pool.password, claims, shared.as_deref())?);
            }
        }
        Ok(())
    }

    fn seed_user(
        &self,
        sub: &str,
        username: &str,
        password: &str,
        claims: serde_json::Map<String, serde_json::Value>,
        known_hash: Option<&str>,
    ) -> Result<String, StartError> {
        let existing = self.store.user_by_username(username)?;
        let password_hash = match (existing, known_hash) {
            (Some(e), _) if self.password_matches(&e.password_hash, password) => e.password_hash,
            (_, Some(h)) => h.to_owned(),
            _ => self.hash_password(password)?,
        };
        self.store.upsert_user(&UserRecord {
            sub: sub.to_owned(),
            username: username.to_owned(),
            password_hash: password_hash.clone(),
            claims,
        })?;
        Ok(password_hash)
    }
}

/// A stable subject identifier for a user configured without one.
pub fn derived_sub(username: &str) -> String {
    let fp = random::fingerprint(&format!("sub:{username}"));
    fp.chars().take(22).collect()
}

/// Loads persisted keys, and generates (and persists) one for each alg without an active key.
fn load_keys(store: &Store, algs: &[SigningAlg], now: i64) -> Result<KeyRing, StartError> {
    let mut entries = Vec::new();
    for rec in store.keys()? {
        if rec.expires_at.is_some_and(|e| e <= now) {
            continue;
        }
        let alg: SigningAlg = rec.alg.parse()?;
        let key = SigningKey::from_pkcs8(alg, rec.kid.clone(), &rec.pkcs8)?;
        entries.push(KeyEntry {
            key: Arc::new(key),
            created_at: rec.created_at,
            retired_at: rec.retired_at,
            expires_at: rec.expires_at,
        });
    }
    for &alg in algs {
        let has_active = entries.iter().any(|e| e.key.alg() == alg && e.retired_at.is_none());
        if !has_active {
            let key = SigningKey::generate(alg, new_kid())?;
            store.insert_key(&KeyRecord {
                kid: key.kid().to_owned(),
                alg: alg.as_str().to_owned(),
                pkcs8: key.pkcs8_der().to_vec(),
                created_at: now,
                retired_at: None,
                expires_at: None,
            })?;
            entries.push(KeyEntry { key: Arc::new(key), created_at: now, retired_at: None, expires_at: None });
        }
    }
    Ok(KeyRing::new(entries, now))
}
