//! Curation over HTTP: API keys (missing, unknown, revoked), every mutation changing what
//! queries return with one audit row each, retraction and restore, merges that keep all
//! evidence, keys required for queries when configured, and ingest runs started by a curator.

use std::time::Duration;

use serde_json::{Value, json};

use crate::db::Engine;
use crate::helpers::{TestApp, error_code, seeds_dir, spawn_app, spawn_app_with};
use crate::on_both_engines;

on_both_engines!(
    mutations_without_a_key_are_unauthenticated_and_change_nothing,
    unknown_revoked_and_malformed_keys_get_401_naming_the_problem,
    retracting_hides_a_fact_everywhere_and_restoring_brings_it_back,
    correcting_a_licence_changes_what_queries_return_and_is_audited,
    an_added_alias_resolves_and_another_organizations_name_is_refused,
    splitting_an_alias_creates_an_organization_known_by_it,
    merging_moves_facts_and_names_without_losing_evidence_or_duplicating_aliases,
    require_key_for_queries_refuses_anonymous_queries,
    trigger_ingest_runs_a_files_source_in_the_background,
);

/// POSTs `query` with `key` as a bearer token (or none); returns the status and the body.
async fn post(app: &TestApp, key: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
    let mut req = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let resp = req.send().await.expect("request reaches the server");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON response"))
}

/// Runs `query` with `key`; it must succeed.
async fn ok(app: &TestApp, key: &str, query: &str, variables: Value) -> Value {
    let (status, body) = post(app, Some(key), query, variables).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "errors in response: {body}");
    body["data"].clone()
}

async fn new_key(app: &TestApp, name: &str) -> String {
    cdmo_store::api_keys::create_key(&app.store, name)
        .await
        .expect("create a key")
        .1
}

async fn audit_log(app: &TestApp, key: &str) -> Vec<Value> {
    let data = ok(
        app,
        key,
        "{ auditLog(first: 100) { totalCount edges { node { id mutation keyName targetIds before after reason } } } }",
        Value::Null,
    )
    .await;
    let edges = data["auditLog"]["edges"].as_array().unwrap().clone();
    assert_eq!(
        data["auditLog"]["totalCount"].as_u64().unwrap() as usize,
        edges.len()
    );
    edges.into_iter().map(|e| e["node"].clone()).collect()
}

async fn helixmith(app: &TestApp) -> Value {
    app.graphql(
        r#"{ organization(name: "Helixmith") { id name aliases
            licenses { totalCount edges { node { id licenseType date evidence { sentence } } } } } }"#,
    )
    .await["organization"]
        .clone()
}

const RETRACT: &str =
    "mutation($id: ID!, $reason: String!) { retractFact(input: {id: $id, reason: $reason}) {
    auditEntryId fact { id kind retractedAt retractionReason } } }";

async fn mutations_without_a_key_are_unauthenticated_and_change_nothing(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let before = helixmith(&app).await;
    let licence = before["licenses"]["edges"][0]["node"]["id"].clone();
    let org = before["id"].clone();
    let attempts = [
        (RETRACT, json!({ "id": licence, "reason": "wrong" })),
        (
            "mutation($o: ID!) { addAlias(input: {organization: $o, alias: \"HLX Pharma\"}) { auditEntryId } }",
            json!({ "o": org }),
        ),
        (
            "mutation($id: ID!) { correctFact(input: {id: $id, license: {date: \"2020\"}}) { auditEntryId } }",
            json!({ "id": licence }),
        ),
        (
            "mutation { triggerIngest(input: {sourceId: \"x\"}) { runId } }",
            Value::Null,
        ),
    ];
    for (q, vars) in attempts {
        let (status, body) = post(&app, None, q, vars).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("API key"),
            "{body}"
        );
    }
    assert_eq!(helixmith(&app).await, before, "nothing changed");
    // Curator-only queries need a key too.
    let (_, body) = post(&app, None, "{ auditLog { totalCount } }", Value::Null).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let key = new_key(&app, "auditor").await;
    assert!(audit_log(&app, &key).await.is_empty(), "no audit rows");
}

