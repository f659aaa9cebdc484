//! Fuzz target `profile_toml`: see `oidc_harness::fuzzing::profile_toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::profile_toml(data));
