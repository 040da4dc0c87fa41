//! The measures on a real SQLite store built by merging extraction records with known facts:
//! double-count traps, partial-date bucketing, cross-border shares, partner ranking.
#![expect(
    clippy::unwrap_used,
    reason = "the store-building helpers are test code: a failed setup fails the test"
)]

use cdmo_analytics::service;
use cdmo_analytics::{
    AgreementGroupBy, CapacityFilter, CapacityGroupBy, Criterion, FactRef, LicenseGroupBy,
    PartnerNeed, Period, SeriesPoint, TrendFilter,
};
use cdmo_store::merge::{DocumentInput, merge_document};
use cdmo_store::record::ExtractionRecord;
use cdmo_store::{Store, query};
use serde_json::{Value, json};

struct TestStore {
    store: Store,
    _dir: tempfile::TempDir,
    articles: usize,
}

impl TestStore {
    async fn new() -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("a.db").display());
        let store = Store::open(&url).await.unwrap();
        TestStore {
            store,
            _dir: dir,
            articles: 0,
        }
    }

    /// Merges one article published on `published` with these organizations and facts.
    async fn article(&mut self, published: &str, body: Value) {
        self.articles += 1;
        let mut record = json!({
            "schema_version": 1,
            "source": {
                "title": format!("Article {}", self.articles),
                "publisher": format!("Outlet {}", self.articles),
                "url": format!("https://news.example/{}", self.articles),
                "published": published,
                "language": "en"
            }
        });
        for (k, v) in body.as_object().unwrap() {
            record[k] = v.clone();
        }
        let record: ExtractionRecord = serde_json::from_value(record).unwrap();
        let text = format!("Article number {} of the test corpus.", self.articles);
        merge_document(
            &self.store,
            DocumentInput {
                record: &record,
                text: &text,
                source_id: Some("test"),
                extractor_version: "test/1",
                web: None,
            },
        )
        .await
        .unwrap();
    }
}

fn org(name: &str, kind: &str, country: &str, region: &str) -> Value {
    json!({ "name": name, "aliases": [], "kind": kind, "country": country,
            "region": region, "city": null, "parent": null })
}

fn licence(holder: &str, kind: &str, country: &str, date: Option<&str>) -> Value {
    json!({ "holder": holder, "license_type": kind, "authority": "Ministry of Food and Drug Safety",
            "country": country, "facility": null, "date": date,
            "evidence": format!("{holder} obtained a {kind} licence.") })
}

fn facility(
    operator: &str,
    name: &str,
    country: &str,
    capacity: Option<f64>,
    status: &str,
    modalities: &[&str],
) -> Value {
    json!({ "name": name, "operator": operator, "country": country, "region": "Incheon",
            "city": null, "modalities": modalities, "capacity_liters": capacity,
            "status": status, "evidence": format!("{operator} runs {name}.") })
}

fn agreement(parties: &[&str], kind: &str, date: &str) -> Value {
    json!({ "parties": parties, "agreement_type": kind, "scope": null, "date": date,
            "value_usd": null, "evidence": format!("{} signed a deal.", parties.join(" and ")) })
}

fn totals(points: &[SeriesPoint]) -> Vec<(String, f64)> {
    points.iter().map(|p| (p.period.clone(), p.value)).collect()
}

fn year_filter() -> TrendFilter {
    TrendFilter::default()
}

#[tokio::test]
async fn a_licence_reported_by_two_outlets_counts_once() {
    let mut t = TestStore::new().await;
    let body = json!({
        "organizations": [org("Alpha Bio", "cdmo", "KR", "Incheon")],
        "licenses": [licence("Alpha Bio", "kr_gmp", "KR", Some("2023-04-02"))]
    });
    t.article("2023-04-02", body.clone()).await;
    t.article("2023-04-03", body).await;
    // Two articles, two pieces of evidence, one licence fact.
    let points = service::license_trend(&t.store, Period::Year, None, year_filter())
        .await
        .unwrap();
    assert_eq!(totals(&points), vec![("2023".to_string(), 1.0)]);
}

