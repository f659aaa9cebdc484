//! Run reports: the domain value and one writer per format.

mod model;

pub use model::{ModuleResult, ModuleStatus, RunReport, SCHEMA_VERSION, TargetSummary, Totals};
