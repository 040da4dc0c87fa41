//! Facilities: named sites ("‘CGT Center’", "Plant 4", "… CDMO Platform") and unnamed ones
//! announced with a construction/operation verb or a capacity. Attributes are read per
//! mention, by proximity: the status verb, the place ("in Hanam, Gyeonggi Province") and the
//! bioreactor volume nearest the mention; the operator is the site's stated owner.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use cdmo_store::Country;
use cdmo_store::names::{name_key, site_key};
use cdmo_store::vocab::{FacilityStatus, Modality, OrganizationKind};
use regex::Regex;

use super::gazetteer::PlaceKind;
use super::lexicon::Lex;
use super::mentions::Analysis;
use super::text::{ends_with_word, floor_char, slice, static_regex};

/// A place as (country, region, city).
pub type Place = (Country, Option<String>, Option<String>);

/// A facility as read from one document, before it becomes a record.
#[derive(Debug, Clone)]
pub struct FacilityDraft {
    pub name: Option<String>,
    pub operator: Option<usize>,
    /// (sentence, start, end) of every mention.
    pub mentions: Vec<(usize, usize, usize)>,
    pub status: Option<FacilityStatus>,
    pub status_sentence: Option<usize>,
    pub capacity: Option<f64>,
    pub place: Option<Place>,
    pub modalities: BTreeSet<Modality>,
}

impl FacilityDraft {
    fn new(name: Option<String>) -> Self {
        FacilityDraft {
            name,
            operator: None,
            mentions: Vec::new(),
            status: None,
            status_sentence: None,
            capacity: None,
            place: None,
            modalities: BTreeSet::new(),
        }
    }

    /// The sentence its evidence is taken from: where its status was read, else the first.
    pub fn evidence_sentence(&self) -> Option<usize> {
        self.status_sentence
            .or_else(|| self.mentions.iter().map(|m| m.0).min())
    }

    /// True when the document says something about the site itself (its status or
    /// capacity); other named sites only tell which site a licence covers.
    pub fn is_reported(&self) -> bool {
        self.status.is_some() || self.capacity.is_some()
    }

    pub fn mentioned_in(&self, si: usize) -> bool {
        self.mentions.iter().any(|m| m.0 == si)
    }
}

fn advancement(s: FacilityStatus) -> u8 {
    match s {
        FacilityStatus::Planned => 0,
        FacilityStatus::UnderConstruction => 1,
        FacilityStatus::Operational => 2,
    }
}

/// A quotation: the opening mark after a space or bracket, the closing one before a
/// non-letter, so that possessive apostrophes ("Samsung's … Lotte's") are not quotes.
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r#"(?:^|[\s(\[])[‘“'"]([^’”'"]{2,80})[’”'"](?:$|[^A-Za-z])"#));
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?-u:\b)((?:[A-Z][A-Za-z0-9_&'’\-]*\s+){0,6}(?:Plant|Center|Centre|Campus|Factory|Facility|Platform|Base|Site|Hub|Bio\s?Campus)(?:\s+(?:No\.\s*)?\d+|\s+of\s+Excellence)?)(?-u:\b)",
    )
});
/// "Plants 1 and 2", "Plants 1, 2 and 3": one name per number.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?-u:\b)(Plant|Line|Building)s\s+(\d+(?:\s*,\s*\d+)*\s*(?:,?\s*and\s+\d+))(?-u:\b)",
    )
});
/// A site called by its place: "its Changshou plant", "Porton's Erlang site", "the
/// Wujiang production base" (a determiner or possessive, capitalised words, then up to two
/// lower-case modifiers and a site noun).
static LOCAL_SITE: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?:(?-u:\b)(?:[Ii]ts|[Tt]heir|[Tt]he)\s+|['’]s?\s+)((?:[A-Z][a-z]+(?:-[a-z]+)?\s+){1,2}(?:(?:[a-z]+|API|R&D)\s+){0,2}(?:plant|site|factory|facility|base|workshop))(?-u:\b)",
    )
});
/// Lower-case words that end a local site's name rather than modify it.
const NOT_MODIFIERS: &[&str] = &[
    "in", "of", "and", "or", "the", "a", "an", "to", "at", "for", "with", "on", "by", "from", "as",
    "that", "which", "is", "was", "has", "had", "will", "its", "their",
];
/// Capitalised words that qualify a site without naming it: "its Korean plant".
const NOT_SITE_PLACES: &[&str] = &[
    "Korean", "Chinese", "Japanese", "American", "European", "Asian", "Global", "Korea", "China",
    "Japan", "Europe", "Asia", "America", "New", "First", "Second", "Third", "Main", "Largest",
];
/// "the 180,000-liter plant", "the new antibody plant": "the", up to three modifiers, and a
/// site noun.
static DESCRIBED_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?-u:\b)the\s+(?:(?:[\d,.]+[- ]?(?:liter|litre|l|kl)|[a-z][a-z-]*)\s+){1,3}(?:plant|facility|factory|building)(?-u:\b)",
    )
});
/// Modifiers that make a described site another one than the last named.
const OTHER_SITE: &[&str] = &[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "other",
    "another",
    "existing",
    "old",
    "older",
    "previous",
    "original",
    "same",
    "company's",
    "group's",
    "two",
    "three",
    "planned",
    "proposed",
    "which",
    "that",
    "this",
    "its",
    "their",
    "of",
    "in",
    "at",
    "and",
];
/// A site code: "MFG5", "DP1", "L3" (letters then a number).
static SITE_CODE: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"(?-u:\b)[A-Z]{1,4}\d{1,2}(?-u:\b)"));
static PAREN: LazyLock<Regex> = LazyLock::new(|| static_regex(r"\s*\([^)]*\)"));
/// "in Hanam, Gyeonggi Province": an unknown town before a known region or country.
static TOWN: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"^(?:in|at|near|located in|based in)\s+((?:[A-Z][A-Za-z\-']+\s){0,3}[A-Z][A-Za-z\-']+),\s+$",
    )
});

