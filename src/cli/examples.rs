//! The "Examples" section that ends each subcommand's `--help` (k6/hyperfine style): a few real
//! invocations, each under a comment saying what it does. Every one of them parses (a unit
//! test in `tests.rs` runs each through the parser).

/// `conform`.
pub(crate) const CONFORM: &str = "\
Examples:
  # The bundled reference provider, no setup; reports in reports/<run-name>/
  oidc-harness conform

  # A provider described by a profile, reports into a directory of your choice
  oidc-harness conform --target scenarios/targets/op.toml --out reports/ci

  # The reference provider with a rule broken on purpose: the checks that catch it fail
  oidc-harness conform --fault id-token-wrong-nonce

  # Only failures not in the baseline fail the run
  oidc-harness conform --target op.toml --baseline baseline.json";

/// `report`.
pub(crate) const REPORT: &str = "\
Examples:
  oidc-harness report render reports/ci/report.json --format html,junit
  oidc-harness report merge shard-*/load.json --out reports/load-merged";

/// `report render`.
pub(crate) const RENDER: &str = "\
Examples:
  # summary.md beside the saved report
  oidc-harness report render reports/ci/report.json

  # HTML into another directory
  oidc-harness report render reports/ci/report.json --format html --out /tmp/ci";

/// `report merge`.
pub(crate) const MERGE: &str = "\
Examples:
  # load.json, summary.md and load.html of the whole run in reports/load-merged/
  oidc-harness report merge shard-*/load.json

  # Shards of a Kubernetes Indexed Job on a shared volume
  oidc-harness report merge /results/shard-*/load.json --out /results/merged";

/// `checks`.
pub(crate) const CHECKS: &str = "\
Examples:
  oidc-harness checks
  oidc-harness checks | grep MUST
  oidc-harness checks --format md > docs/checks.md";

/// `bench`.
pub(crate) const BENCH: &str = "\
Examples:
  # Every algorithm in about 10 seconds in all
  oidc-harness bench --seconds 10

  # Two algorithms at 1 and 2 threads, the rows also as JSON
  oidc-harness bench --algs RS256,ES256 --threads 2 --json bench.json";

/// `load`.
pub(crate) const LOAD: &str = "\
Examples:
  # Logins against the bundled reference provider, 8 users for 30 s
  oidc-harness load --users 8 --run-time 30s

  # Refresh grants against a provider; a p95 over 500 ms exits 1
  oidc-harness load --target op.toml --scenario token-refresh \\
    --threshold 'p95<500ms' --out reports/refresh

  # Shard 3 of 8; merge the shards with `oidc-harness report merge`
  oidc-harness load --target op.toml --shard 3/8 --out /results/shard-3";

/// `discover`.
pub(crate) const DISCOVER: &str = "\
Examples:
  # A starter profile on stdout (the summary as TOML comments above it)
  oidc-harness discover --issuer https://login.example.com > op.toml

  # A provider with a private CA; the profile into targets/op/profile.toml
  oidc-harness discover --issuer https://op.internal --ca-file ca.pem --out targets/op";
