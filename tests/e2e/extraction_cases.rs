//! Extraction mechanisms case by case, from `tests/fixtures/extraction_cases.toml`: each
//! passage must give the facts it lists and none of those it rejects.

use std::collections::BTreeSet;

use cdmo_ingest::{Extractor, parse_document};
use cdmo_store::ExtractionRecord;
use serde::Deserialize;

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    published: String,
    text: String,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    reject: Vec<String>,
}

fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |x| x.to_string())
}

/// Every fact of the record as one line, in the fixture file's notation.
fn render(r: &ExtractionRecord) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for o in &r.organizations {
        out.insert(format!("org: {}", o.name));
    }
    for l in &r.licenses {
        out.insert(format!(
            "licence: {} | {} | {}",
            l.holder,
            l.license_type.as_str(),
            or_dash(l.date.as_ref())
        ));
    }
    for a in &r.agreements {
        let mut parties = a.parties.clone();
        parties.sort();
        out.insert(format!(
            "agreement: {} | {} | {}",
            a.agreement_type.as_str(),
            parties.join(" + "),
            or_dash(a.date.as_ref())
        ));
    }
    for f in &r.facilities {
        out.insert(format!(
            "facility: {} | {} | {} | {} | {}",
            f.operator,
            or_dash(f.name.as_ref()),
            or_dash(f.city.as_ref()),
            or_dash(f.capacity_liters.map(|c| c as i64)),
            or_dash(f.status.map(|s| s.as_str()))
        ));
    }
    for p in &r.policies {
        out.insert(format!(
            "policy: {} | {}",
            or_dash(p.name.as_ref()),
            or_dash(p.date.as_ref())
        ));
    }
    out
}

#[test]
fn each_mechanism_case_gives_its_facts_and_no_others_it_rejects() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/extraction_cases.toml"
    );
    let cases: Cases = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.case.len() >= 10, "the fixture file lost its cases");
    let extractor = Extractor::embedded().unwrap();
    let mut failures = Vec::new();
    for c in &cases.case {
        let text = format!(
            "Title: {}\nPublished: {}\nLanguage: en\n---\n{}\n",
            c.name, c.published, c.text
        );
        let doc = parse_document(&text, &c.name, None).unwrap();
        let got = render(&extractor.extract(&doc));
        for e in &c.expect {
            if !got.contains(e) {
                failures.push(format!("{}: missing `{e}`\n  got: {got:#?}", c.name));
            }
        }
        for r in &c.reject {
            if got.contains(r) {
                failures.push(format!("{}: must not give `{r}`", c.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
