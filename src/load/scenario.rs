//! Load scenarios (`scenarios/load/*.toml`): which flows run, with what weights, how many users
//! start how fast, for how long, and the thresholds that fail the run.
//!
//! ```toml
//! name = "mixed"
//! users = 8
//! hatch_rate = "4"          # users started per second (Goose --increase-rate)
//! run_time = "20s"
//! think_time_ms = [0, 50]   # pause between transactions, min and max
//! thresholds = ["error-rate<1%", "p95<2s"]   # judged at the end of the run
//! stop_on_threshold = false # true: a missed threshold stops the run at once (checked every second)
//!
//! [[transactions]]
//! kind = "login-flow"       # login-flow | token-refresh | client-credentials | userinfo | discovery-jwks
//! weight = 3
//! client = "first-party-basic"   # a client label or client_id in the target profile
//! ```

use std::path::Path;

use serde::Deserialize;

/// What one weighted transaction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowKind {
    /// authorize → login → consent → code → token → verify ID token → userinfo, new browser each time.
    LoginFlow,
    /// One login at start, then refresh grants in a loop (rotation followed).
    TokenRefresh,
    /// client_credentials grants.
    ClientCredentials,
    /// One login at start, then userinfo calls with the access token.
    Userinfo,
    /// The discovery document and the JWKS.
    DiscoveryJwks,
}

impl FlowKind {
    /// The kebab-case name used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowKind::LoginFlow => "login-flow",
            FlowKind::TokenRefresh => "token-refresh",
            FlowKind::ClientCredentials => "client-credentials",
            FlowKind::Userinfo => "userinfo",
            FlowKind::DiscoveryJwks => "discovery-jwks",
        }
    }
}

/// One weighted transaction of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionSpec {
    /// The flow.
    pub kind: FlowKind,
    /// Relative weight (users are spread over transactions by weight).
    #[serde(default = "one")]
    pub weight: usize,
    /// Client label or client_id in the profile (default: the first client fit for the flow).
    #[serde(default)]
    pub client: Option<String>,
    /// Scope to ask for (default: the client's).
    #[serde(default)]
    pub scope: Option<String>,
}

fn one() -> usize {
    1
}

/// A load scenario.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name (default: the file stem).
    #[serde(default)]
    pub name: Option<String>,
    /// One line for humans.
    #[serde(default)]
    pub description: Option<String>,
    /// Concurrent users.
    #[serde(default = "default_users")]
    pub users: usize,
    /// Users started per second (decimal allowed, Goose's --increase-rate).
    #[serde(default = "default_hatch_rate")]
    pub hatch_rate: String,
    /// How long to run once every user started (Goose time syntax: `30s`, `2m`, `1h30m`).
    #[serde(default = "default_run_time")]
    pub run_time: String,
    /// Pause between transactions, min and max milliseconds.
    #[serde(default)]
    pub think_time_ms: [u64; 2],
    /// Goose thresholds (`p95<500ms`, `error-rate<1%`, `rps>=200`); a miss exits 1.
    #[serde(default)]
    pub thresholds: Vec<String>,
    /// A missed threshold stops the run early (Goose checks every second once all users
    /// started); by default thresholds are judged only when the run ends.
    #[serde(default)]
    pub stop_on_threshold: bool,
    /// The transactions.
    pub transactions: Vec<TransactionSpec>,
}

fn default_users() -> usize {
    4
}
fn default_hatch_rate() -> String {
    "4".into()
}
fn default_run_time() -> String {
    "10s".into()
}

/// Why a scenario cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read load scenario {path}: {source}")]
    Read {
        /// The path given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML is invalid.
    #[error("invalid load scenario {path}: {message}")]
    Parse {
        /// The path given.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The values are inconsistent.
    #[error("invalid load scenario {name}: expected {expected} (found {found})")]
    Invalid {
        /// Scenario name.
        name: String,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
}

impl Scenario {
    /// The scenario's name.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("load")
    }

    /// Parses TOML text; `origin` names it in errors and is the default name.
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let mut s: Scenario =
            toml::from_str(text).map_err(|e| ScenarioError::Parse { path: origin.to_owned(), message: e.to_string() })?;
        if s.name.is_none() {
            let stem = Path::new(origin).file_stem().and_then(|x| x.to_str()).unwrap_or("load");
            s.name = Some(stem.to_owned());
        }
        s.validate()?;
        Ok(s)
    }

    /// Reads and parses a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read { path: shown.clone(), source })?;
        Scenario::parse(&text, &shown)
    }

    /// A built-in scenario by name (the files shipped in `scenarios/load/`).
    pub fn builtin(name: &str) -> Option<Scenario> {
        let text = BUILTIN.iter().find(|(n, _)| *n == name)?.1;
        Scenario::parse(text, name).ok()
    }

    /// Names of the built-in scenarios.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// Checks the values Goose would otherwise reject mid-run.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let bad = |expected: &str, found: String| ScenarioError::Invalid {
            name: self.name().to_owned(),
            expected: expected.to_owned(),
            found,
        };
        if self.transactions.is_empty() {
            return Err(bad("at least one [[transactions]] entry", "none".into()));
        }
        if self.users == 0 {
            return Err(bad("users ≥ 1", "0".into()));
        }
        if let Some(t) = self.transactions.iter().find(|t| t.weight == 0) {
            return Err(bad("weight ≥ 1", format!("0 for {}", t.kind.as_str())));
        }
        if self.think_time_ms[0] > self.think_time_ms[1] {
            return Err(bad("think_time_ms = [min, max] with min ≤ max", format!("{:?}", self.think_time_ms)));
        }
        match self.hatch_rate.parse::<f64>() {
            Ok(r) if r > 0.0 && r.is_finite() => {}
            _ => return Err(bad("hatch_rate a positive number of users per second", self.hatch_rate.clone())),
        }
        if parse_duration_secs(&self.run_time).is_none() {
            return Err(bad("run_time like 30s, 2m or 1h30m", self.run_time.clone()));
        }
        for rule in &self.thresholds {
            if let Err(why) = check_threshold(rule) {
                return Err(bad("thresholds like p95<500ms, error-rate<1% or rps>=200", format!("{rule:?}: {why}")));
            }
        }
        Ok(())
    }
}

