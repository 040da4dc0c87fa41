//! The schema's core over HTTP: global ids and `node`, Relay paging both ways in every
//! order, typed filters, timeline and partners, descriptions, complexity and statement counts.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cdmo_api::{Application, Settings};
use cdmo_store::Store;
use cdmo_store::entities::{
    agreement, agreement_party, article, evidence, facility, license, organization,
    organization_alias,
};
use sea_orm::{EntityTrait, IntoActiveModel};
use serde_json::{Value, json};

use crate::db::Engine;
use crate::helpers::{TestApp, error_code, spawn_app, spawn_app_with, test_store};
use crate::on_both_engines;

on_both_engines!(
    node_and_nodes_fetch_every_object_type_by_global_id,
    pages_go_forwards_and_backwards_in_every_order,
    paging_mistakes_get_clear_errors,
    every_connection_sorts_by_its_fields_with_unknown_values_last,
    filters_cover_every_listed_criterion,
    timeline_lists_every_fact_in_date_order_and_partners_share_agreements,
    every_type_field_argument_and_enum_value_has_a_description,
    nested_pages_are_priced_by_their_size_and_refused_over_the_limit,
    nested_queries_issue_as_many_statements_on_large_data_as_on_small,
    lists_are_counted_only_when_total_count_is_asked_for,
    nodes_are_the_edges_items_without_cursors,
);