/// Words before a capacity that make it a future volume: not an existing site's current
/// one, but a new site's own (see `capacity_near`).
const FUTURE: &[&str] = &[
    "expects",
    "expected",
    "projected",
    "forecast",
    "once",
    "will",
    "would",
    "planned",
    "plans",
    "target",
    "eventually",
    "up to",
    "additional",
    "further",
];

/// Words before a capacity that make it another site's, an expansion's or the company's.
const NOT_OWN: &[&str] = &[
    "climb",
    "expand",
    "expansion",
    "to reach",
    "reach",
    "raise",
    "raising",
    "increase",
    "increasing",
    "grow to",
    "bring",
    "bringing",
    "global",
    "company-wide",
    "company's",
    "group's",
    "campus",
    "combined with",
    "another",
    // "120,000 liters each, or 360 kL across the site": a restated total.
    ", or ",
    "across the",
];

/// Finds the facilities of the document: every site with an operator; only those that
/// `is_reported` become facility records.
pub fn extract_facilities(a: &Analysis<'_>) -> Vec<FacilityDraft> {
    let mut drafts: Vec<FacilityDraft> = Vec::new();
    find_named(a, &mut drafts);
    find_name_repeats(a, &mut drafts);
    find_references_and_unnamed(a, &mut drafts);
    settle_attributes(a, &mut drafts);
    drafts.retain(|d| d.operator.is_some() && (d.name.is_some() || d.is_reported()));
    drafts
}

fn qualifies(a: &Analysis<'_>, si: usize, from: usize, to: usize) -> bool {
    a.hits[si]
        .within(Lex::FacilityQualifier, from, to)
        .next()
        .is_some()
}

