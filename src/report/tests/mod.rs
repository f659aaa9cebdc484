//! Tests of the report layer, one file per concern, over the shared [`fixture`] report.

// Tests may panic on unexpected errors (the workspace has no clippy.toml `allow-expect-in-tests`).
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod baseline;
mod console;
mod fixture;
mod html;
mod json;
mod junit;
mod markdown;
mod one_count;
mod samples;
mod threats;
mod write;