async fn unknown_revoked_and_malformed_keys_get_401_naming_the_problem(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let key = new_key(&app, "soon-revoked").await;
    let q = "{ organizations { totalCount } }";
    let (status, _) = post(&app, Some(&key), q, Value::Null).await;
    assert_eq!(status, 200, "a live key is accepted");

    cdmo_store::api_keys::revoke_key(&app.store, "soon-revoked")
        .await
        .unwrap();
    let (status, body) = post(&app, Some(&key), q, Value::Null).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("revoked"),
        "{body}"
    );

    let (status, body) = post(&app, Some("cdmo_0000"), q, Value::Null).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not known"),
        "{body}"
    );

    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("Authorization", "Basic dXNlcjpwdw==")
        .json(&json!({ "query": q }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Bearer"),
        "{body}"
    );
}

async fn retracting_hides_a_fact_everywhere_and_restoring_brings_it_back(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let key = new_key(&app, "curator").await;
    let org = helixmith(&app).await;
    let licence = org["licenses"]["edges"][0]["node"]["id"].clone();
    let total = |d: &Value| d["licenses"]["totalCount"].as_u64().unwrap();
    let all_before = app.graphql("{ licenses { totalCount } }").await;

    let data = ok(
        &app,
        &key,
        RETRACT,
        json!({ "id": licence, "reason": "the article describes a plan, not a grant" }),
    )
    .await;
    let fact = &data["retractFact"]["fact"];
    assert_eq!(fact["id"], licence);
    assert_eq!(fact["kind"], "LICENSE");
    assert!(fact["retractedAt"].is_string(), "{data}");

    // Hidden from the list and from the organization's page.
    let all = app.graphql("{ licenses { totalCount } }").await;
    assert_eq!(total(&all), total(&all_before) - 1);
    assert_eq!(helixmith(&app).await["licenses"]["totalCount"], 0);
    // Listed for curators with its reason.
    let retracted = ok(
        &app,
        &key,
        "{ retractedFacts { id retractionReason fact { ... on License { licenseType } } } }",
        Value::Null,
    )
    .await;
    assert_eq!(retracted["retractedFacts"][0]["id"], licence);
    assert_eq!(
        retracted["retractedFacts"][0]["retractionReason"],
        "the article describes a plan, not a grant"
    );
    // Retracting twice is refused, and writes nothing.
    let (_, body) = post(
        &app,
        Some(&key),
        RETRACT,
        json!({ "id": licence, "reason": "x" }),
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already retracted"),
        "{body}"
    );

    let data = ok(
        &app,
        &key,
        "mutation($id: ID!) { restoreFact(input: {id: $id, reason: \"checked the source\"}) { auditEntryId fact { retractedAt } } }",
        json!({ "id": licence }),
    )
    .await;
    assert!(data["restoreFact"]["fact"]["retractedAt"].is_null());
    assert_eq!(helixmith(&app).await, org, "the licence is back as it was");

    let log = audit_log(&app, &key).await;
    assert_eq!(log.len(), 2, "one row per successful mutation: {log:?}");
    assert_eq!(log[0]["mutation"], "restoreFact");
    assert_eq!(log[1]["mutation"], "retractFact");
    assert_eq!(log[1]["keyName"], "curator");
    assert_eq!(log[1]["targetIds"], json!([licence]));
    assert!(log[1]["before"]["retracted_at"].is_null());
    assert_eq!(
        log[1]["after"]["retraction_reason"],
        "the article describes a plan, not a grant"
    );
    assert!(log[0]["before"]["retracted_at"].is_string());
}

