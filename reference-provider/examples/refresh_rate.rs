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
use aws_lc_rs::digest;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reference_provider::config::PasswordHashCost;
use reference_provider::keys::SigningAlg;
use reference_provider::protocol::{Params, token};
use reference_provider::{Config, FaultSet, Options, Storage};
use serde_json::Value;

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

/// A PKCE pair (verifier, S256 challenge), RFC 7636 4.1-4.2.
fn pkce() -> anyhow::Result<(String, String)> {
    let mut b = [0u8; 32];
    aws_lc_rs::rand::fill(&mut b).map_err(|_| anyhow::anyhow!("no randomness"))?;
    let verifier = URL_SAFE_NO_PAD.encode(b);
    let challenge = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()));
    Ok((verifier, challenge))
}

/// The value of a hidden input in the provider's HTML.
fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html.get(start..)?.find('"')? + start;
    html.get(start..end).map(str::to_owned)
}

/// One browser-and-client: its own cookie jar, no automatic redirects.
fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(Duration::from_secs(10))
        .build()?)
}

/// A full login (authorize, login form, code exchange); returns the first refresh token.
async fn login(http: &reqwest::Client, s: &Settings, ep: &Endpoints) -> anyhow::Result<String> {
    let (verifier, challenge) = pkce()?;
    let mut url = url::Url::parse(&ep.authorization)?;
    url.query_pairs_mut().extend_pairs([
        ("response_type", "code"),
        ("client_id", s.client_id.as_str()),
        ("redirect_uri", s.redirect_uri.as_str()),
        ("scope", "openid profile email"),
        ("state", "refresh-rate-state"),
        ("nonce", "refresh-rate-nonce"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ]);
    let mut res = http.get(url.clone()).send().await?;
    let mut code = None;
    for _ in 0..10 {
        if let Some(loc) = res.headers().get("location") {
            let abs = url.join(loc.to_str()?)?;
            if abs.as_str().starts_with(&s.redirect_uri) {
                code = abs.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned());
                if code.is_none() {
                    bail!("expected a code at the redirect_uri (found parameters {:?})", abs.query_pairs().map(|(k, _)| k.into_owned()).collect::<Vec<_>>());
                }
                break;
            }
            res = http.get(abs).send().await?;
            continue;
        }
        let status = res.status();
        let body = res.text().await?;
        let (Some(interaction), Some(csrf)) = (hidden(&body, "interaction"), hidden(&body, "csrf_token")) else {
            bail!("expected a login form or a redirect (found status {status})");
        };
        let mut form = vec![("interaction", interaction), ("csrf_token", csrf)];
        let action = if body.contains("type=\"password\"") {
            form.push(("username", s.username.clone()));
            form.push(("password", s.password.clone()));
            "/login"
        } else {
            form.push(("decision", "allow".to_owned()));
            "/consent"
        };
        res = http.post(format!("{}{action}", s.issuer)).form(&form).send().await?;
    }
    let code = code.context("expected the redirect_uri within 10 steps")?;
    let res = http
        .post(&ep.token)
        .basic_auth(&s.client_id, Some(&s.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", s.redirect_uri.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await?;
    let status = res.status();
    let body: Value = res.json().await?;
    match body.get("refresh_token").and_then(Value::as_str) {
        Some(r) if status.is_success() => Ok(r.to_owned()),
        _ => bail!("expected a refresh_token from the code exchange (found status {status}, error {:?})", body.get("error")),
    }
}

/// A successful refresh response: the rotated refresh token and the two JWTs' `alg`s.
struct Refreshed {
    refresh_token: String,
    access_token: String,
    id_token: String,
}

/// The `alg` of a compact JWS header (`?` if unreadable).
fn jws_alg(jwt: &str) -> String {
    jwt.split('.')
        .next()
        .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
        .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
        .and_then(|h| h.get("alg").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// One refresh grant; returns the new tokens or an error description (no tokens in it).
async fn refresh(http: &reqwest::Client, s: &Settings, ep: &Endpoints, token: &str) -> Result<Refreshed, String> {
    let res = http
        .post(&ep.token)
        .basic_auth(&s.client_id, Some(&s.client_secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", token)])
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = res.status();
    let body: Value = res.json().await.map_err(|e| format!("status {status}, body not JSON: {e}"))?;
    let field = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    if !status.is_success() {
        return Err(format!("status {status}, error {}", body.get("error").unwrap_or(&Value::Null)));
    }
    match (field("refresh_token"), field("access_token"), field("id_token")) {
        (Some(refresh_token), Some(access_token), Some(id_token)) if refresh_token != token => {
            Ok(Refreshed { refresh_token, access_token, id_token })
        }
        (Some(_), Some(_), Some(_)) => Err("200 with the same refresh_token (not rotated)".to_owned()),
        _ => Err("200 without refresh_token, access_token and id_token".to_owned()),
    }
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
async fn chain(http: reqwest::Client, s: Arc<Settings>, ep: Arc<Endpoints>, mut token: String, deadline: Instant) -> Tally {
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
        return rt.block_on(in_process(alg, seconds));
    }
    let s = settings()?;
    // One thread: the load generator is meant to be pinned to one core (taskset).
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(run(s))
}

/// CPU time this thread has run, in seconds (`/proc/thread-self/schedstat`, nanoseconds).
fn thread_cpu_s() -> anyhow::Result<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").context("reading /proc/thread-self/schedstat")?;
    let ns: u64 = s.split_whitespace().next().context("empty schedstat")?.parse()?;
    Ok(ns as f64 / 1e9)
}

/// `--in-process ALG`: refresh grants through `token::exchange` directly, no HTTP.
async fn in_process(alg: SigningAlg, seconds: f64) -> anyhow::Result<()> {
    let mut config = Config::demo();
    config.listen = "127.0.0.1:0".to_owned();
    config.default_alg = alg;
    config.password_hash = PasswordHashCost::cheap();
    let client = config.clients.iter().find(|c| c.client_id == "demo-client").context("demo config has demo-client")?;
    let user = config.users.first().context("demo config has a user")?;
    let s = Settings {
        issuer: String::new(),
        client_id: client.client_id.clone(),
        client_secret: client.client_secret.clone().context("demo-client has a secret")?,
        username: user.username.clone(),
        password: user.password.clone(),
        redirect_uri: client.redirect_uris.first().context("demo-client has a redirect URI")?.clone(),
        chains: 1,
        seconds,
        provider_pid: None,
        clk_tck: 100.0,
        floor: None,
        spin: false,
    };
    let running = reference_provider::start(Options {
        config,
        faults: FaultSet::none(),
        storage: Storage::Memory,
        clock: Arc::new(reference_provider::clock::SystemClock),
    })
    .await?;
    let s = Settings { issuer: running.issuer().to_owned(), ..s };
    let ep = Endpoints { authorization: format!("{}/authorize", s.issuer), token: format!("{}/token", s.issuer) };
    let mut refresh_token = login(&http_client()?, &s, &ep).await?;
    // The demo id and secret are unreserved characters, so no form-encoding is needed (RFC 6749 2.3.1).
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", s.client_id, s.client_secret)));
    let provider = Arc::clone(&running.provider);
    let budget = Duration::from_secs_f64(seconds);
    let (cpu_start, start) = (thread_cpu_s()?, Instant::now());
    let mut n: u64 = 0;
    let mut algs = None;
    // Bounded: stops once the time budget is spent.
    while start.elapsed() < budget {
        let params = Params(vec![("grant_type".to_owned(), "refresh_token".to_owned()), ("refresh_token".to_owned(), refresh_token)]);
        let issued = token::exchange(&provider, Some(&basic), &params)?;
        if algs.is_none() {
            algs = Some((jws_alg(&issued.access_token), issued.id_token.as_deref().map(jws_alg).unwrap_or_default()));
        }
        refresh_token = issued.refresh_token.context("expected a rotated refresh token")?;
        n += 1;
    }
    let (cpu, wall) = (thread_cpu_s()? - cpu_start, start.elapsed().as_secs_f64());
    let (at, id) = algs.unwrap_or_default();
    println!(
        "in_process alg={alg} access_token_alg={at} id_token_alg={id} refreshes={n} thread_cpu_s={cpu:.2} wall_s={wall:.2} \
         refreshes_per_cpu_s={:.0} cpu_us_per_refresh={:.1}",
        n as f64 / cpu,
        1e6 * cpu / n as f64
    );
    running.stop().await;
    Ok(())
}
