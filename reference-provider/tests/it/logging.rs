//! The binary's log: plain text when stderr is not a terminal (a pipe here, a log file or a CI
//! log in use), so no ANSI escape lands in a file.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

#[test]
fn the_log_has_no_ansi_escapes_when_stderr_is_a_pipe() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reference-provider"))
        .args(["--listen", "127.0.0.1:0", "--memory"])
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    for line in BufReader::new(stdout).lines() {
        if line.unwrap() == "READY=1" {
            break;
        }
    }
    // The "listening" line follows READY=1; read the log up to it, then stop the provider.
    let mut log = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.contains("listening") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(log.contains("INFO") && log.contains("listening"), "{log}");
    assert!(!log.contains('\x1b'), "ANSI escapes in a piped log: {log:?}");
}
