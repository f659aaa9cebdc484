//! `oidc-harness report`: work with saved reports. Its two commands serve different reports and
//! live with the command that wrote them: `render` re-renders a conformance report
//! (`report.json` of `conform`, [`super::conform::render`]); `merge` merges load reports
//! (`load.json` of `load` shards, [`super::load::merge`]). The two report models stay apart:
//! a conformance run's findings per module and a load run's histograms share no field worth a
//! common type.

use clap::Subcommand;

use super::conform::RenderArgs;
use super::load::MergeArgs;

/// `report` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// Re-render a saved report.json into other formats.
    #[command(after_help = super::examples::RENDER)]
    Render(RenderArgs),
    /// Merge load reports (load.json) of shards run side by side into one, exactly.
    #[command(after_help = super::examples::MERGE)]
    Merge(MergeArgs),
}

/// Runs a `report` subcommand; returns the exit code.
pub(crate) fn run(command: ReportCommand) -> anyhow::Result<u8> {
    match command {
        ReportCommand::Render(args) => super::conform::render(args),
        ReportCommand::Merge(args) => super::load::merge(&args),
    }
}
