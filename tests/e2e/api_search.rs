//! The `search` query over HTTP with the seeds ingested: names and aliases in any script,
//! ranking, kind filters, hostile input, and an index that follows every write.

use cdmo_store::entities::{article, facility, organization};
use cdmo_store::merge::{DocumentInput, merge_document};
use cdmo_store::migration::Migrator;
use cdmo_store::names::name_key;
use cdmo_store::record::{ExtractionRecord, FacilityRecord, OrganizationRecord, SourceMeta};
use cdmo_store::search::{self, SearchKind, SearchNode, SearchText};
use cdmo_store::vocab::{FacilityStatus, Language, OrganizationKind};
use cdmo_store::{Country, Store};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sea_orm_migration::MigratorTrait;
use serde_json::{Value, json};

use crate::db::Engine;
use crate::helpers::{TestApp, error_code, spawn_app, test_store};
use crate::on_both_engines;

on_both_engines!(
    organizations_are_found_by_english_name_hangul_alias_and_two_hanzi,
    exact_names_rank_before_prefixes_before_other_matches,
    article_titles_and_texts_are_searchable_with_a_snippet,
    types_and_first_narrow_the_hits,
    hostile_input_is_searched_literally_and_bad_queries_are_refused,
    the_index_follows_merges_renames_retractions_restores_and_deletes,
    rows_written_before_the_search_migration_are_indexed_by_it,
);

const HITS: &str = r#"query($q: String!, $types: [SearchType!], $first: Int) {
  search(query: $q, types: $types, first: $first) {
    hasMore
    hits { score matchedText matchedField node {
      __typename
      ... on Organization { id name }
      ... on Facility { id name }
      ... on Article { id title url }
    } }
  }
}"#;

const ARTICLE_URL: &str = "https://example.test/news/songdo-plant-5";
const ARTICLE_TITLE: &str = "Samsung Biologics completes Plant 5 at its Songdo campus";
const ARTICLE_TEXT: &str = "Samsung Biologics (삼성바이오로직스) said on Monday that Plant 5 at \
    its Songdo Bio Campus is complete. The company competes with WuXi Biologics (药明生物) \
    and with Samsung Bioepis for biologics manufacturing contracts.";

fn org(name: &str, aliases: &[&str], country: Country) -> OrganizationRecord {
    OrganizationRecord {
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        kind: OrganizationKind::Cdmo,
        country: Some(country),
        region: None,
        city: None,
        parent: None,
    }
}

/// Merges one more article (through the store, as ingestion does) naming CDMOs with
/// Hangul and Hanzi aliases and a facility.
async fn merge_songdo_article(store: &Store) {
    let mut record = ExtractionRecord::empty(SourceMeta {
        title: Some(ARTICLE_TITLE.into()),
        publisher: Some("Test Wire".into()),
        url: Some(ARTICLE_URL.into()),
        published: Some("2025-04-01".parse().unwrap()),
        language: Language::En,
    });
    record.organizations = vec![
        org("Samsung Biologics", &["삼성바이오로직스"], Country::KR),
        org("Samsung Bioepis", &["삼성바이오에피스"], Country::KR),
        org("WuXi Biologics", &["药明生物"], Country::CN),
    ];
    record.facilities = vec![FacilityRecord {
        name: Some("Songdo Bio Campus".into()),
        operator: "Samsung Biologics".into(),
        country: Some(Country::KR),
        region: None,
        city: None,
        modalities: Vec::new(),
        capacity_liters: None,
        status: Some(FacilityStatus::Operational),
        evidence: "Samsung Biologics (삼성바이오로직스) said on Monday that Plant 5 at its \
            Songdo Bio Campus is complete."
            .into(),
        confidence: 0.9,
    }];
    merge_document(
        store,
        DocumentInput {
            record: &record,
            text: ARTICLE_TEXT,
            source_id: Some("test"),
            extractor_version: "test/1",
            web: None,
        },
    )
    .await
    .expect("the article merges");
}

