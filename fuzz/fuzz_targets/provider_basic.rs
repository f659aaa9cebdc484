//! Fuzz target `provider_basic`: see `reference_provider::fuzzing::basic`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| reference_provider::fuzzing::basic(data));
