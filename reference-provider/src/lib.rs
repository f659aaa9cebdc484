//! The reference OpenID provider: a complete, persistent, fault-injectable OP built on axum.
//!
//! axum sits at the edge (`routes`); protocol decisions live in plain Rust (`protocol`);
//! storage is SQLite (`store`); keys and JWS signing in `keys`.

pub mod keys;
pub mod store;
