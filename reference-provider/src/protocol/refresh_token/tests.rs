//! The token format and the standing of a presented token in its family, without a store; in
//! process, a database of schema version 2 upgraded under a running provider, and new families'
//! random row ids.

use super::{RefreshToken, Standing, format};
use crate::random::fingerprint;
use crate::store::RefreshRecord;
use crate::store::tests::refresh;

const FAMILY_SECRET: &str = "fam1lySecret-16bytes_x";
const SECRET: &str = "tokenSecret-32bytes-0123456789abcdefghijklm";

/// A family at generation 3 whose current token has secret [`SECRET`].
fn family() -> RefreshRecord {
    RefreshRecord {
        family: 42,
        family_hash: fingerprint(FAMILY_SECRET),
        generation: 3,
        token_hash: fingerprint(SECRET),
        ..refresh("family-42", "grant-1", 1000)
    }
}

fn standing(token: &str, record: &RefreshRecord) -> Option<Standing> {
    RefreshToken::parse(token).expect("a well-formed token").standing(record)
}

#[test]
fn a_token_is_four_parts_and_parses_back() {
    let text = format(42, 3, FAMILY_SECRET, SECRET);
    assert_eq!(text, format!("42.3.{FAMILY_SECRET}.{SECRET}"));
    let parsed = RefreshToken::parse(&text).unwrap();
    assert_eq!((parsed.family, parsed.generation), (42, 3));
    assert_eq!((parsed.family_secret, parsed.secret), (FAMILY_SECRET, SECRET));
    assert_eq!(RefreshToken::parse("0.0.a.b").map(|t| (t.family, t.generation)), Some((0, 0)));
    assert_eq!(RefreshToken::parse("9223372036854775807.1.a.b").map(|t| t.family), Some(i64::MAX));
}

