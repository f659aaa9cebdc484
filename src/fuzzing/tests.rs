//! The bounded fuzz pass of `cargo test`: every target over its committed seed corpus
//! (`fuzz/corpus/<target>/`) and over seeded mutations of it, asserting that no input panics.
//! A few thousand inputs per target keep it to seconds; `scripts/fuzz.sh` runs the coverage-
//! guided fuzzers for longer. `OIDC_HARNESS_FUZZ_ITERATIONS` raises the count.

use std::path::{Path, PathBuf};

use super::mutate::{Rng, mutate};

/// Mutated inputs per target when `OIDC_HARNESS_FUZZ_ITERATIONS` is not set.
const DEFAULT_ITERATIONS: usize = 3000;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join("corpus").join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn all_targets() -> Vec<(&'static str, super::FuzzTarget)> {
    super::TARGETS.iter().chain(reference_provider::fuzzing::TARGETS).copied().collect()
}

fn target(name: &str) -> fn(&[u8]) {
    all_targets().into_iter().find(|(n, _)| *n == name).map(|(_, f)| f).unwrap()
}

/// Runs target `name` over its seeds and `iterations` mutations.
fn run(name: &str, iterations: usize) -> Result<usize, String> {
    let seeds = seeds(name);
    assert!(!seeds.is_empty(), "fuzz/corpus/{name}/ has no seed");
    run_with(name, target(name), &seeds, iterations)
}

/// Runs `f` over `seeds` and `iterations` mutations; `Err` shows the first input that panics.
fn run_with(name: &str, f: fn(&[u8]), seeds: &[(String, Vec<u8>)], iterations: usize) -> Result<usize, String> {
    let check = |label: &str, input: &[u8]| {
        std::panic::catch_unwind(|| f(input))
            .map_err(|_| format!("{name}: {label} panics on {:?}", String::from_utf8_lossy(input)))
    };
    for (file, input) in seeds {
        check(&format!("seed {file}"), input)?;
    }
    // One seed per target name, so that every target draws other inputs.
    let mut rng = Rng::new(name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)));
    for i in 0..iterations {
        let base = &seeds[rng.below(seeds.len())].1;
        let other = &seeds[rng.below(seeds.len())].1;
        let input = mutate(&mut rng, base, other);
        check(&format!("mutation {i}"), &input)?;
    }
    Ok(seeds.len() + iterations)
}

fn iterations() -> usize {
    std::env::var("OIDC_HARNESS_FUZZ_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_ITERATIONS)
}

macro_rules! bounded {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let executed = run(stringify!($name), iterations()).unwrap_or_else(|e| panic!("{e}"));
                assert!(executed > iterations());
            }
        )*

        #[test]
        fn every_target_has_a_bounded_pass() {
            let mut listed: Vec<&str> = vec![$(stringify!($name)),*];
            let mut declared: Vec<&str> = all_targets().into_iter().map(|(n, _)| n).collect();
            listed.sort_unstable();
            declared.sort_unstable();
            assert_eq!(listed, declared);
        }
    };
}

bounded!(
    form_parse,
    form_classify,
    jws,
    jwe,
    jwk,
    discovery,
    www_authenticate,
    callback,
    profile_toml,
    scenario_toml,
    interpolate,
    provider_params,
    provider_basic,
    provider_refresh_token,
    provider_claims,
);

/// Every target has a cargo-fuzz target of its name, and every cargo-fuzz target is a target.
#[test]
fn cargo_fuzz_targets_match() {
    let mut files: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut names: Vec<String> = all_targets().into_iter().map(|(n, _)| n.to_owned()).collect();
    files.sort();
    names.sort();
    assert_eq!(files, names);
}

/// The mutator changes its input and is reproducible from its seed.
#[test]
fn mutations_are_deterministic_and_differ() {
    let seed = b"<form action=/x><input name=a></form>";
    let run = |s| {
        let mut rng = Rng::new(s);
        (0..50).map(|_| mutate(&mut rng, seed, b"other")).collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
    assert!(run(7).iter().any(|m| m.as_slice() != seed));
}

/// A target that panics on some mutation fails the pass, which names the input.
#[test]
fn a_panic_is_reported_with_its_input() {
    let f: fn(&[u8]) = |d| assert!(!d.windows(7).any(|w| w == b"<script"), "planted");
    let seeds = vec![("page.html".to_owned(), b"<form><input name=a></form>".to_vec())];
    assert_eq!(run_with("planted", f, &seeds, 0), Ok(1));
    let err = run_with("planted", f, &seeds, 5000).unwrap_err();
    assert!(err.starts_with("planted: mutation ") && err.contains("<script"), "{err}");
}