/// Named sites: quoted names with a facility noun, capitalised names ending in one
/// ("Songdo Bio Campus", "Plant 4"), and numbered lists ("Plants 1 and 2").
fn find_named(a: &Analysis<'_>, drafts: &mut Vec<FacilityDraft>) {
    let rules = &a.rules.facilities;
    for (si, s) in a.sentences.iter().enumerate() {
        let mut named: Vec<(usize, usize, String)> = Vec::new();
        for c in QUOTED.captures_iter(&s.text) {
            let Some(inner) = c.get(1) else { continue };
            let lower = inner.as_str().to_ascii_lowercase();
            let (is, ie) = (inner.start(), inner.end());
            let h = &a.hits[si];
            let has_noun = h.within(Lex::FacilityNoun, is, ie).next().is_some()
                || h.within(Lex::FacilityWeakNoun, is, ie).next().is_some();
            let weak_end = rules.weak_nouns.iter().any(|w| lower.ends_with(w.as_str()));
            let name_like = inner
                .as_str()
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            if name_like
                && has_noun
                && (qualifies(a, si, is, ie) || !weak_end)
                && inner.as_str().split_whitespace().count() <= 8
            {
                let name = PAREN.replace_all(inner.as_str(), "").trim().to_string();
                named.push((is, ie, name));
            }
        }
        // Site codes beside a facility noun: "facilities MFG1, MFG2 and MFG5", "the MFG4
        // drug substance plant", "its DP2 vial-filling facility".
        for c in SITE_CODE.find_iter(&s.text) {
            let (cs, ce) = (c.start(), c.end());
            let h = &a.hits[si];
            let lower = &a.lower[si];
            let noun_after = h
                .of(Lex::FacilityNoun)
                .iter()
                .chain(h.of(Lex::FacilityWeakNoun))
                .any(|n| {
                    n.start >= ce
                        && n.start <= ce + 30
                        && !slice(lower, ce, n.start).contains([',', '.', ';'])
                });
            // A list right after a plural noun: each code joined by commas or "and".
            let noun_before =
                h.of(Lex::FacilityNoun)
                    .iter()
                    .chain(h.of(Lex::FacilityWeakNoun))
                    .any(|n| {
                        n.end <= cs && {
                            let gap = slice(lower, n.end, cs);
                            let gap = gap
                                .trim_start()
                                .trim_start_matches("known as")
                                .trim_start_matches("called")
                                .trim_start_matches("named");
                            gap.len() <= 40
                                && gap.split([',', ' ']).filter(|w| !w.is_empty()).all(|w| {
                                    w == "and" || SITE_CODE.is_match(&w.to_ascii_uppercase())
                                })
                        }
                    });
            if (noun_after || noun_before) && !named.iter().any(|(ns, ne, _)| cs < *ne && *ns < ce)
            {
                named.push((cs, ce, c.as_str().to_string()));
            }
        }
        for c in NUMBERED.captures_iter(&s.text) {
            let (Some(kind), Some(nums)) = (c.get(1), c.get(2)) else {
                continue;
            };
            for n in nums
                .as_str()
                .split(|ch: char| !ch.is_ascii_digit())
                .filter(|x| !x.is_empty())
            {
                named.push((kind.start(), nums.end(), format!("{} {n}", kind.as_str())));
            }
        }
        // Parenthetical expansions ("(Cell & Gene Therapy Center)") name nothing new.
        let masked = mask_parentheses(&s.text);
        for c in NAMED.captures_iter(&masked) {
            let Some(m) = c.get(1) else { continue };
            let mut start = m.start();
            let mut text = m.as_str();
            // Leading words that are not part of a name: "The", "Once", "Its".
            while let Some((first, rest)) = text.split_once(' ') {
                let f = first.trim_end_matches(['’', '\'']);
                let possessive = first.ends_with("'s") || first.ends_with("’s");
                if a.rules.orgs.function_words.contains(f)
                    || possessive
                    || a.rules.orgs.person_titles.contains(f)
                {
                    start += first.len() + 1;
                    text = rest;
                } else {
                    break;
                }
            }
            // "Samsung Biologics' Plant 4": the owner's name ends at its possessive.
            if let Some(i) = text
                .char_indices()
                .filter(|&(i, c)| {
                    (c == '\'' || c == '’')
                        && (text[i + c.len_utf8()..].starts_with("s ")
                            || text[i + c.len_utf8()..].starts_with(' ')
                                && text[..i].ends_with('s'))
                })
                .map(|(i, _)| i)
                .next_back()
                && let Some(sp) = text[i..].find(' ')
            {
                start += i + sp + 1;
                text = &text[i + sp + 1..];
            }
            let end = start + text.len();
            if named.iter().any(|(ns, ne, _)| start < *ne && *ns < end) {
                continue;
            }
            // An organization or place name ending in "Center" is not a facility.
            let last_word_start = end - text.rsplit(' ').next().map_or(0, str::len);
            if a.orgs_in(si)
                .iter()
                .any(|o| !o.anaphor && o.start <= last_word_start && last_word_start < o.end)
                || a.place_mentions[si]
                    .iter()
                    .any(|p| p.start <= start && end <= p.end)
            {
                continue;
            }
            let lower = text.to_ascii_lowercase();
            let words = text.split_whitespace().count();
            let last_word = lower
                .split_whitespace()
                .rev()
                .find(|t| !t.chars().all(|c| c.is_ascii_digit()));
            let weak = rules
                .weak_nouns
                .iter()
                .any(|w| last_word == Some(w.as_str()));
            if words < 2 || (weak && !qualifies(a, si, start, end)) {
                continue;
            }
            named.push((start, end, text.to_string()));
        }
        for c in LOCAL_SITE.captures_iter(&masked) {
            let Some(m) = c.get(1) else { continue };
            let (start, end) = (m.start(), m.end());
            let words: Vec<&str> = m.as_str().split_whitespace().collect();
            let capitalised = words
                .iter()
                .take_while(|w| w.starts_with(char::is_uppercase));
            let place_like = capitalised.clone().all(|w| {
                !NOT_SITE_PLACES.contains(w)
                    && !a.rules.orgs.function_words.contains(*w)
                    && super::dates::month_number(w).is_none()
            });
            let modifiers_ok = words
                .iter()
                .skip_while(|w| w.starts_with(char::is_uppercase))
                .all(|w| !NOT_MODIFIERS.contains(w));
            let inside_org = a
                .orgs_in(si)
                .iter()
                .any(|o| !o.anaphor && o.start < end && start < o.end);
            // "a drug product plant at its Songdo site": the site only locates another
            // facility named just before.
            let lower = &a.lower[si];
            let locates_another = [" on ", " at ", " in ", " within ", " inside "]
                .iter()
                .any(|p| slice(lower, start.saturating_sub(16), start).contains(p))
                && a.hits[si]
                    .of(Lex::FacilityNoun)
                    .iter()
                    .any(|n| n.end < start && n.end + 50 >= start);
            if place_like
                && !locates_another
                && modifiers_ok
                && !inside_org
                && !named.iter().any(|(ns, ne, _)| start < *ne && *ns < end)
            {
                named.push((start, end, m.as_str().to_string()));
            }
        }
        for (start, end, name) in named {
            let key = site_key(&name);
            let idx = match drafts
                .iter()
                .position(|d| d.name.as_deref().map(site_key).as_deref() == Some(key.as_str()))
            {
                Some(i) => i,
                None => {
                    drafts.push(FacilityDraft::new(Some(name.clone())));
                    drafts.len() - 1
                }
            };
            drafts[idx].mentions.push((si, start, end));
        }
    }
}