fn edges(conn: &Value) -> Vec<Value> {
    conn["edges"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// The seeds, served without the complexity limit unless a test is about that limit.
async fn seeded(engine: Engine) -> Option<TestApp> {
    let app = spawn_app_with(engine, |s| s.graphql.max_complexity = 1_000_000).await?;
    app.ingest_seeds().await;
    Some(app)
}

async fn node_and_nodes_fetch_every_object_type_by_global_id(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let data = app
        .graphql(
            r#"{ organizations(first: 1) { edges { node { id name } } }
                 facilities(first: 1) { edges { node { id name } } }
                 licenses(first: 1) { edges { node { id licenseType evidence { id sentence } } } }
                 agreements(first: 1) { edges { node { id scope } } }
                 policies(first: 1) { edges { node { id name } } }
                 articles(first: 1) { edges { node { id title } } }
                 ingestRuns(first: 1) { edges { node { id source } } } }"#,
        )
        .await;
    let mut ids = Vec::new();
    for list in [
        "organizations",
        "facilities",
        "licenses",
        "agreements",
        "policies",
        "articles",
        "ingestRuns",
    ] {
        let node = &edges(&data[list])[0];
        let id = node["id"].as_str().unwrap().to_string();
        let got = app
            .graphql_vars(
                r#"query($id: ID!) { node(id: $id) { __typename id } }"#,
                json!({ "id": id }),
            )
            .await;
        assert_eq!(got["node"]["id"], id.as_str(), "{list}: {got}");
        ids.push(id);
    }
    let ev = edges(&data["licenses"])[0]["evidence"][0].clone();
    let got = app
        .graphql_vars(
            r#"query($id: ID!) { node(id: $id) { ... on Evidence { sentence } } }"#,
            json!({ "id": ev["id"] }),
        )
        .await;
    assert_eq!(got["node"]["sentence"], ev["sentence"]);

    // nodes keeps the order asked for, with null for an id that names no row.
    let missing = cdmo_api::graphql::ids::encode("License", 999_999).0;
    let mut asked = ids.clone();
    asked.reverse();
    asked.push(missing);
    let got = app
        .graphql_vars(
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { id } }"#,
            json!({ "ids": asked }),
        )
        .await;
    let got: Vec<Value> = got["nodes"].as_array().unwrap().clone();
    assert_eq!(got.len(), asked.len());
    for (g, want) in got.iter().zip(&asked[..asked.len() - 1]) {
        assert_eq!(g["id"], want.as_str());
    }
    assert_eq!(got[asked.len() - 1], Value::Null);

    // Typed fragments work through the interface.
    let org_id = &ids[0];
    let got = app
        .graphql_vars(
            r#"query($id: ID!) { node(id: $id) { ... on Organization { name } } }"#,
            json!({ "id": org_id }),
        )
        .await;
    assert_eq!(
        got["node"]["name"],
        edges(&data["organizations"])[0]["name"]
    );

    let body = app
        .graphql_raw(r#"{ node(id: "bm90LWFuLWlk!") { id } }"#, Value::Null)
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let too_many: Vec<String> = (0..101)
        .map(|i| cdmo_api::graphql::ids::encode("Organization", i).0)
        .collect();
    let body = app
        .graphql_raw(
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { id } }"#,
            json!({ "ids": too_many }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(body.to_string().contains("at most 100"), "{body}");
}

/// Every node of a connection, walking pages of `size` forwards (`first`/`after`) or
/// backwards (`last`/`before`); the pages are checked for consistent pageInfo.
async fn walk(
    app: &TestApp,
    field: &str,
    args: &str,
    sel: &str,
    size: usize,
    back: bool,
) -> Vec<Value> {
    let q = format!(
        r#"query($c: String) {{ x: {field}({args} {} : {size}, {}: $c) {{ totalCount
            pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
            edges {{ cursor node {{ {sel} }} }} }} }}"#,
        if back { "last" } else { "first" },
        if back { "before" } else { "after" },
    );
    let mut out: Vec<Value> = Vec::new();
    let mut cursor = Value::Null;
    for _ in 0..200 {
        let data = app.graphql_vars(&q, json!({ "c": cursor })).await;
        let conn = &data["x"];
        let page = edges(conn);
        assert!(page.len() <= size);
        let info = &conn["pageInfo"];
        let more = if back {
            info["hasPreviousPage"].as_bool().unwrap()
        } else {
            info["hasNextPage"].as_bool().unwrap()
        };
        if !page.is_empty() {
            assert_eq!(info["startCursor"], conn["edges"][0]["cursor"]);
        }
        if back {
            let mut p = page;
            p.extend(out);
            out = p;
        } else {
            out.extend(page);
        }
        let total = conn["totalCount"].as_u64().unwrap() as usize;
        if !more {
            assert_eq!(out.len(), total, "{field}({args}) walked {out:?}");
            return out;
        }
        cursor = if back {
            info["startCursor"].clone()
        } else {
            info["endCursor"].clone()
        };
    }
    panic!("paging did not end");
}