async fn seeded(engine: Engine) -> Option<TestApp> {
    let app = spawn_app(engine).await?;
    app.ingest_seeds().await;
    merge_songdo_article(&app.store).await;
    Some(app)
}

async fn search(app: &TestApp, vars: Value) -> Value {
    app.graphql_vars(HITS, vars).await["search"].clone()
}

async fn hits(app: &TestApp, q: &str) -> Vec<Value> {
    search(app, json!({ "q": q })).await["hits"]
        .as_array()
        .unwrap()
        .clone()
}

/// `(typename, name or title)` of each hit.
fn labels(hits: &[Value]) -> Vec<(String, String)> {
    hits.iter()
        .map(|h| {
            let n = &h["node"];
            let label = n["name"].as_str().or(n["title"].as_str()).unwrap_or("");
            (
                n["__typename"].as_str().unwrap().to_string(),
                label.to_string(),
            )
        })
        .collect()
}

fn scores(hits: &[Value]) -> Vec<f64> {
    hits.iter().map(|h| h["score"].as_f64().unwrap()).collect()
}

fn assert_best_first(hits: &[Value]) {
    let s = scores(hits);
    assert!(s.windows(2).all(|w| w[0] >= w[1]), "not best first: {s:?}");
}

fn label(kind: &str, name: &str) -> (String, String) {
    (kind.to_string(), name.to_string())
}

async fn organizations_are_found_by_english_name_hangul_alias_and_two_hanzi(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    // An organization of the seeds, by its English name.
    let found = hits(&app, "Helixmith").await;
    assert_eq!(
        labels(&found)[0],
        label("Organization", "Helixmith"),
        "{found:?}"
    );
    assert_eq!(found[0]["matchedField"], "NAME");
    assert!(found[0]["score"].as_f64().unwrap() >= 3.0, "{found:?}");

    // A full Hangul alias, and the first two syllables of one (too short for trigrams).
    let found = hits(&app, "삼성바이오로직스").await;
    assert_eq!(
        labels(&found)[0],
        label("Organization", "Samsung Biologics")
    );
    assert_eq!(found[0]["matchedText"], "삼성바이오로직스");
    assert_eq!(found[0]["matchedField"], "ALIAS");
    let found = hits(&app, "삼성").await;
    let l = labels(&found);
    let pos = |name: &str| l.iter().position(|x| *x == label("Organization", name));
    let (biologics, bioepis) = (pos("Samsung Biologics"), pos("Samsung Bioepis"));
    assert!(biologics.is_some() && bioepis.is_some(), "{found:?}");
    assert_eq!(
        s_at(&found, biologics.unwrap()),
        s_at(&found, bioepis.unwrap()),
        "aliases of the same length score the same"
    );
    assert!(biologics < bioepis, "equal scores in id order: {l:?}");

    // Two Hanzi: no trigram, found by substring, ranked as a prefix of the alias.
    let found = hits(&app, "药明").await;
    let wuxi = labels(&found)
        .iter()
        .position(|x| *x == label("Organization", "WuXi Biologics"))
        .expect("WuXi Biologics found by 药明");
    assert_eq!(found[wuxi]["matchedText"], "药明生物");
    let s = s_at(&found, wuxi);
    assert!((2.0..3.0).contains(&s), "a prefix match scores 2–3: {s}");
    // The article whose text names it comes after the organizations.
    let article = labels(&found)
        .iter()
        .position(|x| *x == label("Article", ARTICLE_TITLE))
        .expect("the article found by its text");
    assert!(wuxi < article && s_at(&found, article) < 1.0, "{found:?}");
    assert_best_first(&found);
}

