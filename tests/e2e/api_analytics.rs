//! The analytics fields over HTTP with the seeds ingested (plus one known article where the
//! seeds have no capacities): trends agree with the fact lists, partners come with evidence.

use cdmo_store::merge::{DocumentInput, merge_document};
use cdmo_store::record::ExtractionRecord;
use serde_json::{Value, json};

use crate::db::Engine;
use crate::helpers::{TestApp, error_code, spawn_app};
use crate::on_both_engines;

on_both_engines!(
    licence_trends_count_every_dated_licence_once_in_its_period,
    agreement_trends_and_cross_border_shares_agree_with_the_agreement_list,
    capacity_trends_count_each_facility_at_its_latest_capacity,
    regional_summaries_agree_with_the_filtered_lists,
    partner_candidates_are_ranked_with_the_facts_and_evidence_behind_each_criterion,
    bad_analytics_arguments_get_clear_errors,
    the_old_licence_count_field_is_deprecated_but_still_answers,
);

async fn seeded(engine: Engine) -> Option<TestApp> {
    let app = spawn_app(engine).await?;
    app.ingest_seeds().await;
    Some(app)
}

fn sum(points: &Value) -> f64 {
    points
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .sum()
}

/// Merges one article about a new CDMO plant, reported twice with a growing capacity.
async fn add_plant_reports(app: &TestApp) {
    for (n, published, capacity, status) in [
        (1, "2024-02-10", 2000.0, "under_construction"),
        (2, "2025-05-20", 8000.0, "operational"),
    ] {
        let record: ExtractionRecord = serde_json::from_value(json!({
            "schema_version": 1,
            "source": { "title": format!("Plant report {n}"), "publisher": "Test Wire",
                        "url": format!("https://wire.example/plant-{n}"),
                        "published": published, "language": "en" },
            "organizations": [{ "name": "Incheon Vector Works", "aliases": [], "kind": "cdmo",
                                "country": "KR", "region": "Incheon", "city": null, "parent": null }],
            "facilities": [{ "name": "Vector Plant 1", "operator": "Incheon Vector Works",
                             "country": "KR", "region": "Incheon", "city": null,
                             "modalities": ["viral_vector"], "capacity_liters": capacity,
                             "status": status,
                             "evidence": format!("Incheon Vector Works' plant holds {capacity} litres.") }]
        }))
        .unwrap();
        let text = format!("Plant report {n}: Incheon Vector Works at {capacity} litres.");
        merge_document(
            &app.store,
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

async fn licence_trends_count_every_dated_licence_once_in_its_period(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let data = app
        .graphql(
            r#"{ licenses(first: 100) { edges { node { date country } } }
                 years: licenseTrend(period: YEAR) { period group value cumulative growth }
                 quarters: licenseTrend(period: QUARTER, groupBy: COUNTRY) { period group value cumulative }
                 months: licenseTrend(period: MONTH) { period value } }"#,
        )
        .await;
    let dates: Vec<&str> = data["licenses"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["date"].as_str())
        .collect();
    assert!(!dates.is_empty(), "the seeds have dated licences");
    let with_month = dates.iter().filter(|d| d.len() >= 7).count();
    assert_eq!(sum(&data["years"]), dates.len() as f64, "{data}");
    assert_eq!(sum(&data["quarters"]), with_month as f64);
    assert_eq!(sum(&data["months"]), with_month as f64);
    // The running total ends at the total.
    let years = data["years"].as_array().unwrap();
    assert_eq!(
        years.last().unwrap()["cumulative"].as_f64(),
        Some(dates.len() as f64)
    );
    // Periods are labelled and in order.
    let periods: Vec<&str> = years
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    let mut sorted = periods.clone();
    sorted.sort();
    assert_eq!(periods, sorted);
    for q in data["quarters"].as_array().unwrap() {
        let p = q["period"].as_str().unwrap();
        assert!(p.len() == 7 && p.contains("-Q"), "{p}");
        assert!(q["group"].is_string(), "grouped by country: {q}");
    }
}

async fn agreement_trends_and_cross_border_shares_agree_with_the_agreement_list(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let data = app
        .graphql(
            r#"{ agreements(first: 100) { edges { node { agreementType date
                    parties { organization { country } } } } }
                 byType: agreementTrend(period: YEAR, groupBy: AGREEMENT_TYPE) { period group value }
                 crossBorderAgreements { classifiable crossBorder share pairs { countries agreements share } }
                 mostConnectedOrganizations(first: 3) { organization { name } degree foreignPartners } }"#,
        )
        .await;
    let agreements = data["agreements"]["edges"].as_array().unwrap();
    let dated = agreements
        .iter()
        .filter(|e| e["node"]["date"].is_string())
        .count();
    assert_eq!(sum(&data["byType"]), dated as f64, "{data}");
    let mut classifiable = 0;
    let mut cross = 0;
    for e in agreements {
        let cs: Vec<Option<&str>> = e["node"]["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["organization"]["country"].as_str())
            .collect();
        if cs.len() >= 2 && cs.iter().all(Option::is_some) {
            classifiable += 1;
            let mut distinct: Vec<&str> = cs.into_iter().flatten().collect();
            distinct.sort();
            distinct.dedup();
            if distinct.len() > 1 {
                cross += 1;
            }
        }
    }
    let c = &data["crossBorderAgreements"];
    assert_eq!(c["classifiable"], classifiable);
    assert_eq!(c["crossBorder"], cross);
    assert!(cross > 0, "the seeds hold a cross-border deal: {data}");
    let pair_total: u64 = c["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["agreements"].as_u64().unwrap())
        .sum();
    assert!(pair_total >= cross);
    let hubs = data["mostConnectedOrganizations"].as_array().unwrap();
    assert!(!hubs.is_empty());
    assert!(
        hubs.windows(2)
            .all(|w| w[0]["degree"].as_u64() >= w[1]["degree"].as_u64())
    );
}

async fn capacity_trends_count_each_facility_at_its_latest_capacity(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    add_plant_reports(&app).await;
    let data = app
        .graphql(
            r#"{ facilities(first: 100) { edges { node { capacityLiters } } }
                 total: capacityTrend(period: YEAR) { period value cumulative }
                 operational: capacityTrend(period: QUARTER, groupBy: REGION, filter: {status: OPERATIONAL}) { period group value cumulative }
                 largestCapacityAdditions(first: 1) { capacityLiters reportedOn
                    facility { name capacityLiters evidence { sentence } } sources { url } } }"#,
        )
        .await;
    let capacities: f64 = data["facilities"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["capacityLiters"].as_f64())
        .sum();
    // The re-reported plant counts once, at its latest capacity (8000, not 10000).
    assert_eq!(sum(&data["total"]), capacities, "{data}");
    assert_eq!(data["total"][0]["period"], "2025");
    assert_eq!(data["operational"][0]["period"], "2025-Q2");
    assert_eq!(data["operational"][0]["group"], "Incheon");
    let top = &data["largestCapacityAdditions"][0];
    assert_eq!(top["capacityLiters"], top["facility"]["capacityLiters"]);
    assert_eq!(top["reportedOn"], "2025-05-20");
    assert_eq!(top["sources"].as_array().unwrap().len(), 2, "{top}");
    assert_eq!(top["facility"]["evidence"].as_array().unwrap().len(), 2);
}

