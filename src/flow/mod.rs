//! The authorization flow: interpreting what comes back to the redirect_uri.

pub mod callback;
