//! Fuzz target `provider_refresh_token`: see `reference_provider::fuzzing::refresh_token`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| reference_provider::fuzzing::refresh_token(data));
