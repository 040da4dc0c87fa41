//! The HTTP transport over real HTTP: GraphQL over HTTP (GET, POST, media types, status
//! codes), limits naming themselves, timeouts, rate limits, metrics, health and readiness,
//! automatic persisted queries, `meta` and `sources`, and the graphql-http audit suite.

use cdmo_api::Application;
use cdmo_store::Store;
use cdmo_store::runs::{RunCounts, SourceRow, finish_run, record_source, start_run};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::db::{Engine, TestDb};
use crate::helpers::{TestApp, error_code, spawn_app, spawn_app_with};
use crate::on_both_engines;

on_both_engines!(
    queries_work_over_get_and_post_with_status_codes_per_media_type,
    a_query_past_the_timeout_is_stopped_and_the_server_stays_responsive,
    readyz_needs_a_reachable_migrated_database_and_healthz_does_not,
    persisted_queries_register_by_hash_and_then_run_by_hash_over_get,
    meta_says_how_fresh_the_data_is_and_sources_show_their_last_run,
);

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn url(app: &TestApp) -> String {
    format!("{}/graphql", app.address)
}

/// `/graphql` with URL-encoded parameters, as a GET request sends them.
fn with_params(app: &TestApp, params: &[(&str, &str)]) -> String {
    url::Url::parse_with_params(&url(app), params)
        .unwrap()
        .to_string()
}

