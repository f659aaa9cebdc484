//! The one way to declare a check: `must(id).spec(..).title(..).run(f)` (or [`should`],
//! [`may`]), usable in `const` tables. Every part is named, comes in one order and has its own
//! type — the spec reference is a [`SpecRef`], so a title cannot be passed in its place.
//!
//! A module that judges several cases keeps one table per case and builds its whole table
//! with [`concat`], so that a test module runs the table of its case instead of selecting
//! checks by id.
//!
//! ```
//! use oidc_harness::checks::{Check, Verdict, must};
//! use oidc_harness::spec;
//!
//! fn matches(v: &bool) -> Verdict {
//!     Verdict::check(*v, "the verifier does not match")
//! }
//!
//! const CHECKS: &[Check<bool>] = &[must("pkce.wrong_verifier.rejected")
//!     .spec(spec::RFC7636_4_6)
//!     .title("a wrong code_verifier is refused")
//!     .run(matches)];
//! # assert_eq!(CHECKS[0].def.spec.as_str(), "RFC7636-4.6");
//! ```

use super::{Check, CheckDef, Level, Verdict};
use crate::spec::SpecRef;

/// Starts the declaration of a MUST check with its id: `must(id).spec(..).title(..).run(f)`.
pub const fn must(id: &'static str) -> Declared {
    Declared { id, level: Level::Must }
}

/// Starts the declaration of a SHOULD check (a broken rule is a warning).
pub const fn should(id: &'static str) -> Declared {
    Declared { id, level: Level::Should }
}

/// Starts the declaration of a MAY check (a broken rule is information only).
pub const fn may(id: &'static str) -> Declared {
    Declared { id, level: Level::May }
}

/// A check declaration with its id and level; [`Declared::spec`] comes next.
#[derive(Debug, Clone, Copy)]
#[must_use = "a declaration becomes a check with .spec(..).title(..).run(f)"]
pub struct Declared {
    id: &'static str,
    level: Level,
}

impl Declared {
    /// The spec reference the check enforces.
    pub const fn spec(self, spec: SpecRef) -> Cited {
        Cited { id: self.id, level: self.level, spec }
    }
}

/// A check declaration with its spec reference; [`Cited::title`] comes next.
#[derive(Debug, Clone, Copy)]
#[must_use = "a declaration becomes a check with .title(..).run(f)"]
pub struct Cited {
    id: &'static str,
    level: Level,
    spec: SpecRef,
}

impl Cited {
    /// The one-line title saying what must hold; the result is the whole definition.
    pub const fn title(self, title: &'static str) -> CheckDef {
        CheckDef { id: self.id, title, spec: self.spec, level: self.level }
    }
}

impl CheckDef {
    /// The check: this definition with its logic over evidence of type `E`.
    pub const fn run<E: ?Sized>(self, run: fn(&E) -> Verdict) -> Check<E> {
        Check { def: self, run }
    }
}

/// How many checks `tables` hold together: the length [`concat`] is given.
pub const fn count<E: ?Sized>(tables: &[&[Check<E>]]) -> usize {
    let mut n = 0;
    let mut rest = tables;
    while let [table, more @ ..] = rest {
        n += table.len();
        rest = more;
    }
    n
}

/// The checks of `tables`, in order, as one array: a whole table made of per-case tables.
///
/// `N` is [`count`]`(tables)`; a const table built with any other length does not compile:
///
/// ```
/// use oidc_harness::checks::{Check, Verdict, concat, count, may};
/// use oidc_harness::spec;
///
/// const A: &[Check<()>] = &[may("a.one").spec(spec::OIDCC_2).title("one").run(|_| Verdict::Pass)];
/// const B: &[Check<()>] = &[may("b.two").spec(spec::OIDCC_2).title("two").run(|_| Verdict::Pass)];
/// const BY_CASE: &[&[Check<()>]] = &[A, B];
/// const ALL: &[Check<()>] = &concat::<_, { count(BY_CASE) }>(BY_CASE);
/// assert_eq!(ALL.iter().map(|c| c.def.id).collect::<Vec<_>>(), ["a.one", "b.two"]);
/// ```
pub const fn concat<E: ?Sized, const N: usize>(tables: &[&[Check<E>]]) -> [Check<E>; N] {
    let unset = CheckDef { id: "", title: "", spec: crate::spec::OIDCC_2, level: Level::May };
    let mut out = [Check { def: unset, run: unset_run::<E> }; N];
    let mut filled = 0;
    let mut rest = tables;
    while let [table, more @ ..] = rest {
        let mut checks = *table;
        while let [check, others @ ..] = checks {
            // Out of bounds (a compile error in a const) when N is less than count(tables).
            out[filled] = *check;
            filled += 1;
            checks = others;
        }
        rest = more;
    }
    assert!(filled == N, "concat: N must be count(tables)");
    out
}

/// The logic of a slot [`concat`] has not filled yet; every slot is filled before it returns.
fn unset_run<E: ?Sized>(_: &E) -> Verdict {
    Verdict::Skip(String::new())
}
