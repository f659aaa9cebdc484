//! Fuzz target `form_classify`: see `oidc_harness::fuzzing::form_classify`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_harness::fuzzing::form_classify(data));