async fn regional_summaries_agree_with_the_filtered_lists(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let data = app
        .graphql(
            r#"{ orgs: organizations(first: 100, filter: {country: "KR"}) { totalCount }
                 facilities(first: 100, filter: {country: "KR"}) { totalCount }
                 policies(first: 100, filter: {country: "KR"}) { totalCount }
                 kr: regionalSummary(country: "kr") { country region facilities policies agreements
                    organizationsByKind { kind count } licensesByType { licenseType count }
                    latestEvents { date fact { __typename ... on License { id evidence { sentence } } } } }
                 nowhere: regionalSummary(country: "JP") { country }
                 regionalSummaries { country region } }"#,
        )
        .await;
    let kr = &data["kr"];
    assert_eq!(kr["country"], "KR");
    assert!(kr["region"].is_null());
    assert_eq!(kr["facilities"], data["facilities"]["totalCount"], "{data}");
    assert_eq!(kr["policies"], data["policies"]["totalCount"]);
    let orgs: u64 = kr["organizationsByKind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["count"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(orgs), data["orgs"]["totalCount"].as_u64());
    let events = kr["latestEvents"].as_array().unwrap();
    assert!(!events.is_empty());
    let dates: Vec<&str> = events.iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );
    assert!(data["nowhere"].is_null());
    let all = data["regionalSummaries"].as_array().unwrap();
    assert!(
        all.iter()
            .any(|s| s["country"] == "KR" && s["region"].is_null())
    );
    assert!(all.iter().any(|s| s["country"] == "CN"));
}