async fn pages_go_forwards_and_backwards_in_every_order(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        ("organizations", "", "id name", None),
        (
            "organizations",
            "orderBy: {field: NAME},",
            "id name",
            Some("name"),
        ),
        (
            "organizations",
            "orderBy: {field: NAME, direction: DESC},",
            "id name",
            Some("name"),
        ),
        ("organizations", "orderBy: {field: CREATED_AT},", "id", None),
        (
            "licenses",
            "orderBy: {field: DATE, direction: DESC},",
            "id date",
            Some("date"),
        ),
        (
            "facilities",
            "orderBy: {field: CAPACITY},",
            "id capacityLiters",
            Some("capacityLiters"),
        ),
        (
            "agreements",
            "orderBy: {field: VALUE, direction: DESC},",
            "id valueUsd",
            Some("valueUsd"),
        ),
        (
            "agreements",
            "orderBy: {field: DATE},",
            "id date",
            Some("date"),
        ),
        (
            "articles",
            "orderBy: {field: PUBLISHED_AT},",
            "id published",
            Some("published"),
        ),
        (
            "policies",
            "orderBy: {field: DATE},",
            "id date",
            Some("date"),
        ),
        ("ingestRuns", "", "id", None),
    ];
    for (field, args, sel, _) in cases {
        let all = app
            .graphql(&format!(
                "{{ x: {field}({args} first: 100) {{ edges {{ node {{ {sel} }} }} }} }}"
            ))
            .await;
        let all = edges(&all["x"]);
        assert!(!all.is_empty(), "{field} is empty in the seeds");
        let fwd = walk(&app, field, args, sel, 2, false).await;
        let back = walk(&app, field, args, sel, 3, true).await;
        assert_eq!(fwd, all, "{field}({args}) forwards");
        assert_eq!(back, all, "{field}({args}) backwards");
    }
    // Nested connections page the same way.
    let org = app
        .graphql(r#"{ organization(name: "Zhejiang Medical Products Administration") { id } }"#)
        .await;
    let id = org["organization"]["id"].as_str().unwrap().to_string();
    let q = |args: &str| {
        format!(
            r#"{{ node(id: "{id}") {{ ... on Organization {{ licensesIssued({args}) {{ totalCount
            pageInfo {{ hasNextPage hasPreviousPage }} edges {{ cursor node {{ id }} }} }} }} }} }}"#
        )
    };
    let all = app.graphql(&q("first: 100")).await;
    let all = &all["node"]["licensesIssued"];
    let n = all["totalCount"].as_u64().unwrap();
    assert!(n >= 2, "{all}");
    let last_cursor = all["edges"][n as usize - 1]["cursor"].as_str().unwrap();
    let page = app
        .graphql(&q(&format!(r#"last: 1, before: "{last_cursor}""#)))
        .await;
    let page = &page["node"]["licensesIssued"];
    assert_eq!(
        page["edges"][0]["node"],
        all["edges"][n as usize - 2]["node"]
    );
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], n > 2);
}

async fn paging_mistakes_get_clear_errors(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let body = app
        .graphql_raw(
            "{ licenses(first: 2, last: 2) { totalCount } }",
            Value::Null,
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert!(body.to_string().contains("not both"), "{body}");
    let body = app
        .graphql_raw(
            r#"{ licenses(after: "bm9wZQ") { totalCount } }"#,
            Value::Null,
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert!(body.to_string().contains("`after` cursor"), "{body}");
    let body = app
        .graphql_raw("{ licenses(last: 1000) { totalCount } }", Value::Null)
        .await;
    assert!(
        body.to_string()
            .contains("`last` must be between 0 and 100"),
        "{body}"
    );
    // A cursor of one order is refused in another rather than silently misplaced.
    let data = app
        .graphql("{ organizations(first: 1, orderBy: {field: NAME}) { pageInfo { endCursor } } }")
        .await;
    let cursor = data["organizations"]["pageInfo"]["endCursor"].clone();
    let body = app
        .graphql_raw(
            "query($c: String) { organizations(first: 1, after: $c) { totalCount } }",
            json!({ "c": cursor }),
        )
        .await;
    assert!(body.to_string().contains("another order"), "{body}");
    // The default page size applies when neither `first` nor `last` is given.
    let app = spawn_app_with(engine, |s| s.graphql.default_page_size = 3)
        .await
        .unwrap();
    app.ingest_seeds().await;
    let data = app
        .graphql("{ organizations { edges { node { id } } } }")
        .await;
    assert_eq!(edges(&data["organizations"]).len(), 3);
}

/// Values of `key` in order, checking non-null values are sorted and nulls come last.
fn assert_sorted(rows: &[Value], key: &str, desc: bool, what: &str) {
    let vals: Vec<&Value> = rows.iter().map(|r| &r[key]).collect();
    let first_null = vals.iter().position(|v| v.is_null()).unwrap_or(vals.len());
    assert!(
        vals[first_null..].iter().all(|v| v.is_null()),
        "{what}: nulls must come last: {vals:?}"
    );
    for w in vals[..first_null].windows(2) {
        let ord = match (w[0].as_f64(), w[1].as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap(),
            _ => {
                let (a, b) = (w[0].as_str().unwrap(), w[1].as_str().unwrap());
                // Partial dates compare by their first day.
                let pad = |s: &str| format!("{s}{}", &"0000-01-01"[s.len().min(10)..]);
                if key == "name" {
                    a.to_lowercase().cmp(&b.to_lowercase())
                } else {
                    pad(a).cmp(&pad(b))
                }
            }
        };
        let ok = if desc { ord.is_ge() } else { ord.is_le() };
        assert!(ok, "{what}: out of order: {vals:?}");
    }
}

async fn every_connection_sorts_by_its_fields_with_unknown_values_last(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let cases: &[(&str, &str, &str)] = &[
        ("facilities", "CAPACITY", "capacityLiters"),
        ("licenses", "DATE", "date"),
        ("agreements", "DATE", "date"),
        ("agreements", "VALUE", "valueUsd"),
        ("policies", "DATE", "date"),
        ("articles", "PUBLISHED_AT", "published"),
    ];
    for (field, order, key) in cases {
        for dir in ["ASC", "DESC"] {
            let data = app
                .graphql(&format!(
                    "{{ x: {field}(first: 100, orderBy: {{field: {order}, direction: {dir}}}) {{ edges {{ node {{ id {key} }} }} }} }}"
                ))
                .await;
            let rows = edges(&data["x"]);
            assert_sorted(
                &rows,
                key,
                dir == "DESC",
                &format!("{field} by {order} {dir}"),
            );
        }
    }
    // Nested connections take the same orderBy.
    let data = app
        .graphql(
            r#"{ organization(name: "Zhejiang Medical Products Administration") {
                licensesIssued(orderBy: {field: DATE, direction: DESC}) { edges { node { date } } } } }"#,
        )
        .await;
    let rows = edges(&data["organization"]["licensesIssued"]);
    assert!(rows.len() >= 2);
    assert_sorted(&rows, "date", true, "licensesIssued by DATE DESC");
}

