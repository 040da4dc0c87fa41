//! The gazetteer: known organizations and places with their names in every script, loaded
//! from `seeds/gazetteer.toml` and matched in text with one Aho-Corasick automaton.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use cdmo_store::Country;
use cdmo_store::names::name_key;
use cdmo_store::vocab::OrganizationKind;
use serde::Deserialize;

use super::text::is_word_char;
use crate::error::IngestError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GazetteerFile {
    #[serde(default)]
    organization: Vec<OrgRaw>,
    #[serde(default)]
    place: Vec<PlaceRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgRaw {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    kind: String,
    country: Option<String>,
    region: Option<String>,
    city: Option<String>,
    parent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceRaw {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    kind: String,
    country: String,
    region: Option<String>,
    city: Option<String>,
}

/// A known organization.
#[derive(Debug, Clone)]
pub struct GazOrg {
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: OrganizationKind,
    pub country: Option<Country>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub parent: Option<String>,
}

/// What level of place an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlaceKind {
    Country,
    Province,
    MetropolitanCity,
    City,
    District,
    Cluster,
}

impl PlaceKind {
    fn parse(s: &str) -> Option<PlaceKind> {
        Some(match s {
            "country" => PlaceKind::Country,
            "province" => PlaceKind::Province,
            "metropolitan_city" => PlaceKind::MetropolitanCity,
            "city" => PlaceKind::City,
            "district" => PlaceKind::District,
            "cluster" => PlaceKind::Cluster,
            _ => return None,
        })
    }

    /// Higher is more specific.
    pub fn specificity(self) -> u8 {
        match self {
            PlaceKind::Country => 0,
            PlaceKind::Province => 1,
            PlaceKind::MetropolitanCity | PlaceKind::City => 2,
            PlaceKind::District | PlaceKind::Cluster => 3,
        }
    }
}

/// A known place.
#[derive(Debug, Clone)]
pub struct GazPlace {
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: PlaceKind,
    pub country: Country,
    pub region: Option<String>,
    pub city: Option<String>,
}

/// What a gazetteer match refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entry {
    Org(usize),
    Place(usize),
}

/// A gazetteer name found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GazMatch {
    pub start: usize,
    pub end: usize,
    pub entry: Entry,
}

#[derive(Debug, Clone)]
struct Pattern {
    entry: Entry,
    text: String,
    /// Short all-capital abbreviations ("MFDS", "SK") must match exactly.
    case_sensitive: bool,
}

/// Known organizations and places, and the matcher over all their names.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    pub orgs: Vec<GazOrg>,
    pub places: Vec<GazPlace>,
    patterns: Vec<Pattern>,
    matcher: AhoCorasick,
    by_key: HashMap<String, Entry>,
}

const KOREAN_PARTICLES: &[&str] = &[
    "은", "는", "이", "가", "을", "를", "의", "와", "과", "도", "로", "으로", "에", "에서", "에게",
    "와의", "과의", "측", "만", "까지", "부터", "보다", "처럼", "하고", "랑", "및", "(", " ",
];

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7AF}').contains(&c)
}

impl Gazetteer {
    /// The gazetteer shipped in `seeds/gazetteer.toml`, compiled into the binary.
    pub fn embedded() -> Result<Gazetteer, IngestError> {
        Self::parse(
            include_str!("../../../seeds/gazetteer.toml"),
            "gazetteer.toml",
        )
    }