async fn exact_names_rank_before_prefixes_before_other_matches(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    // Legal form, case and punctuation do not stop an exact match.
    let found = hits(&app, "SAMSUNG BIOLOGICS Co., Ltd.").await;
    assert_eq!(
        labels(&found)[0],
        label("Organization", "Samsung Biologics")
    );
    assert!(found[0]["score"].as_f64().unwrap() >= 3.0, "{found:?}");

    // Exact name, then the article title that starts with it, then text-only matches.
    let found = hits(&app, "Samsung Biologics").await;
    assert_best_first(&found);
    let l = labels(&found);
    assert_eq!(l[0], label("Organization", "Samsung Biologics"));
    assert_eq!(l[1], label("Article", ARTICLE_TITLE));
    let s = scores(&found);
    assert!(s[0] >= 3.0 && (2.0..3.0).contains(&s[1]), "{s:?}");

    // A name that starts with the query above a title that contains it, above text.
    let found = hits(&app, "Songdo").await;
    assert_best_first(&found);
    assert_eq!(labels(&found)[0], label("Facility", "Songdo Bio Campus"));
    assert!((2.0..3.0).contains(&s_at(&found, 0)), "prefix: {found:?}");
    assert_eq!(labels(&found)[1], label("Article", ARTICLE_TITLE));
    assert!((1.0..2.0).contains(&s_at(&found, 1)), "infix: {found:?}");
    for (i, h) in found.iter().enumerate().skip(2) {
        assert_eq!(h["matchedField"], "TEXT", "{h}");
        assert!(s_at(&found, i) < 1.0, "{h}");
    }
    for h in &found {
        let text = h["matchedText"].as_str().unwrap().to_lowercase();
        assert!(text.contains("songdo"), "every hit shows its match: {h}");
    }
}

fn s_at(hits: &[Value], i: usize) -> f64 {
    hits[i]["score"].as_f64().unwrap()
}

async fn article_titles_and_texts_are_searchable_with_a_snippet(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    // Words of the title, not adjacent, in any case.
    let found = search(
        &app,
        json!({ "q": "plant SONGDO completes", "types": ["ARTICLE"] }),
    )
    .await;
    let h = &found["hits"][0];
    assert_eq!(h["node"]["url"], ARTICLE_URL);
    assert_eq!(h["matchedField"], "TITLE");
    assert_eq!(h["matchedText"], ARTICLE_TITLE);

    // A phrase only in the text: a snippet around it.
    let found = search(
        &app,
        json!({ "q": "manufacturing contracts", "types": ["ARTICLE"] }),
    )
    .await;
    let h = &found["hits"][0];
    assert_eq!(h["node"]["url"], ARTICLE_URL);
    assert_eq!(h["matchedField"], "TEXT");
    let snippet = h["matchedText"].as_str().unwrap();
    assert!(snippet.contains("manufacturing contracts"), "{snippet}");
    assert!(
        snippet.chars().count() < ARTICLE_TEXT.chars().count(),
        "{snippet}"
    );
    assert!(h["score"].as_f64().unwrap() < 1.0);

    // Seed articles are searchable by their text too.
    let found = search(
        &app,
        json!({ "q": "advanced biopharmaceuticals", "types": ["ARTICLE"] }),
    )
    .await;
    let urls: Vec<&str> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["node"]["url"].as_str())
        .collect();
    assert!(
        urls.contains(&"https://cm.asiae.co.kr/en/article/2022031717075293775"),
        "{found}"
    );
}

async fn types_and_first_narrow_the_hits(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let all = search(&app, json!({ "q": "Songdo" })).await;
    let kinds: Vec<String> = labels(all["hits"].as_array().unwrap())
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(kinds.contains(&"Facility".to_string()) && kinds.contains(&"Article".to_string()));
    assert_eq!(all["hasMore"], false);

    let facilities = search(&app, json!({ "q": "Songdo", "types": ["FACILITY"] })).await;
    assert_eq!(
        labels(facilities["hits"].as_array().unwrap()),
        vec![label("Facility", "Songdo Bio Campus")]
    );

    let one = search(&app, json!({ "q": "Songdo", "first": 1 })).await;
    assert_eq!(one["hits"].as_array().unwrap().len(), 1);
    assert_eq!(one["hasMore"], true);
    assert_eq!(
        one["hits"][0], all["hits"][0],
        "the first hit is the best one"
    );

    let none = search(&app, json!({ "q": "Songdo", "first": 0 })).await;
    assert_eq!(none["hits"], json!([]));
}