async fn filters_cover_every_listed_criterion(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    // Expected answers are computed from the unfiltered lists, then compared.
    let all = app
        .graphql(
            r#"{ licenses(first: 100) { edges { node { licenseType holder { id } } } }
                 facilities(first: 100) { edges { node { modalities capacityLiters country operator { id } } } }
                 agreements(first: 100) { edges { node { id valueUsd parties { organization { id country } } } } } }"#,
        )
        .await;
    let licences = edges(&all["licenses"]);
    let ltype = licences[0]["licenseType"].as_str().unwrap().to_string();
    let mut want: Vec<String> = licences
        .iter()
        .filter(|l| l["licenseType"] == ltype.as_str())
        .map(|l| l["holder"]["id"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    want.dedup();
    let data = app
        .graphql(&format!(
            "{{ organizations(first: 100, filter: {{hasLicenseType: {ltype}}}) {{ edges {{ node {{ id }} }} }} }}"
        ))
        .await;
    let mut got: Vec<String> = edges(&data["organizations"])
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, want, "hasLicenseType {ltype}");

    let facilities = edges(&all["facilities"]);
    let with_modality: Vec<&Value> = facilities
        .iter()
        .filter(|f| f["modalities"].as_array().is_some_and(|m| !m.is_empty()))
        .collect();
    assert!(
        !with_modality.is_empty(),
        "no facility with a modality in the seeds"
    );
    let m = with_modality[0]["modalities"][0]
        .as_str()
        .unwrap()
        .to_string();
    let mut want: Vec<String> = facilities
        .iter()
        .filter(|f| {
            f["modalities"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x == m.as_str())
        })
        .map(|f| f["operator"]["id"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    want.dedup();
    let data = app
        .graphql(&format!(
            "{{ organizations(first: 100, filter: {{modality: {m}}}) {{ edges {{ node {{ id }} }} }}
                facilities(first: 100, filter: {{modality: {m}}}) {{ totalCount }} }}"
        ))
        .await;
    let mut got: Vec<String> = edges(&data["organizations"])
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, want, "organizations with modality {m}");
    let n_fac = facilities
        .iter()
        .filter(|f| {
            f["modalities"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x == m.as_str())
        })
        .count();
    assert_eq!(data["facilities"]["totalCount"], n_fac);

    let agreements = edges(&all["agreements"]);
    let cross: Vec<&str> = agreements
        .iter()
        .filter(|a| {
            let mut c: Vec<&str> = a["parties"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p["organization"]["country"].as_str())
                .collect();
            c.sort();
            c.dedup();
            c.len() > 1
        })
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let data = app
        .graphql(
            "{ agreements(first: 100, filter: {crossBorderOnly: true}) { edges { node { id } } } }",
        )
        .await;
    let got: Vec<String> = edges(&data["agreements"])
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, cross, "crossBorderOnly");
    let values: Vec<f64> = agreements
        .iter()
        .filter_map(|a| a["valueUsd"].as_f64())
        .collect();
    if let Some(v) = values.iter().cloned().reduce(f64::max) {
        let data = app
            .graphql(&format!(
                "{{ agreements(filter: {{minValueUsd: {v}}}) {{ totalCount }} }}"
            ))
            .await;
        assert_eq!(
            data["agreements"]["totalCount"],
            values.iter().filter(|x| **x >= v).count()
        );
    }
    let body = app
        .graphql_raw(
            r#"{ agreements(filter: {minValueUsd: -1}) { totalCount } }"#,
            Value::Null,
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    let body = app
        .graphql_raw(
            r#"{ organizations(filter: {country: "Korea"}) { totalCount } }"#,
            Value::Null,
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

async fn timeline_lists_every_fact_in_date_order_and_partners_share_agreements(engine: Engine) {
    let Some(app) = seeded(engine).await else {
        return;
    };
    let data = app
        .graphql(
            r#"{ organizations(first: 100) { edges { node { id name
                licenses { totalCount } facilities { totalCount } agreements { totalCount } policies { totalCount }
                timeline(first: 100) { totalCount edges { node { date kind fact {
                    __typename
                    ... on License { id evidence { sentence } }
                    ... on Facility { id evidence { sentence } }
                    ... on Agreement { id evidence { sentence } }
                    ... on Policy { id evidence { sentence } } } } } }
                partners { agreementCount organization { id name } agreements { id parties { organization { id } } } } } } } }"#,
        )
        .await;
    let orgs = edges(&data["organizations"]);
    let mut saw_facts = 0;
    let mut saw_partners = 0;
    for o in &orgs {
        let facts: u64 = ["licenses", "facilities", "agreements", "policies"]
            .iter()
            .map(|k| o[*k]["totalCount"].as_u64().unwrap())
            .sum();
        let tl = &o["timeline"];
        assert_eq!(tl["totalCount"].as_u64().unwrap(), facts, "{}", o["name"]);
        let entries = edges(tl);
        assert_eq!(entries.len() as u64, facts);
        assert_sorted(&entries, "date", false, "timeline");
        for e in &entries {
            assert_eq!(
                e["kind"].as_str().unwrap(),
                e["fact"]["__typename"].as_str().unwrap().to_uppercase()
            );
            assert!(e["fact"]["evidence"].is_array());
        }
        saw_facts += facts;
        let partners = o["partners"].as_array().unwrap();
        for p in partners {
            saw_partners += 1;
            let agreements = p["agreements"].as_array().unwrap();
            assert_eq!(
                p["agreementCount"].as_u64().unwrap() as usize,
                agreements.len()
            );
            for a in agreements {
                let parties: Vec<&Value> = a["parties"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| &x["organization"]["id"])
                    .collect();
                assert!(parties.contains(&&o["id"]) && parties.contains(&&p["organization"]["id"]));
            }
        }
        for w in partners.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let (ca, cb) = (a["agreementCount"].as_u64(), b["agreementCount"].as_u64());
            assert!(
                ca > cb
                    || (ca == cb
                        && a["organization"]["name"].as_str()
                            <= b["organization"]["name"].as_str())
            );
        }
    }
    assert!(
        saw_facts > 0 && saw_partners > 0,
        "seeds give facts and partners"
    );
}

