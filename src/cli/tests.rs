//! The options layer: bad flag values refused before anything runs, flags applied to a target
//! profile before it is validated (so a `--ca-file` is checked like a profile's `ca_file`), and
//! the enumerated values listed in `--help`.

use std::path::{Path, PathBuf};

use clap::CommandFactory as _;
use clap::Parser as _;
use clap::error::ErrorKind;
use oidc_harness::browser::BrowserMode;
use oidc_harness::target::Target;

use super::conform::{Conform, TargetSource};
use super::{Cli, Command, OptionsError};

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("oidc-harness").chain(args.iter().copied()))
}

fn conform(args: &[&str]) -> Result<Conform, OptionsError> {
    match parse(args).unwrap_or_else(|e| panic!("{e}")).command {
        Command::Conform(a) => (*a).into_options(),
        other => panic!("{other:?}"),
    }
}

/// The target `conform` would run against (a profile or ad-hoc flags).
fn conform_target(args: &[&str]) -> Result<Target, OptionsError> {
    match conform(args)? {
        Conform::Run(options) => match options.source {
            TargetSource::Profile(target) | TargetSource::AdHoc { target, .. } => Ok(target),
            TargetSource::Embedded { .. } => panic!("embedded"),
        },
        Conform::ExplainFaults => panic!("explain-faults"),
    }
}

