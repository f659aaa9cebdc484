//! Fuzz target `callback`: see `oidc_harness::fuzzing::callback`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::callback(data));