    pub fn parse(text: &str, file: &str) -> Result<Gazetteer, IngestError> {
        let bad = |message: String| IngestError::Rules {
            file: file.to_string(),
            message,
        };
        let raw: GazetteerFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut orgs = Vec::new();
        for o in raw.organization {
            let kind = o
                .kind
                .parse::<OrganizationKind>()
                .map_err(|e| bad(format!("organization `{}`: {e}", o.name)))?;
            let country = match &o.country {
                Some(c) => Some(
                    c.parse::<Country>()
                        .map_err(|e| bad(format!("organization `{}`: {e}", o.name)))?,
                ),
                None => None,
            };
            orgs.push(GazOrg {
                name: o.name,
                aliases: o.aliases,
                kind,
                country,
                region: o.region,
                city: o.city,
                parent: o.parent,
            });
        }
        let mut places = Vec::new();
        for p in raw.place {
            let kind = PlaceKind::parse(&p.kind)
                .ok_or_else(|| bad(format!("place `{}`: unknown kind `{}`", p.name, p.kind)))?;
            let country = p
                .country
                .parse::<Country>()
                .map_err(|e| bad(format!("place `{}`: {e}", p.name)))?;
            places.push(GazPlace {
                name: p.name,
                aliases: p.aliases,
                kind,
                country,
                region: p.region,
                city: p.city,
            });
        }

        let mut patterns = Vec::new();
        let mut by_key = HashMap::new();
        let mut add = |entry: Entry, name: &str| {
            let name = name.trim();
            if name.is_empty() {
                return;
            }
            let upper = name.chars().filter(|c| c.is_ascii_uppercase()).count();
            let case_sensitive = name.len() <= 6
                && upper >= 2
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '&' || c == '-');
            patterns.push(Pattern {
                entry,
                // Hyphens match spaces: "Bristol-Myers Squibb" is "Bristol Myers Squibb".
                text: name.replace('-', " "),
                case_sensitive,
            });
            by_key.entry(name_key(name)).or_insert(entry);
        };
        for (i, o) in orgs.iter().enumerate() {
            add(Entry::Org(i), &o.name);
            for a in &o.aliases {
                add(Entry::Org(i), a);
            }
        }
        for (i, p) in places.iter().enumerate() {
            add(Entry::Place(i), &p.name);
            for a in &p.aliases {
                add(Entry::Place(i), a);
            }
        }
        for o in &orgs {
            if let Some(parent) = &o.parent
                && !matches!(by_key.get(&name_key(parent)), Some(Entry::Org(_)))
            {
                return Err(bad(format!(
                    "organization `{}`: parent `{parent}` is not an organization of the gazetteer",
                    o.name
                )));
            }
        }
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().map(|p| p.text.as_str()))
            .map_err(|e| bad(format!("cannot build the name matcher: {e}")))?;
        Ok(Gazetteer {
            orgs,
            places,
            patterns,
            matcher,
            by_key,
        })
    }

    /// The entry a name (in any script, any legal form) refers to.
    pub fn lookup(&self, name: &str) -> Option<Entry> {
        self.lookup_key(&name_key(name))
    }

    /// `lookup` by an already normalised key (`names::name_key`).
    pub fn lookup_key(&self, key: &str) -> Option<Entry> {
        self.by_key.get(key).copied()
    }

    fn acceptable(&self, text: &str, start: usize, end: usize, p: &Pattern) -> bool {
        if p.case_sensitive && &text[start..end] != p.text.as_str() {
            return false;
        }
        let first = p.text.chars().next();
        let last = p.text.chars().next_back();
        if first.is_some_and(is_word_char)
            && text[..start].chars().next_back().is_some_and(is_word_char)
        {
            return false;
        }
        if last.is_some_and(is_word_char) && text[end..].chars().next().is_some_and(is_word_char) {
            return false;
        }
        // A short Hangul name must be followed by a particle or a non-Hangul character:
        // "산업부" is the ministry, "산업부문" is "industrial sector".
        if last.is_some_and(is_hangul) && p.text.chars().count() <= 3 {
            let rest = &text[end..];
            if rest.chars().next().is_some_and(is_hangul)
                && !KOREAN_PARTICLES.iter().any(|k| rest.starts_with(k))
            {
                return false;
            }
        }
        true
    }

    /// Names of the gazetteer in `text`: the longest at each place, not overlapping.
    pub fn find(&self, text: &str) -> Vec<GazMatch> {
        // Same byte length as `text`, so offsets carry over.
        let normalised = text.replace('-', " ");
        let text = normalised.as_str();
        let mut all: Vec<(usize, usize, usize)> = self
            .matcher
            .find_overlapping_iter(text)
            .filter(|m| {
                let p = &self.patterns[m.pattern().as_usize()];
                self.acceptable(text, m.start(), m.end(), p)
            })
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        // Longest first, then leftmost; keep what does not overlap a kept match.
        all.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
        let mut kept: Vec<GazMatch> = Vec::new();
        for (s, e, p) in all {
            if kept.iter().any(|k| s < k.end && k.start < e) {
                continue;
            }
            kept.push(GazMatch {
                start: s,
                end: e,
                entry: self.patterns[p].entry,
            });
        }
        kept.sort_by_key(|m| m.start);
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[[organization]]
name = "Ministry of Food and Drug Safety"
aliases = ["MFDS", "식품의약품안전처", "식약처"]
kind = "regulator"
country = "KR"

[[organization]]
name = "Ministry of Trade, Industry and Energy"
aliases = ["산업부"]
kind = "government"
country = "KR"

[[organization]]
name = "Asan Medical Center"
aliases = ["Seoul Asan Medical Center", "Asan Medical Center in Seoul"]
kind = "hospital"
country = "KR"

[[place]]
name = "Seoul"
kind = "metropolitan_city"
country = "KR"
region = "Seoul"
city = "Seoul"
"#;

    fn gaz() -> Gazetteer {
        Gazetteer::parse(SAMPLE, "test").unwrap()
    }

    fn names(g: &Gazetteer, text: &str) -> Vec<String> {
        g.find(text)
            .into_iter()
            .map(|m| text[m.start..m.end].to_string())
            .collect()
    }

    #[test]
    fn the_longest_name_wins_and_places_inside_it_are_not_separate() {
        let g = gaz();
        assert_eq!(
            names(
                &g,
                "an agreement with Asan Medical Center in Seoul for research"
            ),
            vec!["Asan Medical Center in Seoul"]
        );
        assert_eq!(
            names(
                &g,
                "Seoul Asan Medical Center, the largest hospital in Seoul"
            ),
            vec!["Seoul Asan Medical Center", "Seoul"]
        );
    }

    #[test]
    fn abbreviations_are_case_sensitive_and_whole_words() {
        let g = gaz();
        assert_eq!(names(&g, "approved by the MFDS."), vec!["MFDS"]);
        assert!(names(&g, "the mfds and MFDSX").is_empty());
    }

    #[test]
    fn korean_particles_do_not_break_names_but_longer_words_do_not_match() {
        let g = gaz();
        assert_eq!(
            names(&g, "식품의약품안전처로부터 허가를"),
            vec!["식품의약품안전처"]
        );
        assert_eq!(names(&g, "산업부는 밝혔다"), vec!["산업부"]);
        assert!(names(&g, "바이오 산업부문 성장").is_empty());
    }

    #[test]
    fn lookup_ignores_legal_forms_and_case() {
        let g = gaz();
        assert_eq!(g.lookup("seoul asan medical center"), Some(Entry::Org(2)));
    }

    #[test]
    fn an_unknown_parent_is_rejected() {
        let err = Gazetteer::parse(
            "[[organization]]\nname = \"A\"\nkind = \"cdmo\"\nparent = \"Nobody\"\n",
            "g.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("Nobody"), "{err}");
    }

    #[test]
    fn the_embedded_gazetteer_loads() {
        let g = Gazetteer::embedded().unwrap();
        assert!(g.lookup("Helixmith").is_some());
        assert!(g.lookup("헬릭스미스").is_some());
    }
}
