//! Load generator: refresh-grant responses per second against a running provider.
//!
//! Each of `--chains` concurrent chains logs in once (authorization code flow with PKCE S256, the
//! login form submitted like a browser, as `tests/it/support.rs` does), exchanges the code, then
//! sends refresh grants with rotation (each response's new refresh token is used next) until
//! `--seconds` have passed. It counts successful refresh responses and errors and prints
//! `key=value` lines. With `--provider-pid` it also reads the provider's CPU time
//! (utime + stime from `/proc/PID/stat`) around the refresh phase only.
//!
//! ```text
//! cargo run --release -p reference-provider --example refresh_rate -- \
//!     --issuer http://127.0.0.1:9400 --client-id demo-client --client-secret … \
//!     --username alice --password … [--redirect-uri …] [--chains 8] [--seconds 10] \
//!     [--provider-pid PID --clk-tck 100] [--spin 1] [--floor /jwks]
//! ```
//!
//! `--spin 1` keeps this single-threaded generator busy during the measured phase, so that the
//! provider never has to wake it (on loopback that wake-up is billed to the provider's CPU);
//! `--floor PATH` GETs that path instead of refreshing (the HTTP floor).
//!
//! `--in-process ALG [--seconds S]` instead starts the provider inside this process (demo config,
//! `default_alg = ALG`, cheapest Argon2), logs in once over HTTP, then calls
//! `protocol::token::exchange` (refresh grant with rotation) directly in a loop on one thread for
//! S seconds and prints refreshes per CPU second of that thread: the cost of the protocol work
//! (client authentication, SQLite, minting, two signatures) without HTTP, TCP and the kernel.
//!
//! Every flag falls back to an environment variable: `ISSUER`, `CLIENT_ID`, `CLIENT_SECRET`,
//! `USERNAME`, `PASSWORD`, `REDIRECT_URI`, `CHAINS`, `SECONDS`, `PROVIDER_PID`, `CLK_TCK`, `SPIN`
//! (the names `reference-provider` prints on start). Secrets and tokens are never printed.

/// The provider binary's allocator, so that `--in-process` measures what the provider runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use reference_provider::keys::SigningAlg;
use serde_json::Value;

mod client;
#[path = "../../tests/it/cookie_client.rs"]
mod cookie_client;
mod in_process;

use client::{http_client, jws_alg, login, refresh};

/// What the run needs to know.
#[derive(Debug)]
struct Settings {
    issuer: String,
    client_id: String,
    client_secret: String,
    username: String,
    password: String,
    redirect_uri: String,
    chains: usize,
    seconds: f64,
    provider_pid: Option<u32>,
    clk_tck: f64,
    /// `--floor PATH`: GET this path in the chains instead of refreshing (the HTTP floor).
    floor: Option<String>,
    /// `--spin 1`: keep this (single-threaded) generator busy during the measured phase, so
    /// that a response never has to wake it (see [`spin_until`]).
    spin: bool,
}

fn settings() -> anyhow::Result<Settings> {
    let mut flags: BTreeMap<String, String> = BTreeMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "-h" || a == "--help" {
            println!("usage: refresh_rate --issuer URL --client-id ID --client-secret S --username U --password P [--redirect-uri URI] [--chains 8] [--seconds 10] [--provider-pid PID] [--clk-tck 100] [--spin 1] [--floor PATH]");
            std::process::exit(0);
        }
        let Some(name) = a.strip_prefix("--") else { bail!("expected a --flag (found {a:?})") };
        let value = args.next().with_context(|| format!("--{name} needs a value"))?;
        flags.insert(name.to_owned(), value);
    }
    let get = |flag: &str| -> Option<String> {
        flags.get(flag).cloned().or_else(|| std::env::var(flag.replace('-', "_").to_uppercase()).ok())
    };
    let need = |flag: &str| get(flag).with_context(|| format!("--{flag} (or ${}) is required", flag.replace('-', "_").to_uppercase()));
    let known = ["issuer", "client-id", "client-secret", "username", "password", "redirect-uri", "chains", "seconds", "provider-pid", "clk-tck", "floor", "spin"];
    if let Some(unknown) = flags.keys().find(|k| !known.contains(&k.as_str())) {
        bail!("unknown flag --{unknown}");
    }
    Ok(Settings {
        issuer: need("issuer")?.trim_end_matches('/').to_owned(),
        client_id: need("client-id")?,
        client_secret: need("client-secret")?,
        username: need("username")?,
        password: need("password")?,
        redirect_uri: get("redirect-uri").unwrap_or_else(|| "http://127.0.0.1:8765/callback".to_owned()),
        chains: get("chains").map(|v| v.parse()).transpose().context("--chains: expected a count")?.unwrap_or(8),
        seconds: get("seconds").map(|v| v.parse()).transpose().context("--seconds: expected a number")?.unwrap_or(10.0),
        provider_pid: get("provider-pid").map(|v| v.parse()).transpose().context("--provider-pid: expected a pid")?,
        clk_tck: get("clk-tck").map(|v| v.parse()).transpose().context("--clk-tck: expected a number")?.unwrap_or(100.0),
        floor: flags.get("floor").cloned(),
        spin: get("spin").is_some_and(|v| v == "1"),
    })
}