/// Every type, field, argument, input field and enum value of the served schema lacking a
/// description (introspection types and built-in scalars aside).
async fn undocumented(app: &TestApp) -> Vec<String> {
    let data = app
        .graphql(
            r#"{ __schema { types { name kind description
                fields(includeDeprecated: true) { name description args { name description } }
                inputFields { name description }
                enumValues(includeDeprecated: true) { name description } } } }"#,
        )
        .await;
    let builtin = ["String", "Int", "Float", "Boolean", "ID"];
    let blank = |v: &Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    let mut out = Vec::new();
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        if blank(&t["description"]) {
            out.push(format!("type {name}"));
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let fname = f["name"].as_str().unwrap();
            if blank(&f["description"]) {
                out.push(format!("field {name}.{fname}"));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if blank(&a["description"]) {
                    out.push(format!(
                        "argument {name}.{fname}({})",
                        a["name"].as_str().unwrap()
                    ));
                }
            }
        }
        for f in t["inputFields"].as_array().into_iter().flatten() {
            if blank(&f["description"]) {
                out.push(format!(
                    "input field {name}.{}",
                    f["name"].as_str().unwrap()
                ));
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if blank(&v["description"]) {
                out.push(format!("enum value {name}.{}", v["name"].as_str().unwrap()));
            }
        }
    }
    out
}