async fn hostile_input_is_searched_literally_and_bad_queries_are_refused(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    for q in [
        "\"",
        "*",
        "NEAR(",
        "NEAR(Samsung Bioepis, 2)",
        "'; drop table organizations; --",
        "Helix\" OR \"x",
        "a*",
        "100%_",
        "\\",
        "-",
        "^Samsung",
        "삼성 AND NOT",
    ] {
        let body = app.graphql_raw(HITS, json!({ "q": q })).await;
        assert!(body.get("errors").is_none(), "{q}: {body}");
        assert!(body["data"]["search"]["hits"].is_array(), "{q}: {body}");
    }
    // Punctuation around a word is not part of it; the tables are all still there.
    let found = hits(&app, "-Helixmith*").await;
    assert_eq!(labels(&found)[0], label("Organization", "Helixmith"));
    let data = app.graphql("{ organizations { totalCount } }").await;
    assert!(data["organizations"]["totalCount"].as_i64().unwrap() > 3);

    let long = "a".repeat(201);
    for (vars, what) in [
        (json!({ "q": "" }), "empty"),
        (json!({ "q": "  \t " }), "whitespace"),
        (json!({ "q": long }), "over 200 characters"),
        (json!({ "q": "Samsung", "first": -1 }), "negative first"),
        (
            json!({ "q": "Samsung", "first": 100_000 }),
            "first over the maximum",
        ),
    ] {
        let body = app.graphql_raw(HITS, vars).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{what}: {body}");
    }
    let body = app.graphql_raw(HITS, json!({ "q": "" })).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("empty"),
        "{body}"
    );
    let body = app.graphql_raw(HITS, json!({ "q": "a".repeat(201) })).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("200"),
        "{body}"
    );
    let ok = app.graphql_raw(HITS, json!({ "q": "a".repeat(200) })).await;
    assert!(
        ok.get("errors").is_none(),
        "200 characters are allowed: {ok}"
    );
}

