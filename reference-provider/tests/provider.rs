//! The reference provider's integration tests (one binary; modules under `it/`).

mod it;