/// A fresh scratch directory for this test.
pub(super) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("oh-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A valid profile with two users, plus `extra` lines at the top level, written into `dir`.
pub(super) fn profile_file(dir: &Path, extra: &str) -> PathBuf {
    let text = format!(
        "{extra}\nissuer = \"https://op.example\"\n[[clients]]\nclient_id = \"app\"\nclient_secret = \"s\"\nredirect_uri = \"http://127.0.0.1:8765/cb\"\n\
         [[users]]\nusername = \"alice\"\npassword = \"pw\"\n[[users]]\nusername = \"bob\"\npassword = \"pw\"\n"
    );
    let path = dir.join("op.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const AD_HOC: &[&str] = &["conform", "--issuer", "https://op.example", "--client-id", "c", "--redirect-uri", "http://127.0.0.1:9/cb", "--username", "u", "--password", "p"];

#[test]
fn a_missing_ca_file_flag_is_refused_like_one_in_the_profile() {
    let dir = scratch("ca-missing");
    let plain = profile_file(&dir, "");
    let missing = dir.join("missing-ca.pem");
    let by_flag = conform_target(&["conform", "--target", s(&plain), "--ca-file", s(&missing)]).unwrap_err().to_string();
    let in_profile = profile_file(&dir, &format!("ca_file = {:?}", s(&missing)));
    let by_profile = conform_target(&["conform", "--target", s(&in_profile)]).unwrap_err().to_string();
    assert_eq!(by_flag, format!("invalid target profile {}: ca_file {} does not exist", plain.display(), missing.display()));
    assert_eq!(by_flag, by_profile, "the flag is checked exactly like the profile's field");
    // Ad-hoc flags too: refused before any request.
    let ad_hoc = conform_target(&[AD_HOC, &["--ca-file", s(&missing)]].concat()).unwrap_err().to_string();
    assert_eq!(ad_hoc, format!("invalid target profile ad-hoc flags: ca_file {} does not exist", missing.display()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn flags_change_the_profile_before_it_is_validated() {
    let dir = scratch("overrides");
    let broken = profile_file(&dir, "ca_file = \"no-such-ca.pem\"");
    let e = conform_target(&["conform", "--target", s(&broken)]).unwrap_err().to_string();
    assert!(e.contains("no-such-ca.pem does not exist"), "{e}");
    // --ca-file replaces the profile's missing file before validation: the target is valid.
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, "not checked here").unwrap();
    let args = ["conform", "--target", s(&broken), "--ca-file", s(&ca), "--insecure-skip-tls-verify", "--browser", "--browser-path", "/opt/chromium"];
    let target = conform_target(&args).unwrap();
    assert_eq!(target.ca_file.as_deref(), Some(ca.as_path()));
    assert!(target.insecure_skip_tls_verify);
    assert_eq!((target.hints.browser, target.hints.browser_path.as_deref()), (BrowserMode::Always, Some("/opt/chromium")));
    // Ad-hoc: --authz-param and --auth-method are in the validated target.
    let target = conform_target(&[AD_HOC, &["--client-secret", "x", "--auth-method", "client_secret_post", "--authz-param", "acr_values=mfa"]].concat()).unwrap();
    let client = &target.clients[0];
    assert_eq!(client.auth_method.as_str(), "client_secret_post");
    assert_eq!(client.authorization_params.get("acr_values").map(String::as_str), Some("mfa"));
    // An ad-hoc target that cannot be valid is refused before any request.
    let e = conform_target(&[AD_HOC, &["--auth-method", "client_secret_basic"]].concat()).unwrap_err().to_string();
    assert!(e.contains("auth_method client_secret_basic needs client_secret"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_embedded_provider_gets_its_faults_and_explain_faults_needs_nothing_else() {
    let Conform::Run(options) = conform(&["conform", "--fault", "id-token-wrong-nonce"]).unwrap() else { panic!("a run") };
    match options.source {
        TargetSource::Embedded { faults } => assert_eq!(faults.iter().map(|f| f.name()).collect::<Vec<_>>(), ["id-token-wrong-nonce"]),
        other => panic!("{other:?}"),
    }
    assert!(matches!(conform(&["conform", "--explain-faults", "--target", "/nonexistent.toml"]).unwrap(), Conform::ExplainFaults));
}

#[test]
fn bad_values_are_refused_by_the_parser_with_one_line() {
    let refused = [
        (&["conform", "--plan", "everything"][..], "[possible values: config, basic, all]"),
        (&["conform", "--format", "json,pdf"], "[possible values: json, junit, md, html]"),
        (&["conform", "--issuer", "https://op.example", "--auth-method", "basic"], "client_secret_basic"),
        (&["conform", "--fault", "id-token-wrong-nonc"], "did you mean \"id-token-wrong-nonce\"?"),
        (&["bench", "--algs", "RS256,rs512"], "[possible values: RS256, PS256, ES256, ES384, EdDSA, HS256]"),
        (&["report", "render", "r.json", "--format", "pdf"], "[possible values: json, junit, md, html]"),
        (&["checks", "--format", "html"], "[possible values: text, md]"),
        (&["load", "--shard", "4/4"], "expected I/N with 0 ≤ I < N"),
        (&["conform", "--issuer", "http://127.0.0.1:9", "--authz-param", "acr_values"], "expected NAME=VALUE"),
    ];
    for (args, names) in refused {
        let e = parse(args).expect_err(&args.join(" "));
        assert!(matches!(e.kind(), ErrorKind::InvalidValue | ErrorKind::ValueValidation), "{args:?}: {e}");
        assert_eq!(e.exit_code(), 2, "a usage error is exit code 2, like every error");
        let text = e.to_string();
        let first = text.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: invalid value"), "{args:?}: {text}");
        assert!(text.contains(names), "{args:?}: {text}");
    }
}

#[test]
fn lists_keep_their_spelling_tolerance() {
    // Comma lists with spaces, format names in any case, `markdown` for md: as before.
    for args in [&["conform", "--format", "JSON, md"][..], &["conform", "--format", "markdown"], &["bench", "--algs", "RS256, EdDSA"]] {
        parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }
}

#[test]
fn help_lists_the_enumerated_values() {
    let mut cli = Cli::command();
    let mut help = |path: &[&str]| {
        let mut cmd = &mut cli;
        for name in path {
            cmd = cmd.find_subcommand_mut(name).unwrap();
        }
        cmd.render_long_help().to_string()
    };
    let conform = help(&["conform"]);
    for value in ["config:", "basic:", "all:", "client_secret_basic:", "client_secret_post:", "none:", "json:", "junit:", "md:", "html:"] {
        assert!(conform.contains(&format!("- {value}")), "{value} in\n{conform}");
    }
    let bench = help(&["bench"]);
    for alg in ["RS256", "PS256", "ES256", "ES384", "EdDSA", "HS256"] {
        assert!(bench.contains(&format!("- {alg}:")), "{alg} in\n{bench}");
    }
    assert!(help(&["checks"]).contains("- md:"));
    assert!(help(&["report", "render"]).contains("- junit:"));
}

#[test]
fn the_command_line_is_consistent() {
    Cli::command().debug_assert();
}

/// Every subcommand, by path (`["report", "merge"]`), with its long help.
fn every_subcommand_help() -> Vec<(String, String)> {
    fn walk(cmd: &mut clap::Command, path: &str, out: &mut Vec<(String, String)>) {
        // clap's generated `help` subcommands are not ours.
        for sub in cmd.get_subcommands_mut().filter(|c| c.get_name() != "help") {
            let name = format!("{path} {}", sub.get_name()).trim().to_owned();
            out.push((name.clone(), sub.render_long_help().to_string()));
            walk(sub, &name, out);
        }
    }
    let mut out = Vec::new();
    walk(&mut Cli::command(), "", &mut out);
    out
}

#[test]
fn every_subcommand_help_ends_with_examples_that_parse() {
    let helps = every_subcommand_help();
    assert!(helps.len() >= 8, "{:?}", helps.iter().map(|(n, _)| n).collect::<Vec<_>>());
    for (name, help) in helps {
        let at = help.find("\nExamples:\n").unwrap_or_else(|| panic!("`{name} --help` has no Examples:\n{help}"));
        let examples = help.get(at..).unwrap_or_default();
        // Continuation lines joined; a pipe or redirection ends the command.
        let joined = examples.replace("\\\n", " ");
        let invocations: Vec<&str> = joined.lines().map(str::trim).filter(|l| l.starts_with("oidc-harness ")).collect();
        assert!((2..=4).contains(&invocations.len()), "`{name}`: {invocations:?}");
        for line in invocations {
            let command = line.split(['|', '>']).next().unwrap_or_default();
            let args: Vec<String> = command.split_whitespace().skip(1).map(|a| a.trim_matches('\'').to_owned()).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            assert!(args.first().is_some_and(|first| name.starts_with(first)), "`{name}` shows another command: {line}");
            if let Err(e) = parse(&args) {
                panic!("`{name}` example does not parse: {line}\n{e}");
            }
        }
    }
}

#[test]
fn out_is_a_directory_for_every_command_and_an_old_file_name_is_refused() {
    let dir = scratch("out-dir");
    let old = dir.join("load.json");
    let expected = format!("--out {}: --out is now a directory", old.display());
    let load = match parse(&["load", "--out", s(&old)]).unwrap().command {
        Command::Load(args) => args.into_options().unwrap_err().to_string(),
        other => panic!("{other:?}"),
    };
    assert!(load.starts_with(&expected), "{load}");
    assert!(load.contains(&format!("give a directory such as {}", dir.display())), "{load}");
    let merge = match parse(&["report", "merge", "a.json", "--out", s(&old)]).unwrap().command {
        Command::Report(super::report::ReportCommand::Merge(args)) => super::load::merge(&args).unwrap_err().to_string(),
        other => panic!("{other:?}"),
    };
    assert!(merge.starts_with(&expected), "checked before the inputs are read: {merge}");
    let profile = dir.join("my-provider.toml");
    let discover = match parse(&["discover", "--issuer", "https://op.example", "--out", s(&profile)]).unwrap().command {
        Command::Discover(args) => args.into_options().unwrap_err().to_string(),
        other => panic!("{other:?}"),
    };
    assert!(discover.starts_with(&format!("--out {}: --out is now a directory", profile.display())), "{discover}");
    assert!(discover.ends_with(&format!("give a directory such as {}", dir.join("my-provider").display())), "{discover}");
    let e = conform(&["conform", "--out", s(&old)]).unwrap_err().to_string();
    assert!(e.starts_with(&expected), "{e}");
    for e in [load, merge, discover, e] {
        assert!(!e.contains('\n'), "one line: {e}");
    }
    // A directory is created (and left empty) before anything runs.
    let fresh = dir.join("new/run");
    match parse(&["discover", "--issuer", "https://op.example", "--out", s(&fresh)]).unwrap().command {
        Command::Discover(args) => drop(args.into_options().unwrap()),
        other => panic!("{other:?}"),
    }
    assert!(fresh.is_dir() && std::fs::read_dir(&fresh).unwrap().count() == 0);
    // A directory that cannot be created: refused by the options, not after the run.
    std::fs::write(dir.join("file"), "x").unwrap();
    let blocked = dir.join("file/run");
    let e = conform(&["conform", "--out", s(&blocked)]).unwrap_err().to_string();
    assert!(e.starts_with(&format!("--out {}: cannot create or write this directory", blocked.display())), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_check_id_gets_the_most_similar_one() {
    let dir = scratch("did-you-mean");
    let target = conform_target(&["conform", "--target", s(&profile_file(&dir, ""))]).unwrap();
    let with = |id: &str| {
        oidc_harness::conform::Selection::with_ids(oidc_harness::conform::Plan::All, &target, &[id.to_owned()], &[]).unwrap_err().to_string()
    };
    // A typo in the middle: the common prefix alone would pick another check.
    assert!(with("idtoken.nonse.matches").ends_with("did you mean \"idtoken.nonce.matches\"?"), "{}", with("idtoken.nonse.matches"));
    assert!(with("idtoken.nonce.matchez").ends_with("did you mean \"idtoken.nonce.matches\"?"));
    assert!(!with("zzzz").contains("did you mean"), "{}", with("zzzz"));
    let _ = std::fs::remove_dir_all(&dir);
}
