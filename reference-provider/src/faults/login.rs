//! Faults that bend the login page and its post: the form posting the password to another
//! origin than the issuer's (RFC 6749 10.11), and a server error for a post without a password. The provider then serves its routes on a second port of the same
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

/// Whether a login post without a password must fail with a server error (a fault).
pub(crate) fn crash_without_password(p: &Provider) -> bool {
    p.fault(Fault::LoginCrashWithoutPassword)
}

/// Whether `start` must bind the second origin.
pub(crate) fn needs_other_origin(faults: &super::FaultSet) -> bool {
    faults.has(Fault::LoginFormOtherOrigin)
}
