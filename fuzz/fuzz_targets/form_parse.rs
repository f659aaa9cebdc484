//! Fuzz target `form_parse`: see `oidc_harness::fuzzing::form_parse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::form_parse(data));
