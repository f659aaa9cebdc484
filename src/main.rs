//! `oidc-harness`: the command line. Parses flags into validated options ([`cli`]), runs the
//! library, maps the outcome to an exit code: 0 no unexpected failures, 1 conformance failures
//! found, 2 the harness could not run (a bad flag value included).

/// mimalloc: the token endpoint and JWT parsing allocate many small maps and strings; glibc
/// malloc took about a tenth of the provider's CPU on the refresh grant.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser as _;

mod cli;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("oidc-harness: error: {}", one_line(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, each cause once: a message that already quotes its
/// source (`cannot read …: No such file`) does not get it appended again.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line.replace('\n', " ")
}

/// Validates the subcommand's flags, then runs it; returns the exit code.
fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Conform(args) => cli::conform::run((*args).into_options()?),
        Command::Report(command) => cli::report::run(command),
        Command::Checks(args) => Ok(cli::checks::run(&args)),
        Command::Bench(args) => cli::bench::run(args.into_options()?),
        Command::Load(args) => cli::load::run(args.into_options()?),
        Command::Discover(args) => cli::discover::run(args.into_options()?),
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn each_cause_is_said_once_on_one_line() {
        let os = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory (os error 2)");
        let quoted = anyhow::Error::new(os).context("cannot read target profile p.toml: No such file or directory (os error 2)");
        assert_eq!(one_line(&quoted), "cannot read target profile p.toml: No such file or directory (os error 2)");
        let chained = anyhow::anyhow!("tcp connect error").context("cannot reach the provider\nat x");
        assert_eq!(one_line(&chained), "cannot reach the provider at x: tcp connect error");
    }
}
