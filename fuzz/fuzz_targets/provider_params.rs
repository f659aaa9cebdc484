//! Fuzz target `provider_params`: see `reference_provider::fuzzing::params`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| reference_provider::fuzzing::params(data));
