//! oidc-harness integration tests (one binary; modules under `it/`).

#![allow(unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod it;
