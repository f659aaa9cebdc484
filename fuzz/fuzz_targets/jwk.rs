//! Fuzz target `jwk`: see `oidc_harness::fuzzing::jwk`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::jwk(data));