#[tokio::test]
async fn a_licence_dated_only_by_year_counts_in_the_year_series_but_in_no_month_or_quarter() {
    let mut t = TestStore::new().await;
    t.article(
        "2022-06-01",
        json!({
            "organizations": [org("Alpha Bio", "cdmo", "KR", "Incheon"), org("Beta Cells", "cdmo", "KR", "Seoul")],
            "licenses": [
                licence("Alpha Bio", "kr_gmp", "KR", Some("2022")),
                licence("Beta Cells", "kr_gmp", "KR", Some("2022-05-03")),
            ]
        }),
    )
    .await;
    let s = &t.store;
    let f = year_filter;
    let year = service::license_trend(s, Period::Year, None, f())
        .await
        .unwrap();
    let quarter = service::license_trend(s, Period::Quarter, None, f())
        .await
        .unwrap();
    let month = service::license_trend(s, Period::Month, None, f())
        .await
        .unwrap();
    assert_eq!(totals(&year), vec![("2022".to_string(), 2.0)]);
    assert_eq!(totals(&quarter), vec![("2022-Q2".to_string(), 1.0)]);
    assert_eq!(totals(&month), vec![("2022-05".to_string(), 1.0)]);
}

#[tokio::test]
async fn series_carry_groups_running_totals_and_year_over_year_growth() {
    let mut t = TestStore::new().await;
    let orgs: Vec<Value> = ["A", "B", "C", "D", "E", "F"]
        .iter()
        .map(|n| org(&format!("{n} Pharma"), "pharma", "KR", "Seoul"))
        .collect();
    let mut licences = Vec::new();
    for (n, y) in [
        ("A", "2022"),
        ("B", "2022"),
        ("C", "2023"),
        ("D", "2023"),
        ("E", "2023"),
    ] {
        licences.push(licence(&format!("{n} Pharma"), "kr_gmp", "KR", Some(y)));
    }
    licences.push(licence("F Pharma", "cn_gmp", "CN", Some("2023")));
    t.article(
        "2023-12-01",
        json!({ "organizations": orgs, "licenses": licences }),
    )
    .await;
    let points = service::license_trend(
        &t.store,
        Period::Year,
        Some(LicenseGroupBy::Country),
        year_filter(),
    )
    .await
    .unwrap();
    let kr: Vec<&SeriesPoint> = points
        .iter()
        .filter(|p| p.group.as_deref() == Some("KR"))
        .collect();
    assert_eq!(kr.len(), 2);
    assert_eq!(
        (kr[0].period.as_str(), kr[0].value, kr[0].cumulative),
        ("2022", 2.0, 2.0)
    );
    assert_eq!(
        (kr[1].period.as_str(), kr[1].value, kr[1].cumulative),
        ("2023", 3.0, 5.0)
    );
    assert_eq!(kr[0].growth, None);
    assert_eq!(kr[1].growth, Some(0.5));
    let cn: Vec<&SeriesPoint> = points
        .iter()
        .filter(|p| p.group.as_deref() == Some("CN"))
        .collect();
    assert_eq!(cn.len(), 1);
    assert_eq!((cn[0].value, cn[0].growth), (1.0, None));

    let only_cn = service::license_trend(
        &t.store,
        Period::Year,
        Some(LicenseGroupBy::LicenseType),
        TrendFilter {
            country: Some("cn".into()),
            ..TrendFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(only_cn.len(), 1);
    assert_eq!(only_cn[0].group.as_deref(), Some("cn_gmp"));
}

#[tokio::test]
async fn new_entrants_count_each_organization_in_the_year_of_its_first_licence() {
    let mut t = TestStore::new().await;
    t.article(
        "2023-01-01",
        json!({
            "organizations": [org("Alpha Bio", "cdmo", "KR", "Incheon"), org("Beta Cells", "cdmo", "KR", "Seoul")],
            "licenses": [
                licence("Alpha Bio", "kr_gmp", "KR", Some("2021-03")),
                licence("Alpha Bio", "kr_human_cell_management", "KR", Some("2023-01")),
                licence("Beta Cells", "kr_gmp", "KR", Some("2023-02-01")),
            ]
        }),
    )
    .await;
    let points = service::new_entrants(&t.store, false, year_filter())
        .await
        .unwrap();
    assert_eq!(
        totals(&points),
        vec![("2021".to_string(), 1.0), ("2023".to_string(), 1.0)]
    );
}

#[tokio::test]
async fn a_facility_re_reported_with_a_new_capacity_counts_its_latest_capacity_once() {
    let mut t = TestStore::new().await;
    let alpha = org("Alpha Bio", "cdmo", "KR", "Incheon");
    t.article(
        "2023-01-10",
        json!({ "organizations": [alpha.clone()],
                "facilities": [facility("Alpha Bio", "Plant 1", "KR", Some(1000.0), "under_construction", &["viral_vector"])] }),
    )
    .await;
    t.article(
        "2024-06-15",
        json!({ "organizations": [alpha],
                "facilities": [facility("Alpha Bio", "Plant 1", "KR", Some(5000.0), "operational", &["viral_vector"])] }),
    )
    .await;
    let s = &t.store;
    let year = service::capacity_trend(s, Period::Year, None, CapacityFilter::default())
        .await
        .unwrap();
    assert_eq!(totals(&year), vec![("2024".to_string(), 5000.0)]);
    let by_status = service::capacity_trend(
        s,
        Period::Quarter,
        Some(CapacityGroupBy::Status),
        CapacityFilter::default(),
    )
    .await
    .unwrap();
    assert_eq!(by_status.len(), 1);
    assert_eq!(by_status[0].period, "2024-Q2");
    assert_eq!(by_status[0].group.as_deref(), Some("operational"));
    let largest = service::largest_capacity_additions(s, CapacityFilter::default(), 5)
        .await
        .unwrap();
    assert_eq!(largest.len(), 1);
    assert_eq!(largest[0].capacity_liters, 5000.0);
    assert_eq!(
        largest[0].article_ids.len(),
        2,
        "both reports are its sources"
    );
}

#[tokio::test]
async fn cross_border_share_is_counted_per_country_pair() {
    let mut t = TestStore::new().await;
    t.article(
        "2024-03-01",
        json!({
            "organizations": [
                org("Alpha Bio", "cdmo", "KR", "Incheon"),
                org("Beta Cells", "biotech", "KR", "Seoul"),
                org("Shanghai Gene", "biotech", "CN", "Shanghai"),
                org("Boston Vectors", "biotech", "US", "Massachusetts"),
            ],
            "agreements": [
                agreement(&["Alpha Bio", "Beta Cells"], "manufacturing_contract", "2024-03"),
                agreement(&["Alpha Bio", "Shanghai Gene"], "manufacturing_contract", "2024-03"),
                agreement(&["Alpha Bio", "Boston Vectors"], "mou", "2024"),
            ]
        }),
    )
    .await;
    let c = service::cross_border_agreements(&t.store, TrendFilter::default())
        .await
        .unwrap();
    assert_eq!((c.classifiable, c.cross_border), (3, 2));
    assert!((c.share - 2.0 / 3.0).abs() < 1e-9);
    let pairs: Vec<(&str, &str, u64)> = c
        .pairs
        .iter()
        .map(|p| (p.countries.0.as_str(), p.countries.1.as_str(), p.agreements))
        .collect();
    assert_eq!(pairs, vec![("CN", "KR", 1), ("KR", "US", 1)]);

    let by_pair = service::agreement_trend(
        &t.store,
        Period::Year,
        Some(AgreementGroupBy::CountryPair),
        TrendFilter::default(),
    )
    .await
    .unwrap();
    let groups: Vec<Option<&str>> = by_pair.iter().map(|p| p.group.as_deref()).collect();
    assert_eq!(groups, vec![Some("CN-KR"), Some("KR-US")]);

    let hub = service::most_connected(&t.store, 1).await.unwrap();
    assert_eq!(hub[0].name, "Alpha Bio");
    assert_eq!((hub[0].degree, hub[0].foreign_partners), (3, 2));
}

#[tokio::test]
async fn partners_are_ranked_by_score_then_name_with_the_facts_behind_each_criterion() {
    let mut t = TestStore::new().await;
    t.article(
        "2024-05-01",
        json!({
            "organizations": [
                org("Gamma CDMO", "cdmo", "KR", "Incheon"),
                org("Beta CDMO", "cdmo", "KR", "Incheon"),
                org("Alpha Bio", "cdmo", "KR", "Incheon"),
                org("City Hospital", "hospital", "KR", "Seoul"),
            ],
            "facilities": [
                facility("Alpha Bio", "Alpha Plant", "KR", Some(2000.0), "operational", &["viral_vector", "aav"]),
                facility("Beta CDMO", "Beta Plant", "KR", Some(500.0), "operational", &["viral_vector"]),
                facility("Gamma CDMO", "Gamma Plant", "KR", Some(500.0), "operational", &["viral_vector"]),
                facility("City Hospital", "Hospital Lab", "KR", Some(9000.0), "operational", &["viral_vector"]),
            ],
            "licenses": [licence("Alpha Bio", "kr_advanced_biopharma_manufacturing", "KR", Some("2024-04"))]
        }),
    )
    .await;
    let need = PartnerNeed {
        modalities: vec!["viral_vector".into()],
        license_types: vec!["kr_advanced_biopharma_manufacturing".into()],
        countries: vec!["KR".into()],
        ..PartnerNeed::default()
    };
    let ranked = service::rank_partners(&t.store, need.clone())
        .await
        .unwrap();
    let order: Vec<(&str, f64)> = ranked.iter().map(|c| (c.name.as_str(), c.score)).collect();
    // Alpha: (3·1 + 3·1 + 2·1) / 8; Beta and Gamma: (3 + 0 + 2) / 8, tied, so by name.
    // The hospital operates a facility but is no CDMO.
    assert_eq!(
        order,
        vec![
            ("Alpha Bio", 1.0),
            ("Beta CDMO", 0.625),
            ("Gamma CDMO", 0.625)
        ]
    );

    let alpha = &ranked[0];
    let licence_ids: Vec<i64> = query::license_facts(&t.store)
        .await
        .unwrap()
        .iter()
        .map(|l| l.id)
        .collect();
    let lic = alpha
        .criteria
        .iter()
        .find(|c| c.criterion == Criterion::LicenseTypes)
        .unwrap();
    assert!(lic.matched);
    assert_eq!(
        lic.matched_values,
        vec!["kr_advanced_biopharma_manufacturing".to_string()]
    );
    assert_eq!(lic.facts, vec![FactRef::License(licence_ids[0])]);
    let modal = alpha
        .criteria
        .iter()
        .find(|c| c.criterion == Criterion::Modalities)
        .unwrap();
    assert_eq!(modal.matched_values, vec!["viral_vector".to_string()]);
    assert!(matches!(modal.facts.as_slice(), [FactRef::Facility(_)]));
    let beta_lic = ranked[1]
        .criteria
        .iter()
        .find(|c| c.criterion == Criterion::LicenseTypes)
        .unwrap();
    assert!(!beta_lic.matched && beta_lic.facts.is_empty());

    let excluded = service::rank_partners(
        &t.store,
        PartnerNeed {
            exclude_organizations: vec![alpha.organization_id],
            min_capacity_liters: Some(1000.0),
            ..need
        },
    )
    .await
    .unwrap();
    assert!(excluded.iter().all(|c| c.name != "Alpha Bio"));

    let empty = service::rank_partners(&t.store, PartnerNeed::default()).await;
    assert!(matches!(
        empty,
        Err(cdmo_analytics::AnalyticsError::InvalidArgument(_))
    ));
}

#[tokio::test]
async fn retracted_facts_are_not_counted() {
    use sea_orm::ConnectionTrait;
    let mut t = TestStore::new().await;
    t.article(
        "2023-04-02",
        json!({
            "organizations": [org("Alpha Bio", "cdmo", "KR", "Incheon")],
            "licenses": [
                licence("Alpha Bio", "kr_gmp", "KR", Some("2023-04-02")),
                licence("Alpha Bio", "kr_human_cell_management", "KR", Some("2023-05-02")),
            ]
        }),
    )
    .await;
    t.store
        .conn()
        .execute_unprepared(
            "UPDATE licenses SET retracted_at = '2024-01-01 00:00:00', retraction_reason = 'test' WHERE license_type = 'kr_gmp'",
        )
        .await
        .unwrap();
    let points = service::license_trend(
        &t.store,
        Period::Year,
        Some(LicenseGroupBy::LicenseType),
        year_filter(),
    )
    .await
    .unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].group.as_deref(), Some("kr_human_cell_management"));
}

