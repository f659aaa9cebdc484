//! Fuzz target `provider_claims`: see `reference_provider::fuzzing::claims_parameter`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| reference_provider::fuzzing::claims_parameter(data));
