//! Merge rules of the store: duplicates change nothing, a fact from a second article gains
//! evidence instead of being duplicated, names resolve across forms, writes are atomic.

use cdmo_store::merge::{DocumentInput, DuplicateReason, MergeOutcome, merge_document};
use cdmo_store::query::{self, LicenseFilter, PageRequest, table_counts};
use cdmo_store::record::{
    AgreementRecord, ExtractionRecord, FacilityRecord, LicenseRecord, OrganizationRecord,
    SourceMeta,
};
use cdmo_store::vocab::{AgreementType, FacilityStatus, Language, LicenseType, OrganizationKind};
use cdmo_store::{Country, Store};

use crate::db::Engine;
use crate::helpers::{ingest_seeds, test_store};
use crate::on_both_engines;

on_both_engines!(
    ingesting_the_seeds_twice_changes_no_table_but_the_run_log,
    a_licence_from_a_later_article_adds_evidence_not_a_second_licence,
    licences_of_incompatible_dates_stay_apart,
    organization_names_resolve_through_suffixes_scripts_and_word_order,
    the_same_text_under_another_url_is_a_duplicate,
    the_same_url_with_tracking_parameters_is_a_duplicate,
    an_agreement_reported_twice_is_one_agreement_whatever_the_party_order,
    a_facility_takes_its_latest_reported_capacity,
    a_rejected_record_leaves_nothing_half_written,
);

fn source(url: &str, published: &str) -> SourceMeta {
    SourceMeta {
        title: Some(format!("Article at {url}")),
        publisher: Some("Test Wire".into()),
        url: Some(url.into()),
        published: Some(published.parse().unwrap()),
        language: Language::En,
    }
}

fn org(name: &str, aliases: &[&str], kind: OrganizationKind) -> OrganizationRecord {
    OrganizationRecord {
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        kind,
        country: Some(Country::KR),
        region: None,
        city: None,
        parent: None,
    }
}

fn licence(holder: &str, date: Option<&str>, evidence: &str) -> LicenseRecord {
    LicenseRecord {
        holder: holder.into(),
        license_type: LicenseType::KrGmp,
        authority: Some("Ministry of Food and Drug Safety".into()),
        country: Some(Country::KR),
        facility: None,
        date: date.map(|d| d.parse().unwrap()),
        evidence: evidence.into(),
        confidence: 0.9,
    }
}

async fn merge(store: &Store, record: &ExtractionRecord, text: &str) -> MergeOutcome {
    merge_document(
        store,
        DocumentInput {
            record,
            text,
            source_id: Some("test"),
            extractor_version: "test/1",
            web: None,
        },
    )
    .await
    .expect("merge succeeds")
}

async fn counts(store: &Store) -> Vec<(&'static str, u64)> {
    table_counts(store).await.unwrap()
}

