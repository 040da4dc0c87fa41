//! Re-extraction: improvements reach stored articles; facts an older extractor read wrongly
//! are retracted (kept with the reason), and running it twice changes nothing.

use cdmo_ingest::Extractor;
use cdmo_ingest::reextract::reextract;
use cdmo_store::merge::{DocumentInput, merge_document};
use cdmo_store::query::{self, LicenseFilter, PageRequest, table_counts};
use cdmo_store::record::{ExtractionRecord, LicenseRecord};
use cdmo_store::vocab::{FactKind, LicenseType};

use crate::db::Engine;
use crate::helpers::{ingest_seeds, test_store};
use crate::on_both_engines;

on_both_engines!(
    reextracting_with_the_same_extractor_changes_nothing,
    a_fact_only_an_older_extractor_read_is_retracted_and_real_facts_gain_evidence,
);

async fn reextracting_with_the_same_extractor_changes_nothing(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    ingest_seeds(&store).await;
    let before = table_counts(&store).await.unwrap();
    let extractor = Extractor::embedded().unwrap();
    for _ in 0..2 {
        let s = reextract(&store, &extractor, None, 2, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(s.articles, 5);
        assert_eq!(
            (s.stats.evidence_added, s.stats.facts_retracted, s.failed),
            (0, 0, 0)
        );
    }
    assert_eq!(table_counts(&store).await.unwrap(), before);
}

async fn a_fact_only_an_older_extractor_read_is_retracted_and_real_facts_gain_evidence(
    engine: Engine,
) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    // An "older extractor" read the Helixmith article and also claimed a human cell
    // management licence, which the article only says is planned.
    let text =
        std::fs::read_to_string(crate::helpers::seeds_dir().join("000_3d825ed45bca1ea3.txt"))
            .unwrap();
    let manifest = cdmo_ingest::Manifest::for_dir(&crate::helpers::seeds_dir()).unwrap();
    let doc = cdmo_ingest::parse_document(
        &text,
        "000",
        manifest
            .as_ref()
            .and_then(|m| m.get("000_3d825ed45bca1ea3.txt")),
    )
    .unwrap();
    let mut old: ExtractionRecord = Extractor::embedded().unwrap().extract(&doc);
    old.licenses.push(LicenseRecord {
        holder: "Helixmith".into(),
        license_type: LicenseType::KrHumanCellManagement,
        authority: None,
        country: None,
        facility: None,
        date: None,
        evidence: "Helixmith plans to soon obtain a human cell management license.".into(),
        confidence: 0.5,
    });
    merge_document(
        &store,
        DocumentInput {
            record: &old,
            text: &doc.body,
            source_id: None,
            extractor_version: "cdmo-extract/0.0.1",
            web: None,
        },
    )
    .await
    .unwrap();
    let all = |store| async move {
        query::list_licenses(
            store,
            &LicenseFilter::default(),
            PageRequest {
                after: None,
                limit: 50,
            },
        )
        .await
        .unwrap()
    };
    assert_eq!(all(&store).await.total, 2);

    let extractor = Extractor::embedded().unwrap();
    let s = reextract(&store, &extractor, None, 10, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(s.stats.facts_retracted, 1, "{s:?}");
    assert!(
        s.stats.evidence_added >= 2,
        "facts found again gain evidence: {s:?}"
    );

    let page = all(&store).await;
    assert_eq!(page.total, 1, "the retracted licence is no longer listed");
    let kept = &page.items[0];
    assert_eq!(kept.license_type, "kr_advanced_biopharma_manufacturing");
    let ev = query::evidence_of(&store, FactKind::License, &[kept.id])
        .await
        .unwrap();
    let versions: Vec<&str> = ev[&kept.id]
        .iter()
        .map(|e| e.extractor_version.as_str())
        .collect();
    assert!(
        versions.contains(&cdmo_ingest::EXTRACTOR_VERSION)
            && versions.contains(&"cdmo-extract/0.0.1"),
        "{versions:?}"
    );

    // The retracted licence is kept, with its reason.
    let counts = table_counts(&store).await.unwrap();
    assert_eq!(counts.iter().find(|(t, _)| *t == "licenses").unwrap().1, 2);
    let again = reextract(&store, &extractor, None, 10, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        (again.stats.evidence_added, again.stats.facts_retracted),
        (0, 0)
    );
}
