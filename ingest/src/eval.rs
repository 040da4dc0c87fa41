//! Scoring extraction against gold records: precision, recall and F1 per fact type, date and
//! capacity accuracy on matched facts, and every miss and false hit with its file.
//!
//! Matching is by normalised name through the gold file's `aliases` map: organization = same
//! canonical name; licence = (holder, licence type); agreement = same set of parties (for an
//! acquisition, with or without the acquired company, which extraction-record.md lets a
//! record list or leave out); facility = same operator and, where both give them, the same
//! name (compared without generic site words: "Dunhua plant" = "Dunhua site") or city
//! (nothing contradicts a pairing when they share neither); policy = a shared agency.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cdmo_store::ExtractionRecord;
use cdmo_store::names::{name_key, site_key};
use cdmo_store::record::AgreementRecord;
use cdmo_store::vocab::AgreementType;
use serde::{Deserialize, Serialize};

use crate::document::read_document;
use crate::error::IngestError;
use crate::extract::Extractor;

/// A gold record: the extraction record plus acceptable name variants.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldRecord {
    #[serde(flatten)]
    pub record: ExtractionRecord,
    /// Canonical organization name → other acceptable spellings.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// The fact types scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    Organizations,
    Licences,
    Agreements,
    Facilities,
    Policies,
}

impl FactType {
    pub const ALL: [FactType; 5] = [
        FactType::Organizations,
        FactType::Licences,
        FactType::Agreements,
        FactType::Facilities,
        FactType::Policies,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FactType::Organizations => "organizations",
            FactType::Licences => "licences",
            FactType::Agreements => "agreements",
            FactType::Facilities => "facilities",
            FactType::Policies => "policies",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub true_positives: u32,
    pub false_positives: u32,
    pub false_negatives: u32,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// 1.0 for 0/0: nothing to find and nothing found is perfect.
fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// One miss (in gold, not found) or false hit (found, not in gold).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub file: String,
    pub fact_type: FactType,
    pub missed: bool,
    pub description: String,
}

/// A matched fact whose date or capacity is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub file: String,
    pub what: String,
    pub expected: String,
    pub got: String,
}

/// Scores accumulated over documents.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    pub documents: u32,
    pub counts: BTreeMap<FactType, Counts>,
    pub dates_checked: u32,
    pub dates_right: u32,
    pub capacities_checked: u32,
    pub capacities_right: u32,
    pub findings: Vec<Finding>,
    pub mismatches: Vec<Mismatch>,
}

impl Scores {
    pub fn counts(&self, t: FactType) -> Counts {
        self.counts.get(&t).copied().unwrap_or_default()
    }
    pub fn date_accuracy(&self) -> f64 {
        ratio(self.dates_right, self.dates_checked)
    }
    pub fn capacity_accuracy(&self) -> f64 {
        ratio(self.capacities_right, self.capacities_checked)
    }

    fn count(&mut self, t: FactType, tp: u32, fp: u32, fn_: u32) {
        let c = self.counts.entry(t).or_default();
        c.true_positives += tp;
        c.false_positives += fp;
        c.false_negatives += fn_;
    }
}

/// Maps names to the gold record's canonical names.
struct Names {
    gold: HashMap<String, String>,
    /// A predicted organization's name → all names it was seen under.
    predicted: HashMap<String, Vec<String>>,
}

impl Names {
    fn new(gold: &GoldRecord, pred: &ExtractionRecord) -> Names {
        let mut map = HashMap::new();
        for o in &gold.record.organizations {
            for n in std::iter::once(&o.name).chain(&o.aliases) {
                map.entry(name_key(n)).or_insert_with(|| o.name.clone());
            }
        }
        for (canon, variants) in &gold.aliases {
            for n in std::iter::once(canon).chain(variants) {
                map.entry(name_key(n)).or_insert_with(|| canon.clone());
            }
        }
        let predicted = pred
            .organizations
            .iter()
            .map(|o| {
                let mut all = vec![o.name.clone()];
                all.extend(o.aliases.iter().cloned());
                (o.name.clone(), all)
            })
            .collect();
        Names {
            gold: map,
            predicted,
        }
    }

    /// The gold canonical name of a gold-side name.
    fn gold(&self, name: &str) -> String {
        self.gold
            .get(&name_key(name))
            .cloned()
            .unwrap_or_else(|| format!("?{}", name_key(name)))
    }

