//! Exactly one of many parallel redemptions wins, for a code and for a refresh token.

use super::support::*;

const PARALLEL: usize = 200;

async fn race(b: &Browser, client: Client, form: Vec<(&'static str, String)>) -> (usize, usize, usize) {
    let mut tasks = Vec::new();
    for _ in 0..PARALLEL {
        let http = b.http.clone();
        let url = b.url("/token");
        let form = form.clone();
        tasks.push(tokio::spawn(async move {
            http.post(url).basic_auth(client.id, client.secret).form(&form).send().await.unwrap().status().as_u16()
        }));
    }
    let (mut ok, mut bad, mut other) = (0, 0, 0);
    for t in tasks {
        match t.await.unwrap() {
            200 => ok += 1,
            400 => bad += 1,
            _ => other += 1,
        }
    }
    (ok, bad, other)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_code_redeemed_in_parallel_has_exactly_one_winner() {
    let op = start(&[]).await;
    let b = browser(&op);
    let (code, verifier, _) = b.code(CONFIDENTIAL, &[]).await;
    let form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code),
        ("redirect_uri", REDIRECT.to_owned()),
        ("code_verifier", verifier),
    ];
    assert_eq!(race(&b, CONFIDENTIAL, form).await, (1, PARALLEL - 1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_refresh_token_used_in_parallel_has_exactly_one_winner() {
    let op = start(&[]).await;
    let b = browser(&op);
    let t = b.tokens(CONFIDENTIAL).await;
    let form = vec![("grant_type", "refresh_token"), ("refresh_token", t["refresh_token"].as_str().unwrap())]
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
    assert_eq!(race(&b, CONFIDENTIAL, form).await, (1, PARALLEL - 1, 0));
}
