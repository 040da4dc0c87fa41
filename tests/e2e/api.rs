//! The GraphQL API over HTTP with the seeds ingested: links both ways, evidence, paging,
//! filters, trends, and clear errors for bad requests.

use serde_json::{Value, json};

use crate::db::Engine;
use crate::helpers::{error_code, spawn_app, spawn_app_with};
use crate::on_both_engines;

on_both_engines!(
    helixmiths_licence_comes_with_authority_facility_and_evidence,
    links_go_both_ways_between_facts_and_organizations,
    pages_follow_cursors_and_report_the_total,
    filters_narrow_lists_by_country_kind_type_and_date,
    licence_counts_per_year_come_from_analytics,
    bad_requests_get_clear_errors_and_the_server_stays_up,
    health_graphiql_and_root_redirect_answer,
    queries_deeper_than_the_limit_are_refused,
);

async fn helixmiths_licence_comes_with_authority_facility_and_evidence(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let data = app
        .graphql(
            r#"{ organization(name: "Helixmith") { licenses { edges { node {
                licenseType date authority { name } facility { name }
                evidence { sentence article { url } } } } } } }"#,
        )
        .await;
    let edges = data["organization"]["licenses"]["edges"]
        .as_array()
        .unwrap();
    assert_eq!(edges.len(), 1, "{data}");
    let l = &edges[0]["node"];
    assert_eq!(l["licenseType"], "KR_ADVANCED_BIOPHARMA_MANUFACTURING");
    assert_eq!(l["date"], "2022-03-17");
    assert_eq!(l["authority"]["name"], "Ministry of Food and Drug Safety");
    assert_eq!(l["facility"]["name"], "CGT Center");
    assert!(l["evidence"][0]["sentence"].as_str().unwrap().starts_with(
        "Helixmith announced on the 17th that it has obtained a manufacturing license"
    ));
    assert_eq!(
        l["evidence"][0]["article"]["url"],
        "https://cm.asiae.co.kr/en/article/2022031717075293775"
    );
}

async fn links_go_both_ways_between_facts_and_organizations(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    // Licence → holder → parent, and parent → subsidiaries.
    let data = app
        .graphql(
            r#"{ licenses(filter: {country: "CN"}) { edges { node { licenseType date
                holder { name kind parent { name subsidiaries { name } } } } } } }"#,
        )
        .await;
    let edges = data["licenses"]["edges"].as_array().unwrap();
    let types: Vec<&str> = edges
        .iter()
        .map(|e| e["node"]["licenseType"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["CN_DRUG_PRODUCTION_C", "CN_DRUG_PRODUCTION_A"]);
    let holder = &edges[0]["node"]["holder"];
    assert_eq!(holder["name"], "TransReco");
    assert_eq!(holder["kind"], "CDMO");
    assert_eq!(holder["parent"]["name"], "Biometa");
    assert_eq!(
        holder["parent"]["subsidiaries"],
        json!([{ "name": "TransReco" }])
    );

    // The hospital named three ways is one organization, a party to one agreement.
    let data = app
        .graphql(
            r#"{ organization(name: "Seoul Asan Medical Center") { name aliases
                agreements { totalCount edges { node { agreementType date
                  parties { organization { name } } evidence { sentence } } } } } }"#,
        )
        .await;
    let org = &data["organization"];
    assert_eq!(org["name"], "Asan Medical Center");
    let aliases: Vec<&str> = org["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for a in [
        "Asan Medical Center",
        "Asan Medical Center in Seoul",
        "Seoul Asan Medical Center",
    ] {
        assert!(aliases.contains(&a), "{aliases:?}");
    }
    assert_eq!(org["agreements"]["totalCount"], 1);
    let agr = &org["agreements"]["edges"][0]["node"];
    assert_eq!(agr["agreementType"], "RESEARCH_COOPERATION");
    let mut parties: Vec<&str> = agr["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["organization"]["name"].as_str().unwrap())
        .collect();
    parties.sort();
    assert_eq!(parties, vec!["Asan Medical Center", "Organoid Science"]);

    // Policy → agencies, and agency → policies.
    let data = app
        .graphql(
            r#"{ policies { edges { node { focus country agencies { name policies { totalCount } } } } } }"#,
        )
        .await;
    let p = &data["policies"]["edges"][0]["node"];
    assert_eq!(p["focus"], json!(["CMC"]));
    assert_eq!(p["agencies"].as_array().unwrap().len(), 2);
    assert_eq!(p["agencies"][0]["policies"]["totalCount"], 1);

    // Facility → operator → facilities.
    let data = app
        .graphql(r#"{ facilities(filter: {country: "KR", status: OPERATIONAL}) { edges { node { name modalities operator { name facilities { totalCount } } evidence { article { publisher } } } } } }"#)
        .await;
    let f = &data["facilities"]["edges"][0]["node"];
    assert_eq!(f["name"], "CGT Center");
    assert_eq!(f["operator"]["facilities"]["totalCount"], 1);
    assert_eq!(
        f["evidence"][0]["article"]["publisher"],
        "The Asia Business Daily (Asia Economy)"
    );
}

fn names(conn: &Value) -> Vec<String> {
    conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_string())
        .collect()
}

