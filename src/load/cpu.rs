//! The load process's own CPU time (user + system, all threads), so that a run against a provider
//! in another process can say what the harness itself spent per login flow. Read from
//! `/proc/self/stat` (Linux); elsewhere it is unknown and the report leaves it out.

use std::time::Duration;

/// Clock ticks per second of `/proc/*/stat` times (the kernel's `USER_HZ`, 100 on every
/// architecture this tool builds for).
const USER_HZ: u64 = 100;

/// CPU time used so far by this process, every thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CpuTime {
    /// User + system.
    pub total: Duration,
    /// System (kernel) time alone: sockets, the loopback's packet delivery, scheduling.
    pub system: Duration,
}

impl CpuTime {
    /// What was spent between `before` and `self`.
    pub(crate) fn since(self, before: CpuTime) -> CpuTime {
        CpuTime { total: self.total.saturating_sub(before.total), system: self.system.saturating_sub(before.system) }
    }
}

/// CPU time used so far by this process, when the platform says.
pub(crate) fn process_cpu() -> Option<CpuTime> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    let (user, system) = parse_stat(&text)?;
    Some(CpuTime { total: ticks(user.saturating_add(system)), system: ticks(system) })
}

fn ticks(n: u64) -> Duration {
    Duration::from_millis(n.saturating_mul(1000) / USER_HZ)
}

/// `utime` and `stime` (fields 14 and 15) of a `/proc/PID/stat` line. The command name (field
/// 2) is in parentheses and may itself contain spaces and parentheses, so fields are counted
/// after its last `)`.
pub(crate) fn parse_stat(text: &str) -> Option<(u64, u64)> {
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_ascii_whitespace();
    // After the name: state (3), ppid (4), ..., utime is field 14, i.e. the 12th here.
    let user = fields.nth(11)?.parse().ok()?;
    let system = fields.next()?.parse().ok()?;
    Some((user, system))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_counted_after_the_last_parenthesis() {
        let line = "4242 (oidc (harness) x) R 1 4242 4242 0 -1 4194304 900 0 0 0 1234 56 0 0 20 0 9 0 7 0";
        assert_eq!(parse_stat(line), Some((1234, 56)));
        assert_eq!(ticks(1234 + 56), Duration::from_millis(12_900));
        let before = CpuTime { total: Duration::from_millis(100), system: Duration::from_millis(30) };
        let after = CpuTime { total: Duration::from_millis(350), system: Duration::from_millis(80) };
        let spent = after.since(before);
        assert_eq!((spent.total, spent.system), (Duration::from_millis(250), Duration::from_millis(50)));
    }

    #[test]
    fn a_truncated_or_foreign_line_is_unknown() {
        assert_eq!(parse_stat("4242 (x) R 1 2"), None);
        assert_eq!(parse_stat("no parenthesis at all"), None);
        assert_eq!(parse_stat("1 (x) R 1 1 1 0 -1 0 0 0 0 0 many 5"), None);
    }

    #[test]
    fn this_process_has_spent_some_cpu() {
        let before = process_cpu();
        if cfg!(target_os = "linux") {
            let mut x = 0u64;
            for i in 0..20_000_000u64 {
                x = x.wrapping_mul(31).wrapping_add(i);
            }
            std::hint::black_box(x);
            let after = process_cpu().unwrap();
            let spent = after.since(before.unwrap());
            assert!(spent.total > Duration::ZERO, "{before:?} -> {after:?}");
            assert!(spent.system <= spent.total, "{spent:?}");
        }
    }
}
