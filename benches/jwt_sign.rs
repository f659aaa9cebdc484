//! Criterion: signing a typical ID token per algorithm. `ours` is the reference provider's
//! `encode_jws` with a `SigningKey` parsed once (claims and header serialised, base64url,
//! signed); `raw` is the aws-lc-rs key pair of the same key over the same signing input.
//! ES384 and HS256 are signed by no code path of ours, so they have a `raw` line only.
//!
//! Run: `cargo bench --bench jwt_sign` (the CLI equivalent: `oidc-harness bench`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use oidc_harness::bench::{BenchAlg, Fixture};

fn jwt_sign(c: &mut Criterion) {
    for alg in BenchAlg::ALL {
        let fixture = Fixture::new(alg).expect("benchmark keys");
        let mut group = c.benchmark_group(format!("sign/{alg}"));
        if alg.signed_by_us() {
            fixture.ours_sign().expect("ours signs");
            group.bench_function("ours", |b| b.iter(|| black_box(fixture.ours_sign())));
        }
        fixture.raw_sign().expect("raw signs");
        group.bench_function("raw", |b| b.iter(|| black_box(fixture.raw_sign())));
        group.finish();
    }
}

criterion_group!(benches, jwt_sign);
criterion_main!(benches);