async fn partner_candidates_are_ranked_with_the_facts_and_evidence_behind_each_criterion(
    engine: Engine,
) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    add_plant_reports(&app).await;
    let data = app
        .graphql(
            r#"{ partnerCandidates(need: {modalities: [VIRAL_VECTOR, RECOMBINANT_PROTEIN],
                    countries: ["KR"], minCapacityLiters: 5000}, first: 10) {
                    organization { name kind } score
                    criteria { criterion matched fraction weight matchedValues
                      facts { __typename
                        ... on Facility { name modalities capacityLiters country evidence { sentence article { url } } }
                        ... on License { licenseType evidence { sentence } } } } } }"#,
        )
        .await;
    let ranked = data["partnerCandidates"].as_array().unwrap();
    assert!(ranked.len() >= 2, "{data}");
    let scores: Vec<f64> = ranked
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    assert!(scores.iter().all(|s| *s > 0.0 && *s <= 1.0));
    // The plant's operator meets all three criteria with its 8000-litre viral-vector plant.
    let top = &ranked[0];
    assert_eq!(
        top["organization"]["name"], "Incheon Vector Works",
        "{data}"
    );
    for c in top["criteria"].as_array().unwrap() {
        assert!(c["matched"].as_bool().unwrap(), "{c}");
        for f in c["facts"].as_array().unwrap() {
            assert_eq!(f["__typename"], "Facility");
            assert!(
                !f["evidence"].as_array().unwrap().is_empty(),
                "facts carry evidence"
            );
        }
    }
    let modal = top["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "MODALITIES")
        .unwrap();
    assert_eq!(modal["matchedValues"], json!(["viral_vector"]));
    assert_eq!(modal["fraction"], 0.5);
    assert!(
        modal["facts"][0]["modalities"]
            .as_array()
            .unwrap()
            .contains(&json!("VIRAL_VECTOR"))
    );
    // Every candidate's matched facts really meet the criterion they are listed under.
    for cand in ranked {
        for c in cand["criteria"].as_array().unwrap() {
            if c["criterion"] == "MIN_CAPACITY" {
                for f in c["facts"].as_array().unwrap() {
                    assert!(f["capacityLiters"].as_f64().unwrap() >= 5000.0);
                }
            }
        }
    }
    // Excluding the top candidate removes it.
    let id = app
        .graphql(r#"{ organization(name: "Incheon Vector Works") { id } }"#)
        .await["organization"]["id"]
        .clone();
    let rest = app
        .graphql_vars(
            r#"query($id: ID!) { partnerCandidates(need: {modalities: [VIRAL_VECTOR, RECOMBINANT_PROTEIN],
                countries: ["KR"], minCapacityLiters: 5000, excludeOrganizations: [$id]}) { organization { name } } }"#,
            json!({ "id": id }),
        )
        .await;
    assert!(
        rest["partnerCandidates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["organization"]["name"] != "Incheon Vector Works")
    );
}

async fn bad_analytics_arguments_get_clear_errors(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    for q in [
        r#"{ partnerCandidates(need: {}) { score } }"#,
        r#"{ licenseTrend(filter: {country: "Korea"}) { value } }"#,
        r#"{ partnerCandidates(need: {countries: ["KR"]}, first: 0) { score } }"#,
    ] {
        let body = app.graphql_raw(q, Value::Null).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{q}: {body}");
    }
    // The server still answers afterwards.
    app.graphql("{ licenseTrend { value } }").await;
}

async fn the_old_licence_count_field_is_deprecated_but_still_answers(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let data = app
        .graphql(
            r#"{ __type(name: "QueryRoot") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
                 licenseCountsByYear { year count }
                 licenseTrend(period: YEAR) { period value } }"#,
        )
        .await;
    let field = data["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "licenseCountsByYear")
        .unwrap()
        .clone();
    assert_eq!(field["isDeprecated"], true);
    assert_eq!(field["deprecationReason"], "use licenseTrend");
    let old: u64 = data["licenseCountsByYear"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(old as f64, sum(&data["licenseTrend"]));
}