async fn every_type_field_argument_and_enum_value_has_a_description(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    let missing = undocumented(&app).await;
    assert!(
        missing.is_empty(),
        "{} schema elements have no description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

async fn nested_pages_are_priced_by_their_size_and_refused_over_the_limit(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let body = app
        .graphql_raw(
            "{ organizations(first: 100) { edges { node { licenses(first: 100) { edges { node { id date } } } } } } }",
            Value::Null,
        )
        .await;
    let msg = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("complex"),
        "100 × 100 rows must be refused: {body}"
    );
    assert!(msg.contains("graphql.max_complexity (2000)"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], "max_complexity");
    assert_eq!(body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    assert!(body["data"].is_null(), "{body}");
    // The same shape with small pages is within the limit.
    app.graphql("{ organizations(first: 10) { edges { node { licenses(first: 10) { edges { node { id date } } } } } } }")
        .await;
    // `last` is priced like `first`.
    let body = app
        .graphql_raw(
            "{ organizations(last: 100) { edges { node { licenses(last: 100) { edges { node { id date } } } } } } }",
            Value::Null,
        )
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("complex"),
        "{body}"
    );
}

/// A database of `orgs` organizations where the first 50 each hold `per_org` licences
/// (issued by organization 1, at a facility with evidence) and agreements, written in bulk.
async fn generate(store: &Store, orgs: i64, per_org: i64) {
    let db = store.conn();
    let now = chrono::Utc::now();
    let orgs_rows: Vec<organization::ActiveModel> = (1..=orgs)
        .map(|i| {
            organization::Model {
                id: i,
                name: format!("Generated Org {i:05}"),
                name_key: format!("generated org {i:05}"),
                kind: "cdmo".into(),
                country: Some(if i % 2 == 0 { "KR" } else { "US" }.into()),
                region: None,
                city: None,
                parent_id: None,
                created_at: now,
                updated_at: now,
            }
            .into_active_model()
        })
        .collect();
    for chunk in orgs_rows.chunks(200) {
        organization::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    let aliases: Vec<organization_alias::ActiveModel> = (1..=orgs)
        .map(|i| {
            organization_alias::Model {
                id: i,
                organization_id: i,
                alias: format!("GenOrg {i}"),
                alias_key: format!("genorg {i}"),
            }
            .into_active_model()
        })
        .collect();
    for chunk in aliases.chunks(200) {
        organization_alias::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    article::Entity::insert(
        article::Model {
            id: 1,
            url: Some("https://example.org/generated".into()),
            publisher: Some("Generated".into()),
            published: None,
            published_precision: None,
            language: "en".into(),
            title: Some("Generated".into()),
            text: "Generated text.".into(),
            content_hash: "generated".into(),
            source_id: None,
            ingested_at: now,
            simhash: None,
        }
        .into_active_model(),
    )
    .exec(db)
    .await
    .unwrap();
    let mut facilities = Vec::new();
    let mut licences = Vec::new();
    let mut evidence_rows = Vec::new();
    let mut agreements = Vec::new();
    let mut parties = Vec::new();
    let mut n = 0;
    for org in 1..=50.min(orgs) {
        facilities.push(
            facility::Model {
                id: org,
                operator_id: org,
                name: Some(format!("Plant {org}")),
                name_key: Some(format!("plant {org}")),
                country: Some("KR".into()),
                region: None,
                city: None,
                capacity_liters: Some(1000.0),
                status: None,
                reported_on: None,
                created_at: now,
                updated_at: now,
                retracted_at: None,
                retraction_reason: None,
            }
            .into_active_model(),
        );
        for k in 0..per_org {
            n += 1;
            licences.push(
                license::Model {
                    id: n,
                    holder_id: org,
                    license_type: "kr_gmp".into(),
                    authority_id: Some(1),
                    country: Some("KR".into()),
                    facility_id: Some(org),
                    date: chrono::NaiveDate::from_ymd_opt(2020, 1, 1 + (k % 28) as u32),
                    date_precision: Some("day".into()),
                    created_at: now,
                    updated_at: now,
                    retracted_at: None,
                    retraction_reason: None,
                }
                .into_active_model(),
            );
            evidence_rows.push(
                evidence::Model {
                    id: n,
                    article_id: 1,
                    facility_id: None,
                    license_id: Some(n),
                    agreement_id: None,
                    policy_id: None,
                    sentence: format!("Licence {n}."),
                    confidence: 0.9,
                    extractor_version: "test".into(),
                    created_at: now,
                    superseded_at: None,
                }
                .into_active_model(),
            );
            let partner = (org + k) % orgs + 1;
            if partner != org {
                agreements.push(
                    agreement::Model {
                        id: n,
                        agreement_type: "supply".into(),
                        scope: None,
                        date: None,
                        date_precision: None,
                        value_usd: Some(n as f64),
                        party_key: format!("{n}"),
                        created_at: now,
                        updated_at: now,
                        retracted_at: None,
                        retraction_reason: None,
                    }
                    .into_active_model(),
                );
                for o in [org, partner] {
                    parties.push(
                        agreement_party::Model {
                            agreement_id: n,
                            organization_id: o,
                            role: None,
                        }
                        .into_active_model(),
                    );
                }
            }
        }
    }
    facility::Entity::insert_many(facilities)
        .exec(db)
        .await
        .unwrap();
    for chunk in licences.chunks(200) {
        license::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    for chunk in evidence_rows.chunks(200) {
        evidence::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    for chunk in agreements.chunks(200) {
        agreement::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    for chunk in parties.chunks(200) {
        agreement_party::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
}

const NESTED: &str = r#"{ organizations(first: 50) { totalCount edges { node { name aliases
    licenses(first: 20) { totalCount edges { node { date authority { name } facility { name operator { name } }
        evidence { sentence article { url } } } } }
    agreements(first: 20) { edges { node { valueUsd parties { role organization { name } } } } } } } } }"#;

/// Runs NESTED on a generated database and returns (statements, licences seen).
async fn count_statements(
    engine: Engine,
    orgs: i64,
    per_org: i64,
    query: &str,
) -> Option<(usize, usize)> {
    let (mut store, db) = test_store(engine).await?;
    generate(&store, orgs, per_org).await;
    let count = Arc::new(AtomicUsize::new(0));
    let log = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (c, l) = (count.clone(), log.clone());
    store.on_statement(move |sql| {
        c.fetch_add(1, Ordering::SeqCst);
        l.lock().unwrap().push(sql.chars().take(90).collect());
    });
    let mut settings = Settings {
        database_url: db.url.clone(),
        ..Settings::default()
    };
    settings.server.bind = "127.0.0.1:0".into();
    settings.graphql.max_complexity = 1_000_000;
    // Batches gather per query level; a generous window keeps a loaded test machine from
    // splitting one level's lookups in two (which would make the count timing-dependent).
    settings.graphql.loader_delay_ms = 250;
    let app = Application::build(&settings, store.clone()).unwrap();
    let address = app.base_url();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    count.store(0, Ordering::SeqCst);
    log.lock().unwrap().clear();
    let body: Value = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    let statements = count.load(Ordering::SeqCst);
    let licences: usize = edges(&body["data"]["organizations"])
        .iter()
        .map(|o| o["licenses"]["edges"].as_array().unwrap().len())
        .sum();
    eprintln!(
        "{engine:?}, {orgs} organizations: {statements} statements:\n{}",
        log.lock().unwrap().join("\n")
    );
    drop(db);
    Some((statements, licences))
}

async fn nested_queries_issue_as_many_statements_on_large_data_as_on_small(engine: Engine) {
    let Some((small, small_rows)) = count_statements(engine, 60, 1, NESTED).await else {
        return;
    };
    let (large, large_rows) = count_statements(engine, 2_000, 12, NESTED).await.unwrap();
    assert!(
        large_rows >= 10 * small_rows,
        "{small_rows} vs {large_rows} licences"
    );
    assert_eq!(
        small, large,
        "statements must not grow with rows: {small} for {small_rows} licences, {large} for {large_rows}"
    );
    // Per level: organizations (count + page); aliases, licences, agreements (links + rows);
    // authorities, facilities, evidence, parties; operators and party organizations, articles.
    assert!(small <= 14, "{small} statements");
    println!("{engine:?}: {small} statements for {small_rows} licences, {large} for {large_rows}");
}

async fn lists_are_counted_only_when_total_count_is_asked_for(engine: Engine) {
    let Some((with_total, rows)) = count_statements(engine, 60, 1, NESTED).await else {
        return;
    };
    let without = NESTED.replacen(
        "{ organizations(first: 50) { totalCount edges",
        "{ organizations(first: 50) { edges",
        1,
    );
    assert_ne!(without, NESTED);
    let (without_total, same_rows) = count_statements(engine, 60, 1, &without).await.unwrap();
    assert_eq!(rows, same_rows);
    // The root list's COUNT(*) is the one statement saved; nested totals come from the
    // batched lists already loaded.
    assert_eq!(
        without_total + 1,
        with_total,
        "{without_total} statements without totalCount, {with_total} with it"
    );
}

async fn nodes_are_the_edges_items_without_cursors(engine: Engine) {
    let Some(app) = spawn_app(engine).await else {
        return;
    };
    app.ingest_seeds().await;
    let data = app
        .graphql(
            r#"{ organizations(first: 7, orderBy: {field: NAME}) {
                nodes { id name } edges { node { id name } } }
                 licenses(last: 2) { nodes { id } edges { node { id } } } }"#,
        )
        .await;
    for list in ["organizations", "licenses"] {
        let nodes = data[list]["nodes"].as_array().unwrap().clone();
        let from_edges = edges(&data[list]);
        assert!(!nodes.is_empty(), "{list}: {data}");
        assert_eq!(nodes, from_edges, "{list}");
    }
}
