//! Criterion benches of HX1: create and validate with a warm pairwise-key cache (the steady
//! state of a service) and with the cache off (every call pays X25519 + HKDF), for payloads of
//! 100 B, 1 KiB and 16 KiB. Run with `make bench` or `cargo bench -p hxjwt --bench hx1`.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "bench harness"
)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hxjwt::{CreateOptions, Endpoint, FixedClock, Identity, MemoryDirectory, Policy};

const NOW: i64 = 1_767_225_600;

fn endpoints(cache: usize) -> (Endpoint, Endpoint) {
    let (a, b) = (
        Identity::generate("alice.service").unwrap(),
        Identity::generate("bob.service").unwrap(),
    );
    let dir = Arc::new(MemoryDirectory::new());
    dir.insert(a.machine_token());
    dir.insert(b.machine_token());
    let policy = Policy {
        max_token_len: 1 << 20,
        ..Policy::default()
    };
    (
        Endpoint::new(a)
            .with_clock(FixedClock(NOW))
            .with_shared_directory(dir.clone())
            .with_key_cache_capacity(cache),
        Endpoint::new(b)
            .with_clock(FixedClock(NOW))
            .with_shared_directory(dir)
            .with_policy(policy)
            .with_key_cache_capacity(cache),
    )
}

fn bench(c: &mut Criterion) {
    for (label, cache) in [("warm", 1024), ("cold", 0)] {
        let (a, b) = endpoints(cache);
        let mut group = c.benchmark_group(format!("hx1/{label}"));
        for size in [100usize, 1024, 16 * 1024] {
            let payload = vec![b'x'; size];
            let opts = CreateOptions::default();
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_with_input(BenchmarkId::new("create", size), &payload, |bench, p| {
                bench.iter(|| {
                    a.create(black_box("bob.service"), black_box(p), &opts)
                        .unwrap()
                });
            });
            let token = a.create("bob.service", &payload, &opts).unwrap();
            group.bench_with_input(BenchmarkId::new("validate", size), &token, |bench, t| {
                bench.iter(|| b.validate(black_box(t)).unwrap());
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
