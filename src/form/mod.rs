//! HTML forms: parsing, page classification (login, consent, form_post), filling, login
//! through a JSON API, and the driver loop that walks an authorization request through them.

mod detect;
mod driver;
mod fill;
mod json_login;
mod outcome;
mod parse;
mod prefix;
mod simple;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_fief;

pub(crate) use detect::needs_script;
pub use detect::{ConsentForm, FormHints, LoginForm, Page, classify, meta_refresh};
pub use driver::{ConsentChoice, Credentials, DriveOptions, NEEDS_SCRIPT, drive};
pub use fill::{Submission, fill_login, login_submit, press};
pub use outcome::{DriveEnd, DriveOutcome, DriveReport};
pub use json_login::{ApiAnswer, JsonLogin, JsonStep, Vars};
pub use parse::{Field, Form, FormEncoding, FormMethod, Submit, parse_forms};
