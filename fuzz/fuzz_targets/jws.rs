//! Fuzz target `jws`: see `oidc_harness::fuzzing::jws`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::jws(data));
