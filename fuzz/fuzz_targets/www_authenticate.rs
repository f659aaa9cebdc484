//! Fuzz target `www_authenticate`: see `oidc_harness::fuzzing::www_authenticate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::www_authenticate(data));