/// Later mentions of a named facility by its name alone.
fn find_name_repeats(a: &Analysis<'_>, drafts: &mut [FacilityDraft]) {
    for d in drafts.iter_mut() {
        let Some(name) = d.name.clone() else { continue };
        for (si, s) in a.sentences.iter().enumerate() {
            for (at, _) in s.text.match_indices(name.as_str()) {
                let end = at + name.len();
                let bounded = s.text[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
                    && s.text[end..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_ascii_alphanumeric());
                if bounded
                    && !d
                        .mentions
                        .iter()
                        .any(|m| m.0 == si && m.1 < end && at < m.2)
                {
                    d.mentions.push((si, at, end));
                }
            }
        }
        d.mentions.sort_unstable();
    }
}

/// "The plant" refers to the facility last mentioned; an unnamed site announced with a
/// status verb or a capacity becomes a facility of its own (one per site and place).
fn find_references_and_unnamed(a: &Analysis<'_>, drafts: &mut Vec<FacilityDraft>) {
    let rules = &a.rules.facilities;
    let mut last: Option<usize> = None;
    for si in 0..a.sentences.len() {
        let lower = &a.lower[si];
        for h in a.hits[si].of(Lex::FacilityAnaphor) {
            // "Plant 2 … received …, and the regulator's approval for the site followed":
            // a site named earlier in the sentence is the one referred to.
            let named_before = drafts
                .iter()
                .any(|d| d.mentions.iter().any(|m| m.0 == si && m.2 <= h.start));
            if let Some(l) = last
                && !drafts[l].mentioned_in(si)
                && !named_before
            {
                drafts[l].mentions.push((si, h.start, h.end));
            }
        }
        // "The 180,000-liter plant", "the antibody plant": a described reference back.
        if let Some(l) = last
            && !drafts[l].mentioned_in(si)
            && let Some(m) = DESCRIBED_REFERENCE.captures(lower).and_then(|c| c.get(0))
            && !m
                .as_str()
                .split_whitespace()
                .any(|w| OTHER_SITE.contains(&w))
            && !a
                .orgs_in(si)
                .iter()
                .any(|o| !o.anaphor && o.start < m.end() && m.start() < o.end)
        {
            drafts[l].mentions.push((si, m.start(), m.end()));
        }
        let mentioned_now = drafts.iter().any(|d| d.mentioned_in(si));
        if !mentioned_now {
            let nouns: Vec<(usize, usize)> = a.hits[si]
                .of(Lex::FacilityNoun)
                .iter()
                .map(|h| (h.start, h.end))
                .filter(|(s, e)| {
                    !a.orgs_in(si)
                        .iter()
                        .any(|o| !o.anaphor && *s < o.end && o.start < *e)
                })
                .filter(|(s, e)| is_site_noun(a, si, *s, *e) || site_group(a, si, *s, *e))
                .collect();
            let mut taken_until = 0;
            // The site last taken in this sentence: "its Chungju bio plant …, a facility
            // built to …" describes it again in an appositive.
            let mut previous: Option<(usize, usize)> = None;
            for (ns, ne) in nouns {
                if ns < taken_until {
                    continue;
                }
                if let Some((idx, pe)) = previous {
                    let gap = slice(lower, pe, ns);
                    if gap.len() <= 80
                        && [", a ", ", an ", ", the "].iter().any(|w| {
                            gap.rfind(w)
                                .is_some_and(|i| !gap[i + w.len()..].contains([',', ';']))
                        })
                    {
                        drafts[idx].mentions.push((si, ns, ne));
                        continue;
                    }
                }
                // "its plant in Taizhou passed an EU GMP inspection": a located site granted a
                // licence is a working plant (as a named one is).
                let licensed = || {
                    let h = &a.hits[si];
                    h.has(Lex::LicenceHead)
                        && h.has(Lex::GrantTrigger)
                        && a.place_mentions[si].iter().any(|p| {
                            p.start >= ne
                                && p.start <= ne + 6
                                && slice(lower, ne, p.start).trim() == "in"
                        })
                };
                let cued = status_near(a, si, ns, ne);
                let by_licence = cued.is_none() && licensed();
                let status =
                    cued.or_else(|| by_licence.then_some((FacilityStatus::Operational, ns)));
                let new_site = status.is_some_and(|(st, _)| st != FacilityStatus::Operational);
                let capacity = capacity_near(a, si, ns, ne, new_site).map(|c| c.1);
                if status.is_none() && capacity.is_none() {
                    continue;
                }
                let Some(op) = operator_of(a, si, ns, status.map(|s| s.1)) else {
                    continue;
                };
                // "its fifth plant" is Plant 5.
                if let Some(name) = ordinal_name(lower, ns, ne) {
                    let key = name_key(&name);
                    let idx = match drafts.iter().position(|d| {
                        d.name.as_deref().map(name_key).as_deref() == Some(key.as_str())
                    }) {
                        Some(i) => i,
                        None => {
                            let mut d = FacilityDraft::new(Some(name));
                            d.operator = Some(op);
                            drafts.push(d);
                            drafts.len() - 1
                        }
                    };
                    drafts[idx].mentions.push((si, ns, ne));
                    taken_until = ne + 20;
                    previous = Some((idx, ne));
                    continue;
                }
                let (town_name, town) = town_before(a, si, ns, ne);
                let place = place_near(a, si, ns, ne).map(|mut p| {
                    if p.2.is_none() {
                        p.2 = town.clone();
                    }
                    p
                });
                let city = place.as_ref().and_then(|p| p.2.clone()).or(town.clone());
                // The same operator's unnamed site in the same town (or an unknown one).
                // Places agree at every level both know ("in Hubei" is not "in Incheon").
                let agree = |d: &FacilityDraft| match (&d.place, &place) {
                    (Some((c1, r1, _)), Some((c2, r2, _))) => {
                        c1 == c2 && (r1.is_none() || r2.is_none() || r1 == r2)
                    }
                    _ => true,
                };
                let existing = drafts.iter().position(|d| {
                    d.operator == Some(op)
                        && d.name.is_none()
                        && agree(d)
                        && match (&d.place, &city) {
                            (Some((_, _, Some(c1))), Some(c2)) => c1 == c2,
                            _ => true,
                        }
                });
                let idx = match existing {
                    Some(i) => i,
                    None => {
                        let mut d = FacilityDraft::new(town_name.clone());
                        d.operator = Some(op);
                        d.place = place.clone();
                        if d.place.is_none()
                            && let (Some(t), Some(c)) = (&town, a.org(op).country)
                        {
                            d.place = Some((c, None, Some(t.clone())));
                        }
                        drafts.push(d);
                        drafts.len() - 1
                    }
                };
                drafts[idx].mentions.push((si, ns, ne));
                if by_licence && drafts[idx].status.is_none() {
                    drafts[idx].status = Some(FacilityStatus::Operational);
                    drafts[idx].status_sentence = Some(si);
                }
                taken_until = ne + 20;
                previous = Some((idx, ne));
            }
        }
        // The site last named, but not one that only locates another ("Plant 1 at its
        // Songdo Bio Campus": the text goes on about Plant 1).
        let locative = |m: &(usize, usize, usize)| {
            let before = slice(lower, m.1.saturating_sub(12), m.1);
            [
                " at its ", " on its ", " of its ", " in its ", " at the ", " on the ",
            ]
            .iter()
            .any(|w| before.ends_with(w))
        };
        let latest = |only_subjects: bool| {
            drafts
                .iter()
                .enumerate()
                .filter(|(_, d)| {
                    d.mentions
                        .iter()
                        .any(|m| m.0 == si && !(only_subjects && locative(m)))
                })
                .max_by_key(|(_, d)| {
                    d.mentions
                        .iter()
                        .filter(|m| m.0 == si && !(only_subjects && locative(m)))
                        .map(|m| m.1)
                        .max()
                })
                .map(|(i, _)| i)
        };
        if let Some(i) = latest(true).or_else(|| latest(false)) {
            last = Some(i);
        }
        let _ = (lower, rules);
    }
}

/// "its Chungju bio plant": an unknown capitalised town written right before the site noun
/// (with at most two lower-case words between) names the site and its town.
fn town_before(
    a: &Analysis<'_>,
    si: usize,
    s: usize,
    e: usize,
) -> (Option<String>, Option<String>) {
    let text = &a.sentences[si].text;
    let before = &text[..s];
    let mut words: Vec<&str> = before.split_whitespace().rev().take(3).collect();
    words.reverse();
    for (i, w) in words.iter().enumerate() {
        // "Busan, a research facility": a comma ends the name.
        if w.ends_with(',') {
            continue;
        }
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        let rest = &words[i + 1..];
        let cap = w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && w.chars().skip(1).all(|c| c.is_ascii_lowercase())
            && w.len() >= 3;
        if cap
            && rest
                .iter()
                .all(|r| r.chars().all(|c| c.is_ascii_lowercase()))
            && !a.rules.orgs.function_words.contains(w)
            && !a.rules.orgs.not_names.contains(w)
        {
            let at = before.rfind(w).unwrap_or(s);
            if a.orgs_in(si).iter().any(|m| at < m.end && m.start <= at) {
                return (None, None);
            }
            // "its L House vaccine plant": a letter before the word makes it a site's own
            // name, not a town.
            if i > 0
                && words[i - 1].len() == 1
                && words[i - 1].chars().all(|c| c.is_ascii_uppercase())
            {
                return (Some(format!("{} {w}", words[i - 1])), None);
            }
            let name = format!("{}{}", &text[at..s], &text[s..e]);
            return (Some(name), Some(w.to_string()));
        }
    }
    (None, None)
}

/// "fifth plant" → "Plant 5": a numbered site written with an ordinal.
fn ordinal_name(lower: &str, s: usize, e: usize) -> Option<String> {
    const ORDINALS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    let kind = match &lower[s..e] {
        "plant" => "Plant",
        "factory" => "Factory",
        "production line" | "line" => "Line",
        _ => return None,
    };
    let before = lower[..s].trim_end();
    let word = before.rsplit(|c: char| !c.is_ascii_alphanumeric()).next()?;
    let n = ORDINALS.iter().position(|o| *o == word)? + 1;
    Some(format!("{kind} {n}"))
}

/// A facility noun that stands for one site: not plural ("six facilities"), and "GMP" only
/// when used as a noun ("building a GMP dedicated to…").
fn is_site_noun(a: &Analysis<'_>, si: usize, s: usize, e: usize) -> bool {
    let rules = &a.rules.facilities;
    let lower = &a.lower[si];
    let noun = &lower[s..e];
    if noun.ends_with('s') && noun != "campus" && noun != "gmp" || noun.ends_with("ies") {
        return false;
    }
    if noun == "gmp" {
        let before = lower[..s].trim_end();
        let after = lower[e..].trim_start();
        let determiner = ["a", "the", "its", "new"]
            .iter()
            .any(|d| before.ends_with(&format!(" {d}")) || before == *d);
        let noun_follows = after.starts_with(|c: char| c.is_ascii_alphabetic())
            && !["dedicated", "for", "at", "in", "that", "which", "to"]
                .iter()
                .any(|w| after.starts_with(w));
        return determiner && !noun_follows && !after.starts_with('-');
    }
    if rules.weak_nouns.iter().any(|w| w == noun) {
        let from = floor_char(lower, s.saturating_sub(30));
        return qualifies(a, si, from, e);
    }
    true
}

/// "The three drug substance plants on its Songdo campus, which together hold 250,000
/// liters": plural sites given one total are one site (the campus) for the record.
fn site_group(a: &Analysis<'_>, si: usize, s: usize, e: usize) -> bool {
    let noun = &a.lower[si][s..e];
    // Only sites of one place ("on its Songdo campus"): "four plants with a combined
    // 604,000 liters" is the company's total.
    let one_place = a.place_mentions[si]
        .iter()
        .any(|p| p.start.abs_diff(e) <= 40 || p.end.abs_diff(s) <= 40);
    (noun.ends_with('s') || noun.ends_with("ies"))
        && one_place
        && a.capacities[si]
            .iter()
            .any(|c| c.total && c.start >= e && c.start - e <= 120)
}

/// True when `at` lies in a ", which …" clause describing a company (not holding the site
/// at `site`): "Samsung Biologics, which operates 604,000 liters, said it would build …".
fn company_aside(a: &Analysis<'_>, si: usize, at: usize, site: usize) -> bool {
    let lower = &a.lower[si];
    let Some(open) = [", which ", ", who "]
        .iter()
        .filter_map(|w| lower[..at].rfind(w))
        .max()
    else {
        return false;
    };
    a.span_in_aside(si, at, at, site)
        && a.orgs_in(si)
            .iter()
            .any(|m| m.end == open && !a.org(m.org).is_authority())
}

/// The status cue nearest the mention at `[s, e)` (within 80 bytes), with its position.
fn status_near(a: &Analysis<'_>, si: usize, s: usize, e: usize) -> Option<(FacilityStatus, usize)> {
    let rules = &a.rules.facilities;
    let mut best: Option<(usize, FacilityStatus, usize)> = None;
    for h in a.hits[si].range(Lex::FacilityStatus(0), Lex::FacilityStatus(u16::MAX)) {
        let Lex::FacilityStatus(i) = h.lex else {
            continue;
        };
        let Some((status, _)) = rules.status.get(i as usize) else {
            continue;
        };
        if company_aside(a, si, h.start, s) {
            continue;
        }
        let distance = if h.end <= s {
            s - h.end
        } else {
            h.start.saturating_sub(e)
        };
        if distance <= 80 && best.is_none_or(|(d, _, _)| distance < d) {
            best = Some((distance, *status, h.start));
        }
    }
    // "its existing vaccine plant": an attribute of the site noun itself, not of a network
    // or a product nearby.
    if best.is_none_or(|(d, _, _)| d > 0) {
        let lower = &a.lower[si];
        let before = &lower[floor_char(lower, s.saturating_sub(30))..s];
        if let Some(at) = before.rfind("existing ")
            && before[at + 9..].split_whitespace().count() <= 2
            && (at == 0 || !before.as_bytes()[at - 1].is_ascii_alphanumeric())
        {
            return Some((FacilityStatus::Operational, s));
        }
    }
    best.map(|(_, st, at)| (st, at))
}

/// The facility's current bioreactor volume stated next to the mention at `[s, e)`: a
/// stated total, else the nearest volume (after the mention first); targets, expansions and
/// company-wide figures are not the facility's.
fn capacity_near(
    a: &Analysis<'_>,
    si: usize,
    s: usize,
    e: usize,
    new_site: bool,
) -> Option<(usize, f64)> {
    let lower = &a.lower[si];
    // A site being planned or built has only a future volume ("its fifth plant, which will
    // add 180,000 liters"): then only expansions and company-wide figures are excluded.
    let current: Vec<_> = a.capacities[si]
        .iter()
        .filter(|c| {
            let before = slice(lower, c.start.saturating_sub(35), c.start);
            !NOT_OWN.iter().any(|w| before.contains(w))
                && (new_site || !FUTURE.iter().any(|w| before.contains(w)))
                // "Samsung Biologics, which operates 604,000 liters in Songdo, said it would
                // build Plant 6": the aside's volume is the company's.
                && !company_aside(a, si, c.start, s)
        })
        .collect();
    let distance = |c: &super::quantities::CapacityMention| {
        if c.start >= e {
            c.start - e
        } else {
            (s.saturating_sub(c.end)).saturating_mul(2)
        }
    };
    if let Some(t) = current
        .iter()
        .filter(|c| c.total && distance(c) <= 200)
        .min_by_key(|c| distance(c))
    {
        return Some((distance(t), t.liters));
    }
    let (i, nearest) = current
        .iter()
        .enumerate()
        .filter(|(_, c)| distance(c) <= 120)
        .min_by_key(|(_, c)| distance(c))?;
    // "3 x 1,000 L perfusion bioreactors and 6 x 2,000 L fed-batch bioreactors": the
    // reactors listed together make the site's volume.
    let reactor = |c: &super::quantities::CapacityMention| {
        let after = slice(lower, c.end, c.end + 30);
        [
            "bioreactor",
            "reactor",
            "unit",
            "train",
            "vessel",
            "ferment",
            "tank",
        ]
        .iter()
        .any(|w| after.contains(w))
    };
    let joined = |x: &super::quantities::CapacityMention,
                  y: &super::quantities::CapacityMention| {
        let gap = slice(lower, x.end, y.start);
        gap.len() <= 90
            && [" and ", " plus ", " with ", ", "]
                .iter()
                .any(|w| gap.contains(w))
            && !gap.contains(" to ")
            && !gap.contains(" from ")
    };
    let mut total = nearest.liters;
    if reactor(nearest) {
        let mut j = i;
        while j + 1 < current.len() && reactor(current[j + 1]) && joined(current[j], current[j + 1])
        {
            total += current[j + 1].liters;
            j += 1;
        }
        let mut k = i;
        while k > 0 && reactor(current[k - 1]) && joined(current[k - 1], current[k]) {
            total += current[k - 1].liters;
            k -= 1;
        }
    }
    Some((distance(nearest), total))
}

/// Where the site at `[s, e)` is: a known place right after it ("in Songdo"), an unknown
/// town before a known region ("in Hanam, Gyeonggi Province"), a place written before it
/// ("the Osong plant"), an organization hosting it ("at the Asan … Institute"), or the
/// most specific place of the sentence.
fn place_near(a: &Analysis<'_>, si: usize, s: usize, e: usize) -> Option<Place> {
    let mut place = place_near_raw(a, si, s, e)?;
    // "a plant in the capital of Hubei province" beside "Wuhan …": a province made precise
    // by a city of it the sentence names.
    if place.2.is_none()
        && let Some(r) = place.1.clone()
        && let Some(city) = a.place_mentions[si]
            .iter()
            // "the Nanjing-based group": where a company is based is no site's city.
            .filter(|m| {
                let rest = &a.sentences[si].text[m.end..];
                !(rest.starts_with("-based") || rest.starts_with("-headquartered"))
            })
            .map(|m| &a.gaz.places[m.place])
            .find(|p| p.kind.specificity() >= 2 && p.region.as_deref() == Some(r.as_str()))
    {
        place.2 = city.city.clone();
    }
    Some(place)
}

fn place_near_raw(a: &Analysis<'_>, si: usize, s: usize, e: usize) -> Option<Place> {
    let lower = &a.lower[si];
    let text = &a.sentences[si].text;
    let to_place = |pi: usize, town: Option<String>| -> Place {
        let p = &a.gaz.places[pi];
        let region = if p.kind == PlaceKind::Country {
            None
        } else {
            p.region.clone()
        };
        // Singapore and Hong Kong are their own city.
        let city_state = p.kind == PlaceKind::Country
            && ["Singapore", "Hong Kong", "Macau", "Macao"].contains(&p.name.as_str());
        let city = town.or_else(|| {
            if p.kind.specificity() >= 2 {
                p.city.clone()
            } else if city_state {
                Some(p.name.clone())
            } else {
                None
            }
        });
        (p.country, region, city)
    };
    let mut after: Vec<_> = a.place_mentions[si]
        .iter()
        .filter(|p| p.start >= e && p.start <= e + 70)
        // "Sino-Singapore Guangzhou Knowledge City": a place in a compound names no site.
        .filter(|p| !text[..p.start].ends_with('-'))
        .collect();
    after.sort_by_key(|p| p.start);
    if let Some(p) = after.first() {
        let gap = slice(text, e, p.start);
        // "in Hanam, Gyeonggi Province": the town is unknown, its region is not.
        if let Some(i) = gap.rfind(" in ").or_else(|| gap.rfind(" at ")) {
            let tail = &gap[i + 1..];
            if let Some(c) = TOWN.captures(tail)
                && let Some(town) = c.get(1)
            {
                return Some(to_place(p.place, Some(town.as_str().to_string())));
            }
        }
        let g = slice(lower, e, p.start);
        if g.contains(" in ") || g.contains(" at ") || g.trim().is_empty() || g.contains(" near ") {
            return Some(to_place(p.place, None));
        }
    }
    if let Some(p) = a.place_mentions[si]
        .iter()
        .rev()
        .find(|p| p.end <= s && s - p.end <= 25)
    {
        return Some(to_place(p.place, None));
    }
    a.place_of(si).or_else(|| host_place(a, si))
}

/// The operator of a site mentioned at `pos`: "operated by X"; a possessive ("X's plant",
/// "its plant" → the company the sentence is about); the sentence's subject; the nearest
/// named company before the mention.
fn operator_of(a: &Analysis<'_>, si: usize, pos: usize, cue: Option<usize>) -> Option<usize> {
    let lower = &a.lower[si];
    let ms = a.orgs_in(si);
    // "the Pyeongtaek Bio Plant in Gyeonggi Province, where Hanmi makes the drug": the
    // company of the relative clause works the site.
    // "Plant 4 in Songdo, which Samsung Biologics finished building in June": likewise.
    for (opener, verbs) in [
        (
            ", where ",
            &[" make", " produce", " manufacture", " run", " operate"][..],
        ),
        (
            ", which ",
            &[
                " built",
                " finished",
                " completed",
                " opened",
                " operates",
                " runs",
                " owns",
                " acquired",
                " bought",
            ][..],
        ),
    ] {
        if let Some(i) = slice(lower, pos, pos + 90).find(opener) {
            let at = pos + i + opener.len();
            if let Some(m) = ms.iter().find(|m| m.start >= at && m.start <= at + 4)
                && verbs
                    .iter()
                    .any(|v| slice(lower, m.end, m.end + 14).starts_with(v))
            {
                return Some(m.org);
            }
        }
    }
    if let Some(at) = lower.find("operated by").or_else(|| lower.find("run by"))
        && let Some(m) = ms.iter().find(|m| m.start > at && m.start <= at + 45)
    {
        return Some(m.org);
    }
    // A site is run by a company, hospital or institute, not by a ministry, a regulator, an
    // association or an investor.
    let company = |org: usize| {
        !matches!(
            a.org(org).kind,
            Some(
                OrganizationKind::Regulator
                    | OrganizationKind::Government
                    | OrganizationKind::Association
                    | OrganizationKind::Investor
            )
        )
    };
    // "Samsung's Plant 5", "its plant".
    let before = lower[..pos].trim_end();
    if let Some(m) = ms.iter().rev().find(|m| {
        m.end <= pos && company(m.org) && {
            let gap = slice(lower, m.end, pos);
            (gap.starts_with("'s") || gap.starts_with("’s")) && gap.len() <= 40
        }
    }) {
        // "its acquisition of Eli Lilly's plant": the seller owned it, the buyer runs it.
        let h = &a.hits[si];
        let bought = h
            .range(Lex::DealVerb(0), Lex::DealNoun(u16::MAX))
            .iter()
            .any(|d| d.end <= m.start && m.start - d.end <= 25);
        if !bought {
            return Some(m.org);
        }
        if let Some(buyer) = ms
            .iter()
            .find(|x| x.end <= m.start && company(x.org) && x.org != m.org)
        {
            return Some(buyer.org);
        }
        return a.recent_company(si);
    }
    let anchor = cue.unwrap_or(pos);
    if before.ends_with(" its")
        || before.ends_with(" its new")
        || before.contains(" its ") && pos - before.rfind(" its ").unwrap_or(0) < 30
    {
        if let Some(m) = ms
            .iter()
            .find(|m| m.start < anchor && company(m.org) && !a.is_affiliation(si, m.start))
        {
            return Some(m.org);
        }
        return a.recent_company(si);
    }
    // The subject of the status verb (or of the clause naming the site): the nearest
    // company before it that is not inside a relative clause or a prepositional phrase.
    let subject_like = |m: &&super::mentions::OrgMention| {
        let b = lower[..m.start].trim_end();
        company(m.org)
            && !a.is_affiliation(si, m.start)
            && ![
                "of", "from", "with", "by", "for", "to", "that", "which", "whom",
            ]
            .iter()
            .any(|w| ends_with_word(b, w))
    };
    // "Daewoong Bio, a Daewoong Group unit, already runs …": the name the appositive
    // describes, not the one inside it.
    if let Some(mut i) = ms.iter().rposition(|m| m.end <= anchor && subject_like(&m)) {
        while let Some(h) = a.appositive_head(si, i, anchor) {
            i = h;
        }
        if company(ms[i].org) {
            return Some(ms[i].org);
        }
    }
    ms.iter()
        .rev()
        .find(|m| m.end <= anchor && subject_like(m))
        .or_else(|| {
            ms.iter()
                .find(|m| m.start < pos.max(anchor) && subject_like(m))
        })
        .or_else(|| ms.iter().rev().find(|m| m.end <= pos && company(m.org)))
        .map(|m| m.org)
}

/// The operator of a named site: an organization named inside its name, else the operator
/// read at its first mention with one.
fn named_operator(a: &Analysis<'_>, d: &FacilityDraft) -> Option<usize> {
    for &(si, s, e) in &d.mentions {
        if let Some(m) = a
            .orgs_in(si)
            .iter()
            .find(|m| !m.anaphor && m.start >= s && m.end <= e)
        {
            return Some(m.org);
        }
    }
    for &(si, s, _) in &d.mentions {
        if let Some(op) = operator_of(a, si, s, status_near(a, si, s, s).map(|x| x.1)) {
            return Some(op);
        }
    }
    // "The figure combines five plants: Plant 1 and Plant 2 …": a named site in sentences
    // naming no company belongs to the company the paragraph is about.
    d.mentions
        .first()
        .and_then(|&(si, _, _)| a.recent_company(si))
}

/// "Plant 1 and Plant 2 have 30,000 L and 154,000 L respectively": the n-th site named in
/// the sentence has the n-th volume.
fn respective_capacities(a: &Analysis<'_>, drafts: &[FacilityDraft]) -> Vec<Option<f64>> {
    let mut out = vec![None; drafts.len()];
    for si in 0..a.sentences.len() {
        // The clause that ends in "respectively": sites and volumes after it belong to
        // another clause ("…, while the third plant will …").
        let Some(resp) = a.lower[si].find("respectively") else {
            continue;
        };
        let mut sites: Vec<(usize, usize)> = drafts
            .iter()
            .enumerate()
            .flat_map(|(i, d)| {
                d.mentions
                    .iter()
                    .filter(move |m| m.0 == si && m.1 < resp)
                    .map(move |m| (m.1, i))
            })
            .collect();
        sites.sort_unstable();
        sites.dedup_by_key(|x| x.1);
        let caps: Vec<_> = a.capacities[si].iter().filter(|c| c.end <= resp).collect();
        if sites.len() >= 2 && sites.len() == caps.len() {
            for ((_, i), c) in sites.iter().zip(caps) {
                out[*i] = Some(c.liters);
            }
        }
    }
    out
}

/// Status, capacity, place and modalities from every mention, by proximity.
fn settle_attributes(a: &Analysis<'_>, drafts: &mut [FacilityDraft]) {
    let respective = respective_capacities(a, drafts);
    for (di, d) in drafts.iter_mut().enumerate() {
        let mut best_capacity: Option<(usize, f64, usize)> =
            respective[di].map(|c| (0, c, usize::MAX));
        d.mentions.sort_unstable();
        d.mentions.dedup();
        if d.operator.is_none() {
            d.operator = named_operator(a, d);
        }
        for &(si, s, e) in &d.mentions.clone() {
            if let Some((st, _)) = status_near(a, si, s, e)
                && d.status
                    .is_none_or(|cur| advancement(st) > advancement(cur))
            {
                d.status = Some(st);
                d.status_sentence = Some(si);
            }
            let new_site = d.status.is_some_and(|st| st != FacilityStatus::Operational);
            if let Some((dist, c)) = capacity_near(a, si, s, e, new_site)
                && best_capacity.is_none_or(|(bd, _, _)| dist < bd)
            {
                best_capacity = Some((dist, c, si));
            }
            if d.place.is_none() {
                d.place = place_near(a, si, s, e);
            }
            // Modality words, except inside organization names ("Organoid Science").
            let orgs = a.orgs_in(si);
            for h in a.hits[si].range(Lex::Modality(0), Lex::Modality(u16::MAX)) {
                let in_name = orgs
                    .iter()
                    .any(|m| !m.anaphor && h.start < m.end && m.start < h.end);
                if let (false, Lex::Modality(i)) = (in_name, h.lex)
                    && let Some((m, _)) = a.rules.modalities.get(i as usize)
                {
                    d.modalities.insert(*m);
                }
            }
        }
        if let Some((_, c, si)) = best_capacity {
            d.capacity = Some(c);
            if d.status_sentence.is_none() && si != usize::MAX {
                d.status_sentence = Some(si);
            }
        }
        // A site's operator is a company, not a ministry.
        if d.operator
            .is_some_and(|o| a.org(o).kind == Some(OrganizationKind::Regulator))
        {
            d.operator = None;
        }
    }
}

/// The text with every parenthesised part blanked out, byte offsets unchanged.
fn mask_parentheses(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '(' {
            depth += 1;
        }
        if depth > 0 {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
        if c == ')' {
            depth = depth.saturating_sub(1);
        }
    }
    out
}

/// Where an organization that hosts the facility ("at the Asan Life Science Research
/// Institute") is located, when the sentence names no place.
fn host_place(a: &Analysis<'_>, si: usize) -> Option<Place> {
    let lower = &a.lower[si];
    a.orgs_in(si).iter().filter(|m| !m.anaphor).find_map(|m| {
        let before = lower[..m.start].trim_end();
        let hosted = [
            "at",
            "at the",
            "in",
            "in the",
            "within",
            "within the",
            "inside",
        ]
        .iter()
        .any(|p| before.ends_with(&format!(" {p}")));
        let o = a.org(m.org);
        match (hosted, o.country, &o.city) {
            (true, Some(c), Some(_)) => Some((c, o.region.clone(), o.city.clone())),
            _ => None,
        }
    })
}
