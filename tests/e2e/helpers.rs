//! Spawning the real application on a random port with its own database, and talking to it
//! over HTTP, the way a user's client does.

use cdmo_api::{Application, Settings};
use cdmo_ingest::Extractor;
use cdmo_ingest::pipeline::{IngestSummary, ingest_files};
use cdmo_store::Store;
use serde_json::{Value, json};

use crate::db::{Engine, TestDb};

pub fn seeds_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds")
}

pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub client: reqwest::Client,
    /// Kept for the life of the app: dropping it removes the database.
    pub _db: TestDb,
}

/// Opens a fresh database of `engine` (None when PostgreSQL is not configured).
pub async fn test_store(engine: Engine) -> Option<(Store, TestDb)> {
    let db = TestDb::new(engine).await?;
    let store = Store::open(&db.url)
        .await
        .expect("open and migrate the test database");
    Some((store, db))
}

/// Starts the server on 127.0.0.1 with a random port and its own database.
pub async fn spawn_app(engine: Engine) -> Option<TestApp> {
    spawn_app_with(engine, |_| {}).await
}

pub async fn spawn_app_with(
    engine: Engine,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let (store, db) = test_store(engine).await?;
    let mut settings = Settings {
        database_url: db.url.clone(),
        ..Settings::default()
    };
    settings.server.bind = "127.0.0.1:0".into();
    configure(&mut settings);
    let app = Application::build(&settings, store.clone()).expect("build the application");
    let address = app.base_url();
    tokio::spawn(app.run_until_stopped());
    Some(TestApp {
        address,
        store,
        client: reqwest::Client::new(),
        _db: db,
    })
}

impl TestApp {
    /// Ingests the seed articles, as `cdmo-atlas ingest files seeds/` does.
    pub async fn ingest_seeds(&self) -> IngestSummary {
        ingest_seeds(&self.store).await
    }

    /// POSTs a query and returns the whole response body.
    pub async fn graphql_raw(&self, query: &str, variables: Value) -> Value {
        let resp = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request reaches the server");
        assert!(resp.status().is_success(), "HTTP {}", resp.status());
        resp.json().await.expect("a JSON response")
    }

    /// POSTs a query that must succeed and returns its `data`.
    pub async fn graphql(&self, query: &str) -> Value {
        self.graphql_vars(query, Value::Null).await
    }

    pub async fn graphql_vars(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql_raw(query, variables).await;
        assert!(body.get("errors").is_none(), "errors in response: {body}");
        body["data"].clone()
    }
}

pub async fn ingest_seeds(store: &Store) -> IngestSummary {
    let extractor = Extractor::embedded().expect("embedded rules load");
    ingest_files(
        store,
        &extractor,
        &[seeds_dir()],
        Default::default(),
        &mut |_| {},
    )
    .await
    .expect("the seeds ingest")
}

/// The first error's `extensions.code` of a response.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}