async fn pages_follow_cursors_and_report_the_total(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let q = r#"query($after: String) { organizations(first: 5, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { name } } } }"#;
    let mut seen: Vec<String> = Vec::new();
    let mut after = Value::Null;
    let mut total = 0;
    for _ in 0..10 {
        let data = app.graphql_vars(q, json!({ "after": after })).await;
        let conn = &data["organizations"];
        total = conn["totalCount"].as_u64().unwrap();
        seen.extend(names(conn));
        if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], after != Value::Null);
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len() as u64, total);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        seen.len(),
        "a page repeated an item: {seen:?}"
    );
    assert!(
        total >= 14,
        "expected the seeds' organizations, got {total}"
    );
}

async fn filters_narrow_lists_by_country_kind_type_and_date(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let data = app
        .graphql(r#"{ organizations(filter: {kind: REGULATOR}) { edges { node { name } } } }"#)
        .await;
    let mut regs = names(&data["organizations"]);
    regs.sort();
    assert_eq!(
        regs,
        vec![
            "Ministry of Food and Drug Safety",
            "Zhejiang Medical Products Administration"
        ]
    );

    let data = app
        .graphql(r#"{ licenses(filter: {dateFrom: "2025"}) { totalCount edges { node { licenseType } } } }"#)
        .await;
    assert_eq!(data["licenses"]["totalCount"], 1);
    assert_eq!(
        data["licenses"]["edges"][0]["node"]["licenseType"],
        "CN_DRUG_PRODUCTION_C"
    );

    let data = app
        .graphql(r#"{ licenses(filter: {dateFrom: "2022-01", dateTo: "2024-07"}) { totalCount } }"#)
        .await;
    assert_eq!(data["licenses"]["totalCount"], 2);

    let data = app
        .graphql(r#"{ licenses(filter: {licenseType: KR_HUMAN_CELL_MANAGEMENT}) { totalCount } }"#)
        .await;
    assert_eq!(
        data["licenses"]["totalCount"], 0,
        "a planned licence must not be stored"
    );

    let data = app
        .graphql(r#"{ agreements(filter: {agreementType: COLLABORATION}) { edges { node { date scope } } } }"#)
        .await;
    assert_eq!(
        data["agreements"]["edges"],
        json!([{ "node": { "date": "2019-03", "scope": "plasmid and viral vector manufacturing" } }])
    );

    let data = app
        .graphql(r#"{ us: agreements(filter: {country: "US"}) { totalCount } kr: agreements(filter: {country: "kr"}) { totalCount } jp: agreements(filter: {country: "JP"}) { totalCount } }"#)
        .await;
    assert_eq!(
        (
            &data["us"]["totalCount"],
            &data["kr"]["totalCount"],
            &data["jp"]["totalCount"]
        ),
        (&json!(1), &json!(1), &json!(0))
    );

    let data = app
        .graphql(r#"{ articles(filter: {dateFrom: "2022", dateTo: "2022"}) { totalCount } }"#)
        .await;
    assert_eq!(data["articles"]["totalCount"], 2);
}

async fn licence_counts_per_year_come_from_analytics(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let data = app
        .graphql(r#"{ all: licenseCountsByYear { year country count } cn: licenseCountsByYear(country: "cn") { year count } }"#)
        .await;
    assert_eq!(
        data["all"],
        json!([
            { "year": 2022, "country": "KR", "count": 1 },
            { "year": 2024, "country": "CN", "count": 1 },
            { "year": 2025, "country": "CN", "count": 1 },
        ])
    );
    assert_eq!(
        data["cn"],
        json!([{ "year": 2024, "count": 1 }, { "year": 2025, "count": 1 }])
    );
}

async fn bad_requests_get_clear_errors_and_the_server_stays_up(engine: Engine) {
    let Some(app) = spawn_app_with(engine, |s| s.server.max_body_bytes = 10_000).await else {
        return;
    };
    app.ingest_seeds().await;
    let cases = [
        (
            r#"{ organizations(first: 100000) { totalCount } }"#,
            "first",
        ),
        (
            r#"{ licenses(filter: {country: "Korea"}) { totalCount } }"#,
            "Korea",
        ),
        (
            r#"{ organizations(after: "not-a-cursor") { totalCount } }"#,
            "cursor",
        ),
        (
            r#"{ organization(id: "bm90LWFuLWlk") { name } }"#,
            "not a valid",
        ),
        (r#"{ organization { name } }"#, "exactly one"),
    ];
    for (query, mentions) in cases {
        let body = app.graphql_raw(query, Value::Null).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{query}: {body}");
        let msg = body["errors"][0]["message"].as_str().unwrap();
        assert!(msg.contains(mentions), "{query}: {msg}");
    }
    // A date that is not a date is rejected by the scalar.
    let body = app
        .graphql_raw(
            r#"{ licenses(filter: {dateFrom: "2022-13"}) { totalCount } }"#,
            Value::Null,
        )
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2022-13"),
        "{body}"
    );

    // Malformed and oversized bodies are refused at the HTTP level.
    let url = format!("{}/graphql", app.address);
    let resp = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
    let huge =
        json!({ "query": format!("{{ organizations {{ totalCount }} }} #{}", "x".repeat(20_000)) });
    let resp = app.client.post(&url).json(&huge).send().await.unwrap();
    assert_eq!(resp.status(), 413);
    let resp = app
        .client
        .post(&url)
        .json(&json!([{ "query": "{ __typename }" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);

    // And the server still answers.
    let data = app.graphql("{ organizations { totalCount } }").await;
    assert!(data["organizations"]["totalCount"].as_u64().unwrap() > 0);
}

async fn health_graphiql_and_root_redirect_answer(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let resp = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({ "status": "ok" })
    );
    let resp = app
        .client
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = no_redirect
        .get(format!("{}/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(resp.headers()["location"], "/graphiql");
}

async fn queries_deeper_than_the_limit_are_refused(engine: Engine) {
    let Some(app) = spawn_app_with(engine, |s| s.graphql.max_depth = 6).await else {
        return;
    };
    app.ingest_seeds().await;
    let deep = r#"{ organizations { edges { node { parent { parent { parent { parent { name } } } } } } } }"#;
    let body = app.graphql_raw(deep, Value::Null).await;
    let msg = body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert!(msg.contains("nested too deep"), "{body}");
    assert!(msg.contains("graphql.max_depth (6)"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "max_depth");
    assert!(body["data"].is_null());
}
