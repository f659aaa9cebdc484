//! What the harness knows, printed: the check catalog (`checks`) and the fault matrix
//! (`conform --explain-faults`), each reference-provider fault with the checks that catch it.

use crate::outln;

/// `checks` options.
#[derive(Debug, clap::Args)]
pub(crate) struct ChecksArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: CatalogFormat,
}

/// How `checks` prints the catalog.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CatalogFormat {
    /// One line per check: id, level, reference, title.
    Text,
    /// Markdown tables with the quoted normative words (docs/checks.md).
    Md,
}

/// `checks`: prints the catalog; returns the exit code (0).
pub(crate) fn run(args: &ChecksArgs) -> u8 {
    match args.format {
        CatalogFormat::Text => list_checks(),
        CatalogFormat::Md => outln!("{}", oidc_harness::checks::catalog_doc::catalog_markdown().trim_end()),
    }
    0
}

/// The fault matrix: each reference-provider fault, the rule it breaks, and the checks that catch it.
pub(crate) fn explain_faults() {
    outln!("Each check is proven by running the plan against the embedded reference provider with one fault on:");
    outln!("the listed checks must fail, and no other MUST check may.\n");
    for row in oidc_harness::conform::FAULT_MATRIX {
        let description = row.fault.parse::<reference_provider::Fault>().map(|f| f.description()).unwrap_or("?");
        outln!("--fault {}\n    breaks: {description}", row.fault);
        for id in row.checks {
            let title = oidc_harness::checks::find(id).map(|d| d.title).unwrap_or("?");
            outln!("    caught by {id}: {title}");
        }
    }
    let covered: Vec<&str> = oidc_harness::conform::FAULT_MATRIX.iter().map(|r| r.fault).collect();
    let rest: Vec<&str> = reference_provider::Fault::ALL.iter().map(|f| f.name()).filter(|n| !covered.contains(n)).collect();
    if !rest.is_empty() {
        outln!("\nFaults not proven by the current plans yet: {}", rest.join(", "));
    }
    for (fault, reason) in oidc_harness::conform::FAULTS_OUTSIDE_MATRIX {
        outln!("    {fault}: {reason}");
    }
    let coverage = oidc_harness::conform::must_coverage();
    outln!(
        "\nMUST checks: {}; proven by a fault: {}; unproven: {}",
        coverage.must,
        coverage.proven,
        coverage.unproven.len()
    );
    for u in coverage.unproven {
        outln!("    {}: {}", u.check, u.reason);
    }
}

/// `checks`: every check by group, with its level, spec reference and title.
fn list_checks() {
    let mut total = 0;
    for (group, defs) in oidc_harness::checks::catalog() {
        outln!("## {group} ({})", defs.len());
        for d in defs {
            outln!("{:<46} {:<6} {:<16} {}", d.id, d.level.as_str(), d.spec, d.title);
            total += 1;
        }
        outln!();
    }
    outln!("{total} checks");
}
