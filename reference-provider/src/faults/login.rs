//! Faults that bend the login page: its form posting the password to another origin than the
//! issuer's (RFC 6749 10.11). The provider then serves its routes on a second port of the same
//! host (bound by `start`), so the flow still completes: cookies do not depend on the port.

use super::Fault;
use crate::provider::Provider;

/// The login page `body` as the active faults bend it.
pub(crate) fn page(p: &Provider, body: String) -> String {
    match (&p.other_origin, p.fault(Fault::LoginFormOtherOrigin)) {
        (Some(origin), true) => {
            let here = format!("action=\"{}\"", crate::paths::LOGIN);
            body.replace(&here, &format!("action=\"{origin}{}\"", crate::paths::LOGIN))
        }
        _ => body,
    }
}

/// Whether `start` must bind the second origin.
pub(crate) fn needs_other_origin(faults: &super::FaultSet) -> bool {
    faults.has(Fault::LoginFormOtherOrigin)
}