    /// The gold canonical name a predicted name stands for, trying every form the
    /// extractor saw the organization under.
    fn predicted(&self, name: &str) -> String {
        let forms = self
            .predicted
            .get(name)
            .cloned()
            .unwrap_or_else(|| vec![name.to_string()]);
        forms
            .iter()
            .find_map(|f| self.gold.get(&name_key(f)).cloned())
            .unwrap_or_else(|| format!("?{}", name_key(name)))
    }
}

/// Greedy one-to-one matching: each gold item takes the first unmatched prediction that
/// `same` accepts. Returns (gold index, predicted index) pairs.
fn pair<G, P>(gold: &[G], pred: &[P], same: impl Fn(&G, &P) -> bool) -> Vec<(usize, usize)> {
    pair_preferring(gold, pred, &same, |_, _| true)
}

/// `pair`, where pairs that `closer` also accepts (same date, same site name) are made
/// first, so that two facts sharing a key are not matched crosswise.
fn pair_preferring<G, P>(
    gold: &[G],
    pred: &[P],
    same: impl Fn(&G, &P) -> bool,
    closer: impl Fn(&G, &P) -> bool,
) -> Vec<(usize, usize)> {
    pair_in_tiers(gold, pred, same, &[&closer])
}

/// A preference between a gold and a predicted fact.
type Tier<'f, G, P> = &'f dyn Fn(&G, &P) -> bool;

/// `pair`, with pairs accepted by each tier of `closer` made before those of the next.
fn pair_in_tiers<G, P>(
    gold: &[G],
    pred: &[P],
    same: impl Fn(&G, &P) -> bool,
    tiers: &[Tier<'_, G, P>],
) -> Vec<(usize, usize)> {
    let mut used = vec![false; pred.len()];
    let mut taken = vec![false; gold.len()];
    let mut out = Vec::new();
    let any = |_: &G, _: &P| true;
    let all: Vec<Tier<'_, G, P>> = tiers
        .iter()
        .copied()
        .chain(std::iter::once(&any as &dyn Fn(&G, &P) -> bool))
        .collect();
    for tier in all {
        for (gi, g) in gold.iter().enumerate() {
            if taken[gi] {
                continue;
            }
            if let Some(pi) =
                (0..pred.len()).find(|&pi| !used[pi] && same(g, &pred[pi]) && tier(g, &pred[pi]))
            {
                used[pi] = true;
                taken[gi] = true;
                out.push((gi, pi));
            }
        }
    }
    out.sort_unstable();
    out
}

fn date_str(d: Option<cdmo_store::PartialDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "null".into())
}

