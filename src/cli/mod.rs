//! The command line of `oidc-harness`: one file per subcommand, each holding its clap arguments
//! (with [`clap::ValueEnum`]s for enumerated values, see [`values`]) and the options they become.
//!
//! `into_options()` checks every flag once, before anything runs: a bad value is refused with a
//! one-line error (exit 2), and a target profile changed by flags (`--ca-file`, `--browser`,
//! `--shard`, ...) is validated after the change, like any profile. `main.rs` only dispatches:
//! parse, options, run, exit code.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub(crate) mod bench;
pub(crate) mod checks;
pub(crate) mod color;
pub(crate) mod conform;
pub(crate) mod discover;
pub(crate) mod examples;
pub(crate) mod load;
pub(crate) mod out;
pub(crate) mod report;
pub(crate) mod values;
#[cfg(test)]
pub(crate) mod tests;

/// Prints a line on stdout; a closed pipe (`oidc-harness ... | head`) is not an error.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Conformance and load-testing harness for OpenID Connect providers.
#[derive(Debug, Parser)]
#[command(name = "oidc-harness", version, about)]
pub(crate) struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Drive complete flows against a provider and report conformance findings.
    #[command(after_help = examples::CONFORM)]
    Conform(Box<conform::ConformArgs>),
    /// Work with saved reports.
    #[command(subcommand, after_help = examples::REPORT)]
    Report(report::ReportCommand),
    /// List every check: id, level, spec reference and title (`--format md`: with the quoted
    /// normative words, as in docs/checks.md).
    #[command(after_help = examples::CHECKS)]
    Checks(checks::ChecksArgs),
    /// JWT sign/verify rates through our code paths next to raw aws-lc-rs.
    #[command(after_help = examples::BENCH)]
    Bench(bench::BenchArgs),
    /// Load-test a provider (Goose): logins, token grants, userinfo, metadata.
    #[command(after_help = examples::LOAD)]
    Load(load::LoadArgs),
    /// Show what a provider advertises and draft a starter target profile from it.
    #[command(after_help = examples::DISCOVER)]
    Discover(discover::DiscoverArgs),
}

/// The directory an old-style `--out FILE` meant: the file's directory when the file has one of
/// the names written inside it (`reports/x/load.json` → `reports/x`), else the path without its
/// extension (`targets/op.toml` → `targets/op`).
fn suggested_dir(file: &std::path::Path) -> PathBuf {
    let ours = file.file_stem().and_then(|s| s.to_str()).is_some_and(|s| ["load", "summary", "report", "junit", "profile"].contains(&s));
    match file.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) if ours => parent.to_path_buf(),
        _ if ours => PathBuf::from("."),
        _ => file.with_extension(""),
    }
}

/// Why the flags cannot be used: each message is one line, naming the flag or file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OptionsError {
    /// The target profile (file, ad-hoc flags, or either with flags applied) is invalid.
    #[error(transparent)]
    Profile(#[from] oidc_harness::target::ProfileError),
    /// A file named by a flag cannot be read or created.
    #[error("{action} {}", path.display())]
    File {
        /// What was done, e.g. `reading baseline`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// `--baseline` is not a baseline file.
    #[error(transparent)]
    Baseline(#[from] oidc_harness::report::ReportError),
    /// `--json-login` is not a `[hints.json_login]` table.
    #[error("--json-login {}: {message}", path.display())]
    JsonLogin {
        /// The file.
        path: PathBuf,
        /// The TOML parser's message.
        message: String,
    },
    /// `--scenario` names neither a built-in scenario nor a file.
    #[error("unknown scenario {name:?}: expected a file or one of {known}")]
    UnknownScenario {
        /// What was given.
        name: String,
        /// The built-in names, comma-separated.
        known: String,
    },
    /// `--shard I/N` leaves this shard without a user.
    #[error("shard {index}/{count} gets no user: the profile has {total} user(s); give it at least {count}")]
    EmptyShard {
        /// I.
        index: usize,
        /// N.
        count: usize,
        /// The profile's users.
        total: usize,
    },
    /// The scenario (with `--users`, `--hatch-rate`, `--run-time` applied) is invalid.
    #[error(transparent)]
    Scenario(#[from] oidc_harness::load::ScenarioError),
    /// `--out` names a file (the old meaning for `load`, `report merge`, `discover`).
    #[error("--out {}: --out is now a directory (the files are written inside it); give a directory such as {}", path.display(), suggested_dir(path).display())]
    OutIsAFile {
        /// The value given.
        path: PathBuf,
    },
    /// `--out` cannot be created or written.
    #[error("--out {}: cannot create or write this directory: {source}", path.display())]
    OutNotWritable {
        /// The directory.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// `--seconds`, `--threads` or `--algs` of `bench`.
    #[error(transparent)]
    Bench(#[from] oidc_harness::bench::BenchError),
}
