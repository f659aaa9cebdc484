//! Integration test modules.

mod concurrency;
mod endpoints;
mod faults;
mod flows;
mod persistence;
mod support;
