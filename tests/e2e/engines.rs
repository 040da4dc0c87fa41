//! The same seeds, ingested into SQLite and into PostgreSQL, give the same GraphQL answers.

use serde_json::Value;

use crate::db::{Engine, POSTGRES_URL_VAR, REQUIRE_POSTGRES_VAR};
use crate::helpers::spawn_app;

const QUERIES: &[&str] = &[
    r#"{ organizations(first: 100) { totalCount edges { node { id name kind country region city aliases parent { name } subsidiaries { name } } } } }"#,
    r#"{ licenses { totalCount edges { node { id licenseType country date holder { name } authority { name } facility { name } evidence { sentence confidence extractorVersion article { url title publisher published language } } } } } }"#,
    r#"{ facilities { totalCount edges { node { id name country region city modalities capacityLiters status operator { name } evidence { sentence } } } } }"#,
    r#"{ agreements { totalCount edges { node { id agreementType scope date valueUsd parties { organization { name } role } evidence { sentence } } } } }"#,
    r#"{ policies { totalCount edges { node { id name country focus date agencies { name } evidence { sentence } } } } }"#,
    r#"{ articles { totalCount edges { node { id url publisher published language contentHash } } } }"#,
    r#"{ licenseCountsByYear { year country count } }"#,
    r#"{ organization(name: "ZHEJIANG MEDICAL PRODUCTS ADMINISTRATION") { name licensesIssued { totalCount } } }"#,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_gives_the_same_graphql_answers_as_sqlite() {
    let Some(pg) = spawn_app(Engine::Postgres).await else {
        assert!(
            std::env::var(REQUIRE_POSTGRES_VAR).is_err(),
            "{POSTGRES_URL_VAR} is required"
        );
        return;
    };
    let sqlite = spawn_app(Engine::Sqlite).await.unwrap();
    sqlite.ingest_seeds().await;
    pg.ingest_seeds().await;
    for q in QUERIES {
        let a: Value = sqlite.graphql(q).await;
        let b: Value = pg.graphql(q).await;
        assert_eq!(a, b, "answers differ for {q}");
        assert!(
            a.to_string().len() > 40,
            "query returned too little to compare: {a}"
        );
    }
}