async fn the_index_follows_merges_renames_retractions_restores_and_deletes(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    assert!(hits(&app, "Songdo").await.is_empty(), "not merged yet");

    // A newly merged article, its organizations and facility are searchable at once.
    merge_songdo_article(&app.store).await;
    let l = labels(&hits(&app, "Songdo").await);
    assert!(l.contains(&label("Facility", "Songdo Bio Campus")), "{l:?}");
    assert!(l.contains(&label("Article", ARTICLE_TITLE)), "{l:?}");
    assert_eq!(
        labels(&hits(&app, "药明生物").await)[0],
        label("Organization", "WuXi Biologics")
    );

    // Renaming a facility replaces its name in the index.
    let db = app.store.conn();
    let campus = facility::Entity::find()
        .filter(facility::Column::Name.eq("Songdo Bio Campus"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut am: facility::ActiveModel = campus.clone().into();
    am.name = Set(Some("Incheon Plant 5".into()));
    am.name_key = Set(Some(name_key("Incheon Plant 5")));
    am.update(db).await.unwrap();
    let found = search(&app, json!({ "q": "Songdo", "types": ["FACILITY"] })).await;
    assert_eq!(found["hits"], json!([]), "the old name is gone");
    let found = search(&app, json!({ "q": "Incheon Plant", "types": ["FACILITY"] })).await;
    assert_eq!(
        labels(found["hits"].as_array().unwrap()),
        vec![label("Facility", "Incheon Plant 5")]
    );

    // A retracted facility is not shown.
    let mut am: facility::ActiveModel = facility::Entity::find_by_id(campus.id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into();
    am.retracted_at = Set(Some(chrono::Utc::now()));
    am.retraction_reason = Set(Some("test".into()));
    am.update(db).await.unwrap();
    let found = search(&app, json!({ "q": "Incheon Plant", "types": ["FACILITY"] })).await;
    assert_eq!(found["hits"], json!([]), "retracted");
    // Restored: shown again.
    let mut am: facility::ActiveModel = facility::Entity::find_by_id(campus.id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into();
    am.retracted_at = Set(None);
    am.retraction_reason = Set(None);
    am.update(db).await.unwrap();
    let found = search(&app, json!({ "q": "Incheon Plant", "types": ["FACILITY"] })).await;
    assert_eq!(
        labels(found["hits"].as_array().unwrap()),
        vec![label("Facility", "Incheon Plant 5")],
        "restored"
    );

    // Renaming an organization: found by the new name (the old stays as an alias).
    let wuxi = organization::Entity::find()
        .filter(organization::Column::Name.eq("WuXi Biologics"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut am: organization::ActiveModel = wuxi.into();
    am.name = Set("WuXi Biologics (Cayman)".into());
    am.name_key = Set(name_key("WuXi Biologics (Cayman)"));
    am.update(db).await.unwrap();
    let found = hits(&app, "Cayman").await;
    assert_eq!(
        labels(&found),
        vec![label("Organization", "WuXi Biologics (Cayman)")]
    );

    // Deleting the article takes it out of the index.
    article::Entity::delete_many()
        .filter(article::Column::Url.eq(ARTICLE_URL))
        .exec(db)
        .await
        .unwrap();
    let found = search(
        &app,
        json!({ "q": "manufacturing contracts", "types": ["ARTICLE"] }),
    )
    .await;
    assert_eq!(found["hits"], json!([]));

    // Deleting an organization (its aliases go with it) does too.
    organization::Entity::delete_many()
        .filter(organization::Column::Name.eq("Samsung Bioepis"))
        .exec(db)
        .await
        .unwrap();
    let l = labels(&hits(&app, "삼성바이오에피스").await);
    assert!(
        !l.contains(&label("Organization", "Samsung Bioepis")),
        "{l:?}"
    );
    let l = labels(&hits(&app, "Samsung Bioepis").await);
    assert!(!l.iter().any(|(k, _)| k == "Organization"), "{l:?}");
}

async fn rows_written_before_the_search_migration_are_indexed_by_it(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    // Roll back to before the search migration (and any later one), write, migrate again.
    let applied = store.applied_migrations().await.unwrap();
    let at = applied
        .iter()
        .position(|m| m == "m20261122_000004_search")
        .expect("the search migration is applied");
    Migrator::down(store.conn(), Some((applied.len() - at) as u32))
        .await
        .expect("the search migration rolls back");
    merge_songdo_article(&store).await;
    store
        .migrate()
        .await
        .expect("the search migration applies again");

    let find = |q: &str, kinds: Vec<SearchKind>| {
        let store = store.clone();
        let text = SearchText::parse(q).unwrap();
        async move {
            search::search(&store, &text, &kinds, 20)
                .await
                .unwrap()
                .hits
        }
    };
    let found = find("药明", vec![SearchKind::Organization]).await;
    assert!(
        matches!(&found[0].node, SearchNode::Organization(o) if o.name == "WuXi Biologics"),
        "{found:?}"
    );
    assert_eq!(found[0].matched_text, "药明生物");
    let found = find("Songdo Bio Campus", vec![SearchKind::Facility]).await;
    assert_eq!(found.len(), 1, "indexed once: {found:?}");
    let found = find("completes Plant", vec![SearchKind::Article]).await;
    assert!(
        matches!(&found[0].node, SearchNode::Article(a) if a.url.as_deref() == Some(ARTICLE_URL)),
        "{found:?}"
    );
    // And the triggers are back: a rename is seen.
    let db = store.conn();
    let campus = facility::Entity::find()
        .filter(facility::Column::Name.eq("Songdo Bio Campus"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut am: facility::ActiveModel = campus.into();
    am.name = Set(Some("Incheon Plant 5".into()));
    am.name_key = Set(Some(name_key("Incheon Plant 5")));
    am.update(db).await.unwrap();
    assert!(
        find("Songdo Bio Campus", vec![SearchKind::Facility])
            .await
            .is_empty()
    );
    assert_eq!(find("Incheon", vec![SearchKind::Facility]).await.len(), 1);
}
