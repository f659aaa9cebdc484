//! Raw signing rate of the provider's keys on one thread, for comparison with the refresh rate.
//!
//! For each algorithm asked (default ES256 and RS256) it generates a key with
//! `SigningKey::generate`, then for `--seconds` (default 2) each signs a ~300-byte JWT payload in a
//! loop two ways: `encode_jws` (header and claims serialised, base64url, signed) and the raw
//! `SigningKey::sign` over a fixed signing input. It prints both rates (per CPU second of the
//! thread, and per wall second) and their ratio, and the bar for the refresh measurement:
//! 50 % of (raw sign rate / 2), since every refresh response signs two JWTs.
//!
//! ```text
//! cargo run --release -p reference-provider --example sign_rate -- [--seconds 2] [ES256 RS256 …]
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use reference_provider::keys::{SigningAlg, SigningKey, encode_jws};
use serde_json::json;

/// CPU time this thread has run, in seconds (`/proc/thread-self/schedstat`, nanoseconds;
/// sched-stats(5)). On a shared box this, not wall time, is what a rate is divided by.
fn thread_cpu_s() -> anyhow::Result<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").context("reading /proc/thread-self/schedstat")?;
    let ns: u64 = s.split_whitespace().next().context("empty schedstat")?.parse()?;
    Ok(ns as f64 / 1e9)
}

/// Operations per wall second and per CPU second of one measurement.
struct Rate {
    wall: f64,
    cpu: f64,
}

/// Runs `op` in a loop for `secs` of wall time.
fn rate(secs: f64, mut op: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Rate> {
    let budget = Duration::from_secs_f64(secs);
    let cpu_start = thread_cpu_s()?;
    let start = Instant::now();
    let mut n: u64 = 0;
    // Bounded: checks the clock every 16 operations and stops once the budget is spent.
    loop {
        for _ in 0..16 {
            op()?;
        }
        n += 16;
        let elapsed = start.elapsed();
        if elapsed >= budget {
            let cpu = thread_cpu_s()? - cpu_start;
            return Ok(Rate { wall: n as f64 / elapsed.as_secs_f64(), cpu: n as f64 / cpu });
        }
    }
}

fn main() -> anyhow::Result<()> {
    let mut secs = 2.0_f64;
    let mut algs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => secs = args.next().context("--seconds needs a value")?.parse().context("--seconds: expected a number")?,
            "-h" | "--help" => {
                println!("usage: sign_rate [--seconds S] [ALG …]   (default ES256 RS256)");
                return Ok(());
            }
            other if other.starts_with('-') => bail!("unknown flag {other}"),
            other => algs.push(other.parse::<SigningAlg>()?),
        }
    }
    if algs.is_empty() {
        algs = vec![SigningAlg::Es256, SigningAlg::Rs256];
    }
    // A realistic access-token-sized claim set (~300 bytes of JSON).
    let claims = json!({
        "iss": "http://127.0.0.1:9400",
        "sub": "248289761001",
        "aud": "demo-client",
        "client_id": "demo-client",
        "exp": 1_767_226_200,
        "iat": 1_767_225_600,
        "auth_time": 1_767_225_590,
        "jti": "k3J9vQm2Xb7LwZp0RtYh4A",
        "scope": "openid profile email",
        "sid": "Qm9vdHN0cmFwU2Vzc2lvbklk",
        "at_hash": "77QmUPtjPfzWtF2AnpK9RQ",
        "nonce": "n-0S6_WzA2Mj",
    });
    let payload_len = serde_json::to_vec(&claims)?.len();
    println!("payload: {payload_len} bytes of JSON claims; {secs} s per measurement, one thread");
    for alg in algs {
        let key = SigningKey::generate(alg, "bench-kid-0123456789ab".to_owned())?;
        let jws_rate = rate(secs, || {
            black_box(encode_jws(&key, Some("at+jwt"), &claims)?);
            Ok(())
        })?;
        let input = encode_jws(&key, Some("at+jwt"), &claims)?;
        let signing_input = input.rsplit_once('.').map(|(si, _)| si.to_owned()).context("a compact JWS has dots")?;
        let raw_rate = rate(secs, || {
            black_box(key.sign(signing_input.as_bytes())?);
            Ok(())
        })?;
        println!(
            "alg={alg} encode_jws_per_cpu_s={:.0} raw_sign_per_cpu_s={:.0} encode_jws/raw={:.3} \
             (per wall s: {:.0} / {:.0}) bar_refresh_per_provider_cpu_s={:.0}",
            jws_rate.cpu,
            raw_rate.cpu,
            jws_rate.cpu / raw_rate.cpu,
            jws_rate.wall,
            raw_rate.wall,
            0.5 * raw_rate.cpu / 2.0
        );
    }
    Ok(())
}
