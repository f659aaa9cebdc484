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
            eprintln!("oidc-harness: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Validates the subcommand's flags, then runs it; returns the exit code.
fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Conform(args) => cli::conform::run((*args).into_options()?),
        Command::Report(command) => cli::report::run(command),
        Command::Checks(args) => Ok(cli::checks::run(&args)),
        Command::Bench(args) => cli::bench::run(args.into_options()?),
        Command::Load(args) => cli::load::run(args.into_options()?),
        Command::Discover(args) => cli::discover::run(args.into_options()),
    }
}
