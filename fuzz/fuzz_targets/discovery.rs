//! Fuzz target `discovery`: see `oidc_harness::fuzzing::discovery`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::discovery(data));