/// Scores one document's prediction against its gold record.
pub fn score_document(file: &str, gold: &GoldRecord, pred: &ExtractionRecord, s: &mut Scores) {
    let names = Names::new(gold, pred);
    let g = &gold.record;
    s.documents += 1;

    let record = |s: &mut Scores,
                  t: FactType,
                  gold_len: usize,
                  pred_len: usize,
                  pairs: &[(usize, usize)],
                  describe_gold: &dyn Fn(usize) -> String,
                  describe_pred: &dyn Fn(usize) -> String| {
        let tp = pairs.len() as u32;
        s.count(t, tp, pred_len as u32 - tp, gold_len as u32 - tp);
        for gi in (0..gold_len).filter(|gi| !pairs.iter().any(|p| p.0 == *gi)) {
            s.findings.push(Finding {
                file: file.into(),
                fact_type: t,
                missed: true,
                description: describe_gold(gi),
            });
        }
        for pi in (0..pred_len).filter(|pi| !pairs.iter().any(|p| p.1 == *pi)) {
            s.findings.push(Finding {
                file: file.into(),
                fact_type: t,
                missed: false,
                description: describe_pred(pi),
            });
        }
    };

    // Organizations.
    let gold_orgs: Vec<String> = g
        .organizations
        .iter()
        .map(|o| names.gold(&o.name))
        .collect();
    let pred_orgs: Vec<String> = pred
        .organizations
        .iter()
        .map(|o| names.predicted(&o.name))
        .collect();
    let pairs = pair(&gold_orgs, &pred_orgs, |a, b| a == b);
    record(
        s,
        FactType::Organizations,
        gold_orgs.len(),
        pred_orgs.len(),
        &pairs,
        &|i| g.organizations[i].name.clone(),
        &|i| pred.organizations[i].name.clone(),
    );

    // Licences.
    let pairs = pair_preferring(
        &g.licenses,
        &pred.licenses,
        |a, b| {
            a.license_type == b.license_type && names.gold(&a.holder) == names.predicted(&b.holder)
        },
        |a, b| a.date == b.date && a.facility == b.facility,
    );
    record(
        s,
        FactType::Licences,
        g.licenses.len(),
        pred.licenses.len(),
        &pairs,
        &|i| {
            let l = &g.licenses[i];
            format!("{} {} {}", l.holder, l.license_type, date_str(l.date))
        },
        &|i| {
            let l = &pred.licenses[i];
            format!(
                "{} {} {} — “{}”",
                l.holder,
                l.license_type,
                date_str(l.date),
                l.evidence
            )
        },
    );
    for &(gi, pi) in &pairs {
        check_date(
            s,
            file,
            "licence",
            &format!("{} {}", g.licenses[gi].holder, g.licenses[gi].license_type),
            g.licenses[gi].date,
            pred.licenses[pi].date,
        );
    }

    // Agreements.
    let party_set = |ps: &[String], pred_side: bool| -> BTreeSet<String> {
        ps.iter()
            .map(|p| {
                if pred_side {
                    names.predicted(p)
                } else {
                    names.gold(p)
                }
            })
            .collect()
    };
    let same_parties = |a: &AgreementRecord, b: &AgreementRecord| {
        let (x, y) = (party_set(&a.parties, false), party_set(&b.parties, true));
        if x == y {
            return true;
        }
        // "The acquired company may be listed too": one more party on either side.
        let acquisition = a.agreement_type == AgreementType::Acquisition
            || b.agreement_type == AgreementType::Acquisition;
        let (small, large) = if x.len() < y.len() {
            (&x, &y)
        } else {
            (&y, &x)
        };
        acquisition && small.len() >= 2 && large.len() == small.len() + 1 && small.is_subset(large)
    };
    let pairs = pair_preferring(&g.agreements, &pred.agreements, same_parties, |a, b| {
        a.agreement_type == b.agreement_type && a.date == b.date
    });
    record(
        s,
        FactType::Agreements,
        g.agreements.len(),
        pred.agreements.len(),
        &pairs,
        &|i| {
            let a = &g.agreements[i];
            format!(
                "{} {} {}",
                a.parties.join(" + "),
                a.agreement_type,
                date_str(a.date)
            )
        },
        &|i| {
            let a = &pred.agreements[i];
            format!(
                "{} {} {} — “{}”",
                a.parties.join(" + "),
                a.agreement_type,
                date_str(a.date),
                a.evidence
            )
        },
    );
    for &(gi, pi) in &pairs {
        check_date(
            s,
            file,
            "agreement",
            &g.agreements[gi].parties.join(" + "),
            g.agreements[gi].date,
            pred.agreements[pi].date,
        );
    }

    // Facilities.
    let same_name = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(x), Some(y)) => site_key(x) == site_key(y),
        (None, None) => true,
        _ => false,
    };
    let same_capacity = |a: &cdmo_store::record::FacilityRecord,
                         b: &cdmo_store::record::FacilityRecord| {
        same_name(&a.name, &b.name) && a.capacity_liters == b.capacity_liters
    };
    let pairs = pair_in_tiers(
        &g.facilities,
        &pred.facilities,
        |a, b| {
            if names.gold(&a.operator) != names.predicted(&b.operator) {
                return false;
            }
            // Where both give a name or a city, one of them must agree; where they share
            // neither (a named site against an unnamed one in a city the other leaves out),
            // nothing contradicts the pairing.
            match (&a.name, &b.name, &a.city, &b.city) {
                (Some(x), Some(y), _, _) if site_key(x) == site_key(y) => true,
                (_, _, Some(x), Some(y)) => name_key(x) == name_key(y),
                (Some(_), Some(_), _, _) => false,
                _ => true,
            }
        },
        &[&same_capacity, &|a, b| same_name(&a.name, &b.name)],
    );
    record(
        s,
        FactType::Facilities,
        g.facilities.len(),
        pred.facilities.len(),
        &pairs,
        &|i| {
            let f = &g.facilities[i];
            format!(
                "{} of {} in {} ({:?} L)",
                f.name.as_deref().unwrap_or("(unnamed)"),
                f.operator,
                f.city.as_deref().unwrap_or("?"),
                f.capacity_liters
            )
        },
        &|i| {
            let f = &pred.facilities[i];
            format!(
                "{} of {} in {} ({:?} L) — “{}”",
                f.name.as_deref().unwrap_or("(unnamed)"),
                f.operator,
                f.city.as_deref().unwrap_or("?"),
                f.capacity_liters,
                f.evidence
            )
        },
    );
    for &(gi, pi) in &pairs {
        let (a, b) = (&g.facilities[gi], &pred.facilities[pi]);
        if a.capacity_liters.is_some() || b.capacity_liters.is_some() {
            s.capacities_checked += 1;
            let right = match (a.capacity_liters, b.capacity_liters) {
                (Some(x), Some(y)) => (x - y).abs() <= x.abs() * 0.005,
                _ => false,
            };
            if right {
                s.capacities_right += 1;
            } else {
                s.mismatches.push(Mismatch {
                    file: file.into(),
                    what: format!(
                        "capacity of {} of {}",
                        a.name.as_deref().unwrap_or("(unnamed)"),
                        a.operator
                    ),
                    expected: format!("{:?}", a.capacity_liters),
                    got: format!("{:?}", b.capacity_liters),
                });
            }
        }
    }

    // Policies.
    let pairs = pair(&g.policies, &pred.policies, |a, b| {
        let ga: BTreeSet<String> = a.agencies.iter().map(|x| names.gold(x)).collect();
        b.agencies.iter().any(|x| ga.contains(&names.predicted(x)))
    });
    record(
        s,
        FactType::Policies,
        g.policies.len(),
        pred.policies.len(),
        &pairs,
        &|i| {
            let p = &g.policies[i];
            format!(
                "{} by {}",
                p.name.as_deref().unwrap_or("(unnamed)"),
                p.agencies.join(", ")
            )
        },
        &|i| {
            let p = &pred.policies[i];
            format!(
                "{} by {} — “{}”",
                p.name.as_deref().unwrap_or("(unnamed)"),
                p.agencies.join(", "),
                p.evidence
            )
        },
    );
    for &(gi, pi) in &pairs {
        check_date(
            s,
            file,
            "policy",
            g.policies[gi].name.as_deref().unwrap_or("(unnamed)"),
            g.policies[gi].date,
            pred.policies[pi].date,
        );
    }
}

