//! `load` on a terminal: the status line is redrawn at least once a second. The binary runs
//! under util-linux `script`, which gives it a pseudo-terminal and records what it wrote.

use std::process::Command;

/// Redraws of the live line (`\r` then erase-line) in `out`.
fn redraws(out: &str) -> usize {
    out.matches("\r\x1b[2K").count()
}

#[test]
fn load_redraws_its_progress_every_second_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("!!! SKIPPING load_redraws_its_progress_every_second_on_a_terminal: util-linux `script` is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("oidc-harness-progress-{}", std::process::id()));
    let out_dir = dir.join("run");
    let cmd = format!(
        "{} load --scenario login-flow --users 2 --run-time 6s --out {}",
        env!("CARGO_BIN_EXE_oidc-harness"),
        out_dir.display()
    );
    // -q: no start/end banners; -e: the command's exit code; -c: run it; /dev/null: no typescript file.
    let run = Command::new("script").args(["-q", "-e", "-c", &cmd, "/dev/null"]).env_remove("NO_COLOR").output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "exit {:?}: {text}", run.status.code());
    // A 6 s run after the ramp-up: a redraw each second, so at least 5 (the first after 1 s).
    assert!(redraws(&text) >= 5, "{} redraws in: {text:?}", redraws(&text));
    assert!(text.contains("users"), "the line names the users: {text:?}");
}

#[test]
fn load_writes_plain_lines_without_a_terminal() {
    let dir = std::env::temp_dir().join(format!("oidc-harness-progress-plain-{}", std::process::id()));
    let run = Command::new(env!("CARGO_BIN_EXE_oidc-harness"))
        .args(["load", "--scenario", "discovery-jwks", "--users", "1", "--run-time", "2s", "--out"])
        .arg(dir.join("run"))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert_eq!(redraws(&err), 0, "no terminal control codes on a pipe: {err:?}");
    assert!(!err.contains('\x1b'), "no escape codes at all on a pipe: {err:?}");
}
