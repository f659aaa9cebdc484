//! Fuzz target `jwe`: see `oidc_harness::fuzzing::jwe`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::jwe(data));