#[test]
fn malformed_tokens_do_not_parse() {
    for bad in [
        "",
        "42",
        "42.3.a",
        "42.3.a.b.c",
        "42.3..b",
        "42.3.a.",
        ".3.a.b",
        "042.3.a.b",
        "42.03.a.b",
        "+42.3.a.b",
        "-1.3.a.b",
        "42.-3.a.b",
        "4 2.3.a.b",
        "9223372036854775808.3.a.b",
        "10000000000000000000.3.a.b",
        "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0",
    ] {
        assert_eq!(RefreshToken::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn debug_output_shows_no_secret() {
    let text = format(42, 3, FAMILY_SECRET, SECRET);
    let shown = format!("{:?}", RefreshToken::parse(&text).unwrap());
    assert!(shown.contains("42") && shown.contains('3'), "{shown}");
    assert!(!shown.contains(FAMILY_SECRET) && !shown.contains(SECRET), "{shown}");
}

#[test]
fn the_current_generation_with_its_secret_is_current() {
    assert_eq!(standing(&format(42, 3, FAMILY_SECRET, SECRET), &family()), Some(Standing::Current));
}

#[test]
fn an_older_generation_of_the_family_is_used_whatever_its_secret() {
    // The store keeps no hash of a used token's secret: the family secret proves the token came
    // from the family, which is all reuse detection needs.
    for generation in [0, 1, 2] {
        let token = format(42, generation, FAMILY_SECRET, "anyOldSecret");
        assert_eq!(standing(&token, &family()), Some(Standing::Used), "generation {generation}");
    }
}

#[test]
fn tokens_outside_the_family_are_unknown() {
    let record = family();
    // Another family secret (a guessed row id, or a row id reused after a purge).
    assert_eq!(standing(&format(42, 2, "anotherFamilySecret___", SECRET), &record), None);
    assert_eq!(standing(&format(42, 3, "anotherFamilySecret___", SECRET), &record), None);
    // The current generation with a wrong secret.
    assert_eq!(standing(&format(42, 3, FAMILY_SECRET, "wrongSecret"), &record), None);
    // A generation the family has not reached.
    assert_eq!(standing(&format(42, 4, FAMILY_SECRET, SECRET), &record), None);
    // A carried-over family that has not rotated yet has no family secret: no new-format token
    // belongs to it.
    let legacy = RefreshRecord { family_hash: String::new(), generation: 0, ..family() };
    assert_eq!(standing(&format(42, 0, "", SECRET).replace("..", ".x."), &legacy), None);
}

/// The demo provider (cheap password hashing) over `store`, drawing randomness from `rng`.
fn demo_provider(store: crate::store::Store, rng: std::sync::Arc<dyn crate::random::TokenSource>) -> crate::provider::Provider {
    let mut config = crate::config::Config::demo();
    config.password_hash = crate::config::PasswordHashCost::cheap();
    let clock = std::sync::Arc::new(crate::clock::SystemClock);
    crate::provider::Provider::new(config, "http://op.test".into(), store, crate::faults::FaultSet::none(), clock, rng).unwrap()
}

/// The refresh grant, in-process, as demo-client (client_secret_basic).
fn refresh_grant(provider: &crate::provider::Provider, token: &str) -> Result<Option<String>, crate::protocol::ErrorCode> {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode("demo-client:demo-client-secret");
    let params = crate::protocol::Params(vec![
        ("grant_type".to_owned(), "refresh_token".to_owned()),
        ("refresh_token".to_owned(), token.to_owned()),
    ]);
    match crate::protocol::token::exchange(provider, Some(&format!("Basic {basic}")), &params) {
        Ok(issued) => Ok(issued.refresh_token),
        Err(crate::protocol::ProtocolError::OAuth(e)) => Err(e.error),
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn a_database_of_schema_version_2_keeps_its_unused_refresh_tokens_working() {
    use std::sync::Arc;

    let dir = crate::store::tests::TempDir::new();
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    let (live, used) = ("a-version-2-token-0123456789abcdefghijklmnopq", "a-used-version-2-token-0123456789abcdefghij");
    {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        crate::store::create_at_version(&conn, 2).unwrap();
        for (token, used_at) in [(live, None), (used, Some(now - 5))] {
            conn.execute(
                "INSERT INTO refresh_tokens VALUES (?1, 'grant-v2', 'demo-client', '248289761001', 'openid profile', ?2, NULL, ?2, ?3, ?4, NULL)",
                rusqlite::params![fingerprint(token), now - 10, now + 3600, used_at],
            )
            .unwrap();
        }
    }
    let store = crate::store::Store::open(&dir.db()).unwrap();
    assert_eq!(store.schema_version().unwrap(), 3);
    let provider = demo_provider(store, Arc::new(crate::random::SystemRandom));

    // The unused token of version 2 works once, and its successor is a family token.
    let next = refresh_grant(&provider, live).unwrap().unwrap();
    let parsed = RefreshToken::parse(&next).unwrap();
    assert_eq!(parsed.generation, 1);
    assert_eq!(refresh_grant(&provider, &next).map(|t| t.is_some()), Ok(true));
    // A used one of version 2 was dropped: unknown, nothing revoked.
    assert_eq!(refresh_grant(&provider, used), Err(crate::protocol::ErrorCode::InvalidGrant));
    assert!(!provider.store.grant_revoked("grant-v2").unwrap());
    // The carried-over token again: reuse, the grant goes.
    assert_eq!(refresh_grant(&provider, live), Err(crate::protocol::ErrorCode::InvalidGrant));
    assert!(provider.store.grant_revoked("grant-v2").unwrap());
}

/// Randomness whose 8-byte draws (family row ids) are `ids` in turn, then `ids`' last forever;
/// every other draw is the system's.
#[derive(Debug)]
struct FamilyIds {
    ids: Vec<u64>,
    next: std::sync::atomic::AtomicUsize,
}

impl crate::random::TokenSource for FamilyIds {
    fn fill(&self, out: &mut [u8]) {
        if out.len() != 8 {
            return crate::random::SystemRandom.fill(out);
        }
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed).min(self.ids.len() - 1);
        out.copy_from_slice(&(self.ids[i] << 2).to_le_bytes());
    }
}

/// Mints the demo user's tokens for demo-client through `provider`; the refresh token, or the
/// error.
fn mint_for_alice(provider: &crate::provider::Provider) -> Result<String, String> {
    let client = provider.client("demo-client").unwrap().clone();
    let user = provider.user("248289761001").unwrap().clone();
    let grant = crate::protocol::mint::Grant {
        client: &client,
        user: Some(&user),
        scopes: vec!["openid".to_owned()],
        grant_id: "grant-minted",
        auth_time: Some(1),
        nonce: None,
        claims_request: None,
        with_refresh: true,
        refreshed: false,
    };
    crate::protocol::mint::mint(provider, &grant).map(|i| i.refresh_token.unwrap()).map_err(|e| e.to_string())
}

#[test]
fn a_new_family_draws_a_random_row_id_again_when_it_is_taken() {
    use std::sync::Arc;

    let store = crate::store::Store::open_in_memory().unwrap();
    for taken in [7, 8] {
        store.insert_refresh(&RefreshRecord { family: taken, ..refresh("taken", "grant-taken", 1000) }).unwrap();
    }
    // Ids 7 and 8 are taken, 9 is free: the mint lands on 9.
    let provider = demo_provider(store, Arc::new(FamilyIds { ids: vec![7, 8, 9], next: 0.into() }));
    let token = mint_for_alice(&provider).unwrap();
    assert_eq!(RefreshToken::parse(&token).map(|t| (t.family, t.generation)), Some((9, 0)));
    assert_eq!(refresh_grant(&provider, &token).map(|t| t.is_some()), Ok(true));
    // Only taken ids: after three draws more, the mint fails rather than loop.
    let stuck = demo_provider(crate::store::Store::open_in_memory().unwrap(), Arc::new(FamilyIds { ids: vec![7], next: 0.into() }));
    stuck.store.insert_refresh(&RefreshRecord { family: 7, ..refresh("taken", "grant-taken", 1000) }).unwrap();
    let error = mint_for_alice(&stuck).unwrap_err();
    assert!(error.contains("constraint"), "{error}");
}