/// The endpoints this run uses, from discovery.
#[derive(Debug)]
struct Endpoints {
    authorization: String,
    token: String,
}

/// The provider's CPU time (utime + stime) in clock ticks, from `/proc/PID/stat`.
fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).with_context(|| format!("reading /proc/{pid}/stat"))?;
    // Fields after the parenthesised command name start at field 3 (state); utime and stime
    // are fields 14 and 15 (proc(5)).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).context("expected `pid (comm) …` in /proc/PID/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> anyhow::Result<u64> { Ok(fields.get(n - 3).context("short /proc/PID/stat")?.parse()?) };
    Ok(field(14)? + field(15)?)
}

/// Counts of one chain.
#[derive(Debug, Default)]
struct Tally {
    responses: u64,
    errors: u64,
    relogins: u64,
    samples: Vec<String>,
    /// `alg` of the access token and the ID token of the first response.
    algs: Option<(String, String)>,
}

/// Refreshes with rotation until `deadline`; after an error, logs in again once and goes on.
async fn chain(http: cookie_client::CookieClient, s: Arc<Settings>, ep: Arc<Endpoints>, mut token: String, deadline: Instant) -> Tally {
    let mut t = Tally::default();
    while Instant::now() < deadline {
        match refresh(&http, &s, &ep, &token).await {
            Ok(next) => {
                t.responses += 1;
                if t.algs.is_none() {
                    t.algs = Some((jws_alg(&next.access_token), jws_alg(&next.id_token)));
                }
                token = next.refresh_token;
            }
            Err(e) => {
                t.errors += 1;
                if t.samples.len() < 3 {
                    t.samples.push(e);
                }
                match login(&http, &s, &ep).await {
                    Ok(fresh) => {
                        t.relogins += 1;
                        token = fresh;
                    }
                    Err(e) => {
                        t.samples.push(format!("re-login failed, chain stopped: {e:#}"));
                        break;
                    }
                }
            }
        }
    }
    t
}

