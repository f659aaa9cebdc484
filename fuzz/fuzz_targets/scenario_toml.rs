//! Fuzz target `scenario_toml`: see `oidc_harness::fuzzing::scenario_toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::scenario_toml(data));
