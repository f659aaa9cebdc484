//! Fuzz target `interpolate`: see `oidc_harness::fuzzing::interpolate_env`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::interpolate_env(data));