async fn run(s: Settings) -> anyhow::Result<()> {
    let s = Arc::new(s);
    let meta: Value = reqwest::get(format!("{}/.well-known/openid-configuration", s.issuer)).await?.error_for_status()?.json().await?;
    let endpoint = |k: &str| meta.get(k).and_then(Value::as_str).map(str::to_owned).with_context(|| format!("discovery has no {k}"));
    let ep = Arc::new(Endpoints { authorization: endpoint("authorization_endpoint")?, token: endpoint("token_endpoint")? });
    println!("issuer={} chains={} seconds={}", s.issuer, s.chains, s.seconds);
    if let Some(path) = &s.floor {
        return floor(&s, path).await;
    }

    // Phase 1: every chain logs in (not measured).
    let mut logins = tokio::task::JoinSet::new();
    for _ in 0..s.chains {
        let (s, ep) = (Arc::clone(&s), Arc::clone(&ep));
        logins.spawn(async move {
            let http = http_client()?;
            let token = login(&http, &s, &ep).await?;
            anyhow::Ok((http, token))
        });
    }
    let mut ready = Vec::new();
    while let Some(joined) = logins.join_next().await {
        ready.push(joined.context("login task panicked")??);
    }
    println!("logins={}", ready.len());

    // Phase 2: refresh chains until the deadline (measured).
    let cpu_before = s.provider_pid.map(cpu_ticks).transpose()?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(s.seconds);
    let mut chains = tokio::task::JoinSet::new();
    for (http, token) in ready {
        chains.spawn(chain(http, Arc::clone(&s), Arc::clone(&ep), token, deadline));
    }
    if s.spin {
        tokio::spawn(spin_until(deadline));
    }
    let mut total = Tally::default();
    while let Some(joined) = chains.join_next().await {
        let t = joined.context("chain task panicked")?;
        total.responses += t.responses;
        total.errors += t.errors;
        total.relogins += t.relogins;
        total.samples.extend(t.samples);
        total.algs = total.algs.or(t.algs);
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu_after = s.provider_pid.map(cpu_ticks).transpose()?;

    println!(
        "refresh_responses={} refresh_errors={} relogins={} wall_s={wall:.3} responses_per_s={:.1}",
        total.responses,
        total.errors,
        total.relogins,
        total.responses as f64 / wall
    );
    if let Some((at, id)) = &total.algs {
        println!("access_token_alg={at} id_token_alg={id}");
    }
    if let (Some(before), Some(after)) = (cpu_before, cpu_after) {
        let cpu_s = (after - before) as f64 / s.clk_tck;
        let per_cpu = if cpu_s > 0.0 { total.responses as f64 / cpu_s } else { f64::NAN };
        println!("refresh_phase_provider_cpu_s={cpu_s:.2} refresh_phase_responses_per_provider_cpu_s={per_cpu:.1}");
    }
    for e in total.samples.iter().take(5) {
        println!("error_sample: {e}");
    }
    if total.responses == 0 {
        bail!("no refresh response succeeded");
    }
    Ok(())
}

/// `--spin 1`: yields until `deadline`, so this single-threaded runtime never parks. On
/// loopback the provider's write of a response runs the receiving side's TCP work and, when the
/// generator sleeps, wakes it (an inter-processor interrupt, costly in a VM): CPU billed to the
/// provider that a client on another machine would never cost it. A spinning generator is found
/// running, so no wake-up is needed; its own core is not measured.
async fn spin_until(deadline: Instant) {
    while Instant::now() < deadline {
        tokio::task::yield_now().await;
    }
}

/// `--floor PATH`: each chain GETs `issuer + PATH` until the deadline; prints responses per
/// provider CPU second, the cost of a trivial request through hyper, axum, TCP and the kernel.
async fn floor(s: &Arc<Settings>, path: &str) -> anyhow::Result<()> {
    let url = format!("{}{path}", s.issuer);
    let cpu_before = s.provider_pid.map(cpu_ticks).transpose()?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(s.seconds);
    let mut chains = tokio::task::JoinSet::new();
    if s.spin {
        tokio::spawn(spin_until(deadline));
    }
    for _ in 0..s.chains {
        let (http, url) = (http_client()?, url.clone());
        chains.spawn(async move {
            let (mut ok, mut errors) = (0u64, 0u64);
            while Instant::now() < deadline {
                let good = match http.get(&url).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if good {
                    ok += 1;
                } else {
                    errors += 1;
                }
            }
            (ok, errors)
        });
    }
    let (mut ok, mut errors) = (0u64, 0u64);
    while let Some(joined) = chains.join_next().await {
        let (o, e) = joined.context("floor task panicked")?;
        ok += o;
        errors += e;
    }
    let wall = start.elapsed().as_secs_f64();
    println!("floor_path={path} get_responses={ok} get_errors={errors} wall_s={wall:.3} responses_per_s={:.1}", ok as f64 / wall);
    if let (Some(before), Some(after)) = (cpu_before, s.provider_pid.map(cpu_ticks).transpose()?) {
        let cpu_s = (after - before) as f64 / s.clk_tck;
        println!("floor_provider_cpu_s={cpu_s:.2} floor_responses_per_provider_cpu_s={:.1}", ok as f64 / cpu_s);
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--in-process") {
        let alg: SigningAlg = args.get(i + 1).context("--in-process needs an ALG")?.parse()?;
        let seconds = match args.iter().position(|a| a == "--seconds") {
            Some(j) => args.get(j + 1).context("--seconds needs a value")?.parse().context("--seconds: expected a number")?,
            None => 5.0,
        };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        return rt.block_on(in_process::in_process(alg, seconds));
    }
    let s = settings()?;
    // One thread: the load generator is meant to be pinned to one core (taskset).
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(run(s))
}
