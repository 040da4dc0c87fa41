//! Extraction against the gold records: each `seeds/gold/NAME.json` is the reviewed record
//! of `seeds/NAME.txt`, and the extractor must reproduce it (confidence aside).

use std::path::Path;

use cdmo_ingest::{Extractor, Manifest, read_document};
use serde_json::Value;

use crate::helpers::seeds_dir;

/// The record as compared: confidence dropped, party and alias order ignored.
fn normalise(mut v: Value) -> Value {
    for key in ["facilities", "licenses", "agreements", "policies"] {
        if let Some(items) = v[key].as_array_mut() {
            for item in items {
                if let Some(o) = item.as_object_mut() {
                    o.remove("confidence");
                }
                for list in ["parties", "agencies"] {
                    if let Some(a) = item[list].as_array_mut() {
                        a.sort_by_key(|x| x.to_string());
                    }
                }
            }
        }
    }
    if let Some(orgs) = v["organizations"].as_array_mut() {
        for o in orgs {
            if let Some(a) = o["aliases"].as_array_mut() {
                a.sort_by_key(|x| x.to_string());
            }
        }
    }
    v
}

fn diff(path: &str, gold: &Value, got: &Value, out: &mut Vec<String>) {
    match (gold, got) {
        (Value::Object(g), Value::Object(o)) => {
            for (k, gv) in g {
                diff(
                    &format!("{path}.{k}"),
                    gv,
                    o.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
            for k in o.keys().filter(|k| !g.contains_key(*k)) {
                out.push(format!("{path}.{k}: unexpected field"));
            }
        }
        (Value::Array(g), Value::Array(o)) if g.len() == o.len() => {
            for (i, (gv, ov)) in g.iter().zip(o).enumerate() {
                diff(&format!("{path}[{i}]"), gv, ov, out);
            }
        }
        _ if gold == got => {}
        _ => out.push(format!("{path}: expected {gold}, got {got}")),
    }
}

#[test]
fn every_seed_is_read_as_its_gold_record() {
    let extractor = Extractor::embedded().unwrap();
    let seeds = seeds_dir();
    let manifest = Manifest::for_dir(&seeds).unwrap();
    let gold_dir = seeds.join("gold");
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&gold_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for gold_path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let stem = gold_path.file_stem().unwrap().to_str().unwrap();
        let text_path = seeds.join(format!("{stem}.txt"));
        assert!(
            Path::new(&text_path).is_file(),
            "gold {stem} has no seed text"
        );
        let doc = read_document(&text_path, manifest.as_ref()).unwrap();
        let got = normalise(serde_json::to_value(extractor.extract(&doc)).unwrap());
        let gold =
            normalise(serde_json::from_str(&std::fs::read_to_string(gold_path).unwrap()).unwrap());
        let mut d = Vec::new();
        diff(stem, &gold, &got, &mut d);
        failures.extend(d);
        checked += 1;
    }
    assert_eq!(checked, 5, "every seed has a gold record");
    assert!(
        failures.is_empty(),
        "extraction differs from gold:\n{}",
        failures.join("\n")
    );
}

#[test]
fn gold_records_follow_the_public_contract() {
    // Each gold file parses as an extraction record: vocabulary codes, dates and country
    // codes valid, every field of version 1 present.
    for e in std::fs::read_dir(seeds_dir().join("gold")).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let rec: cdmo_store::ExtractionRecord =
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert_eq!(rec.schema_version, 1);
        let v: Value = serde_json::from_str(&text).unwrap();
        for key in [
            "source",
            "organizations",
            "facilities",
            "licenses",
            "agreements",
            "policies",
        ] {
            assert!(v.get(key).is_some(), "{}: missing {key}", path.display());
        }
    }
}