#[tokio::test]
async fn a_regional_summary_gathers_what_is_known_about_a_place() {
    let mut t = TestStore::new().await;
    t.article(
        "2024-05-01",
        json!({
            "organizations": [org("Alpha Bio", "cdmo", "KR", "Incheon"), org("Beta Cells", "biotech", "KR", "Seoul")],
            "facilities": [
                facility("Alpha Bio", "Plant 1", "KR", Some(2000.0), "operational", &["aav"]),
                facility("Alpha Bio", "Plant 2", "KR", Some(3000.0), "planned", &["aav"]),
            ],
            "licenses": [licence("Alpha Bio", "kr_gmp", "KR", Some("2024-04"))],
            "agreements": [agreement(&["Alpha Bio", "Beta Cells"], "collaboration", "2024-05")]
        }),
    )
    .await;
    let kr = service::regional_summary(&t.store, "kr", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kr.country, "KR");
    assert!(kr.organizations_by_kind.contains(&("cdmo".to_string(), 1)));
    assert!(
        kr.organizations_by_kind
            .contains(&("biotech".to_string(), 1))
    );
    assert_eq!(kr.licenses_by_type, vec![("kr_gmp".to_string(), 1)]);
    assert_eq!(
        (kr.operational_capacity_liters, kr.planned_capacity_liters),
        (2000.0, 3000.0)
    );
    assert_eq!(kr.agreements, 1);
    assert!(!kr.latest_events.is_empty());
    assert!(kr.latest_events.windows(2).all(|w| w[0].date >= w[1].date));

    let seoul = service::regional_summary(&t.store, "KR", Some("Seoul"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        seoul.organizations_by_kind,
        vec![("biotech".to_string(), 1)]
    );
    assert_eq!(seoul.facilities, 0);
    assert_eq!(seoul.agreements, 1, "Beta Cells in Seoul is a party");

    assert!(
        service::regional_summary(&t.store, "JP", None)
            .await
            .unwrap()
            .is_none()
    );
    let all = service::regional_summaries(&t.store).await.unwrap();
    assert!(all.iter().any(|s| s.country == "KR" && s.region.is_none()));
    assert!(all.iter().any(|s| s.region.as_deref() == Some("Incheon")));
}

#[tokio::test]
async fn rows_are_shared_until_the_graph_changes_and_then_read_again() {
    use cdmo_store::analytics_rows::current_analytics_rows;
    use sea_orm::ConnectionTrait;
    use std::sync::Arc;
    let mut t = TestStore::new().await;
    t.article(
        "2023-04-02",
        json!({
            "organizations": [org("Alpha Bio", "cdmo", "KR", "Incheon")],
            "licenses": [licence("Alpha Bio", "kr_gmp", "KR", Some("2023-04-02"))]
        }),
    )
    .await;
    let first = current_analytics_rows(&t.store).await.unwrap();
    let again = current_analytics_rows(&t.store.clone()).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "nothing changed: one read");
    assert_eq!(first.licenses.len(), 1);

    t.article(
        "2023-05-02",
        json!({
            "organizations": [org("Beta Bio", "cdmo", "CN", "Zhejiang")],
            "licenses": [licence("Beta Bio", "cn_drug_production_c", "CN", Some("2023-05-02"))]
        }),
    )
    .await;
    let after_insert = current_analytics_rows(&t.store).await.unwrap();
    assert_eq!(after_insert.licenses.len(), 2, "a new fact is seen at once");

    // A retraction changes no row count: the data version still moves, so does the answer.
    t.store
        .conn()
        .execute_unprepared(
            "UPDATE licenses SET retracted_at = '2024-01-01 00:00:00', retraction_reason = 'test' WHERE license_type = 'kr_gmp'",
        )
        .await
        .unwrap();
    let after_retraction = current_analytics_rows(&t.store).await.unwrap();
    assert_eq!(after_retraction.licenses.len(), 1);
    let points = service::license_trend(&t.store, Period::Year, None, year_filter())
        .await
        .unwrap();
    assert_eq!(totals(&points), vec![("2023".to_string(), 1.0)]);
}