async fn correcting_a_licence_changes_what_queries_return_and_is_audited(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let key = new_key(&app, "curator").await;
    let licence = helixmith(&app).await["licenses"]["edges"][0]["node"].clone();
    let q = "mutation($in: CorrectFactInput!) { correctFact(input: $in) { auditEntryId fact { fact { ... on License { licenseType date } } } } }";
    let data = ok(
        &app,
        &key,
        q,
        json!({ "in": { "id": licence["id"], "license": { "licenseType": "KR_GMP", "date": "2022-04" }, "reason": "per MFDS notice" } }),
    )
    .await;
    let corrected = &data["correctFact"]["fact"]["fact"];
    assert_eq!(corrected["licenseType"], "KR_GMP");
    assert_eq!(corrected["date"], "2022-04");
    let now = helixmith(&app).await["licenses"]["edges"][0]["node"].clone();
    assert_eq!(now["licenseType"], "KR_GMP");
    assert_eq!(now["date"], "2022-04");
    assert_eq!(now["evidence"], licence["evidence"], "evidence is kept");

    // A correction of the wrong kind, or a bad value, is refused and writes nothing.
    let (_, body) = post(
        &app,
        Some(&key),
        q,
        json!({ "in": { "id": licence["id"], "facility": { "capacityLiters": 1000.0 } } }),
    )
    .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let facility = app
        .graphql("{ facilities(first: 1) { edges { node { id } } } }")
        .await["facilities"]["edges"][0]["node"]["id"]
        .clone();
    let (_, body) = post(
        &app,
        Some(&key),
        q,
        json!({ "in": { "id": facility, "facility": { "capacityLiters": -5.0 } } }),
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("non-negative"),
        "{body}"
    );

    let log = audit_log(&app, &key).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["mutation"], "correctFact");
    assert_eq!(log[0]["before"]["date"], "2022-03-17");
    assert_eq!(log[0]["after"]["date"], "2022-04");
    assert_eq!(log[0]["after"]["license_type"], "kr_gmp");
    assert_eq!(log[0]["reason"], "per MFDS notice");
}

async fn an_added_alias_resolves_and_another_organizations_name_is_refused(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let key = new_key(&app, "curator").await;
    let org = helixmith(&app).await;
    let q = "mutation($o: ID!, $a: String!) { addAlias(input: {organization: $o, alias: $a}) { auditEntryId organization { id aliases } } }";
    let data = ok(&app, &key, q, json!({ "o": org["id"], "a": "헬릭스미스" })).await;
    assert!(
        data["addAlias"]["organization"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!("헬릭스미스"))
    );
    let found = app
        .graphql(r#"{ organization(name: "헬릭스미스") { id } }"#)
        .await;
    assert_eq!(found["organization"]["id"], org["id"]);

    // The authority's name belongs to another organization: refused, naming it.
    let (_, body) = post(
        &app,
        Some(&key),
        q,
        json!({ "o": org["id"], "a": "Ministry of Food and Drug Safety" }),
    )
    .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let msg = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("Ministry of Food and Drug Safety") && msg.contains("organization"),
        "{msg}"
    );

    let log = audit_log(&app, &key).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["mutation"], "addAlias");
    assert!(
        !log[0]["before"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!("헬릭스미스"))
    );
    assert!(
        log[0]["after"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!("헬릭스미스"))
    );
}

async fn splitting_an_alias_creates_an_organization_known_by_it(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let key = new_key(&app, "curator").await;
    let org = helixmith(&app).await;
    ok(
        &app,
        &key,
        "mutation($o: ID!) { addAlias(input: {organization: $o, alias: \"Helix Biotech Labs\"}) { auditEntryId } }",
        json!({ "o": org["id"] }),
    )
    .await;
    let data = ok(
        &app,
        &key,
        "mutation($o: ID!) { splitAlias(input: {organization: $o, alias: \"Helix Biotech Labs\", reason: \"a different company\"}) {
            auditEntryId organization { id aliases licenses { totalCount } } newOrganization { id name aliases licenses { totalCount } } } }",
        json!({ "o": org["id"] }),
    )
    .await;
    let split = &data["splitAlias"];
    assert_eq!(split["newOrganization"]["name"], "Helix Biotech Labs");
    assert_eq!(
        split["newOrganization"]["aliases"],
        json!(["Helix Biotech Labs"])
    );
    assert_eq!(split["newOrganization"]["licenses"]["totalCount"], 0);
    assert_eq!(
        split["organization"]["licenses"]["totalCount"], 1,
        "facts stay"
    );
    assert_eq!(split["organization"]["aliases"], org["aliases"]);
    let found = app
        .graphql(r#"{ organization(name: "Helix Biotech Labs") { id } }"#)
        .await;
    assert_eq!(found["organization"]["id"], split["newOrganization"]["id"]);

    let log = audit_log(&app, &key).await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["mutation"], "splitAlias");
    assert_eq!(
        log[0]["targetIds"],
        json!([org["id"], split["newOrganization"]["id"]])
    );
    assert_eq!(log[0]["after"]["created"]["name"], "Helix Biotech Labs");
}

