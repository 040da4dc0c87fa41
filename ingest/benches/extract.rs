#![expect(clippy::expect_used, reason = "a benchmark fails loudly")]
//! Extraction speed on a typical 4 KB news article, one core: `cargo bench -p cdmo-ingest`.
//! The target is ≥ 2,000 articles per second in a release build; criterion prints the
//! time per article and the throughput (elements/s = articles/s).

use std::hint::black_box;

use cdmo_ingest::{Extractor, parse_document};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A real ~4 KB article of the evaluation set (a roundup with licences, facilities,
/// agreements and a policy).
const ARTICLE: &str = include_str!("../../seeds/eval/dev/fac_pol_09.txt");

fn bench(c: &mut Criterion) {
    let extractor = Extractor::embedded().expect("rules load");
    let doc = parse_document(ARTICLE, "fac_pol_09.txt", None).expect("article parses");
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Elements(1));
    group.bench_function(format!("article_{}_bytes", ARTICLE.len()), |b| {
        b.iter(|| black_box(extractor.extract(black_box(&doc))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
