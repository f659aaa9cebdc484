//! HTTP at the edge: the agent (reqwest, cookie jar, no automatic redirects) and its transcript.

mod transcript;

pub use transcript::Exchange;