async fn evidence_rows(app: &TestApp) -> u64 {
    cdmo_store::query::table_counts(&app.store)
        .await
        .unwrap()
        .into_iter()
        .find(|(t, _)| *t == "evidence")
        .map(|(_, n)| n)
        .unwrap()
}

async fn merging_moves_facts_and_names_without_losing_evidence_or_duplicating_aliases(
    engine: Engine,
) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let key = new_key(&app, "curator").await;
    let helix = helixmith(&app).await;
    // Both are named in the same article, so their article links collide on merge.
    let survivor = app
        .graphql(
            r#"{ organization(name: "Ministry of Food and Drug Safety") { id name aliases
                licensesIssued { totalCount } articles { totalCount } } }"#,
        )
        .await["organization"]
        .clone();
    let orgs_before =
        app.graphql("{ organizations { totalCount } }").await["organizations"]["totalCount"]
            .as_u64()
            .unwrap();
    let evidence_before = evidence_rows(&app).await;

    let data = ok(
        &app,
        &key,
        "mutation($into: ID!, $from: [ID!]!) { mergeOrganizations(input: {into: $into, from: $from, reason: \"test\"}) {
            auditEntryId mergedIds organization { id name aliases
              licenses { totalCount edges { node { id evidence { sentence } } } } articles { totalCount } } } }",
        json!({ "into": survivor["id"], "from": [helix["id"]] }),
    )
    .await;
    let merged = &data["mergeOrganizations"]["organization"];
    assert_eq!(merged["id"], survivor["id"]);
    assert_eq!(
        data["mergeOrganizations"]["mergedIds"],
        json!([helix["id"]])
    );
    // The licence moved with its evidence.
    assert_eq!(merged["licenses"]["totalCount"], 1);
    let (moved, was) = (
        &merged["licenses"]["edges"][0]["node"],
        &helix["licenses"]["edges"][0]["node"],
    );
    assert_eq!(moved["id"], was["id"], "the same fact, not a copy");
    assert_eq!(moved["evidence"], was["evidence"]);
    // Names: every old name once, the merged-away one included.
    let aliases: Vec<&str> = merged["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let mut unique = aliases.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        aliases.len(),
        "duplicate aliases: {aliases:?}"
    );
    for name in helix["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .chain(survivor["aliases"].as_array().unwrap())
    {
        assert!(aliases.contains(&name.as_str().unwrap()), "{name} lost");
    }
    assert_eq!(
        evidence_rows(&app).await,
        evidence_before,
        "no evidence lost"
    );
    let after = app.graphql("{ organizations { totalCount } }").await;
    assert_eq!(
        after["organizations"]["totalCount"].as_u64().unwrap(),
        orgs_before - 1
    );
    // The old name and the old id lead to the survivor.
    let by_name = app
        .graphql(r#"{ organization(name: "Helixmith") { id } }"#)
        .await;
    assert_eq!(by_name["organization"]["id"], survivor["id"]);
    let moved = app
        .graphql_vars(
            "query($id: ID!) { organizationMerge(id: $id) { mergedName into { id } auditEntryId } }",
            json!({ "id": helix["id"] }),
        )
        .await;
    assert_eq!(moved["organizationMerge"]["mergedName"], "Helixmith");
    assert_eq!(moved["organizationMerge"]["into"]["id"], survivor["id"]);
    assert_eq!(
        moved["organizationMerge"]["auditEntryId"],
        data["mergeOrganizations"]["auditEntryId"]
    );
    // Merging a merged-away id again says where it went.
    let (_, body) = post(
        &app,
        Some(&key),
        "mutation($into: ID!, $from: [ID!]!) { mergeOrganizations(input: {into: $into, from: $from}) { auditEntryId } }",
        json!({ "into": survivor["id"], "from": [helix["id"]] }),
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("was merged into"),
        "{body}"
    );

    let log = audit_log(&app, &key).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["mutation"], "mergeOrganizations");
    assert_eq!(log[0]["targetIds"], json!([survivor["id"], helix["id"]]));
    assert_eq!(log[0]["before"][1]["name"], "Helixmith");
    assert!(
        log[0]["after"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!("Helixmith"))
    );
}

