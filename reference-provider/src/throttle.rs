//! Failed-login throttling: within a sliding window, an account (by the login name typed, whether
//! or not it exists, so the answer never tells) and a client address each get a bounded number
//! of failed logins; further attempts are refused until old failures leave the window. A
//! successful login clears its account's failures. Correct logins are never counted, so load
//! runs (which never mistype) are not slowed.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use serde::Deserialize;

/// `[login_throttle]` in the provider config; a limit of 0 switches that throttle off.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleConfig {
    /// Failed logins allowed per login name within the window.
    pub per_account: usize,
    /// Failed logins allowed per client address within the window (many users may share one).
    pub per_address: usize,
    /// The window, in seconds.
    pub window_secs: i64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig { per_account: 10, per_address: 100, window_secs: 60 }
    }
}

/// What is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

/// Above this many keys, a failure also sweeps out every key whose failures left the window.
const SWEEP_ABOVE: usize = 10_000;

/// Failed logins per account and per address (in memory; a restart forgets them).
#[derive(Debug, Default)]
pub struct LoginThrottle {
    config: ThrottleConfig,
    failures: Mutex<HashMap<Key, VecDeque<i64>>>,
}

impl LoginThrottle {
    /// A throttle with these limits.
    pub fn new(config: ThrottleConfig) -> Self {
        LoginThrottle { config, failures: Mutex::new(HashMap::new()) }
    }

    fn keys(&self, account: &str, addr: Option<IpAddr>) -> Vec<(Key, usize)> {
        let mut keys = Vec::with_capacity(2);
        if self.config.per_account > 0 {
            keys.push((Key::Account(account.to_owned()), self.config.per_account));
        }
        if let (Some(a), true) = (addr, self.config.per_address > 0) {
            keys.push((Key::Address(a), self.config.per_address));
        }
        keys
    }

    fn recent(times: &mut VecDeque<i64>, since: i64) -> usize {
        while times.front().is_some_and(|t| *t <= since) {
            times.pop_front();
        }
        times.len()
    }

    /// Whether a login for `account` from `addr` may be tried at `now`.
    pub fn allows(&self, account: &str, addr: Option<IpAddr>, now: i64) -> bool {
        let since = now - self.config.window_secs;
        let Ok(mut map) = self.failures.lock() else { return true };
        self.keys(account, addr)
            .into_iter()
            .all(|(key, limit)| map.get_mut(&key).map_or(0, |times| Self::recent(times, since)) < limit)
    }

    /// Records a failed login.
    pub fn failed(&self, account: &str, addr: Option<IpAddr>, now: i64) {
        let since = now - self.config.window_secs;
        let Ok(mut map) = self.failures.lock() else { return };
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, times| Self::recent(times, since) > 0);
        }
        for (key, limit) in self.keys(account, addr) {
            let times = map.entry(key).or_default();
            Self::recent(times, since);
            if times.len() < limit {
                times.push_back(now);
            }
        }
    }

    /// Clears an account's failures after a successful login.
    pub fn succeeded(&self, account: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&Key::Account(account.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDR: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));

    #[test]
    fn the_eleventh_failure_in_a_window_is_refused_and_the_window_slides() {
        let t = LoginThrottle::new(ThrottleConfig::default());
        for i in 0..10 {
            assert!(t.allows("alice", ADDR, 100 + i), "attempt {i}");
            t.failed("alice", ADDR, 100 + i);
        }
        assert!(!t.allows("alice", ADDR, 110));
        assert!(!t.allows("alice", None, 159));
        assert!(t.allows("bob", ADDR, 110));
        assert!(t.allows("alice", ADDR, 160), "the first failure left the window");
    }

    #[test]
    fn per_address_limits_many_accounts_and_success_clears_an_account() {
        let t = LoginThrottle::new(ThrottleConfig { per_account: 3, per_address: 5, window_secs: 60 });
        for i in 0..5 {
            t.failed(&format!("user{i}"), ADDR, 10);
        }
        assert!(!t.allows("someone-else", ADDR, 11));
        assert!(t.allows("someone-else", None, 11));
        for _ in 0..3 {
            t.failed("carol", None, 10);
        }
        assert!(!t.allows("carol", None, 11));
        t.succeeded("carol");
        assert!(t.allows("carol", None, 11));
    }

    #[test]
    fn a_zero_limit_switches_a_throttle_off() {
        let t = LoginThrottle::new(ThrottleConfig { per_account: 0, per_address: 0, window_secs: 60 });
        for _ in 0..100 {
            t.failed("alice", ADDR, 10);
        }
        assert!(t.allows("alice", ADDR, 10));
    }
}