fn count_of(c: &[(&'static str, u64)], table: &str) -> u64 {
    c.iter()
        .find(|(t, _)| *t == table)
        .map(|(_, n)| *n)
        .unwrap()
}

async fn ingesting_the_seeds_twice_changes_no_table_but_the_run_log(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let first = ingest_seeds(&store).await;
    assert_eq!((first.counts.new_articles, first.counts.failed), (5, 0));
    let before = counts(&store).await;
    let second = ingest_seeds(&store).await;
    assert_eq!(
        (
            second.counts.new_articles,
            second.counts.duplicates,
            second.counts.failed
        ),
        (0, 5, 0)
    );
    let after = counts(&store).await;
    for ((table, b), (_, a)) in before.iter().zip(&after) {
        if *table == "ingest_runs" {
            assert_eq!(*a, b + 1, "each run is recorded");
        } else {
            assert_eq!(a, b, "table {table} changed on a second ingest");
        }
    }
    assert_eq!(count_of(&after, "articles"), 5);
    assert_eq!(count_of(&after, "licenses"), 3);
    let runs = query::list_ingest_runs(
        &store,
        &Default::default(),
        query::PageRequest {
            after: None,
            limit: 1,
        },
    )
    .await
    .unwrap()
    .items;
    assert_eq!((runs[0].status.as_str(), runs[0].duplicates), ("ok", 5));
}

async fn a_licence_from_a_later_article_adds_evidence_not_a_second_licence(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let mut a = ExtractionRecord::empty(source("https://a.example/1", "2022-03-20"));
    a.organizations
        .push(org("Samsung Biologics", &[], OrganizationKind::Cdmo));
    a.licenses.push(licence(
        "Samsung Biologics",
        Some("2022-03"),
        "Samsung Biologics won GMP approval in March.",
    ));
    merge(&store, &a, "first article text").await;

    let mut b = ExtractionRecord::empty(source("https://b.example/2", "2022-04-02"));
    b.organizations.push(org(
        "SAMSUNG BIOLOGICS Co., Ltd.",
        &["삼성바이오로직스"],
        OrganizationKind::Cdmo,
    ));
    b.licenses.push(licence(
        "삼성바이오로직스",
        Some("2022-03-17"),
        "삼성바이오로직스는 지난달 17일 GMP 승인을 받았다.",
    ));
    let out = merge(&store, &b, "second article text").await;
    let MergeOutcome::Merged { stats, .. } = out else {
        panic!("not merged: {out:?}")
    };
    assert_eq!((stats.facts_created, stats.facts_merged), (0, 1));

    let page = query::list_licenses(
        &store,
        &LicenseFilter::default(),
        PageRequest {
            after: None,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, 1, "one licence, not two");
    let l = &page.items[0];
    assert_eq!(
        cdmo_store::merge::stored_date(l.date, l.date_precision.as_deref())
            .unwrap()
            .to_string(),
        "2022-03-17",
        "the later, more precise report refines the date"
    );
    let ev = query::evidence_of(&store, cdmo_store::vocab::FactKind::License, &[l.id])
        .await
        .unwrap();
    assert_eq!(ev[&l.id].len(), 2, "two pieces of evidence");
    assert_eq!(
        count_of(&counts(&store).await, "organizations"),
        2,
        "holder + regulator"
    );
}

async fn licences_of_incompatible_dates_stay_apart(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let mut a = ExtractionRecord::empty(source("https://a.example/1", "2021-06-01"));
    a.licenses.push(licence(
        "Celltrion",
        Some("2021-05"),
        "Celltrion renewed its GMP certificate in May 2021.",
    ));
    merge(&store, &a, "a").await;
    let mut b = ExtractionRecord::empty(source("https://a.example/2", "2023-06-01"));
    b.licenses.push(licence(
        "Celltrion",
        Some("2023-05"),
        "Celltrion renewed its GMP certificate in May 2023.",
    ));
    merge(&store, &b, "b").await;
    assert_eq!(count_of(&counts(&store).await, "licenses"), 2);
}

async fn organization_names_resolve_through_suffixes_scripts_and_word_order(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let mut a = ExtractionRecord::empty(source("https://a.example/1", "2022"));
    a.organizations.push(org(
        "Asan Medical Center in Seoul",
        &["서울아산병원"],
        OrganizationKind::Hospital,
    ));
    a.organizations.push(org(
        "Helixmith Co., Ltd.",
        &["헬릭스미스"],
        OrganizationKind::Biotech,
    ));
    merge(&store, &a, "a").await;
    let mut b = ExtractionRecord::empty(source("https://a.example/2", "2022"));
    b.organizations.push(org(
        "Seoul Asan Medical Center",
        &[],
        OrganizationKind::Other,
    ));
    b.organizations
        .push(org("주식회사 헬릭스미스", &[], OrganizationKind::Other));
    merge(&store, &b, "b").await;
    assert_eq!(count_of(&counts(&store).await, "organizations"), 2);
    for name in [
        "Seoul Asan Medical Center",
        "서울아산병원",
        "ASAN MEDICAL CENTER IN SEOUL",
    ] {
        let o = query::organization_by_name(&store, name)
            .await
            .unwrap()
            .expect(name);
        assert_eq!(o.name, "Asan Medical Center in Seoul");
        assert_eq!(
            o.kind, "hospital",
            "a later `other` does not overwrite a known kind"
        );
    }
    let o = query::organization_by_name(&store, "Helixmith")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.name, "Helixmith Co., Ltd.");
}

async fn the_same_text_under_another_url_is_a_duplicate(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let a = ExtractionRecord::empty(source("https://a.example/1", "2022"));
    let b = ExtractionRecord::empty(source("https://mirror.example/copy", "2022"));
    let MergeOutcome::Merged { article_id, .. } = merge(&store, &a, "Same   text\nhere.").await
    else {
        panic!()
    };
    let out = merge(&store, &b, "Same text here.").await;
    assert_eq!(
        out,
        MergeOutcome::Duplicate {
            article_id,
            reason: DuplicateReason::SameContent
        }
    );
}

async fn the_same_url_with_tracking_parameters_is_a_duplicate(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let a = ExtractionRecord::empty(source("https://News.example.com/a/1?id=7", "2022"));
    let b = ExtractionRecord::empty(source(
        "https://news.example.com/a/1/?id=7&utm_source=feed#top",
        "2022",
    ));
    let MergeOutcome::Merged { article_id, .. } = merge(&store, &a, "version one").await else {
        panic!()
    };
    let out = merge(&store, &b, "version two, edited").await;
    assert_eq!(
        out,
        MergeOutcome::Duplicate {
            article_id,
            reason: DuplicateReason::SameUrl
        }
    );
}

fn agreement(parties: &[&str], evidence: &str) -> AgreementRecord {
    AgreementRecord {
        parties: parties.iter().map(|p| p.to_string()).collect(),
        agreement_type: AgreementType::Mou,
        scope: None,
        date: Some("2024-05".parse().unwrap()),
        value_usd: None,
        evidence: evidence.into(),
        confidence: 0.8,
    }
}

async fn an_agreement_reported_twice_is_one_agreement_whatever_the_party_order(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let mut a = ExtractionRecord::empty(source("https://a.example/1", "2024-05-10"));
    a.agreements.push(agreement(
        &["Lotte Biologics", "Ono Pharmaceutical"],
        "Lotte Biologics signed an MOU with Ono.",
    ));
    merge(&store, &a, "a").await;
    let mut b = ExtractionRecord::empty(source("https://a.example/2", "2024-05-12"));
    b.agreements.push(agreement(
        &["Ono Pharmaceutical Co., Ltd.", "Lotte Biologics"],
        "Ono and Lotte Biologics inked a memorandum.",
    ));
    merge(&store, &b, "b").await;
    let c = counts(&store).await;
    assert_eq!(count_of(&c, "agreements"), 1);
    assert_eq!(count_of(&c, "agreement_parties"), 2);
    assert_eq!(count_of(&c, "evidence"), 2);
}

fn facility(capacity: f64, status: FacilityStatus, evidence: &str) -> FacilityRecord {
    FacilityRecord {
        name: Some("Plant 4".into()),
        operator: "Samsung Biologics".into(),
        country: Some(Country::KR),
        region: Some("Incheon".into()),
        city: Some("Incheon".into()),
        modalities: vec![cdmo_store::vocab::Modality::MonoclonalAntibody],
        capacity_liters: Some(capacity),
        status: Some(status),
        evidence: evidence.into(),
        confidence: 0.8,
    }
}

async fn a_facility_takes_its_latest_reported_capacity(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let mut newer = ExtractionRecord::empty(source("https://a.example/2", "2023-06-01"));
    newer.facilities.push(facility(
        240_000.0,
        FacilityStatus::Operational,
        "Plant 4 is fully operational with 240,000 L.",
    ));
    merge(&store, &newer, "newer").await;
    // An older article ingested later does not roll the figure back.
    let mut older = ExtractionRecord::empty(source("https://a.example/1", "2022-10-11"));
    older.facilities.push(facility(
        60_000.0,
        FacilityStatus::UnderConstruction,
        "Plant 4 opened partially with 60,000 L.",
    ));
    merge(&store, &older, "older").await;
    let page = query::list_facilities(
        &store,
        &Default::default(),
        PageRequest {
            after: None,
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].capacity_liters, Some(240_000.0));
    assert_eq!(page.items[0].status.as_deref(), Some("operational"));
    assert_eq!(count_of(&counts(&store).await, "evidence"), 2);
}

async fn a_rejected_record_leaves_nothing_half_written(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let before = counts(&store).await;
    let mut bad = ExtractionRecord::empty(source("https://a.example/1", "2024"));
    bad.organizations
        .push(org("Helixmith", &[], OrganizationKind::Biotech));
    bad.licenses
        .push(licence("Helixmith", None, "Helixmith got a licence."));
    bad.agreements
        .push(agreement(&[], "An agreement with nobody."));
    let err = merge_document(
        &store,
        DocumentInput {
            record: &bad,
            text: "bad",
            source_id: None,
            extractor_version: "t",
            web: None,
        },
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("agreement without parties"),
        "{err}"
    );
    assert_eq!(
        counts(&store).await,
        before,
        "the failed article left rows behind"
    );
    // The same article can be stored once fixed.
    bad.agreements.clear();
    assert!(matches!(
        merge(&store, &bad, "bad").await,
        MergeOutcome::Merged { .. }
    ));
}

on_both_engines!(near_identical_names_merge_and_merely_similar_ones_do_not);

async fn near_identical_names_merge_and_merely_similar_ones_do_not(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let mut a = ExtractionRecord::empty(source("https://a.example/1", "2024"));
    a.organizations
        .push(org("Samsung Biologics", &[], OrganizationKind::Cdmo));
    a.organizations
        .push(org("ENCell", &[], OrganizationKind::Cdmo));
    merge(&store, &a, "a").await;
    let mut b = ExtractionRecord::empty(source("https://a.example/2", "2024"));
    b.organizations
        .push(org("Samsung Biologic", &[], OrganizationKind::Cdmo));
    b.organizations
        .push(org("EN Cell", &[], OrganizationKind::Cdmo));
    b.organizations
        .push(org("Samsung Bioepis", &[], OrganizationKind::Biotech));
    merge(&store, &b, "b").await;
    assert_eq!(
        count_of(&counts(&store).await, "organizations"),
        3,
        "typo and spacing variants merge, a sister company does not"
    );
    let o = query::organization_by_name(&store, "Samsung Biologic")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.name, "Samsung Biologics");
    let o = query::organization_by_name(&store, "EN Cell")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(o.name, "ENCell");
}
