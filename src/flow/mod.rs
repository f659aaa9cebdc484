//! The authorization-code flow as the harness acts it out: building requests, interpreting what
//! comes back to the redirect_uri, and the back-channel calls. One driver serves conformance and
//! load alike; judging happens elsewhere (`checks`).

pub mod authorize;
pub mod callback;
pub mod grant;
pub mod token;

pub use authorize::{AuthParams, Pkce, asks_offline_access, authorization_url, random_token};
pub use callback::{AuthorizationResponse, ResponseSource};
pub use grant::GrantType;
