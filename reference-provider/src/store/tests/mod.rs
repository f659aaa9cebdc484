//! Tests for the store.
