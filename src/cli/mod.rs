//! Subcommands of the `oidc-harness` binary that live outside `main.rs`.

pub(crate) mod catalog;
pub(crate) mod load;