async fn require_key_for_queries_refuses_anonymous_queries(engine: Engine) {
    let Some(app) = spawn_app_with(engine, |s| s.auth.require_key_for_queries = true).await else {
        return;
    };
    let q = "{ organizations { totalCount } }";
    let (status, body) = post(&app, None, q, Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert!(body["data"].is_null(), "{body}");
    let key = new_key(&app, "reader").await;
    let data = ok(&app, &key, q, Value::Null).await;
    assert_eq!(data["organizations"]["totalCount"], 0);
}

async fn trigger_ingest_runs_a_files_source_in_the_background(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    let seed = "000_3d825ed45bca1ea3.txt";
    std::fs::copy(seeds_dir().join(seed), articles.join(seed)).unwrap();
    std::fs::write(
        articles.join("manifest.toml"),
        format!(
            "[[article]]\nfile = \"{seed}\"\nurl = \"https://cm.asiae.co.kr/en/article/2022031717075293775\"\npublished = \"2022-03-17\"\nlanguage = \"en\"\n"
        ),
    )
    .unwrap();
    let sources = dir.path().join("sources.toml");
    std::fs::write(
        &sources,
        "[[source]]\nid = \"local\"\nkind = \"files\"\npaths = [\"articles\"]\nlanguage = \"en\"\n",
    )
    .unwrap();
    let sources_file = sources.clone();
    let Some(app) = spawn_app_with(engine, move |s| s.sources_file = sources_file).await else {
        return;
    };
    let key = new_key(&app, "scheduler").await;
    let q = "mutation($s: String!) { triggerIngest(input: {sourceId: $s}) { runId auditEntryId run { source status } } }";

    let (_, body) = post(&app, Some(&key), q, json!({ "s": "nope" })).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("local"),
        "the error lists the configured sources: {body}"
    );

    let data = ok(&app, &key, q, json!({ "s": "local" })).await;
    let run_id = data["triggerIngest"]["runId"].clone();
    assert_eq!(data["triggerIngest"]["run"]["source"], "local");

    // The run goes on in the background: follow it as a client would, until it ends.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let run = loop {
        let runs = app
            .graphql(
                r#"{ ingestRuns(source: "local") { edges { node { id status newArticles } } } }"#,
            )
            .await;
        let node = runs["ingestRuns"]["edges"][0]["node"].clone();
        assert_eq!(node["id"], run_id);
        if node["status"] != "running" {
            break node;
        }
        assert!(tokio::time::Instant::now() < deadline, "run never finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(run["status"], "ok", "{run}");
    assert_eq!(run["newArticles"], 1);
    let org = app
        .graphql(r#"{ organization(name: "Helixmith") { licenses { totalCount } } }"#)
        .await;
    assert_eq!(org["organization"]["licenses"]["totalCount"], 1);

    let log = audit_log(&app, &key).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["mutation"], "triggerIngest");
    assert_eq!(log[0]["targetIds"], json!([run_id]));
}