/// Why Goose refuses the threshold `rule`, in Goose's words without its wrapping.
pub fn check_threshold(rule: &str) -> Result<(), String> {
    match rule.parse::<goose::threshold::Threshold>() {
        Ok(_) => Ok(()),
        Err(goose::GooseError::InvalidOption { detail, .. }) => {
            let prefix = format!("threshold {rule:?}: ");
            Err(detail.strip_prefix(&prefix).unwrap_or(&detail).to_owned())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Parses Goose's time syntax (`90`, `30s`, `2m30s`, `1h`) into seconds.
pub fn parse_duration_secs(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<u64>() {
        return Some(n);
    }
    let (mut total, mut num) = (0u64, String::new());
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let mult = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let n: u64 = num.parse().ok()?;
        total = total.checked_add(n.checked_mul(mult)?)?;
        num.clear();
    }
    num.is_empty().then_some(total)
}

/// The shipped scenarios, compiled in so `--scenario NAME` works from any directory.
const BUILTIN: &[(&str, &str)] = &[
    ("login-flow", include_str!("../../scenarios/load/login-flow.toml")),
    ("token-refresh", include_str!("../../scenarios/load/token-refresh.toml")),
    ("client-credentials", include_str!("../../scenarios/load/client-credentials.toml")),
    ("userinfo", include_str!("../../scenarios/load/userinfo.toml")),
    ("discovery-jwks", include_str!("../../scenarios/load/discovery-jwks.toml")),
    ("mixed", include_str!("../../scenarios/load/mixed.toml")),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_scenario_parses() {
        for name in Scenario::builtin_names() {
            let s = Scenario::builtin(name).unwrap_or_else(|| panic!("{name} does not parse"));
            assert_eq!(s.name(), name);
        }
    }

    #[test]
    fn durations_follow_goose_syntax() {
        assert_eq!(parse_duration_secs("90"), Some(90));
        assert_eq!(parse_duration_secs("2m30s"), Some(150));
        assert_eq!(parse_duration_secs("1h"), Some(3600));
        assert_eq!(parse_duration_secs("5x"), None);
        assert_eq!(parse_duration_secs("5m3"), None);
        assert_eq!(parse_duration_secs(""), None);
    }

    #[test]
    fn bad_values_are_named() {
        let base = "[[transactions]]\nkind = \"login-flow\"\n";
        assert!(Scenario::parse(base, "x.toml").is_ok());
        let err = |t: &str| Scenario::parse(t, "x.toml").map(|_| ()).unwrap_err().to_string();
        assert!(err("users = 0\n[[transactions]]\nkind = \"userinfo\"\n").contains("users ≥ 1"));
        assert!(err("run_time = \"soon\"\n[[transactions]]\nkind = \"userinfo\"\n").contains("soon"));
        assert!(err("hatch_rate = \"-1\"\n[[transactions]]\nkind = \"userinfo\"\n").contains("hatch_rate"));
        assert!(err("think_time_ms = [5, 1]\n[[transactions]]\nkind = \"userinfo\"\n").contains("min ≤ max"));
        assert!(err("[[transactions]]\nkind = \"fly\"\n").contains("fly"));
        assert!(err("users = 2\n").contains("transactions"));
        assert!(err("[[transactions]]\nkind = \"userinfo\"\nweight = 0\n").contains("weight"));
        // A bad threshold says what is wrong in words, not Goose's `InvalidOption { … }`.
        let bad = err("thresholds = [\"p95<soon\"]\n[[transactions]]\nkind = \"userinfo\"\n");
        assert!(bad.contains("expected thresholds like p95<500ms") && bad.contains("\"p95<soon\": ") && bad.contains("soon"), "{bad}");
        assert!(!bad.contains("InvalidOption") && !bad.contains("configuration.threshold"), "{bad}");
        assert!(check_threshold("error-rate<1%").is_ok());
        assert!(check_threshold("error-rate<101%").unwrap_err().contains("100%"));
    }
}
