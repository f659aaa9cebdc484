//! Integration test modules.

mod concurrency;
mod connections;
mod cookie_client;
mod endpoints;
mod faults;
mod flows;
mod interactions;
mod logging;
mod persistence;
mod refresh_tokens;
mod support;
