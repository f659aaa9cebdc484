//! Criterion: verifying a typical ID token per algorithm. `ours` is the harness's
//! `UnverifiedJwt::parse` then `verify_signature` with a `PublicKey` built once from the JWK
//! (`verify_hmac` with the secret prepared once for HS256); `ours_signature_step` is the same
//! verification on a token already parsed; `raw` is a pre-parsed aws-lc-rs key over the same
//! signing input and signature (`ParsedPublicKey::verify_sig`, `hmac::verify`).
//!
//! Run: `cargo bench --bench jwt_verify` (the CLI equivalent: `oidc-harness bench`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use oidc_harness::bench::{BenchAlg, Fixture};
use oidc_harness::jose::UnverifiedJwt;

fn jwt_verify(c: &mut Criterion) {
    for alg in BenchAlg::ALL {
        let fixture = Fixture::new(alg).expect("benchmark keys");
        fixture.ours_verify().expect("ours verifies");
        fixture.raw_verify().expect("raw verifies");
        let mut group = c.benchmark_group(format!("verify/{alg}"));
        group.bench_function("ours", |b| b.iter(|| black_box(fixture.ours_verify())));
        group.bench_function("ours_signature_step", |b| {
            b.iter(|| black_box(fixture.ours_verify_signature()))
        });
        group.bench_function("raw", |b| b.iter(|| black_box(fixture.raw_verify())));
        group.finish();
    }
    // The non-crypto share of `ours`: splitting, base64url and JSON-parsing header and claims.
    let fixture = Fixture::new(BenchAlg::Es256).expect("benchmark keys");
    c.bench_function("verify/parse_only", |b| {
        b.iter(|| black_box(UnverifiedJwt::parse(black_box(fixture.token()))))
    });
}

criterion_group!(benches, jwt_verify);
criterion_main!(benches);