fn check_date(
    s: &mut Scores,
    file: &str,
    kind: &str,
    label: &str,
    gold: Option<cdmo_store::PartialDate>,
    got: Option<cdmo_store::PartialDate>,
) {
    s.dates_checked += 1;
    if gold == got {
        s.dates_right += 1;
    } else {
        s.mismatches.push(Mismatch {
            file: file.into(),
            what: format!("date of {kind} {label}"),
            expected: date_str(gold),
            got: date_str(got),
        });
    }
}

/// The (article, gold) pairs under `dir`: every `NAME.txt` with a `NAME.gold.json` beside
/// it, in path order, sub-folders included.
pub fn eval_pairs(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, IngestError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| IngestError::Io {
            path: d.clone(),
            source,
        })?;
        for e in entries {
            let path = e
                .map_err(|source| IngestError::Io {
                    path: d.clone(),
                    source,
                })?
                .path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "txt") {
                let gold = path.with_extension("gold.json");
                if gold.is_file() {
                    out.push((path, gold));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Extracts and scores every article under `dir`.
pub fn evaluate_dir(extractor: &Extractor, dir: &Path) -> Result<Scores, IngestError> {
    let pairs = eval_pairs(dir)?;
    let mut scores = Scores::default();
    for (text, gold_path) in pairs {
        let gold_text = std::fs::read_to_string(&gold_path).map_err(|source| IngestError::Io {
            path: gold_path.clone(),
            source,
        })?;
        let gold: GoldRecord =
            serde_json::from_str(&gold_text).map_err(|e| IngestError::Manifest {
                path: gold_path.clone(),
                message: format!("not a gold record: {e}"),
            })?;
        let doc = read_document(&text, None)?;
        let pred = extractor.extract(&doc);
        let file = text
            .strip_prefix(dir)
            .unwrap_or(&text)
            .display()
            .to_string();
        score_document(&file, &gold, &pred, &mut scores);
    }
    Ok(scores)
}

/// The evaluation as a table, then every mismatch, miss and false hit.
pub fn report(s: &Scores) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} documents", s.documents);
    let _ = writeln!(
        o,
        "{:<14} {:>5} {:>5} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6}",
        "fact type", "gold", "found", "tp", "fp", "fn", "precision", "recall", "f1"
    );
    for t in FactType::ALL {
        let c = s.counts(t);
        let _ = writeln!(
            o,
            "{:<14} {:>5} {:>5} {:>5} {:>5} {:>5} {:>9.3} {:>7.3} {:>6.3}",
            t.label(),
            c.true_positives + c.false_negatives,
            c.true_positives + c.false_positives,
            c.true_positives,
            c.false_positives,
            c.false_negatives,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    let _ = writeln!(
        o,
        "dates right on matched facts:           {}/{} ({:.1}%)",
        s.dates_right,
        s.dates_checked,
        100.0 * s.date_accuracy()
    );
    let _ = writeln!(
        o,
        "capacities right on matched facilities: {}/{} ({:.1}%)",
        s.capacities_right,
        s.capacities_checked,
        100.0 * s.capacity_accuracy()
    );
    if !s.mismatches.is_empty() {
        let _ = writeln!(o, "\nwrong values on matched facts:");
        for m in &s.mismatches {
            let _ = writeln!(
                o,
                "  {}: {} — expected {}, got {}",
                m.file, m.what, m.expected, m.got
            );
        }
    }
    if !s.findings.is_empty() {
        let _ = writeln!(
            o,
            "\nmisses (in gold, not found) and false hits (found, not in gold):"
        );
        for f in &s.findings {
            let _ = writeln!(
                o,
                "  {}: {} {}: {}",
                f.file,
                if f.missed { "MISS" } else { "FALSE" },
                f.fact_type.label(),
                f.description
            );
        }
    }
    o
}

/// The accuracy targets of the extractor.
#[derive(Debug, Clone, Copy)]
pub struct Targets {
    pub f1: [(FactType, f64); 5],
    pub dates: f64,
    pub capacities: f64,
}

pub const TARGETS: Targets = Targets {
    f1: [
        (FactType::Licences, 0.95),
        (FactType::Agreements, 0.90),
        (FactType::Organizations, 0.90),
        (FactType::Facilities, 0.85),
        (FactType::Policies, 0.85),
    ],
    dates: 0.90,
    capacities: 0.95,
};

/// Every target `s` misses, as readable lines; empty when all are met.
pub fn shortfalls(s: &Scores, t: &Targets) -> Vec<String> {
    let mut out = Vec::new();
    for (ft, min) in t.f1 {
        let f1 = s.counts(ft).f1();
        if f1 < min {
            out.push(format!("{} F1 {:.3} < {:.2}", ft.label(), f1, min));
        }
    }
    if s.date_accuracy() < t.dates {
        out.push(format!(
            "date accuracy {:.3} < {:.2}",
            s.date_accuracy(),
            t.dates
        ));
    }
    if s.capacity_accuracy() < t.capacities {
        out.push(format!(
            "capacity accuracy {:.3} < {:.2}",
            s.capacity_accuracy(),
            t.capacities
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(json: &str) -> GoldRecord {
        serde_json::from_str(json).unwrap()
    }

    const GOLD: &str = r#"{"schema_version":1,"source":{"title":null,"publisher":null,"url":null,"published":"2024-05-01","language":"en"},
      "organizations":[{"name":"Samsung Biologics","aliases":[],"kind":"cdmo","country":"KR","region":null,"city":null,"parent":null},
                       {"name":"Ministry of Food and Drug Safety","aliases":[],"kind":"regulator","country":"KR","region":null,"city":null,"parent":null}],
      "facilities":[],"agreements":[],"policies":[],
      "licenses":[{"holder":"Samsung Biologics","license_type":"kr_gmp","authority":null,"country":"KR","facility":null,"date":"2024-04","evidence":"e"}],
      "aliases":{"Samsung Biologics":["SBL","삼성바이오로직스"],"Ministry of Food and Drug Safety":["MFDS"]}}"#;

    #[test]
    fn names_match_through_the_alias_map_and_wrong_dates_are_counted() {
        let g = gold(GOLD);
        let mut pred = g.record.clone();
        pred.organizations[0].name = "삼성바이오로직스".into();
        pred.licenses[0].holder = "삼성바이오로직스".into();
        pred.licenses[0].date = Some("2024-05".parse().unwrap());
        pred.organizations.push(pred.organizations[1].clone());
        pred.organizations[2].name = "Celltrion".into();
        let mut s = Scores::default();
        score_document("a.txt", &g, &pred, &mut s);
        let orgs = s.counts(FactType::Organizations);
        assert_eq!(
            (
                orgs.true_positives,
                orgs.false_positives,
                orgs.false_negatives
            ),
            (2, 1, 0)
        );
        assert_eq!(s.counts(FactType::Licences).f1(), 1.0);
        assert_eq!((s.dates_right, s.dates_checked), (0, 1));
        assert!(report(&s).contains("FALSE organizations: Celltrion"));
        assert_eq!(
            shortfalls(&s, &TARGETS).len(),
            2,
            "organizations F1 0.8 and dates fall short"
        );
    }

    #[test]
    fn facts_sharing_a_key_are_paired_by_their_dates_first() {
        let mut g = gold(GOLD);
        let mut second = g.record.licenses[0].clone();
        second.date = Some("2021-03".parse().unwrap());
        g.record.licenses.push(second);
        let mut pred = g.record.clone();
        pred.licenses.reverse();
        let mut s = Scores::default();
        score_document("a.txt", &g, &pred, &mut s);
        assert_eq!(s.counts(FactType::Licences).f1(), 1.0);
        assert_eq!((s.dates_right, s.dates_checked), (2, 2));
    }

    #[test]
    fn unnamed_sites_of_one_operator_and_city_are_paired_by_capacity_first() {
        let mut g = gold(GOLD);
        let site = |litres: Option<f64>| cdmo_store::record::FacilityRecord {
            name: None,
            operator: "Samsung Biologics".into(),
            country: None,
            region: None,
            city: Some("Incheon".into()),
            modalities: vec![],
            capacity_liters: litres,
            status: None,
            evidence: "e".into(),
            confidence: 1.0,
        };
        g.record.facilities = vec![site(None), site(Some(250000.0))];
        let mut pred = g.record.clone();
        pred.facilities = vec![site(Some(250000.0))];
        let mut s = Scores::default();
        score_document("a.txt", &g, &pred, &mut s);
        assert_eq!(s.counts(FactType::Facilities).true_positives, 1);
        assert_eq!((s.capacities_right, s.capacities_checked), (1, 1));
    }

    #[test]
    fn sites_pair_unless_a_name_or_city_both_give_disagrees() {
        let site = |name: Option<&str>, city: Option<&str>| cdmo_store::record::FacilityRecord {
            name: name.map(str::to_string),
            operator: "Samsung Biologics".into(),
            country: None,
            region: None,
            city: city.map(str::to_string),
            modalities: vec![],
            capacity_liters: None,
            status: None,
            evidence: "e".into(),
            confidence: 1.0,
        };
        let pairs = |gold_site, predicted| {
            let mut g = gold(GOLD);
            g.record.facilities = vec![gold_site];
            let mut pred = g.record.clone();
            pred.facilities = vec![predicted];
            let mut s = Scores::default();
            score_document("a.txt", &g, &pred, &mut s);
            s.counts(FactType::Facilities).true_positives
        };
        assert_eq!(
            pairs(site(None, Some("Incheon")), site(Some("Plant 3"), None)),
            1
        );
        assert_eq!(
            pairs(
                site(Some("Dunhua plant"), None),
                site(Some("Dunhua site"), None)
            ),
            1
        );
        assert_eq!(
            pairs(site(Some("Plant 1"), None), site(Some("Plant 2"), None)),
            0
        );
        assert_eq!(
            pairs(site(None, Some("Incheon")), site(None, Some("Osong"))),
            0
        );
    }

    #[test]
    fn an_acquisition_matches_with_or_without_the_acquired_company() {
        let mut g = gold(GOLD);
        let org = |n: &str| {
            let mut o = g.record.organizations[0].clone();
            o.name = n.into();
            o
        };
        let extra = [org("Celltrion"), org("Eli Lilly"), org("ImClone Systems")];
        g.record.organizations.extend(extra);
        g.record.agreements.push(AgreementRecord {
            parties: vec!["Celltrion".into(), "Eli Lilly".into()],
            agreement_type: AgreementType::Acquisition,
            scope: None,
            date: None,
            value_usd: None,
            evidence: "e".into(),
            confidence: 1.0,
        });
        let mut pred = g.record.clone();
        pred.agreements[0].parties.push("ImClone Systems".into());
        let mut s = Scores::default();
        score_document("a.txt", &g, &pred, &mut s);
        assert_eq!(s.counts(FactType::Agreements).f1(), 1.0);
        // A collaboration needs the same parties exactly.
        pred.agreements[0].agreement_type = AgreementType::Collaboration;
        g.record.agreements[0].agreement_type = AgreementType::Collaboration;
        let mut s = Scores::default();
        score_document("a.txt", &g, &pred, &mut s);
        assert_eq!(s.counts(FactType::Agreements).true_positives, 0);
    }

    #[test]
    fn an_empty_document_scores_perfectly_on_nothing() {
        let c = Counts::default();
        assert_eq!((c.precision(), c.recall()), (1.0, 1.0));
    }
}
