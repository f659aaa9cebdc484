//! Integration test modules.

mod end_to_end;
mod faults;
mod misbehaving;
mod load;
