//! Integration test modules.

mod budget;
mod end_to_end;
mod fake_kit;
mod faults;
mod isolation;
mod json_login;
mod misbehaving;
mod preflight;
mod progress;
mod reach;
mod screenshots;
mod spa;
mod load;
mod logout;
mod tenants;
mod tolerant;
mod unprepared;
