//! `--in-process ALG`: the provider inside this process, refresh grants through
//! `protocol::token::exchange` called directly (no HTTP, TCP or kernel), refreshes per CPU second
//! of the calling thread.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use base64::Engine as _;
use reference_provider::config::PasswordHashCost;
use reference_provider::keys::SigningAlg;
use reference_provider::protocol::{Params, token};
use reference_provider::{Config, FaultSet, Options, Storage};

use crate::client::{http_client, jws_alg, login};
use crate::{Endpoints, Settings};

/// CPU time this thread has run, in seconds (`/proc/thread-self/schedstat`, nanoseconds).
fn thread_cpu_s() -> anyhow::Result<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").context("reading /proc/thread-self/schedstat")?;
    let ns: u64 = s.split_whitespace().next().context("empty schedstat")?.parse()?;
    Ok(ns as f64 / 1e9)
}

/// `--in-process ALG`: refresh grants through `token::exchange` directly, no HTTP.
pub(crate) async fn in_process(alg: SigningAlg, seconds: f64) -> anyhow::Result<()> {
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
