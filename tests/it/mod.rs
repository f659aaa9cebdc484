//! Integration test modules.

mod end_to_end;
mod fake_kit;
mod faults;
mod json_login;
mod misbehaving;
mod reach;
mod spa;
mod load;
mod tenants;
mod tolerant;