async fn post_as(app: &TestApp, accept: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(url(app))
        .header("accept", accept)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn content_type(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn queries_work_over_get_and_post_with_status_codes_per_media_type(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let expected = app.graphql("{ organizations { totalCount } }").await;

    // GET with URL parameters, variables and an operation name.
    let resp = app
        .client
        .get(with_params(
            &app,
            &[
            (
                "query",
                "query Count($c: String) { organizations(filter: {country: $c}) { totalCount } } query Other { __typename }",
            ),
            ("variables", r#"{"c": null}"#),
                ("operationName", "Count"),
            ],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(content_type(&resp).starts_with("application/json"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"], expected, "{body}");

    // POST negotiating application/graphql-response+json.
    let resp = post_as(
        &app,
        GRAPHQL_RESPONSE,
        &json!({ "query": "{ organizations { totalCount } }" }),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert!(content_type(&resp).starts_with(GRAPHQL_RESPONSE));
    assert_eq!(resp.json::<Value>().await.unwrap()["data"], expected);

    // Parse and validation errors: 400 without `data` under graphql-response+json,
    // 200 under application/json.
    for query in ["{ organizations { ", "{ noSuchField }"] {
        let resp = post_as(&app, GRAPHQL_RESPONSE, &json!({ "query": query })).await;
        assert_eq!(resp.status(), 400, "{query}");
        let body: Value = resp.json().await.unwrap();
        assert!(body.get("data").is_none(), "{query}: {body}");
        assert!(body["errors"][0]["message"].is_string(), "{body}");
        let resp = post_as(&app, "application/json", &json!({ "query": query })).await;
        assert_eq!(resp.status(), 200, "{query}");
        assert!(resp.json::<Value>().await.unwrap()["errors"].is_array());
    }
    // An error while resolving still has data: 200 under both media types.
    let resp = post_as(
        &app,
        GRAPHQL_RESPONSE,
        &json!({ "query": r#"{ organization(id: "bm90LWFuLWlk") { name } }"# }),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");

    // Unacceptable Accept: 406; unsupported Content-Type: 415; malformed JSON: 400.
    let resp = post_as(&app, "text/html", &json!({ "query": "{ __typename }" })).await;
    assert_eq!(resp.status(), 406);
    let resp = app
        .client
        .post(url(&app))
        .header("content-type", "text/plain")
        .body(r#"{"query":"{ __typename }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    assert!(
        resp.json::<Value>().await.unwrap()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );
    for accept in [GRAPHQL_RESPONSE, "application/json"] {
        let resp = app
            .client
            .post(url(&app))
            .header("content-type", "application/json")
            .header("accept", accept)
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{accept}");
    }

    // A mutation over GET is 405 with `Allow: POST`; other methods are 405 too.
    let resp = app
        .client
        .get(with_params(&app, &[("query", "mutation { __typename }")]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    let resp = app.client.put(url(&app)).send().await.unwrap();
    assert_eq!(resp.status(), 405);
}

async fn a_query_past_the_timeout_is_stopped_and_the_server_stays_responsive(engine: Engine) {
    let Some(app) = spawn_app_with(engine, |s| s.server.request_timeout_ms = 300).await else {
        return;
    };
    app.ingest_seeds().await;
    // Hold every pooled database connection, so the query cannot finish until they are
    // released: a deterministic "slow query" on both engines.
    let held = hold_all_connections(&app.store).await;
    let resp = app
        .client
        .post(url(&app))
        .json(&json!({ "query": "query Slow { organizations { totalCount } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 504);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), Some("TIMEOUT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("request_timeout_ms"),
        "{body}"
    );
    // The server still answers what does not need the database.
    let resp = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    drop(held);
    let data = app.graphql("{ organizations { totalCount } }").await;
    assert!(data["organizations"]["totalCount"].as_u64().unwrap() > 0);
}

/// Checks out every connection of the store's pool and keeps them until dropped.
async fn hold_all_connections(store: &Store) -> Vec<Box<dyn std::any::Any + Send>> {
    let mut held: Vec<Box<dyn std::any::Any + Send>> = Vec::new();
    match store.engine() {
        cdmo_store::Engine::Sqlite => {
            let pool = store.conn().get_sqlite_connection_pool();
            for _ in 0..pool.options().get_max_connections() {
                held.push(Box::new(pool.acquire().await.unwrap()));
            }
        }
        cdmo_store::Engine::Postgres => {
            let pool = store.conn().get_postgres_connection_pool();
            for _ in 0..pool.options().get_max_connections() {
                held.push(Box::new(pool.acquire().await.unwrap()));
            }
        }
    }
    held
}

async fn readyz_needs_a_reachable_migrated_database_and_healthz_does_not(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let resp = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["status"], "ready");

    // A server on a database that was never migrated is up but not ready.
    let db = TestDb::new(engine).await.unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    let mut settings = cdmo_api::Settings {
        database_url: db.url.clone(),
        ..cdmo_api::Settings::default()
    };
    settings.server.bind = "127.0.0.1:0".into();
    let unmigrated = Application::build(&settings, store).unwrap();
    let base = unmigrated.base_url();
    tokio::spawn(unmigrated.run_until_stopped());
    let resp = app
        .client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    let body: Value = resp.json().await.unwrap();
    assert!(
        !body["pendingMigrations"].as_array().unwrap().is_empty(),
        "{body}"
    );
    let resp = app
        .client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

async fn persisted_queries_register_by_hash_and_then_run_by_hash_over_get(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let query = "query Count { organizations { totalCount } }";
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });

    // Unknown hash: the client is told to send the full query.
    let body = app
        .client
        .post(url(&app))
        .json(&json!({ "extensions": ext }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        body["errors"][0]["message"], "PersistedQueryNotFound",
        "{body}"
    );
    // Full query plus hash registers it.
    let body = app
        .client
        .post(url(&app))
        .json(&json!({ "query": query, "extensions": ext }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let expected = body["data"].clone();
    assert!(expected["organizations"]["totalCount"].as_u64().unwrap() > 0);
    // Then the hash alone runs it, by POST and by GET.
    let body = app
        .client
        .post(url(&app))
        .json(&json!({ "extensions": ext }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(body["data"], expected, "{body}");
    let resp = app
        .client
        .get(with_params(&app, &[("extensions", &ext.to_string())]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["data"], expected);
    // A hash that does not match the query is refused.
    let bad = json!({ "persistedQuery": { "version": 1, "sha256Hash": "00" } });
    let body = app
        .client
        .post(url(&app))
        .json(&json!({ "query": query, "extensions": bad }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sha")
    );
}

async fn meta_says_how_fresh_the_data_is_and_sources_show_their_last_run(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let meta = "{ meta { dataVersion lastIngestAt extractorVersion } }";
    let empty = app.graphql(meta).await;
    assert!(empty["meta"]["lastIngestAt"].is_null(), "{empty}");
    assert_eq!(
        empty["meta"]["extractorVersion"],
        cdmo_ingest::EXTRACTOR_VERSION
    );
    let summary = app.ingest_seeds().await;
    let after = app.graphql(meta).await;
    assert_ne!(
        after["meta"]["dataVersion"], empty["meta"]["dataVersion"],
        "ingesting {summary:?} must change the data version"
    );
    assert_eq!(
        app.graphql(meta).await,
        after,
        "unchanged data, same answer"
    );
    let last: chrono::DateTime<chrono::Utc> = after["meta"]["lastIngestAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(last <= chrono::Utc::now());

    // A configured source with a finished run, and one that never ran.
    for (id, enabled) in [("kr-news", true), ("cn-news", false)] {
        record_source(
            &app.store,
            SourceRow {
                id,
                kind: "rss",
                url: Some("https://news.example.org/feed.xml"),
                language: Some("ko"),
                country: Some("KR"),
                schedule: Some("0 6 * * *"),
                config: json!({ "id": id, "enabled": enabled }).to_string(),
            },
        )
        .await
        .unwrap();
    }
    let run = start_run(&app.store, "kr-news").await.unwrap();
    finish_run(
        &app.store,
        run,
        &RunCounts {
            fetched: 3,
            new_articles: 2,
            ..RunCounts::default()
        },
    )
    .await
    .unwrap();
    let data = app
        .graphql("{ sources { id kind url language country schedule enabled lastRun { status fetched newArticles } } }")
        .await;
    assert_eq!(
        data["sources"],
        json!([
            { "id": "cn-news", "kind": "rss", "url": "https://news.example.org/feed.xml",
              "language": "ko", "country": "KR", "schedule": "0 6 * * *", "enabled": false,
              "lastRun": null },
            { "id": "kr-news", "kind": "rss", "url": "https://news.example.org/feed.xml",
              "language": "ko", "country": "KR", "schedule": "0 6 * * *", "enabled": true,
              "lastRun": { "status": "ok", "fetched": 3, "newArticles": 2 } },
        ])
    );
}

/// One client: the bearer key (or none, meaning the loopback address).
async fn post_with_key(app: &TestApp, key: Option<&str>) -> reqwest::Response {
    let mut req = app
        .client
        .post(url(app))
        .json(&json!({ "query": "{ __typename }" }));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    req.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_past_its_burst_gets_429_and_other_clients_do_not() {
    // A rate so low no token comes back during the test.
    let app = spawn_app_with(Engine::Sqlite, |s| {
        s.server.rate_limit_per_second = 0.001;
        s.server.rate_limit_burst = 3;
    })
    .await
    .unwrap();
    for _ in 0..3 {
        assert_ne!(post_with_key(&app, Some("key-a")).await.status(), 429);
    }
    let resp = post_with_key(&app, Some("key-a")).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    // Another key, and the anonymous client (by IP), have their own buckets.
    assert_ne!(post_with_key(&app, Some("key-b")).await.status(), 429);
    for _ in 0..3 {
        assert_eq!(post_with_key(&app, None).await.status(), 200);
    }
    assert_eq!(post_with_key(&app, None).await.status(), 429);
    // Operational endpoints are never limited.
    for path in ["/healthz", "/readyz", "/metrics"] {
        let resp = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_refuse_with_errors_naming_the_limit() {
    let app = spawn_app_with(Engine::Sqlite, |s| {
        s.graphql.max_aliases = 3;
        s.graphql.max_root_fields = 4;
        s.graphql.max_operations = 2;
        s.server.max_body_bytes = 2_000;
    })
    .await
    .unwrap();
    let cases = [
        (
            "{ a: __typename b: __typename c: __typename d: __typename }",
            "max_aliases",
        ),
        (
            "{ __typename organizations { totalCount } licenses { totalCount } facilities { totalCount } policies { totalCount } }",
            "max_root_fields",
        ),
        (
            "query A { __typename } query B { __typename } query C { __typename }",
            "max_operations",
        ),
    ];
    for (query, limit) in cases {
        let body = app.graphql_raw(query, Value::Null).await;
        assert_eq!(error_code(&body), Some("LIMIT_EXCEEDED"), "{query}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["limit"], limit, "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(limit),
            "{body}"
        );
        // Under graphql-response+json the refusal is a request error: 400.
        let resp = post_as(&app, GRAPHQL_RESPONSE, &json!({ "query": query })).await;
        assert_eq!(resp.status(), 400, "{query}");
    }
    // Within the limits the same kinds of query run.
    let data = app.graphql("{ a: __typename b: __typename }").await;
    assert!(data["a"].is_string() && data["a"] == data["b"], "{data}");

    let huge = json!({ "query": format!("{{ __typename }} #{}", "x".repeat(5_000)) });
    let resp = app.client.post(url(&app)).json(&huge).send().await.unwrap();
    assert_eq!(resp.status(), 413);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("max_body_bytes"),
        "{body}"
    );
    let resp = app
        .client
        .post(url(&app))
        .json(&json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("batched")
    );
}

/// The value of the metric line that starts with `prefix` (name and labels).
fn metric(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_latencies_and_errors_by_operation() {
    let app = spawn_app(Engine::Sqlite).await.unwrap();
    for _ in 0..2 {
        app.graphql("query OrgCount { organizations { totalCount } }")
            .await;
    }
    let body = app
        .graphql_raw(
            r#"query Broken { organization(id: "bm90LWFuLWlk") { name } }"#,
            Value::Null,
        )
        .await;
    assert!(body["errors"].is_array());
    let resp = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(content_type(&resp).starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    let get = |p: &str| metric(&text, p).unwrap_or_else(|| panic!("no {p} in\n{text}"));
    assert_eq!(
        get("cdmo_graphql_operations_total{operation=\"OrgCount\"}"),
        2.0
    );
    assert_eq!(
        get("cdmo_graphql_operation_errors_total{operation=\"OrgCount\"}"),
        0.0
    );
    assert_eq!(
        get("cdmo_graphql_operation_errors_total{operation=\"Broken\"}"),
        1.0
    );
    assert_eq!(
        get("cdmo_graphql_operation_duration_seconds_count{operation=\"OrgCount\"}"),
        2.0
    );
    assert_eq!(
        get("cdmo_http_requests_total{path=\"/graphql\",status=\"200\"}"),
        3.0
    );
    assert_eq!(
        get("cdmo_http_request_duration_seconds_bucket{path=\"/graphql\",le=\"+Inf\"}"),
        3.0
    );
    // The /metrics request itself is in flight while it renders.
    assert_eq!(get("cdmo_http_requests_in_flight"), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_http_audit_suite_passes_every_must() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/tests/graphql-http");
    if !dir.join("node_modules/graphql-http").is_dir() {
        if std::env::var("CDMO_SKIP_NODE_TESTS").as_deref() == Ok("1") {
            return;
        }
        panic!(
            "the graphql-http audit needs its npm packages: run `npm ci --prefix api/tests/graphql-http` (or set CDMO_SKIP_NODE_TESTS=1 to skip)"
        );
    }
    let app = spawn_app(Engine::Sqlite).await.unwrap();
    let out = tokio::process::Command::new("node")
        .arg("audit.mjs")
        .arg(url(&app))
        .current_dir(&dir)
        .output()
        .await
        .expect("node runs (Node 20 or newer on PATH)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let results: Vec<Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        results.len() > 30,
        "the audit ran too few checks: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let failing_musts: Vec<String> = results
        .iter()
        .filter(|r| r["status"] == "error")
        .map(|r| format!("{} {}: {}", r["id"], r["name"], r["reason"]))
        .collect();
    assert!(
        failing_musts.is_empty() && out.status.success(),
        "MUST audits failing:\n{}",
        failing_musts.join("\n")
    );
}
