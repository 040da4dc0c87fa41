//! Who and where each sentence speaks of: gazetteer names, organizations the gazetteer does
//! not know (found by the shape of the name and its context), references back ("it", "the
//! company", "the two institutions"), parents ("a subsidiary of") and locations.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use cdmo_store::names::name_key;
use cdmo_store::vocab::OrganizationKind;
use cdmo_store::{Country, PartialDate};
use regex::Regex;

use super::dates::{DateMention, find_dates_after};
use super::gazetteer::{Entry, Gazetteer, PlaceKind};
use super::lexicon::{Hits, Lex, Lexicon};
use super::quantities::{CapacityMention, MoneyMention, find_capacities, find_money};
use super::rules::Rules;
use super::sentences::Sentence;
use super::text::{Fit, ends_with_word, find_all, floor_char, is_title_case, slice, static_regex};

/// An organization of the document.
#[derive(Debug, Clone)]
pub struct DocOrg {
    pub name: String,
    /// Every form of the name seen in the document, in order of appearance.
    pub surfaces: Vec<String>,
    pub gaz: Option<usize>,
    pub kind: Option<OrganizationKind>,
    /// True when the kind comes from the gazetteer or an explicit descriptor.
    pub kind_explicit: bool,
    pub country: Option<Country>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub parent: Option<usize>,
}

impl DocOrg {
    pub fn is_authority(&self) -> bool {
        matches!(
            self.kind,
            Some(OrganizationKind::Regulator | OrganizationKind::Government)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgMention {
    pub start: usize,
    pub end: usize,
    pub org: usize,
    /// A reference back ("it", "the company") rather than a name.
    pub anaphor: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceMention {
    pub start: usize,
    pub end: usize,
    pub place: usize,
}

/// A reference to several organizations at once ("the two institutions").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMention {
    pub start: usize,
    pub end: usize,
    pub orgs: Vec<usize>,
}

/// Everything the fact rules read about one document.
pub struct Analysis<'a> {
    pub gaz: &'a Gazetteer,
    pub rules: &'a Rules,
    /// Rule phrases found in each sentence (one automaton scan per sentence).
    pub hits: Vec<Hits>,
    pub published: Option<PartialDate>,
    pub sentences: Vec<Sentence>,
    pub lower: Vec<String>,
    pub orgs: Vec<DocOrg>,
    pub org_mentions: Vec<Vec<OrgMention>>,
    pub place_mentions: Vec<Vec<PlaceMention>>,
    pub groups: Vec<Vec<GroupMention>>,
    pub dates: Vec<Vec<DateMention>>,
    /// Bioreactor volumes stated in each sentence.
    pub capacities: Vec<Vec<CapacityMention>>,
    /// Amounts of money stated in each sentence.
    pub money: Vec<Vec<MoneyMention>>,
    /// Gazetteer organization → its index in `orgs`.
    gaz_index: HashMap<usize, usize>,
}

static LEGAL_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"^,?\s*(?:Co\.,?\s*Ltd\.?|Co\.?,?\s*Limited|Ltd\.?|Limited|Inc\.?|Corp\.?|Corporation|LLC|GmbH|AG|S\.A\.|Co\.)",
    )
});
static LEGAL_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r",?\s+(?:Co\.,?\s*Ltd\.?|Co\.?,?\s*Limited|Ltd\.?|Inc\.?|Corp\.?|Corporation|LLC|GmbH|AG|S\.A\.|Co\.)$",
    )
});
/// The name an organization is reported under: without its legal form ("Foo Bio Co., Ltd."
/// is "Foo Bio"), except where one word would be left, which names the whole group ("SK
/// Inc." is not "SK", "Lotte Corporation" not "Lotte").
fn display_name(surface: &str) -> String {
    let bare = LEGAL_SUFFIX.replace(surface, "").trim().to_string();
    if bare.split_whitespace().count() < 2 && bare != surface.trim_end_matches(',') {
        surface.trim_end_matches(',').trim().to_string()
    } else {
        bare
    }
}
/// The romanised given name of a Korean person: "Dong-bin", "Won-seok".
static KOREAN_GIVEN_NAME: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"^[A-Z][a-z]{1,5}-[a-z]{1,5}$"));
/// An abbreviation defined in parentheses: "(CBM)", "(KNIH)", "(MOTIE)".
static ABBREVIATION: LazyLock<Regex> =
    LazyLock::new(|| static_regex(r"^[A-Z][A-Za-z&\-]{0,2}[A-Z][A-Za-z&\-]{0,6}$"));
static CAMEL: LazyLock<Regex> = LazyLock::new(|| static_regex(r"^[A-Z][a-z]+[A-Z][A-Za-z]*$"));
/// Product, site and batch codes ("MFG5", "DP1", "L1").
static CODE: LazyLock<Regex> = LazyLock::new(|| static_regex(r"^[A-Z]{1,5}-?\d+[A-Z]?$"));

const CONNECTORS: &[&str] = &["of", "and", "&", "for", "de", "du", "the"];
/// Prepositions that make the name after them an object, not the one a sentence is about.
const GOVERNING: &[&str] = &[
    "with", "for", "from", "of", "by", "to", "between", "at", "in",
];
/// Legal forms: written after a name, they name the same company.
const LEGAL_FORMS: &[&str] = &[
    "Inc",
    "Co",
    "Ltd",
    "Corp",
    "Corporation",
    "LLC",
    "GmbH",
    "AG",
    "Limited",
    "plc",
    "PLC",
    "SA",
    "S.A",
    "Company",
    "KK",
    "NV",
    "BV",
    "SE",
];

/// Kinds that "it", "the company" and "the firm" can refer to.
/// "the Incheon-based biosimilar maker": "the", up to four modifiers (lower case, or a
/// place joined to "-based"/"-listed"), and a noun naming a company.
static DESCRIPTION: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?-u:\b)the\s+(?:[a-z][a-z'’-]*\s+){1,4}(maker|drugmaker|company|firm|cdmo|developer|manufacturer|group|biotech|producer|giant|conglomerate|contract manufacturer)(?-u:\b)",
    )
});

const COMPANY_KINDS: &[OrganizationKind] = &[
    OrganizationKind::Cdmo,
    OrganizationKind::Biotech,
    OrganizationKind::Pharma,
    OrganizationKind::Supplier,
    OrganizationKind::Investor,
    OrganizationKind::Other,
];

/// How prominent each organization has been so far, for resolving references back.
#[derive(Debug, Default)]
struct Salience {
    para: usize,
    // Ordered maps: ties between equally salient organizations must break the same way on
    // every run.
    in_doc: BTreeMap<usize, usize>,
    in_para: BTreeMap<usize, usize>,
    last_seen: BTreeMap<usize, usize>,
}

#[derive(Debug, Clone, Copy)]
struct Token<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

/// Latin word tokens: an ASCII letter or digit, then letters, digits and the joiners
/// `& ' ’ . -`, ending on a letter, digit or full stop; a possessive "'s" is cut off, and a
/// final full stop too unless the word is a legal abbreviation ("Co.", "Ltd.").
fn tokens(s: &str) -> Vec<Token<'_>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        loop {
            if j < b.len()
                && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'&' | b'\'' | b'.' | b'-'))
            {
                j += 1;
            } else if b[j..].starts_with("’".as_bytes()) {
                j += "’".len();
            } else {
                break;
            }
        }
        // Trailing joiners are not part of the word (a full stop may be: see below).
        let mut end = j;
        while end > start + 1 && !(b[end - 1].is_ascii_alphanumeric() || b[end - 1] == b'.') {
            end -= 1;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
        }
        let mut text = &s[start..end];
        // "People's Congress", "People's Government": a possessive inside a body's name.
        if !matches!(text, "People's" | "People’s") {
            for poss in ["'s", "’s"] {
                if let Some(t) = text.strip_suffix(poss) {
                    text = t;
                }
            }
        }
        // "H.I.G. Capital": an initialism keeps its last full stop and joins the next word.
        let initialism = text.len() >= 4
            && text
                .as_bytes()
                .chunks(2)
                .all(|p| p.len() == 2 && p[0].is_ascii_uppercase() && p[1] == b'.');
        if text.ends_with('.')
            && !initialism
            && !["Co.", "Inc.", "Ltd.", "Corp.", "S.A."].contains(&text)
        {
            text = &text[..text.len() - 1];
        }
        if !text.is_empty() {
            out.push(Token {
                start,
                end: start + text.len(),
                text,
            });
        }
        i = j.max(start + 1);
    }
    out
}

fn is_cap(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        || (t.chars().next().is_some_and(|c| c.is_ascii_digit())
            && t.chars().any(|c| c.is_ascii_uppercase()))
}

/// A candidate organization name found by its shape or context.
#[derive(Debug, Clone)]
struct Candidate {
    surface: String,
    kind: Option<OrganizationKind>,
    /// Certain enough to keep after one sighting.
    strong: bool,
}

impl<'a> Analysis<'a> {
    pub fn new(
        paragraphs_sentences: Vec<Sentence>,
        published: Option<PartialDate>,
        gaz: &'a Gazetteer,
        rules: &'a Rules,
        lexicon: &Lexicon,
    ) -> Analysis<'a> {
        let lower: Vec<String> = paragraphs_sentences
            .iter()
            .map(|s| s.text.to_ascii_lowercase())
            .collect();
        let hits = paragraphs_sentences
            .iter()
            .map(|s| lexicon.scan(&s.text))
            .collect();
        let (capacities, money): (Vec<_>, Vec<_>) = paragraphs_sentences
            .iter()
            .map(|s| {
                if s.text.bytes().any(|b| b.is_ascii_digit()) {
                    (
                        find_capacities(&s.text),
                        find_money(&s.text, &rules.currencies),
                    )
                } else {
                    (Vec::new(), Vec::new())
                }
            })
            .unzip();
        // "In May of that year": the year named last before the sentence.
        let mut context: Option<PartialDate> = None;
        let dates = paragraphs_sentences
            .iter()
            .map(|s| {
                let found = find_dates_after(&s.text, published, context);
                // Event dates, not "last year" or the publication day, anchor what follows.
                if let Some(d) = found
                    .iter()
                    .rev()
                    .find(|d| !d.relative || d.date.get_day().is_some())
                {
                    context = Some(d.date);
                }
                found
            })
            .collect();
        let n = paragraphs_sentences.len();
        let mut a = Analysis {
            gaz,
            rules,
            hits,
            published,
            sentences: paragraphs_sentences,
            lower,
            orgs: Vec::new(),
            org_mentions: vec![Vec::new(); n],
            place_mentions: vec![Vec::new(); n],
            groups: vec![Vec::new(); n],
            dates,
            capacities,
            money,
            gaz_index: HashMap::new(),
        };
        a.find_gazetteer_names();
        a.discover_organizations();
        a.find_government_bodies();
        a.link_short_forms();
        a.link_core_words();
        a.find_parents();
        a.find_local_governments();
        a.find_zone_committees();
        a.resolve_anaphora();
        a.find_locations_and_descriptors();
        for m in a.org_mentions.iter_mut() {
            m.sort_by_key(|m| (m.start, m.end));
        }
        a
    }

    fn org_for_gaz(&mut self, gi: usize) -> usize {
        if let Some(i) = self.gaz_index.get(&gi) {
            return *i;
        }
        let g = &self.gaz.orgs[gi];
        self.orgs.push(DocOrg {
            name: g.name.clone(),
            surfaces: Vec::new(),
            gaz: Some(gi),
            kind: Some(g.kind),
            kind_explicit: true,
            country: g.country,
            region: g.region.clone(),
            city: g.city.clone(),
            parent: None,
        });
        self.gaz_index.insert(gi, self.orgs.len() - 1);
        self.orgs.len() - 1
    }

    fn add_surface(&mut self, org: usize, surface: &str) {
        let s = surface.trim().to_string();
        if !s.is_empty() && !self.orgs[org].surfaces.contains(&s) {
            self.orgs[org].surfaces.push(s);
        }
    }

    fn find_gazetteer_names(&mut self) {
        for si in 0..self.sentences.len() {
            let text = self.sentences[si].text.clone();
            for m in self.gaz.find(&text) {
                match m.entry {
                    Entry::Org(gi) => {
                        let org = self.org_for_gaz(gi);
                        self.add_surface(org, &text[m.start..m.end]);
                        self.org_mentions[si].push(OrgMention {
                            start: m.start,
                            end: m.end,
                            org,
                            anaphor: false,
                        });
                    }
                    Entry::Place(pi) => self.place_mentions[si].push(PlaceMention {
                        start: m.start,
                        end: m.end,
                        place: pi,
                    }),
                }
            }
        }
    }

    fn covered_by_org(&self, si: usize, start: usize, end: usize) -> bool {
        self.org_mentions[si]
            .iter()
            .any(|m| start < m.end && m.start < end)
    }

    fn inside_one_place(&self, si: usize, start: usize, end: usize) -> bool {
        self.place_mentions[si]
            .iter()
            .any(|m| m.start <= start && end <= m.end)
    }

    fn covered(&self, si: usize, start: usize, end: usize) -> bool {
        self.org_mentions[si]
            .iter()
            .any(|m| start < m.end && m.start < end)
            || self.place_mentions[si]
                .iter()
                .any(|m| start < m.end && m.start < end)
    }

    fn head_kind(&self, toks: &[&str]) -> Option<OrganizationKind> {
        let r = &self.rules.orgs;
        let n = toks.len();
        if n >= 2 {
            let two = format!("{} {}", toks[n - 2], toks[n - 1]);
            if let Some(k) = r.head_words.get(&two) {
                return Some(*k);
            }
        }
        let last = toks[n - 1].trim_end_matches('.');
        let k = r.head_words.get(last).copied()?;
        // A legal suffix says "company"; the word before it may say what kind.
        if k == OrganizationKind::Other && n >= 2 {
            let prev = toks[n - 2].trim_end_matches(['.', ',']);
            if let Some(pk) = r.head_words.get(prev) {
                return Some(*pk);
            }
        }
        Some(k)
    }

    fn is_person_context(&self, si: usize, start: usize, end: usize) -> bool {
        let text = &self.sentences[si].text;
        // "Wang Shumin, general manager of …", "Koo said": a person cue right after the name.
        let skip = text[end..].len() - text[end..].trim_start_matches([',', ' ']).len();
        // "Chang, a professor at …": the cue may follow an article.
        let rest = &text[end + skip..];
        let article = ["a ", "an ", "the "]
            .iter()
            .find(|a| rest.starts_with(**a) && skip > 0 && text[end..].starts_with(','))
            .map_or(0, |a| a.len());
        if self.hits[si]
            .of(Lex::PersonCue)
            .iter()
            .any(|h| h.start == end + skip || h.start == end + skip + article && article > 0)
        {
            return true;
        }
        // "said Dr. Xiaobin Wu": the title's full stop is not part of the cue.
        // Only the last few words matter; lower-casing the whole prefix would cost a copy
        // of the sentence per candidate.
        let tail_from = floor_char(text, start.saturating_sub(40));
        let before = text[tail_from..start]
            .trim_end()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        [
            "mr",
            "mrs",
            "ms",
            "dr",
            "prof",
            "professor",
            "ceo",
            "president",
            "chairman",
            "director",
            "minister",
            "manager",
            "academician",
            "reporter",
            "written by",
            "photo by",
            "edited by",
            "reported by",
            "interviewed by",
            "translated by",
        ]
        .iter()
        .any(|t| {
            before.ends_with(t)
                && before[..before.len() - t.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        })
    }

    /// The kind named by the first descriptor ("CDMO", "biotech company") in `[from, to)` of
    /// sentence `si`.
    fn descriptor_kind(&self, si: usize, from: usize, to: usize) -> Option<OrganizationKind> {
        let first = Lex::Descriptor(0);
        let last = Lex::Descriptor(u16::MAX);
        self.hits[si]
            .range(first, last)
            .iter()
            .filter(|h| h.start >= from && h.end <= to)
            .min_by_key(|h| h.start)
            .and_then(|h| match h.lex {
                Lex::Descriptor(i) => self
                    .rules
                    .orgs
                    .descriptor_kinds
                    .get(i as usize)
                    .map(|d| d.1),
                _ => None,
            })
    }

    /// Judges one capitalised run; returns a candidate when it looks like an organization.
    fn judge_chunk(&self, si: usize, toks: &[Token<'_>]) -> Option<Candidate> {
        let r = &self.rules.orgs;
        let text = &self.sentences[si].text;
        let lower = &self.lower[si];
        let mut toks: Vec<Token<'_>> = toks.to_vec();
        // Function words and "Suzhou-based" / "Nasdaq-listed" open the run, not the name.
        while toks.first().is_some_and(|t| {
            r.function_words.contains(t.text)
                || ["-based", "-headquartered", "-listed"]
                    .iter()
                    .any(|s| t.text.ends_with(s))
        }) {
            toks.remove(0);
        }
        while toks
            .last()
            .is_some_and(|t| CONNECTORS.contains(&t.text) || t.text == "the")
        {
            toks.pop();
        }
        let first = *toks.first()?;
        let last = *toks.last()?;
        let words: Vec<&str> = toks.iter().map(|t| t.text).collect();
        // "BIO Korea Summit" is an event; "Summit Therapeutics", ending in a company's head
        // word, is a company.
        let company_head = words
            .last()
            .is_some_and(|w| r.head_words.contains_key(*w) && !r.non_org_words.contains(*w));
        if words.iter().any(|w| r.non_org_words.contains(*w)) && !company_head {
            return None;
        }
        // "CT-P10", "HM21001": a product code; "ADCs": a plural abbreviation; "Limited" alone:
        // a legal form without its name.
        static NOT_A_NAME: LazyLock<Regex> = LazyLock::new(|| {
            static_regex(
                r"^(?:[A-Z]{1,4}-?[A-Z]{0,2}\d{2,}[A-Za-z]?|[A-Z]{2,6}s|Limited|Ltd|Inc|Corp|Co)$",
            )
        });
        if words.len() == 1 && NOT_A_NAME.is_match(words[0]) {
            return None;
        }
        // "Chairman Seo Jung-jin", "Minister Lee": a title before a person's name.
        if r.person_titles.contains(words[0].trim_end_matches('.')) {
            return None;
        }
        // "Shin Dong-bin", "Yoon Won-seok": a Korean personal name (a short surname and a
        // hyphenated given name), never a company.
        if words.len() == 2 && words[0].len() <= 5 && KOREAN_GIVEN_NAME.is_match(words[1]) {
            return None;
        }
        // A name needs one distinctive word: "Ltd.", "Biologics", "MFG5" alone are not names.
        let distinctive = |w: &&str| {
            let w = w.trim_end_matches(['.', ',']);
            !r.head_words.contains_key(w)
                && !CONNECTORS.contains(&w)
                && !r.not_names.contains(w)
                && !r.function_words.contains(w)
        };
        if !words.iter().any(distinctive) {
            return None;
        }
        if words.len() == 1 && CODE.is_match(words[0]) {
            return None;
        }
        // "China-based", "Seoul-headquartered": adjectives, not names ("Hong Kong-listed
        // Chinese CDMO" is a description).
        if words.iter().any(|w| {
            [
                "-based",
                "-headquartered",
                "-listed",
                "-owned",
                "-born",
                "-made",
            ]
            .iter()
            .any(|s| w.ends_with(s))
        }) {
            return None;
        }
        // Extend over a legal suffix written after a comma: "Foo Bio Co., Ltd.".
        let mut end = last.end;
        if let Some(m) = LEGAL_TAIL.find(&text[end..]) {
            end += m.end();
        }
        let surface = text[first.start..end].trim_end_matches(',').to_string();
        // "Koo said" is a person; "Frontera Therapeutics said", ending in a head word, is not.
        // "HLB said": an all-capital abbreviation is no person either.
        let acronym = words.len() == 1
            && (2..=6).contains(&words[0].len())
            && words[0].chars().all(|c| c.is_ascii_uppercase());
        if !company_head && !acronym && self.is_person_context(si, first.start, last.end) {
            return None;
        }
        // "Act on the Safety and Support of …": the complement of a law's or event's title.
        static TITLE_COMPLEMENT: LazyLock<Regex> = LazyLock::new(|| {
            static_regex(
                r"([A-Z][A-Za-z]+)\s+(?:on|of|for|to|concerning|regarding)\s+(?:the\s+)?(?:[A-Z][[A-Za-z0-9_]-]*\s+(?:(?:and|of|for|the|on|in)\s+)*)*$",
            )
        });
        // A title's complement is a few words long: only the end of the prefix is searched.
        let from = floor_char(text, first.start.saturating_sub(160));
        if let Some(c) = TITLE_COMPLEMENT.captures(&text[from..first.start])
            && let Some(w) = c.get(1)
            && r.non_org_words.contains(w.as_str())
        {
            return None;
        }
        let head = self.head_kind(&words);
        let not_name = |w: &str| r.not_names.contains(w);
        let of_head = words
            .windows(2)
            .any(|p| p[1] == "of" && r.of_heads.contains(p[0]));
        if (head.is_some()
            && words.len() >= 2
            && words[..words.len() - 1]
                .iter()
                .any(|w| !not_name(w) && !CONNECTORS.contains(w)))
            || (of_head && words.len() >= 3)
        {
            let mut kind =
                head.or_else(|| words.iter().find_map(|w| r.head_words.get(*w).copied()));
            if r.regulator_words
                .iter()
                .any(|w| surface.contains(w.as_str()))
            {
                kind = Some(OrganizationKind::Regulator);
            }
            return Some(Candidate {
                surface,
                kind,
                strong: true,
            });
        }
        // Names without a telling head word need context.
        if words.len() > 4
            || words.iter().all(|w| not_name(w))
            || not_name(words[0]) && words.len() == 1
        {
            return None;
        }
        let after = lower[last.end..].trim_start();
        let before = lower[..first.start].trim_end();
        let next_word: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-')
            .collect();
        // "DNA-vaccine developer Advaccine": a modifier of the naming noun after it.
        if r.naming_nouns.contains(&next_word)
            && words.len() == 1
            && words[0].contains('-')
            && words[0]
                .split('-')
                .any(|p| p.chars().all(|c| c.is_ascii_lowercase()))
        {
            return None;
        }
        let clause_start = before.is_empty()
            || before.ends_with([',', ';', ':', '“', '"', '(', '—'])
            || [" and", " that", " while", " but", " as"]
                .iter()
                .any(|w| before.ends_with(w))
            || before == "and"
            || before == "that";
        let actor = clause_start
            && (r.actor_verbs.contains(&next_word)
                // "HLB said": a person's verb, but an abbreviation says things as a company.
                || acronym && ["said", "says", "added", "noted", "expects"].contains(&next_word.as_str()));
        let ceo = after.starts_with("(ceo") || after.starts_with("(대표");
        let after_parent_phrase = r
            .parent_phrases
            .iter()
            .any(|p| before.ends_with(p.as_str()))
            || [
                "subsidiary",
                "unit",
                "affiliate",
                "arm",
                "spin-off",
                "spinoff",
                "division",
            ]
            .iter()
            .any(|w| before.ends_with(w));
        let before_parent_phrase = r
            .parent_phrases_before
            .iter()
            .any(|p| lower[last.end..].starts_with(p.as_str()) || after.starts_with(p.as_str()));
        // "signed a contract with X", "won a deal worth $50 million from X".
        let won_from = before.ends_with(" from") && {
            let recent = &before[floor_char(before, before.len().saturating_sub(80))..];
            [
                "won ",
                "landed ",
                "secured ",
                "received ",
                "clinched ",
                "bagged ",
                "booked ",
            ]
            .iter()
            .any(|w| recent.contains(w))
                && ["contract", "deal", "order"]
                    .iter()
                    .any(|n| recent.contains(n))
        };
        let counterpart = (before.ends_with(" with") || before.ends_with(" between") || won_from)
            && self.hits[si].has(Lex::AgreementNoun);
        // "private equity firm Altaris", "German vaccine CDMO IDT Biologika", and
        // "Suzhou-based Biosion": a naming noun or a "-based" adjective right before.
        let noun_before = before
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .is_some_and(|w| {
                r.naming_nouns.contains(w)
                    || (w.ends_with("-based")
                        || w.ends_with("-headquartered")
                        || w.ends_with("-listed"))
                        // "an Asia-based ADC developer": a modifier of the noun after it.
                        && !r.naming_nouns.contains(&next_word)
            });
        let noun_kind = if noun_before {
            let from = floor_char(lower, first.start.saturating_sub(40));
            self.descriptor_kind(si, from, first.start)
        } else {
            None
        };
        // "AstraZeneca and Novavax": coordinated with a known organization.
        let known_ends_at = |end: usize| {
            self.org_mentions[si]
                .iter()
                .any(|m| !m.anaphor && m.end == end)
        };
        let known_starts_at = |start: usize| {
            self.org_mentions[si]
                .iter()
                .any(|m| !m.anaphor && m.start == start)
        };
        // "In Wuppertal, WuXi is …": a word after a preposition of place is a place.
        let after_preposition = ["in", "at", "near", "from", "outside"]
            .iter()
            .any(|p| ends_with_word(before, p) || before == *p);
        let coordinated = !after_preposition && {
            let b = before
                .strip_suffix(" and")
                .or_else(|| before.strip_suffix(','))
                .map(|b| b.trim_end().trim_end_matches(',').trim_end());
            let after_start = last.end + (lower[last.end..].len() - after.len());
            let a_next = ["and the ", "and ", ", and ", ", "]
                .iter()
                .find(|w| after.starts_with(**w))
                .map(|w| after_start + w.len());
            // "Yuflyma, Celltrion's biosimilar": a possessive after the comma describes.
            let possessive_next = a_next.is_some_and(|at| {
                self.org_mentions[si].iter().any(|m| {
                    m.start == at
                        && (lower[m.end..].starts_with("'s") || lower[m.end..].starts_with("’s"))
                })
            });
            b.is_some_and(|b| known_ends_at(b.len()))
                || a_next.is_some_and(known_starts_at) && !possessive_next
        };
        // ", the company said" closes a clause with its source; it describes nothing.
        static REPORTING: LazyLock<Regex> = LazyLock::new(|| {
            static_regex(
                r"^, (?:the|a|an) (?:[a-z-]+ ){0,2}(?:said|says|added|announced|noted|reported|stated|told)(?-u:\b)",
            )
        });
        // "Grabody-B, the company's antibody shuttle": a thing some company owns.
        static OWNED: LazyLock<Regex> =
            LazyLock::new(|| static_regex(r"^, (?:the|a|an) [a-z-]+['’]s? "));
        let appositive = (after.starts_with(", a ")
            || after.starts_with(", an ")
            || after.starts_with(", the "))
            && !REPORTING.is_match(after)
            && !OWNED.is_match(after);
        // "Walrinvax, a bivalent vaccine made by Yuxi Zerun": a product, not a maker.
        if appositive {
            let from = last.end;
            let to = appositive_end(lower, from);
            let words: Vec<&str> = slice(lower, from, to)
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .collect();
            let product = words.iter().any(|w| {
                [
                    "vaccine",
                    "drug",
                    "antibody",
                    "biosimilar",
                    "therapy",
                    "treatment",
                    "candidate",
                    "medicine",
                    "product",
                    "injection",
                    "insulin",
                    "tablet",
                ]
                .contains(w)
            });
            if product && !words.iter().any(|w| r.naming_nouns.contains(*w)) {
                return None;
            }
        }
        let appositive_kind = if appositive {
            let from = last.end;
            let to = appositive_end(lower, from);
            self.descriptor_kind(si, from, to)
        } else {
            None
        };
        // "J-STAR Research, a contract chemistry company in …": an appositive naming noun.
        let appositive_noun = appositive && {
            let from = last.end;
            let to = appositive_end(lower, from);
            slice(lower, from, to)
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .any(|w| r.naming_nouns.contains(w))
        };
        // "Porton bought J-STAR Research": the object of a deal verb.
        let deal_object = self.hits[si]
            .range(Lex::DealVerb(0), Lex::SaleVerb(u16::MAX))
            .iter()
            .any(|v| v.end <= first.start && slice(lower, v.end, first.start).trim().is_empty());
        let camel = words.len() == 1 && CAMEL.is_match(words[0]);
        // A lone capitalised word opening a sentence may be any word ("Analysts have…");
        // it counts only when the document also names it elsewhere.
        let plain_initial = words.len() == 1
            && !camel
            && !words[0].chars().skip(1).any(|c| c.is_ascii_uppercase())
            && before.trim_start_matches(['“', '"', '‘', '\'']).is_empty();
        if actor
            || ceo
            || after_parent_phrase
            || before_parent_phrase
            || counterpart
            || appositive_kind.is_some()
            || noun_before
            || coordinated
            || appositive_noun
            || deal_object
        {
            return Some(Candidate {
                surface,
                kind: appositive_kind.or(noun_kind),
                strong: !plain_initial,
            });
        }
        if camel {
            return Some(Candidate {
                surface,
                kind: None,
                strong: false,
            });
        }
        None
    }

    fn discover_organizations(&mut self) {
        let mut found: Vec<(usize, Candidate)> = Vec::new();
        // "Center for Breakthrough Medicines (CBM)": abbreviations defined in parentheses,
        // of a known organization or of a name found here.
        let mut abbr_of_org: Vec<(String, usize)> = Vec::new();
        let mut abbr_of_name: Vec<(String, String)> = Vec::new();
        for si in 0..self.sentences.len() {
            let text = self.sentences[si].text.clone();
            if is_title_case(&text) {
                continue;
            }
            let toks = tokens(&text);
            let mut last_found: Option<(usize, String)> = None;
            let mut i = 0;
            while i < toks.len() {
                if !is_cap(toks[i].text) || self.covered_by_org(si, toks[i].start, toks[i].end) {
                    i += 1;
                    continue;
                }
                // "Shanghai Fosun Pharmaceutical Industrial Development Co., Ltd.": words
                // right after a known name extend it (`extend_gazetteer_names`); they are no
                // name of their own.
                if self.org_mentions[si].iter().any(|m| {
                    !m.anaphor
                        && self.orgs[m.org].gaz.is_some()
                        && m.end + 1 == toks[i].start
                        && text[m.end..toks[i].start] == *" "
                }) {
                    i += 1;
                    while i < toks.len()
                        && is_cap(toks[i].text)
                        && text[toks[i - 1].end..toks[i].start] == *" "
                    {
                        i += 1;
                    }
                    continue;
                }
                let t = toks[i];
                // "(CBM)", and a quoted one: `Prestige BioPharma Limited ("PBP")`.
                let opener = ["(\"", "(“", "("]
                    .iter()
                    .find(|o| text[..t.start].ends_with(**o));
                if ABBREVIATION.is_match(t.text)
                    && let Some(opener) = opener
                    && ["\")", "”)", ")", ", "]
                        .iter()
                        .any(|c| text[t.end..].starts_with(c))
                {
                    let p = text[..t.start - opener.len()].trim_end().len();
                    // The name may end in a legal form: "Prestige BioPharma Limited (\"PBP\")".
                    let ends_here = |m: &OrgMention| {
                        m.end == p
                            || m.end < p
                                && LEGAL_TAIL
                                    .find(&text[m.end..p])
                                    .is_some_and(|x| m.end + x.end() == p)
                    };
                    if let Some(m) = self.org_mentions[si]
                        .iter()
                        .find(|m| !m.anaphor && ends_here(m))
                    {
                        abbr_of_org.push((t.text.to_string(), m.org));
                    } else if let Some((_, s)) = last_found.as_ref().filter(|(e, _)| *e == p) {
                        abbr_of_name.push((t.text.to_string(), s.clone()));
                    }
                    i += 1;
                    continue;
                }
                let mut j = i + 1;
                loop {
                    if j >= toks.len() {
                        break;
                    }
                    let gap = &text[toks[j - 1].end..toks[j].start];
                    // "Lotte Engineering & Construction": an ampersand joins a name.
                    let ampersand = gap.trim() == "&" && is_cap(toks[j].text);
                    if !ampersand && (!gap.chars().all(char::is_whitespace) || gap.is_empty()) {
                        break;
                    }
                    if self.covered_by_org(si, toks[j].start, toks[j].end) {
                        break;
                    }
                    if is_cap(toks[j].text) {
                        j += 1;
                        continue;
                    }
                    // A connector joins two capitalised words: "Ministry of Science".
                    // "SDIC and GL Ventures": an acronym before "and" is a name of its own.
                    let acronym_before_and = toks[j].text == "and"
                        && toks[j - 1].text.len() >= 2
                        && toks[j - 1].text.chars().all(|c| c.is_ascii_uppercase());
                    // "Humedix and Boran Pharma": two names; "and" stays inside a name only
                    // after an "of" head ("Ministry of Food and Drug Safety").
                    // … or before the body's head ("Tianjin Municipal Science and
                    // Technology Bureau").
                    let body_head_after = || {
                        let mut k = j + 1;
                        while k < toks.len()
                            && is_cap(toks[k].text)
                            && text[toks[k - 1].end..toks[k].start]
                                .chars()
                                .all(char::is_whitespace)
                        {
                            k += 1;
                        }
                        k > j + 1 && self.rules.orgs.of_heads.contains(toks[k - 1].text)
                    };
                    let acronym_before_and = acronym_before_and
                        || toks[j].text == "and"
                            && !toks[i..j]
                                .iter()
                                .any(|t| self.rules.orgs.of_heads.contains(t.text))
                            && !body_head_after();
                    // "YZY Biopharma for M701": a code with digits after a connector is a
                    // product, not the rest of the name.
                    // "Arcus Biosciences for North America", "Sorrento Therapeutics of San
                    // Diego": a company's head word ends its name before "for" or "of"
                    // ("Institute for Basic Science", "University of Seoul" go on).
                    let head_before_for = ["for", "of"].contains(&toks[j].text)
                        && self.rules.orgs.head_words.contains_key(toks[j - 1].text)
                        && !self.rules.orgs.of_heads.contains(toks[j - 1].text);
                    // "Standing Committee of the Shenzhen Municipal People's Congress": "of
                    // the" after a body's head joins the body it belongs to.
                    if toks[j].text == "of"
                        && self.rules.orgs.head_words.contains_key(toks[j - 1].text)
                        && matches!(
                            self.rules.orgs.head_words.get(toks[j - 1].text),
                            Some(OrganizationKind::Government)
                        )
                        && j + 2 < toks.len()
                        && toks[j + 1].text == "the"
                        && is_cap(toks[j + 2].text)
                        && !self.covered_by_org(si, toks[j + 2].start, toks[j + 2].end)
                        && text[toks[j].end..toks[j + 2].start]
                            .chars()
                            .all(|c| c.is_whitespace() || c.is_alphabetic())
                    {
                        j += 3;
                        continue;
                    }
                    if CONNECTORS.contains(&toks[j].text)
                        && !acronym_before_and
                        && !head_before_for
                        && j + 1 < toks.len()
                        && is_cap(toks[j + 1].text)
                        && !toks[j + 1].text.chars().any(|c| c.is_ascii_digit())
                        && text[toks[j].end..toks[j + 1].start]
                            .chars()
                            .all(char::is_whitespace)
                        && !self.covered_by_org(si, toks[j + 1].start, toks[j + 1].end)
                    {
                        j += 2;
                        continue;
                    }
                    break;
                }
                // A run that is one place ("South Korea", "China Gene Medicine Valley") is
                // not an organization; a place may start one ("Korea CMC … Association").
                if !self.inside_one_place(si, toks[i].start, toks[j - 1].end)
                    && let Some(c) = self.judge_chunk(si, &toks[i..j])
                {
                    if let Some(o) = text[toks[i].start..].find(&c.surface) {
                        last_found = Some((toks[i].start + o + c.surface.len(), c.surface.clone()));
                    }
                    found.push((si, c));
                }
                // A CamelCase word inside a longer run is judged on its own too
                // ("TransReco" in "TransReco Biomacromolecule CDMO Platform").
                if j - i > 1 {
                    for t in &toks[i..j] {
                        if CAMEL.is_match(t.text) && !self.rules.orgs.not_names.contains(t.text) {
                            found.push((
                                si,
                                Candidate {
                                    surface: t.text.to_string(),
                                    kind: None,
                                    strong: false,
                                },
                            ));
                        }
                    }
                }
                i = j;
            }
        }

        // A weak sighting (a CamelCase word, a sentence-opening word) counts only when the
        // same name was also seen in a telling context.
        let mut confirmed: std::collections::HashSet<String> = found
            .iter()
            .filter(|(_, c)| c.strong)
            .map(|(_, c)| name_key(&c.surface))
            .collect();
        // "Lotte plans two more plants" beside "Lotte Biologics": a weak one-word sighting
        // that opens a name already found is that name's short form.
        let openers: std::collections::HashSet<String> = self
            .orgs
            .iter()
            .map(|o| o.name.as_str())
            .chain(
                found
                    .iter()
                    .filter(|(_, c)| c.strong)
                    .map(|(_, c)| c.surface.as_str()),
            )
            .filter(|n| n.split_whitespace().count() >= 2)
            .filter_map(|n| n.split_whitespace().next())
            .map(name_key)
            .collect();
        for (_, c) in &found {
            if !c.strong && !c.surface.contains(' ') {
                let key = name_key(&c.surface);
                if openers.contains(&key) {
                    confirmed.insert(key);
                }
            }
        }
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut extra_surfaces: Vec<(usize, String)> = Vec::new();
        for (abbr, org) in abbr_of_org {
            if self.gaz.lookup(&abbr).is_none() {
                by_key.insert(name_key(&abbr), org);
                extra_surfaces.push((org, abbr));
            }
        }
        let abbr_key: HashMap<String, String> = abbr_of_name
            .iter()
            .filter(|(a, _)| self.gaz.lookup(a).is_none())
            .map(|(a, s)| (name_key(a), name_key(s)))
            .collect();
        for (abbr, full) in &abbr_of_name {
            if confirmed.contains(&name_key(full)) && self.gaz.lookup(abbr).is_none() {
                found.push((
                    0,
                    Candidate {
                        surface: abbr.clone(),
                        kind: None,
                        strong: true,
                    },
                ));
            }
        }
        // Each candidate's key once; full names first, so that an organization is named by
        // them, not by its abbreviation.
        let mut keyed: Vec<(String, Candidate)> = found
            .into_iter()
            .map(|(_, c)| (name_key(&c.surface), c))
            .collect();
        if !abbr_key.is_empty() {
            keyed.sort_by_key(|(k, _)| abbr_key.contains_key(k));
        }
        for (own_key, c) in keyed {
            if own_key.is_empty() {
                continue;
            }
            let key = abbr_key.get(&own_key).cloned().unwrap_or(own_key.clone());
            if !confirmed.contains(&key) {
                continue;
            }
            if let Some(&org) = by_key.get(&own_key)
                && self.orgs[org].gaz.is_some()
            {
                continue;
            }
            // A name the gazetteer knows under another form.
            let known = self.gaz.lookup_key(&own_key);
            if let Some(Entry::Org(gi)) = known {
                // "Merck" for "Merck & Co.": the gazetteer knows the name only under its
                // normalised key, so its occurrences are found with the discovered names.
                let org = self.org_for_gaz(gi);
                by_key.insert(key, org);
                self.add_surface(org, &c.surface);
                if !extra_surfaces
                    .iter()
                    .any(|(o, s)| *o == org && *s == c.surface)
                {
                    extra_surfaces.push((org, c.surface.clone()));
                }
                continue;
            }
            if matches!(known, Some(Entry::Place(_))) {
                continue;
            }
            let org = match by_key.get(&key) {
                Some(o) => *o,
                None => {
                    let (country, region, city) = self.location_from_name(&c.surface);
                    self.orgs.push(DocOrg {
                        name: display_name(&c.surface),
                        surfaces: Vec::new(),
                        gaz: None,
                        kind: c.kind,
                        kind_explicit: c.kind.is_some() && c.strong,
                        country,
                        region,
                        city,
                        parent: None,
                    });
                    let o = self.orgs.len() - 1;
                    by_key.insert(key, o);
                    o
                }
            };
            by_key.insert(own_key, org);
            if self.orgs[org].kind.is_none() {
                self.orgs[org].kind = c.kind;
            }
            self.add_surface(org, &c.surface);
        }

        self.extend_gazetteer_names(&mut by_key);
        self.attach_place_prefixes(&mut by_key);
        self.find_local_units(&mut by_key);

        // Every occurrence of a discovered name (or of a known one's new abbreviation) is a
        // mention, headlines included.
        let mut discovered: Vec<(usize, Vec<String>)> = self
            .orgs
            .iter()
            .enumerate()
            .filter(|(_, o)| o.gaz.is_none())
            .map(|(i, o)| {
                let mut s = o.surfaces.clone();
                s.push(o.name.clone());
                s.sort_by_key(|x| std::cmp::Reverse(x.len()));
                s.dedup();
                (i, s)
            })
            .collect();
        for (org, abbr) in extra_surfaces {
            self.add_surface(org, &abbr);
            discovered.push((org, vec![abbr]));
        }
        if discovered.is_empty() {
            return;
        }
        // One automaton over every discovered name, longest first, scanned once per sentence.
        let mut names: Vec<(&str, usize)> = discovered
            .iter()
            .flat_map(|(org, surfaces)| surfaces.iter().map(move |s| (s.as_str(), *org)))
            .collect();
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        // An automaton pays off only for many names; its build costs more than a few searches.
        let matcher = if names.len() > 12 {
            aho_corasick::AhoCorasickBuilder::new()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(names.iter().map(|(n, _)| *n))
                .ok()
        } else {
            None
        };
        for si in 0..self.sentences.len() {
            let found: Vec<(usize, usize, usize)> = {
                let text = &self.sentences[si].text;
                let whole = |at: usize, end: usize| {
                    text[..at]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !c.is_ascii_alphanumeric())
                        && text[end..]
                            .chars()
                            .next()
                            .is_none_or(|c| !c.is_ascii_alphanumeric())
                };
                match &matcher {
                    Some(m) => m
                        .find_iter(text)
                        .filter(|x| whole(x.start(), x.end()))
                        .map(|x| (x.start(), x.end(), names[x.pattern().as_usize()].1))
                        .collect(),
                    None => {
                        let mut v: Vec<(usize, usize, usize)> = Vec::new();
                        for (n, org) in &names {
                            for (at, _) in text.match_indices(n) {
                                let end = at + n.len();
                                if whole(at, end) && !v.iter().any(|(s, e, _)| at < *e && *s < end)
                                {
                                    v.push((at, end, *org));
                                }
                            }
                        }
                        v
                    }
                }
            };
            for (at, end, org) in found {
                // A longer name found here holds a known one inside it: "Fosun Pharma
                // Industrial", the name defined for a unit, holds "Fosun Pharma".
                let inside =
                    |m: &OrgMention| at <= m.start && m.end <= end && m.end - m.start < end - at;
                if self.org_mentions[si]
                    .iter()
                    .filter(|m| at < m.end && m.start < end)
                    .all(|m| !m.anaphor && inside(m) && self.orgs[m.org].gaz.is_some())
                {
                    self.org_mentions[si].retain(|m| !(at < m.end && m.start < end));
                }
                if !self.covered_by_org(si, at, end) {
                    // An organization's name outranks a place inside it.
                    self.place_mentions[si].retain(|p| !(at < p.end && p.start < end));
                    self.org_mentions[si].push(OrgMention {
                        start: at,
                        end,
                        org,
                        anaphor: false,
                    });
                }
            }
        }
    }

    /// "Pharmaron Shaoxing Pharmaceutical", "Korea University Anam Hospital", "Zhejiang
    /// Jiuzhou Pharmaceutical Technology Co., Ltd.": a known name followed by more words that
    /// end in an organization head word or a legal form names another organization (often a
    /// unit of the first); the longer name replaces the known one there.
    fn extend_gazetteer_names(&mut self, by_key: &mut HashMap<String, usize>) {
        for si in 0..self.sentences.len() {
            let text = self.sentences[si].text.clone();
            let toks = tokens(&text);
            let gaz_mentions: Vec<OrgMention> = self.org_mentions[si]
                .iter()
                .copied()
                .filter(|m| !m.anaphor && self.orgs[m.org].gaz.is_some())
                .collect();
            for m in gaz_mentions {
                let mut last: Option<Token<'_>> = None;
                let mut words: Vec<&str> = Vec::new();
                let mut pos = m.end;
                for t in toks.iter().filter(|t| t.start >= m.end) {
                    let gap = &text[pos..t.start];
                    if gap != " "
                        || !is_cap(t.text)
                        || self.covered_by_org(si, t.start, t.end)
                        || words.len() >= 4
                    {
                        break;
                    }
                    words.push(t.text);
                    last = Some(*t);
                    pos = t.end;
                }
                let Some(last) = last else { continue };
                // "Celltrion Inc." is Celltrion: the extra words must say something new. Head
                // words alone ("Chia Tai Tianqing Pharmaceutical Group") may be the known
                // company's full name; they name a unit only where the text says so ("its
                // subsidiary Aprogen Biologics", "Teva Pharmaceuticals International, a unit
                // of …").
                let new_word = words.iter().any(|w| {
                    let w = w.trim_end_matches(['.', ',']);
                    !self.rules.orgs.head_words.contains_key(w) && !CONNECTORS.contains(&w)
                });
                let unit_cue = || {
                    let lower = &self.lower[si];
                    let before = slice(lower, m.start.saturating_sub(14), m.start);
                    let after = slice(lower, last.end, last.end + 40);
                    ["subsidiary ", "unit ", "affiliate ", "arm "]
                        .iter()
                        .any(|c| before.ends_with(c))
                        || [
                            ", a unit of",
                            ", a subsidiary of",
                            ", a wholly owned subsidiary",
                            ", a wholly-owned subsidiary",
                            ", an affiliate of",
                            ", the subsidiary",
                        ]
                        .iter()
                        .any(|c| {
                            after
                                .trim_start_matches(|ch: char| ch != ',')
                                .starts_with(c)
                        })
                        // "Janssen Biotech, a Johnson & Johnson company".
                        || {
                            let ap = after.trim_start_matches(|ch: char| ch != ',');
                            (ap.starts_with(", a ") || ap.starts_with(", an "))
                                && ap[2..]
                                    .split(',')
                                    .next()
                                    .is_some_and(|d| d.trim_end().ends_with(" company"))
                        }
                };
                let distinctive = new_word
                    || words.iter().any(|w| {
                        let w = w.trim_end_matches(['.', ',']);
                        !LEGAL_FORMS.contains(&w) && !CONNECTORS.contains(&w)
                    }) && unit_cue()
                        // "its subsidiary Chia Tai Tianqing Pharmaceutical Group": a known
                        // subsidiary under its full name is itself.
                        && self.orgs[m.org]
                            .gaz
                            .is_none_or(|gi| self.gaz.orgs[gi].parent.is_none());
                if !distinctive {
                    continue;
                }
                let mut end = last.end;
                let legal = LEGAL_TAIL.find(&text[end..]).map(|x| x.end());
                // "Boehringer Ingelheim Biopharmaceuticals China": a head word and the
                // country the unit serves.
                let country_unit = words.len() >= 2
                    && self
                        .rules
                        .orgs
                        .head_words
                        .contains_key(words[words.len() - 2])
                    && matches!(
                        self.gaz.lookup(words[words.len() - 1]),
                        Some(Entry::Place(pi)) if self.gaz.places[pi].kind == PlaceKind::Country
                    );
                let headed = (self.head_kind(&words).is_some() || country_unit)
                    && !self
                        .rules
                        .orgs
                        .non_org_words
                        .contains(*words.last().unwrap_or(&""));
                if !headed && legal.is_none() {
                    continue;
                }
                if let Some(l) = legal {
                    end += l;
                }
                let surface = text[m.start..end].trim_end_matches(',').to_string();
                let name = display_name(&surface);
                let key = name_key(&name);
                if key == name_key(&self.orgs[m.org].name) {
                    continue;
                }
                let org = match by_key.get(&key) {
                    Some(o) => *o,
                    None => {
                        let base = &self.orgs[m.org];
                        let (country, region, city) =
                            (base.country, base.region.clone(), base.city.clone());
                        let kind = self
                            .head_kind(&words)
                            .filter(|k| *k != OrganizationKind::Other)
                            .or(base.kind);
                        self.orgs.push(DocOrg {
                            name,
                            surfaces: Vec::new(),
                            gaz: None,
                            kind,
                            kind_explicit: false,
                            country,
                            region,
                            city,
                            parent: None,
                        });
                        let o = self.orgs.len() - 1;
                        by_key.insert(key, o);
                        o
                    }
                };
                self.add_surface(org, &surface);
                self.org_mentions[si].retain(|x| !(x.start == m.start && x.end == m.end));
                // `… Co., Ltd. ("Fosun Pharma Industrial")`: the short name it defines.
                static DEFINED: LazyLock<Regex> = LazyLock::new(|| {
                    static_regex(r#"^,?\s*\(\s*["“]([A-Z][^"”()]{1,60})["”]\s*\)"#)
                });
                if let Some(c) = DEFINED.captures(&text[end..])
                    && let Some(short) = c.get(1)
                    && short.as_str().split_whitespace().count() <= 5
                {
                    self.add_surface(org, short.as_str());
                }
            }
        }
    }

    /// A unit named after its parent: a known name with a country after it ("Pfizer Korea",
    /// "Sanofi China"), or an office "of" a known body ("General Office of the State
    /// Council"). Each is an organization of its own with the known one as parent.
    fn find_local_units(&mut self, by_key: &mut HashMap<String, usize>) {
        static OFFICE_OF: LazyLock<Regex> = LazyLock::new(|| {
            static_regex(
                r"((?:[A-Z][A-Za-z]+\s+){0,3}(?:Office|Department|Bureau|Secretariat|Committee|Commission)\s+of\s+(?:the\s+)?)$",
            )
        });
        for si in 0..self.sentences.len() {
            let text = self.sentences[si].text.clone();
            let mentions = self.org_mentions[si].clone();
            for (mi, m) in mentions.iter().enumerate() {
                if m.anaphor || self.orgs[m.org].gaz.is_none() {
                    continue;
                }
                let mut span: Option<(usize, usize)> = None;
                // "Pfizer Korea said …", but not "Celltrion Incheon plant".
                if let Some(p) = self.place_mentions[si]
                    .iter()
                    .find(|p| p.start == m.end + 1 && &text[m.end..p.start] == " ")
                    .copied()
                    && self.gaz.places[p.place].kind == PlaceKind::Country
                {
                    let next = text[p.end..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    let site = [
                        "plant",
                        "plants",
                        "site",
                        "facility",
                        "factory",
                        "campus",
                        "unit",
                        "market",
                        "sales",
                        "business",
                        "operations",
                    ]
                    .iter()
                    .any(|w| next.trim_matches(|c: char| !c.is_alphanumeric()) == *w);
                    if !site {
                        span = Some((m.start, p.end));
                        self.place_mentions[si].retain(|x| x.start != p.start);
                    }
                }
                let before = text[..m.start].trim_end();
                if span.is_none()
                    && (before.ends_with(" of") || before.ends_with(" of the"))
                    && let Some(c) = OFFICE_OF.captures(&text[..m.start])
                    && let Some(g) = c.get(1)
                    && g.as_str().split_whitespace().count() >= 3
                {
                    // "The General Office of the State Council": the article is not the name.
                    let lead = g.as_str();
                    let skip = if lead.starts_with("The ") { 4 } else { 0 };
                    span = Some((g.start() + skip, m.end));
                }
                let Some((s, e)) = span else { continue };
                let surface = text[s..e].to_string();
                let name = display_name(&surface);
                let key = name_key(&name);
                let org = match by_key.get(&key) {
                    Some(o) => *o,
                    None => {
                        let base = &self.orgs[m.org];
                        let kind = base.kind;
                        self.orgs.push(DocOrg {
                            name,
                            surfaces: Vec::new(),
                            gaz: None,
                            kind,
                            kind_explicit: false,
                            country: None,
                            region: None,
                            city: None,
                            parent: Some(m.org),
                        });
                        let o = self.orgs.len() - 1;
                        by_key.insert(key, o);
                        o
                    }
                };
                self.add_surface(org, &surface);
                self.org_mentions[si][mi] = OrgMention {
                    start: s,
                    end: e,
                    org,
                    anaphor: false,
                };
            }
        }
    }

    /// "Shanghai Henlius Biologics Co., Ltd.": a province or city written before a known name
    /// is part of the company's registered name, so the longer form is one more name of the
    /// same organization. "Zhejiang Jiuzhou Pharmaceutical (Taizhou) Co., Ltd.", with a city
    /// in brackets, is a local subsidiary of it.
    fn attach_place_prefixes(&mut self, by_key: &mut HashMap<String, usize>) {
        static BRACKET_CITY: LazyLock<Regex> =
            LazyLock::new(|| static_regex(r"^\s*\(([A-Z][a-z]+)\)"));
        for si in 0..self.sentences.len() {
            let text = self.sentences[si].text.clone();
            let mentions = self.org_mentions[si].clone();
            for (mi, m) in mentions.iter().enumerate() {
                if m.anaphor {
                    continue;
                }
                let Some(p) = self.place_mentions[si]
                    .iter()
                    .find(|p| p.end + 1 == m.start && &text[p.end..m.start] == " ")
                    .copied()
                else {
                    continue;
                };
                if !matches!(
                    self.gaz.places[p.place].kind,
                    PlaceKind::Province | PlaceKind::MetropolitanCity | PlaceKind::City
                ) || !text[p.start..p.end].starts_with(|c: char| c.is_ascii_uppercase())
                {
                    continue;
                }
                // "the Shandong Food and Drug Administration": a foreign regulator's generic
                // name after a Chinese or Korean province or city is that place's own body.
                let place = &self.gaz.places[p.place];
                let base = &self.orgs[m.org];
                if matches!(
                    base.kind,
                    Some(OrganizationKind::Regulator | OrganizationKind::Government)
                ) && base.country.is_some_and(|c| c != place.country)
                    && matches!(place.country, Country::CN | Country::KR)
                {
                    let name = display_name(&text[p.start..m.end]);
                    let kind = base.kind.unwrap_or(OrganizationKind::Government);
                    let gp = place.clone();
                    self.put_public_body(si, (p.start, m.end), &name, kind, Some(&gp));
                    self.place_mentions[si].retain(|x| x.start != p.start);
                    continue;
                }
                let mut end = m.end;
                // Head words the known name leaves out: "Henlius" + " Biologics".
                for t in tokens(&text[end..]) {
                    let at = end + t.start;
                    if text[end..at].trim().is_empty()
                        && self.rules.orgs.head_words.contains_key(t.text)
                        && !LEGAL_TAIL.is_match(&text[end..])
                    {
                        end = at + t.text.len();
                    } else {
                        break;
                    }
                }
                let sub = BRACKET_CITY.captures(&text[end..]).and_then(|c| c.get(0));
                if let Some(b) = sub {
                    end += b.end();
                }
                let legal = LEGAL_TAIL.find(&text[end..]).map(|x| x.end());
                // Without a legal form the place may just say where the company is.
                let Some(l) = legal else { continue };
                let surface = text[p.start..end + l].trim_end_matches(',').to_string();
                // "Tianjin Asymchem Pharmaceuticals Co., Ltd." beside the known "Asymchem": a
                // place-prefixed legal name the gazetteer does not know is a subsidiary when it
                // adds head words, or when the place is not the group's home.
                let subsidiary = self.orgs[m.org].gaz.is_some_and(|gi| {
                    let g = &self.gaz.orgs[gi];
                    let full = name_key(&display_name(&surface));
                    let known = std::iter::once(&g.name)
                        .chain(&g.aliases)
                        .any(|n| name_key(n) == full);
                    let place = &self.gaz.places[p.place];
                    let home = [&g.region, &g.city].iter().any(|x| {
                        x.as_deref().is_some_and(|x| {
                            x.eq_ignore_ascii_case(&place.name)
                                || place.region.as_deref() == Some(x)
                                || place.city.as_deref() == Some(x)
                        })
                    }) || place
                        .aliases
                        .iter()
                        .filter(|a| !a.is_ascii())
                        .any(|a| g.aliases.iter().any(|n| n.contains(a.as_str())));
                    !known && (end > m.end || !home)
                });
                let org = if sub.is_some() || subsidiary {
                    let name = display_name(&surface);
                    let key = name_key(&name);
                    match by_key.get(&key) {
                        Some(o) => *o,
                        None => {
                            let base = &self.orgs[m.org];
                            let kind = base.kind;
                            self.orgs.push(DocOrg {
                                name,
                                surfaces: Vec::new(),
                                gaz: None,
                                kind,
                                kind_explicit: false,
                                country: base.country,
                                region: None,
                                city: None,
                                parent: Some(m.org),
                            });
                            let o = self.orgs.len() - 1;
                            by_key.insert(key, o);
                            o
                        }
                    }
                } else {
                    m.org
                };
                self.add_surface(org, &surface);
                self.org_mentions[si][mi] = OrgMention {
                    start: p.start,
                    end: end + l,
                    org,
                    anaphor: false,
                };
                self.place_mentions[si].retain(|x| x.start != p.start);
            }
        }
    }

    /// "signed an MOU with North Chungcheong Province and Cheongju City": a province or city
    /// in a party's place of an agreement sentence (after "with"/"between", or coordinated
    /// with a party) is its local government, an organization.
    fn find_local_governments(&mut self) {
        let mut by_place: HashMap<usize, usize> = HashMap::new();
        for si in 0..self.sentences.len() {
            let h = &self.hits[si];
            if !(h.has(Lex::SignTrigger) && h.has(Lex::AgreementNoun)) {
                continue;
            }
            let text = self.sentences[si].text.clone();
            let lower = self.lower[si].clone();
            let mut places = self.place_mentions[si].clone();
            places.sort_by_key(|p| p.start);
            // Ends of the party names so far, to recognise "X and Y" chains.
            let mut party_ends: Vec<usize> = self.org_mentions[si]
                .iter()
                .filter(|m| !m.anaphor)
                .map(|m| m.end)
                .collect();
            for p in places {
                let place = &self.gaz.places[p.place];
                if !matches!(
                    place.kind,
                    PlaceKind::Province | PlaceKind::MetropolitanCity | PlaceKind::City
                ) {
                    continue;
                }
                // "the Nanjing-based group", "Wuhan YZY Biopharma": the place describes or
                // opens a company's name; it is no party of its own.
                let rest = &text[p.end..];
                let in_name = rest.starts_with('-')
                    || rest.strip_prefix(' ').is_some_and(|r| {
                        r.starts_with(|c: char| c.is_uppercase())
                            && ![
                                "Metropolitan",
                                "Provincial",
                                "Municipal",
                                "City",
                                "Province",
                                "County",
                                "Government",
                            ]
                            .iter()
                            .any(|w| r.starts_with(w))
                    });
                // "with Hong Kong conglomerate Nan Fung Group": the place describes the company
                // a naming noun introduces.
                let next_word: String = lower[p.end..]
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '-')
                    .collect();
                if in_name || self.rules.orgs.naming_nouns.contains(&next_word) {
                    continue;
                }
                let before = lower[..p.start].trim_end();
                let after_with = ["with", "with the", "between", "between the"]
                    .iter()
                    .any(|w| ends_with_word(before, w) || before == *w);
                let coordinated = party_ends.iter().any(|&e| {
                    e <= p.start && {
                        let gap = slice(&lower, e, p.start).trim();
                        let gap = gap.trim_start_matches(')').trim();
                        matches!(
                            gap,
                            "and" | "," | ", and" | "and the" | ", the" | ", and the"
                        )
                    }
                });
                if !after_with && !coordinated {
                    continue;
                }
                // "… Province", "… City", "… Metropolitan Government" written after the name.
                // "the South Chungcheong provincial government": a lower-case description,
                // named like the bare place.
                let mut end = p.end;
                let mut described = false;
                for suffix in [
                    " Metropolitan City",
                    " Metropolitan Government",
                    " Provincial Government",
                    " Municipal Government",
                    " City Government",
                    " Province",
                    " City",
                    " County",
                ] {
                    if lower[end..].starts_with(&suffix.to_lowercase()) {
                        described = !text[end..].starts_with(suffix);
                        end += suffix.len();
                        break;
                    }
                }
                let surface = text[p.start..end].to_string();
                let bare = &text[p.start..p.end];
                let name = if described || surface == bare && bare.is_ascii() && !bare.contains('-')
                {
                    match place.kind {
                        PlaceKind::Province => format!("{bare} Province"),
                        PlaceKind::MetropolitanCity => format!("{bare} Metropolitan City"),
                        _ => format!("{bare} City"),
                    }
                } else if surface.split_whitespace().count() > 1
                    || surface.contains('-')
                    || !surface.is_ascii()
                {
                    surface.clone()
                } else {
                    match place.kind {
                        PlaceKind::Province => format!("{surface} Province"),
                        PlaceKind::MetropolitanCity => format!("{surface} Metropolitan City"),
                        _ => format!("{surface} City"),
                    }
                };
                let org = match by_place.get(&p.place) {
                    Some(o) => *o,
                    None => {
                        self.orgs.push(DocOrg {
                            name,
                            surfaces: Vec::new(),
                            gaz: None,
                            kind: Some(OrganizationKind::Government),
                            kind_explicit: true,
                            country: Some(place.country),
                            region: place.region.clone(),
                            city: place.city.clone(),
                            parent: None,
                        });
                        let o = self.orgs.len() - 1;
                        by_place.insert(p.place, o);
                        o
                    }
                };
                self.add_surface(org, &surface);
                self.place_mentions[si].retain(|x| x.start != p.start);
                self.org_mentions[si].push(OrgMention {
                    start: p.start,
                    end,
                    org,
                    anaphor: false,
                });
                party_ends.push(end);
            }
            self.org_mentions[si].sort_by_key(|m| (m.start, m.end));
        }
    }

    /// "Daewoong" beside "Daewoong Pharmaceutical": a discovered short form whose distinctive
    /// words all belong to exactly one longer name of the document is that organization.
    fn link_short_forms(&mut self) {
        let core = |a: &Analysis<'_>, name: &str| -> BTreeSet<String> {
            name_key(name)
                .split(' ')
                .filter(|w| {
                    !w.is_empty()
                        && !a
                            .rules
                            .orgs
                            .head_words
                            .keys()
                            .any(|h| h.eq_ignore_ascii_case(w))
                        && !a
                            .rules
                            .orgs
                            .not_names
                            .iter()
                            .any(|n| n.eq_ignore_ascii_case(w))
                        && !CONNECTORS.contains(w)
                        && !matches!(a.gaz.lookup(w), Some(Entry::Place(_)))
                })
                .map(str::to_string)
                .collect()
        };
        let n = self.orgs.len();
        // Each name's distinctive words and length, once: the pairs below are n².
        let cores: Vec<BTreeSet<String>> = self.orgs.iter().map(|o| core(self, &o.name)).collect();
        let lengths: Vec<usize> = self
            .orgs
            .iter()
            .map(|o| o.name.split_whitespace().count())
            .collect();
        let mut merge_into: Vec<Option<usize>> = vec![None; n];
        for i in 0..n {
            // "Lotte Corporation" written with its legal form is a full name of its own (often
            // the group's holding company), not a short form of "Lotte Biologics".
            if self.orgs[i].gaz.is_some()
                || self.orgs[i].surfaces.iter().any(|s| {
                    LEGAL_SUFFIX.is_match(s) || s.ends_with(" Group") || s.ends_with(" Holdings")
                })
            {
                continue;
            }
            let ci = &cores[i];
            if ci.is_empty() {
                continue;
            }
            let hosts: Vec<usize> = (0..n)
                .filter(|&j| j != i && lengths[j] > lengths[i] && ci.is_subset(&cores[j]))
                .collect();
            // Several hosts ("Porton" beside "Porton Pharma Solutions" and its unit "Porton
            // Advanced Solutions"): the short form is the group's usual name, the one named
            // first (the gazetteer's, or the earliest found).
            if let Some(j) = hosts.iter().copied().min() {
                merge_into[i] = Some(j);
            }
        }
        for (i, target) in merge_into.iter().enumerate() {
            let Some(j) = *target else { continue };
            let surfaces = self.orgs[i].surfaces.clone();
            for s in surfaces {
                self.add_surface(j, &s);
            }
            for ms in self.org_mentions.iter_mut() {
                for m in ms.iter_mut() {
                    if m.org == i {
                        m.org = j;
                    }
                }
            }
        }
    }

    /// Records a government body named at `span` of sentence `si`: the organization of that
    /// name (one per document, whichever pass found it first), in place of any narrower
    /// mention inside the span.
    fn put_public_body(
        &mut self,
        si: usize,
        (start, end): (usize, usize),
        name: &str,
        kind: OrganizationKind,
        place: Option<&super::gazetteer::GazPlace>,
    ) {
        let key = name_key(name);
        let org = match self.orgs.iter().position(|o| name_key(&o.name) == key) {
            Some(o) => o,
            None => {
                self.orgs.push(DocOrg {
                    name: name.to_string(),
                    surfaces: Vec::new(),
                    gaz: None,
                    kind: Some(kind),
                    kind_explicit: true,
                    country: place.map(|p| p.country),
                    region: place.and_then(|p| p.region.clone()),
                    city: place.and_then(|p| p.city.clone()),
                    parent: None,
                });
                self.orgs.len() - 1
            }
        };
        self.add_surface(org, name);
        self.org_mentions[si].retain(|m| !(start < m.end && m.start < end));
        self.org_mentions[si].push(OrgMention {
            start,
            end,
            org,
            anaphor: false,
        });
        self.org_mentions[si].sort_by_key(|m| (m.start, m.end));
    }

    /// "the General Office of the Guangdong Provincial People's Government", "the Tianjin
    /// Municipal Science and Technology Bureau": Chinese local government bodies, named by
    /// their place, level and office.
    fn find_government_bodies(&mut self) {
        static BODY: LazyLock<Regex> = LazyLock::new(|| {
            static_regex(
                r"(?:General\s+Office\s+of\s+the\s+)?([A-Z][a-z]+)(?:-[A-Z][a-z]+)?\s+(?:(?:Provincial|Municipal|District|County|Autonomous\s+Region|New\s+Area|Free\s+Economic\s+Zone|Industrial\s+Park)\s+(?:People['’]s\s+Government|Government(?:\s+(?:[A-Z][a-z]+\s+){0,3}(?:Office|Bureau))?|(?:(?:[A-Z][a-z]+|and|of|for)\s+){0,6}(?:Bureau|Commission|Department|Administration|Office|Authority|Committee)(?:\s+of\s+(?:[A-Z][a-z]+)(?:\s+(?:and\s+)?[A-Z][a-z]+){0,4})?)|(provincial|municipal|city)\s+government)",
            )
        });
        for si in 0..self.sentences.len() {
            let lower = &self.lower[si];
            if !(lower.contains("provincial")
                || lower.contains("municipal")
                || lower.contains("city government")
                || lower.contains("district")
                || lower.contains("county")
                || lower.contains("autonomous region")
                || lower.contains("new area")
                || lower.contains("free economic zone")
                || lower.contains("industrial park"))
            {
                continue;
            }
            let text = self.sentences[si].text.clone();
            for c in BODY.captures_iter(&text) {
                let (Some(whole), Some(place)) = (c.get(0), c.get(1)) else {
                    continue;
                };
                let Some(Entry::Place(pi)) = self.gaz.lookup(place.as_str()) else {
                    continue;
                };
                let (start, end) = (whole.start(), whole.end());
                // A known name that covers it all (a gazetteer regulator) stays as it is.
                if self.org_mentions[si]
                    .iter()
                    .any(|m| !m.anaphor && m.start <= start && m.end >= end)
                {
                    continue;
                }
                // "the Hubei provincial government", "the Jinshi city government": named the
                // way the governments call themselves in English.
                // Korean local governments go by the place ("Busan Metropolitan City").
                let korean = self.gaz.places[pi].country == Country::KR;
                let name = match (c.get(2).map(|l| l.as_str()), korean) {
                    (Some(_), true) => match self.gaz.places[pi].kind {
                        PlaceKind::Province => format!("{} Province", place.as_str()),
                        PlaceKind::MetropolitanCity => {
                            format!("{} Metropolitan City", place.as_str())
                        }
                        _ => format!("{} City", place.as_str()),
                    },
                    (Some("provincial"), false) => {
                        format!("{} Provincial Government", place.as_str())
                    }
                    (Some(_), false) => format!("{} Municipal Government", place.as_str()),
                    (None, _) => whole.as_str().to_string(),
                };
                let kind = if name.contains("Medical Products") || name.contains("Drug") {
                    OrganizationKind::Regulator
                } else {
                    OrganizationKind::Government
                };
                let gp = self.gaz.places[pi].clone();
                self.put_public_body(si, (start, end), &name, kind, Some(&gp));
            }
        }
    }

    /// "the administrative committee of the Wuhan East Lake High-tech Development Zone": the
    /// body that signs for a Chinese development zone, named "<zone> Administrative Committee".
    fn find_zone_committees(&mut self) {
        static COMMITTEE: LazyLock<Regex> = LazyLock::new(|| {
            static_regex(
                r"(?:[Tt]he\s+)?(?i:(administrative|management)\s+committee)\s+of\s+(?:the\s+)?((?:[A-Z][\w'-]*|and|of)(?:\s+(?:[A-Z][\w'-]*|and|of))*?\s+(?:Development\s+Zone|Development\s+Area|Zone|Area|Park|New\s+Area|District))(?-u:\b)",
            )
        });
        for si in 0..self.sentences.len() {
            if !self.lower[si].contains("committee of") {
                continue;
            }
            let text = self.sentences[si].text.clone();
            for c in COMMITTEE.captures_iter(&text) {
                let (Some(whole), Some(kind), Some(zone)) = (c.get(0), c.get(1), c.get(2)) else {
                    continue;
                };
                let (start, end) = (whole.start(), whole.end());
                if self.org_mentions[si]
                    .iter()
                    .any(|m| !m.anaphor && start < m.end && m.start < end)
                {
                    continue;
                }
                let title = if kind.as_str().eq_ignore_ascii_case("management") {
                    "Management Committee"
                } else {
                    "Administrative Committee"
                };
                let name = format!("{} {title}", zone.as_str());
                let place = self.place_mentions[si]
                    .iter()
                    .find(|p| p.start >= zone.start() && p.end <= zone.end())
                    .map(|p| self.gaz.places[p.place].clone());
                self.put_public_body(
                    si,
                    (start, end),
                    &name,
                    OrganizationKind::Government,
                    place.as_ref(),
                );
            }
        }
    }

    /// "Lilly" after "Eli Lilly", "Teva" after "Teva Pharmaceutical Industries": a company's
    /// distinctive word written alone, when no other organization of the document shares it
    /// and the text never uses it as an ordinary lower-case word.
    fn link_core_words(&mut self) {
        let company = |o: &DocOrg| {
            !matches!(
                o.kind,
                Some(
                    OrganizationKind::Regulator
                        | OrganizationKind::Government
                        | OrganizationKind::Association
                        | OrganizationKind::Academic
                        | OrganizationKind::Hospital
                )
            )
        };
        let head = |a: &Analysis<'_>, w: &str| {
            a.rules
                .orgs
                .head_words
                .keys()
                .any(|h| h.eq_ignore_ascii_case(w))
                || a.rules
                    .orgs
                    .not_names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(w))
                || a.rules
                    .orgs
                    .naming_nouns
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(w))
                || CONNECTORS.contains(&w.to_ascii_lowercase().as_str())
                || a.gaz.lookup(w).is_some()
        };
        let mut owners: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (i, o) in self.orgs.iter().enumerate() {
            for w in o.name.split(|c: char| !c.is_alphanumeric()) {
                owners.entry(w.to_lowercase()).or_default().insert(i);
            }
        }
        let mut words: Vec<(String, usize)> = Vec::new();
        for (i, o) in self.orgs.iter().enumerate() {
            if !company(o) || o.name.split_whitespace().count() < 2 {
                continue;
            }
            for w in o.name.split(|c: char| !c.is_alphanumeric()) {
                let shape = w.chars().count() >= 4
                    && w.chars().next().is_some_and(char::is_uppercase)
                    && w.chars().all(|c| c.is_ascii_alphabetic());
                if shape
                    && owners.get(&w.to_lowercase()).is_some_and(|s| s.len() == 1)
                    && !head(self, w)
                {
                    words.push((w.to_string(), i));
                }
            }
        }
        if words.is_empty() {
            return;
        }
        // Every word of the text once, with where it stands: the lookups below are then by
        // hash, not one scan of the document per candidate word.
        let mut seen: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for (si, s) in self.sentences.iter().enumerate() {
            let text = s.text.as_str();
            let mut start = None;
            for (i, c) in text
                .char_indices()
                .chain(std::iter::once((text.len(), ' ')))
            {
                match (c.is_alphanumeric(), start) {
                    (true, None) => start = Some(i),
                    (false, Some(st)) => {
                        seen.entry(&text[st..i]).or_default().push((si, st));
                        start = None;
                    }
                    _ => {}
                }
            }
        }
        // A word the text also writes in lower case is an ordinary word ("Breakthrough").
        words.retain(|(w, _)| !seen.contains_key(w.to_lowercase().as_str()));
        let mut found: Vec<(usize, OrgMention)> = Vec::new();
        for (w, org) in &words {
            for &(si, at) in seen.get(w.as_str()).map_or(&[][..], Vec::as_slice) {
                let text = &self.sentences[si].text;
                let end = at + w.len();
                if self.org_mentions[si]
                    .iter()
                    .any(|m| at < m.end && m.start < end)
                {
                    continue;
                }
                // Part of a longer name ("Lilly Kinsale", "Eli Lilly"): not the short form.
                let next_cap = text[end..]
                    .strip_prefix(' ')
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_uppercase);
                let prev_cap = text[..at]
                    .strip_suffix(' ')
                    .and_then(|r| r.split(' ').next_back())
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_uppercase)
                    && at > 0
                    && !text[..at].trim_end().ends_with(['.', ',', ';', ':']);
                if next_cap || prev_cap && !text[..at].trim().is_empty() {
                    continue;
                }
                found.push((
                    si,
                    OrgMention {
                        start: at,
                        end,
                        org: *org,
                        anaphor: false,
                    },
                ));
            }
        }
        drop(seen);
        for (si, m) in found {
            self.org_mentions[si].push(m);
        }
        for ms in self.org_mentions.iter_mut() {
            ms.sort_by_key(|m| (m.start, m.end));
        }
    }

    /// Country, region and city a name itself states ("Korea …", "Zhejiang …").
    fn location_from_name(&self, name: &str) -> (Option<Country>, Option<String>, Option<String>) {
        let first = name.split_whitespace().next().unwrap_or("");
        match first {
            "Korea" | "Korean" => return (Some(Country::KR), None, None),
            "China" | "Chinese" | "Sino" => return (Some(Country::CN), None, None),
            _ => {}
        }
        if let Some(m) = self.gaz.find(name).first()
            && m.start == 0
            && let Entry::Place(pi) = m.entry
        {
            let p = &self.gaz.places[pi];
            let city = if p.kind.specificity() >= 2 {
                p.city.clone()
            } else {
                None
            };
            let region = if p.kind == PlaceKind::Country {
                None
            } else {
                p.region.clone()
            };
            return (Some(p.country), region, city);
        }
        (None, None, None)
    }

    fn find_parents(&mut self) {
        for si in 0..self.sentences.len() {
            let lower = self.lower[si].clone();
            let ms = {
                let mut v = self.org_mentions[si].clone();
                v.sort_by_key(|m| m.start);
                v
            };
            let mut links: Vec<(usize, usize)> = Vec::new();
            for h in self.hits[si].of(Lex::ParentPhrase) {
                let (at, end) = (h.start, h.end);
                let child = ms.iter().rev().find(|m| m.end <= at);
                let parent = ms.iter().find(|m| {
                    m.start >= end
                        && slice(&lower, end, m.start)
                            .trim()
                            .trim_start_matches("the")
                            .trim()
                            .is_empty()
                });
                if let (Some(c), Some(p)) = (child, parent) {
                    links.push((c.org, p.org));
                }
            }
            for h in self.hits[si].of(Lex::ParentPhraseBefore) {
                let (at, end) = (h.start, h.end);
                let parent = ms
                    .iter()
                    .rev()
                    .find(|m| m.end <= at && slice(&lower, m.end, at).trim().is_empty());
                let child = ms.iter().find(|m| {
                    m.start >= end && slice(&lower, end, m.start).trim().chars().count() <= 2
                });
                if let (Some(p), Some(c)) = (parent, child) {
                    links.push((c.org, p.org));
                }
            }
            // "Asan Life Science Research Institute of Asan Medical Center".
            for w in ms.windows(2) {
                let gap = slice(&lower, w[0].end, w[1].start);
                if (gap == " of " || gap == " of the ") && !w[0].anaphor && !w[1].anaphor {
                    links.push((w[0].org, w[1].org));
                }
            }
            for (child, parent) in links {
                if child != parent
                    && self.orgs[child].parent.is_none()
                    && !self.is_ancestor(child, parent)
                {
                    self.orgs[child].parent = Some(parent);
                }
            }
        }
    }

    fn is_ancestor(&self, candidate: usize, of: usize) -> bool {
        let mut cur = Some(of);
        let mut steps = 0;
        while let Some(c) = cur {
            if c == candidate {
                return true;
            }
            steps += 1;
            if steps > 32 {
                return true;
            }
            cur = self.orgs[c].parent;
        }
        false
    }

    fn set_location(&mut self, org: usize, place: usize) {
        let o = &self.orgs[org];
        if o.gaz.is_some() || o.city.is_some() {
            return;
        }
        let p = &self.gaz.places[place];
        if o.country.is_some_and(|c| c != p.country) {
            return;
        }
        if o.region.is_some() && p.region.is_some() && o.region != p.region {
            return;
        }
        let o = &mut self.orgs[org];
        o.country = Some(p.country);
        if p.kind != PlaceKind::Country {
            o.region = p.region.clone();
        }
        if p.kind.specificity() >= 2 {
            o.city = p.city.clone();
        }
    }

    fn find_locations_and_descriptors(&mut self) {
        for si in 0..self.sentences.len() {
            let lower = self.lower[si].clone();
            let orgs = self.org_mentions[si].clone();
            let places = self.place_mentions[si].clone();
            let mut set: Vec<(usize, usize)> = Vec::new();
            for m in &orgs {
                // "X in Seoul", "X, located in Wenzhou", "X, headquartered in Nanjing".
                let after = &lower[m.end..];
                let window = &after[..super::text::floor_char(after, 90)];
                for p in &places {
                    if p.start < m.end {
                        continue;
                    }
                    let gap = slice(&lower, m.end, p.start);
                    let direct = gap == " in ";
                    let stated = gap.len() <= 90
                        && [
                            "located in ",
                            "based in ",
                            "headquartered in ",
                            "situated in ",
                        ]
                        .iter()
                        .any(|w| gap.ends_with(w))
                        && !gap.contains(['.', ';']);
                    if direct || stated {
                        set.push((m.org, p.place));
                        break;
                    }
                }
                // "Nanjing-based X".
                for p in &places {
                    if p.end <= m.start {
                        let gap = slice(&lower, p.end, m.start);
                        if gap.starts_with("-based") && gap.len() <= 30 {
                            set.push((m.org, p.place));
                        }
                    }
                }
                // Appositive descriptor: "GenScript, a leading biotech company …".
                if !self.orgs[m.org].kind_explicit
                    && (window.starts_with(", a ")
                        || window.starts_with(", an ")
                        || window.starts_with(", the "))
                {
                    let to = appositive_end(&lower, m.end);
                    if let Some(k) = self.descriptor_kind(si, m.end, to) {
                        self.orgs[m.org].kind = Some(k);
                        self.orgs[m.org].kind_explicit = true;
                    }
                }
                // Prefix descriptor: "Chinese CDMO Porton", "biotech firm X".
                if !self.orgs[m.org].kind_explicit && !m.anaphor {
                    let from = super::text::floor_char(&lower, m.start.saturating_sub(30));
                    if let Some(k) = self.descriptor_kind(si, from, m.start) {
                        self.orgs[m.org].kind = Some(k);
                    }
                }
            }
            // "…becoming the first enterprise in Wenzhou to…": the sentence's subject.
            static FIRST_IN: LazyLock<Regex> = LazyLock::new(|| {
                static_regex(
                    r"(?-u:\b)(?:first|only|sole|largest|leading|biggest)\s+(?:[A-Za-z0-9_]+\s+){0,2}(?:enterprise|company|firm|cdmo|cmo|biotech|manufacturer|developer|maker)\s+in\s+$",
                )
            });
            for p in &places {
                if FIRST_IN.is_match(&lower[..p.start])
                    && let Some(subject) = orgs
                        .iter()
                        .find(|m| m.start < p.start && !self.orgs[m.org].is_authority())
                {
                    set.push((subject.org, p.place));
                }
            }
            for (o, p) in set {
                self.set_location(o, p);
            }
        }
    }

    /// The organization a reference back at `pos` in sentence `si` points to: the nearest
    /// non-authority organization named earlier in the sentence, else the last subject.
    fn resolve_anaphora(&mut self) {
        let mut last_pair: Vec<usize> = Vec::new();
        let mut last_authorities: Vec<usize> = Vec::new();
        let mut salience = Salience::default();
        for si in 0..self.sentences.len() {
            if self.sentences[si].para != salience.para {
                salience.para = self.sentences[si].para;
                salience.in_para.clear();
            }
            let lower = self.lower[si].clone();
            let named: Vec<OrgMention> = self.org_mentions[si]
                .iter()
                .copied()
                .filter(|m| !m.anaphor)
                .collect();
            let mut added = Vec::new();
            let mut company_refs: Vec<(usize, usize, Option<String>)> = self.hits[si]
                .of(Lex::CompanyAnaphor)
                .iter()
                .map(|h| (h.start, h.end, None))
                .collect();
            // "the Incheon-based biosimilar maker", "the Shanghai-listed CDMO": a definite
            // description ending in a company noun refers back like "the company" (the noun
            // alone decides which kinds it may point to).
            // Most sentences hold none of the nouns: skip the expression for them.
            let may_describe = [
                "maker",
                "company",
                "firm",
                "cdmo",
                "developer",
                "manufacturer",
                "group",
                "biotech",
                "producer",
                "giant",
                "conglomerate",
            ]
            .iter()
            .any(|n| lower.contains(n));
            let descriptions: Vec<regex::Captures<'_>> = if may_describe {
                DESCRIPTION.captures_iter(&lower).collect()
            } else {
                Vec::new()
            };
            for c in descriptions {
                let (Some(whole), Some(noun)) = (c.get(0), c.get(1)) else {
                    continue;
                };
                let text = &self.sentences[si].text;
                let followed_by_name = text[whole.end()..]
                    .strip_prefix(' ')
                    .is_some_and(|r| r.starts_with(|ch: char| ch.is_uppercase()));
                // "the CHA Biotech subsidiary": a capitalised modifier is a name, so this is
                // no description (places joined to "-based" or "-listed" aside).
                let named_inside = text[whole.start()..noun.start()]
                    .split_whitespace()
                    .skip(1)
                    .any(|w| w.starts_with(|ch: char| ch.is_uppercase()) && !w.contains('-'));
                // "the first company to receive …", "the largest maker": a class, not a
                // reference back.
                let ranked = text[whole.start()..noun.start()]
                    .split_whitespace()
                    .any(|w| {
                        [
                            "first",
                            "second",
                            "third",
                            "only",
                            "sole",
                            "largest",
                            "biggest",
                            "leading",
                            "top",
                            "latest",
                            "next",
                            "other",
                            "another",
                            "world's",
                            "country's",
                            "nation's",
                            "new",
                        ]
                        .contains(&w.to_lowercase().as_str())
                    });
                if named_inside || ranked {
                    continue;
                }
                if followed_by_name
                    || company_refs
                        .iter()
                        .any(|(s, e, _)| *s < whole.end() && whole.start() < *e)
                {
                    continue;
                }
                company_refs.push((
                    whole.start(),
                    whole.end(),
                    Some(format!("the {}", noun.as_str())),
                ));
            }
            for (at, end, generic) in company_refs {
                // A description may hold a place ("the Incheon-based maker"), not a name.
                let covered = if generic.is_some() {
                    self.org_mentions[si]
                        .iter()
                        .any(|m| at < m.end && m.start < end)
                } else {
                    self.covered(si, at, end)
                };
                if covered {
                    continue;
                }
                let phrase = generic.unwrap_or_else(|| lower[at..end].to_string());
                if phrase == "it" || phrase == "its" {
                    if phrase == "its" {
                        continue;
                    }
                    let rest = lower[end..].trim_start();
                    let next: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
                    let expletive = [
                        "is said",
                        "is expected",
                        "is reported",
                        "is believed",
                        "is understood",
                        "is known",
                        "is likely",
                        "is important",
                        "is necessary",
                        "is possible",
                        "is worth",
                        "was reported",
                        "was said",
                        "is estimated",
                        "is hoped",
                        "is the",
                        "is a",
                        "is an",
                        "also said",
                        "is not",
                        "was not",
                    ]
                    .iter()
                    .any(|e| rest.starts_with(e));
                    let verbish = [
                        "has",
                        "had",
                        "have",
                        "is",
                        "was",
                        "will",
                        "also",
                        "then",
                        "now",
                        "plans",
                        "currently",
                        "already",
                        "still",
                        "recently",
                        "previously",
                        "later",
                        "first",
                        "last",
                        "earlier",
                        "further",
                        "received",
                        "obtained",
                        "held",
                        "holds",
                        "won",
                        "passed",
                        "took",
                        "takes",
                        "set",
                        "sets",
                        "bought",
                        "sold",
                        "licensed",
                        "made",
                        "paid",
                        "joined",
                        "transferred",
                        "handed",
                        "granted",
                        "supplies",
                        "supplied",
                        "produces",
                        "produced",
                        "manufactures",
                        "manufactured",
                        "closed",
                        "finalized",
                        "finalised",
                        "chose",
                        "picked",
                        "selected",
                        "said",
                        "says",
                        "announced",
                        "expects",
                        "added",
                        "tapped",
                        "hired",
                        "appointed",
                        "enlisted",
                        "engaged",
                        "commissioned",
                        "clinched",
                        "inked",
                        "sealed",
                        "struck",
                    ]
                    .contains(&next.as_str())
                        || self.rules.orgs.actor_verbs.contains(&next)
                        || {
                            let next_at = end + (lower[end..].len() - rest.len());
                            let h = &self.hits[si];
                            h.of(Lex::GrantTrigger)
                                .iter()
                                .chain(h.of(Lex::SignTrigger))
                                .chain(h.range(Lex::DealVerb(0), Lex::SaleVerb(u16::MAX)))
                                .any(|t| t.start == next_at)
                        };
                    if expletive || !verbish {
                        continue;
                    }
                }
                let kinds = self.rules.orgs.anaphor_kinds.get(&phrase);
                // Earlier references of this sentence count as its names ("it took a stake
                // in Y, and in 2016 it set up …": the second "it" is the first one's).
                let mut candidates: Vec<OrgMention> =
                    named.iter().chain(added.iter()).copied().collect();
                candidates.sort_by_key(|m| m.start);
                let target =
                    self.referent(&candidates, at, kinds.map(Vec::as_slice), &salience, si);
                if let Some(org) = target {
                    added.push(OrgMention {
                        start: at,
                        end,
                        org,
                        anaphor: true,
                    });
                }
            }
            let pair_refs: Vec<(usize, usize)> = self.hits[si]
                .of(Lex::PairAnaphor)
                .iter()
                .map(|h| (h.start, h.end))
                .collect();
            for (at, end) in pair_refs {
                // "X signed … with Y, and the two companies …": the pair named earlier in the
                // same sentence, else the last pair of an earlier sentence.
                let mut here: Vec<usize> = Vec::new();
                // Names and resolved references ("it signed … with Novavax, and … the two
                // companies"), nearest first.
                let mut before: Vec<&OrgMention> = named
                    .iter()
                    .chain(added.iter())
                    .filter(|m| m.end <= at)
                    .collect();
                before.sort_by_key(|m| std::cmp::Reverse(m.start));
                for m in before {
                    if !here.contains(&m.org) {
                        here.push(m.org);
                    }
                }
                // "the two companies" are companies, not the ministry they signed with.
                let phrase = &lower[at..end];
                let companies_only = ["compan", "firm", "양사"]
                    .iter()
                    .any(|w| phrase.contains(w));
                // "the two ministries" are ministries, "the two universities" universities.
                let only_kind = if phrase.contains("ministr") || phrase.contains("agenc") {
                    Some(OrganizationKind::Government)
                } else if phrase.contains("universit") {
                    Some(OrganizationKind::Academic)
                } else if phrase.contains("hospital") {
                    Some(OrganizationKind::Hospital)
                } else {
                    None
                };
                let fits = |o: &usize| {
                    let kind = self.orgs[*o].kind.unwrap_or(OrganizationKind::Other);
                    match only_kind {
                        Some(k) => kind == k,
                        // Regulators and ministries only when the phrase says so.
                        None => {
                            !self.orgs[*o].is_authority()
                                && (!companies_only || COMPANY_KINDS.contains(&kind))
                        }
                    }
                };
                here.retain(fits);
                let orgs = if here.len() >= 2 {
                    here.truncate(2);
                    here
                } else {
                    let source = if only_kind == Some(OrganizationKind::Government) {
                        &last_authorities
                    } else {
                        &last_pair
                    };
                    let mut p: Vec<usize> = source.iter().copied().filter(fits).collect();
                    if phrase.contains("two") || phrase.contains("both") {
                        p.truncate(2);
                    }
                    p
                };
                if orgs.len() >= 2 {
                    self.groups[si].push(GroupMention {
                        start: at,
                        end,
                        orgs,
                    });
                }
            }
            // "We"/"our" in a quotation speak for the sentence's or document's subject.
            for (at, end) in find_all(&lower, "we", Fit::Word)
                .into_iter()
                .map(|a| (a, a + 2))
            {
                let target = self.referent(&named, usize::MAX, None, &salience, si);
                if let Some(org) = target
                    && !self.covered(si, at, end)
                {
                    added.push(OrgMention {
                        start: at,
                        end,
                        org,
                        anaphor: true,
                    });
                }
            }
            let referred: Vec<usize> = added.iter().map(|m| m.org).collect();
            self.org_mentions[si].extend(added);

            // Salience: a subject counts double, a name after a preposition ("sell … to
            // Terumo") once; "it" and "the company" keep their referent salient.
            let lower = &self.lower[si];
            for m in &named {
                let b = lower[..m.start].trim_end();
                let governed = GOVERNING.iter().any(|w| ends_with_word(b, w));
                // "Celltrion's biosimilar" names an owner, not the one the text is about.
                let possessive =
                    lower[m.end..].starts_with("'s") || lower[m.end..].starts_with("’s");
                let weight = if governed || possessive { 1 } else { 2 };
                *salience.in_doc.entry(m.org).or_default() += weight;
                *salience.in_para.entry(m.org).or_default() += weight;
                if !possessive || !salience.last_seen.contains_key(&m.org) {
                    salience.last_seen.insert(m.org, si);
                }
            }
            for org in referred {
                *salience.in_doc.entry(org).or_default() += 2;
                *salience.in_para.entry(org).or_default() += 2;
                salience.last_seen.insert(org, si);
            }
            let mut distinct: Vec<usize> = Vec::new();
            let mut all: Vec<&OrgMention> = self.org_mentions[si].iter().collect();
            all.sort_by_key(|m| m.start);
            for m in all {
                if !distinct.contains(&m.org) {
                    distinct.push(m.org);
                }
            }
            // The last sentence naming two companies, and the last naming two authorities,
            // are what "the two companies" and "the two ministries" refer back to.
            let (authorities, companies): (Vec<usize>, Vec<usize>) = distinct
                .into_iter()
                .partition(|o| self.orgs[*o].is_authority());
            if companies.len() >= 2 {
                last_pair = companies;
            }
            if authorities.len() >= 2 {
                last_authorities = authorities;
            }
        }
    }

    /// What a reference back at `at` points to: the nearest organization of an allowed kind
    /// named earlier in the sentence, else the most salient one so far (mentions in this
    /// paragraph count double), ties going to the most recent.
    fn referent(
        &self,
        named: &[OrgMention],
        at: usize,
        kinds: Option<&[OrganizationKind]>,
        salience: &Salience,
        at_sentence: usize,
    ) -> Option<usize> {
        let allowed = |org: usize| {
            let kind = self.orgs[org].kind.unwrap_or(OrganizationKind::Other);
            match kinds {
                Some(ks) => ks.contains(&kind),
                None => COMPANY_KINDS.contains(&kind),
            }
        };
        // The sentence's subject before any name governed by a preposition ("X signed with
        // Y, and it agreed to …": "it" is X).
        let governed = |m: &OrgMention| {
            // Past a description: "a stake in Daejeon-based genetic-analysis company Y".
            let mut b = self.lower[at_sentence][..m.start].trim_end();
            for _ in 0..4 {
                match b.rsplit_once(' ') {
                    Some((rest, w))
                        if !w.is_empty()
                            && w.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                            && !GOVERNING.contains(&w)
                            && w != "and" =>
                    {
                        b = rest.trim_end();
                    }
                    _ => break,
                }
            }
            let b = if b.len() < self.lower[at_sentence][..m.start].trim_end().len()
                && self.lower[at_sentence][b.len()..m.start].contains([',', ';'])
            {
                self.lower[at_sentence][..m.start].trim_end()
            } else {
                b
            };
            GOVERNING
                .iter()
                .chain(&["and"])
                .any(|w| ends_with_word(b, w))
        };
        if let Some(m) = named
            .iter()
            .rev()
            .find(|m| m.end <= at && allowed(m.org) && !governed(m))
            .or_else(|| named.iter().rev().find(|m| m.end <= at && allowed(m.org)))
        {
            return Some(m.org);
        }
        // "ENCell won a licence. The firm makes …": a reference opening a sentence is the
        // subject of the sentence just before it, in the same paragraph.
        // An opening adverbial does not count: "On July 21, it tapped …".
        let opening = self.lower[at_sentence].get(..at).is_some_and(|p| {
            let p = p.trim();
            p.is_empty()
                || (p.ends_with(',')
                    && p.len() <= 40
                    && !p[..p.len() - 1].contains([',', ';'])
                    && !self.org_mentions[at_sentence]
                        .iter()
                        .any(|m| !m.anaphor && m.start < at))
        });
        // Its subject is the first name no preposition governs ("Under an agreement signed
        // with Bayer last December, WuXi Biologics took over …" is about WuXi Biologics).
        if opening
            && at_sentence > 0
            && self.sentences[at_sentence - 1].para == self.sentences[at_sentence].para
        {
            let prev = &self.lower[at_sentence - 1];
            let mut ms: Vec<&OrgMention> = self.org_mentions[at_sentence - 1]
                .iter()
                .filter(|m| !m.anaphor)
                .collect();
            ms.sort_by_key(|m| m.start);
            let subject = ms.into_iter().find(|m| {
                let b = prev[..m.start].trim_end();
                let governed = GOVERNING
                    .iter()
                    .chain(&["under", "and"])
                    .any(|w| ends_with_word(b, w));
                let possessive = prev[m.end..].starts_with("'s") || prev[m.end..].starts_with("’s");
                !governed && !possessive
            });
            if let Some(m) = subject
                && m.start <= 90
                && allowed(m.org)
                && prev[..m.start].matches(',').count() <= 1
            {
                return Some(m.org);
            }
        }
        salience
            .in_doc
            .iter()
            .filter(|(org, _)| allowed(**org))
            .max_by_key(|(org, n)| {
                let para = salience.in_para.get(org).copied().unwrap_or(0);
                let last = salience.last_seen.get(org).copied().unwrap_or(0);
                // Named in this paragraph, else in the sentence just before it (a roundup
                // moves from company to company), then the most salient.
                (para > 0 || last + 1 >= at_sentence, para * 2 + **n, last)
            })
            .map(|(org, _)| *org)
    }

    // ---- helpers for the fact rules ----

    /// The company last named before sentence `si` in its paragraph, else the document's
    /// topic: what "its" refers to when the sentence itself names none.
    pub fn recent_company(&self, si: usize) -> Option<usize> {
        let para = self.sentences[si].para;
        (0..si)
            .rev()
            .take_while(|p| self.sentences[*p].para == para)
            .find_map(|p| {
                self.org_mentions[p].iter().rev().find(|m| {
                    COMPANY_KINDS
                        .contains(&self.orgs[m.org].kind.unwrap_or(OrganizationKind::Other))
                })
            })
            .map(|m| m.org)
            .or_else(|| self.topic())
    }

    /// The company the document is about: the most often named company (earliest on a tie).
    pub fn topic(&self) -> Option<usize> {
        let mut counts: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for (si, ms) in self.org_mentions.iter().enumerate() {
            for m in ms.iter().filter(|m| !m.anaphor) {
                let kind = self.orgs[m.org].kind.unwrap_or(OrganizationKind::Other);
                if COMPANY_KINDS.contains(&kind) {
                    let e = counts.entry(m.org).or_insert((0, si));
                    e.0 += 1;
                }
            }
        }
        counts
            .into_iter()
            .max_by_key(|(_, (n, first))| (*n, std::cmp::Reverse(*first)))
            .map(|(org, _)| org)
    }

    /// Named and referred organizations of sentence `si`, by position.
    pub fn orgs_in(&self, si: usize) -> &[OrgMention] {
        &self.org_mentions[si]
    }

    pub fn org(&self, i: usize) -> &DocOrg {
        &self.orgs[i]
    }

    /// The date mention of sentence `si` nearest to byte `pos`.
    /// A date attached to a verb of reporting ("said on Thursday that…") dates the report,
    /// not the event, when the sentence also dates the event.
    pub fn date_near(&self, si: usize, pos: usize) -> Option<PartialDate> {
        self.date_near_where(si, pos, |_| true)
    }

    /// `date_near` among the dates `keep` accepts ("valid until 2026" is no grant date).
    pub fn date_near_where(
        &self,
        si: usize,
        pos: usize,
        keep: impl Fn(&DateMention) -> bool,
    ) -> Option<PartialDate> {
        let lower = &self.lower[si];
        let reporting = |d: &DateMention| {
            let before = lower[..d.start].trim_end();
            let before = before
                .strip_suffix(" on")
                .or_else(|| before.strip_suffix(" in"))
                .unwrap_or(before);
            [
                "said",
                "announced",
                "told",
                "reported",
                "stated",
                "disclosed",
                "revealed",
                "added",
                "noted",
            ]
            .iter()
            .any(|v| before.ends_with(v))
        };
        let distance = |d: &&DateMention| {
            if d.end <= pos {
                pos - d.end
            } else {
                d.start.saturating_sub(pos)
            }
        };
        // "The firm, which debuted on the KOSDAQ on Nov. 7, signed …": a date inside a
        // relative or descriptive clause set off by commas dates that clause, not the fact.
        let aside = |d: &DateMention| self.in_aside(si, d, pos);
        let all_events: Vec<&DateMention> = self.dates[si]
            .iter()
            .filter(|d| keep(d) && !reporting(d))
            .collect();
        let events: Vec<&DateMention> = all_events.into_iter().filter(|d| !aside(d)).collect();
        // An event date close by wins over the report's date; a far one belongs to another
        // clause ("said on Tuesday it had signed …, and a separate order that extends a
        // contract signed in March") unless the report gives none.
        let near = events
            .iter()
            .copied()
            .filter(|d| distance(d) <= 100)
            .min_by_key(distance);
        // "last year, signing … in October 2023": of two dates of one event nearby, the
        // more precise one.
        if let Some(d) = near {
            let best = events
                .iter()
                .filter(|e| distance(e) <= 100 && e.date.is_compatible(&d.date))
                .map(|e| e.date)
                .fold(d.date, |x, y| x.more_precise(y));
            return Some(best);
        }
        let reported = self.dates[si]
            .iter()
            .filter(|d| keep(d) && reporting(d))
            .min_by_key(distance);
        reported
            .or_else(|| events.into_iter().min_by_key(distance))
            .map(|d| d.date)
    }

    /// "The firm, which debuted on the KOSDAQ on Nov. 7, signed …": true when date `d` sits
    /// in a relative or descriptive clause set off by commas that does not hold `pos`; such a
    /// date dates that clause, not the fact at `pos`.
    pub fn in_aside(&self, si: usize, d: &DateMention, pos: usize) -> bool {
        self.span_in_aside(si, d.start, d.end, pos)
    }

    /// `in_aside` for any span `[start, end)` of sentence `si`.
    pub fn span_in_aside(&self, si: usize, start: usize, end: usize, pos: usize) -> bool {
        let lower = &self.lower[si];
        let d = (start, end);
        let head = &lower[..d.0];
        let Some(open) = [
            ", which ",
            ", who ",
            ", founded ",
            ", established ",
            ", listed ",
        ]
        .iter()
        .filter_map(|w| head.rfind(w))
        .max() else {
            return false;
        };
        if head[open + 1..].contains([',', ';']) {
            return false;
        }
        let close = lower[d.1..]
            .find([',', ';'])
            .map_or(lower.len(), |i| d.1 + i);
        !(open..=close).contains(&pos)
    }

    /// True when the organization at `pos` is named as a person's affiliation
    /// ("Li Xiaokun, president of Wenzhou Medical University"), not as an actor.
    /// The head of an appositive: when the mention at `idx` of sentence `si` sits inside
    /// ", a … ," closed before `pos`, the index of the name the appositive describes
    /// ("KNIH, a research body under the KDCA, signed"; "Cha Biolab, the CHA Biotech
    /// subsidiary, became").
    pub fn appositive_head(&self, si: usize, idx: usize, pos: usize) -> Option<usize> {
        const OPENERS: &[&str] = &[
            "a ",
            "an ",
            "the ",
            "its ",
            "which ",
            "then ",
            "now ",
            "formerly ",
            "once ",
            "one of ",
            "part of ",
            "whose ",
            "itself ",
            "from which ",
            "in which ",
            "of which ",
            "with which ",
            "who ",
            "where ",
            "whom ",
        ];
        let lower = &self.lower[si];
        let ms = &self.org_mentions[si];
        if !slice(lower, ms[idx].end, pos).contains(',') {
            return None;
        }
        let mut idx = idx;
        while idx > 0
            && ms[idx - 1].org == ms[idx].org
            && slice(lower, ms[idx - 1].end, ms[idx].start).trim() == "("
        {
            idx -= 1;
        }
        let m = &ms[idx];
        let open = lower[..m.start].rfind(',')?;
        if m.start - open > 90 {
            return None;
        }
        let seg = lower[open + 1..].trim_start();
        if !OPENERS.iter().any(|o| seg.starts_with(o)) {
            return None;
        }
        let mut head_end = lower[..open].trim_end();
        if head_end.ends_with(')')
            && let Some(p) = head_end.rfind('(')
        {
            head_end = head_end[..p].trim_end();
        }
        ms[..idx].iter().rposition(|h| h.end == head_end.len())
    }

    /// True when `gap` (lower case, right before a name) only describes the name:
    /// "dna-vaccine developer ", "nagoya-based ", "u.s. biotech ".
    pub fn only_describes(&self, gap: &str) -> bool {
        let words: Vec<&str> = gap.split_whitespace().collect();
        words.len() <= 4
            && !gap.contains([',', ';', '(', ')'])
            && words.last().is_some_and(|w| {
                self.rules.orgs.naming_nouns.contains(*w)
                    || ["-listed", "-based", "-headquartered"]
                        .iter()
                        .any(|s| w.ends_with(s))
            })
    }

    pub fn is_affiliation(&self, si: usize, pos: usize) -> bool {
        let before = self.lower[si][..pos].trim_end();
        // "X, a wholly owned subsidiary of Y, has passed…": Y is named as X's parent.
        // The parent may be described first: "a subsidiary of DNA-vaccine developer Y",
        // "a unit of Shanghai-listed Y".
        if self.hits[si].of(Lex::ParentPhrase).iter().any(|h| {
            h.end <= pos && {
                let gap = slice(&self.lower[si], h.end, pos)
                    .trim()
                    .trim_start_matches("the")
                    .trim();
                gap.len() <= 2 || self.only_describes(gap)
            }
        }) {
            return true;
        }
        let Some(rest) = before
            .strip_suffix(" of the")
            .or_else(|| before.strip_suffix(" of"))
            .or_else(|| before.strip_suffix(" at"))
        else {
            return false;
        };
        let word: String = rest
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '-')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        [
            "ceo",
            "president",
            "chairman",
            "chairwoman",
            "director",
            "manager",
            "head",
            "professor",
            "academician",
            "founder",
            "officer",
            "minister",
            "spokesperson",
            "researcher",
            "member",
            "dean",
            "chief",
            "vice",
            "executive",
            "partner",
            "analyst",
            "operations",
            "unit",
            "engineer",
            "scientist",
            "leader",
        ]
        .contains(&word.as_str())
    }

    /// The date a sentence without its own date inherits: a date stated in one of the two
    /// sentences before it in the same paragraph (the paragraph's time frame).
    pub fn carried_date(&self, si: usize) -> Option<PartialDate> {
        let para = self.sentences[si].para;
        (si.saturating_sub(2)..si)
            .rev()
            .filter(|&p| self.sentences[p].para == para)
            .find_map(|p| self.dates[p].last().map(|d| d.date))
    }

    /// The date of a fact read at `pos` of sentence `si`, and whether the sentence states it.
    /// Unstated dates come from the lead (publication month) or the paragraph's frame.
    pub fn fact_date(&self, si: usize, pos: usize) -> (Option<PartialDate>, bool) {
        match self.date_near(si, pos) {
            Some(d) => (Some(d), true),
            None => (self.lead_date(si).or_else(|| self.carried_date(si)), false),
        }
    }

    /// The date of an undated fact reported as news: the publication month (the event is
    /// recent but may predate the article by days), when the sentence is in the lead.
    pub fn lead_date(&self, si: usize) -> Option<PartialDate> {
        let para = self.sentences[si].para;
        let lead = para <= 1 && si <= 3;
        if !lead {
            return None;
        }
        self.published
            .map(|p| p.truncate(cdmo_store::Precision::Month))
    }

    /// The most specific place of sentence `si` (country, region, city), if any.
    pub fn place_of(&self, si: usize) -> Option<(Country, Option<String>, Option<String>)> {
        // "the Nanjing-based group": where a company is based says nothing of the place
        // the sentence is about.
        let text = &self.sentences[si].text;
        let best = self.place_mentions[si]
            .iter()
            .filter(|m| {
                let rest = &text[m.end..];
                !(rest.starts_with("-based") || rest.starts_with("-headquartered"))
            })
            .map(|m| &self.gaz.places[m.place])
            .max_by_key(|p| p.kind.specificity())?;
        let region = if best.kind == PlaceKind::Country {
            None
        } else {
            best.region.clone()
        };
        let city = if best.kind.specificity() >= 2 {
            best.city.clone()
        } else {
            None
        };
        Some((best.country, region, city))
    }
}

/// Where an appositive starting after a name at `from` ends: the next comma (after the
/// opening one), or 100 bytes on.
fn appositive_end(lower: &str, from: usize) -> usize {
    let rest = &lower[from..];
    let body_start = rest.find(',').map_or(0, |i| i + 1);
    let end = rest[body_start..]
        .find(',')
        .map_or(rest.len(), |i| body_start + i);
    from + super::text::floor_char(rest, end.min(body_start + 100))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::sentences::split_sentences;

    fn analyse(text: &str, published: Option<&str>) -> (Vec<String>, Vec<Vec<(String, String)>>) {
        let gaz = Gazetteer::embedded().unwrap();
        let rules = Rules::embedded().unwrap();
        let paras: Vec<String> = text.lines().map(str::to_string).collect();
        let lexicon = Lexicon::build(&rules).unwrap();
        let a = Analysis::new(
            split_sentences(&paras),
            published.map(|p| p.parse().unwrap()),
            &gaz,
            &rules,
            &lexicon,
        );
        let names = a.orgs.iter().map(|o| o.name.clone()).collect();
        let mentions = (0..a.sentences.len())
            .map(|si| {
                a.orgs_in(si)
                    .iter()
                    .map(|m| {
                        (
                            a.sentences[si].text[m.start..m.end].to_string(),
                            a.orgs[m.org].name.clone(),
                        )
                    })
                    .collect()
            })
            .collect();
        (names, mentions)
    }

    #[test]
    fn unknown_organizations_are_found_by_head_word_and_context() {
        let (names, _) = analyse(
            "The seminar was co-hosted by the Korea CMC Service Industry Research Association.\n\
             Foo Biologics Co., Ltd. said it would expand.\n\
             Bar Pharmaceutical signed an MOU with Quxo.",
            None,
        );
        assert!(
            names.contains(&"Korea CMC Service Industry Research Association".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"Foo Biologics".to_string()), "{names:?}");
        assert!(
            names.contains(&"Bar Pharmaceutical".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"Quxo".to_string()), "{names:?}");
    }

    #[test]
    fn people_events_and_places_are_not_organizations() {
        let (names, _) = analyse(
            "Wang Shumin, general manager of the firm, remarked on it.\n\
             Koo attended the National CMC Industry Development Strategy Seminar at the Science and Technology Convention Center.\n\
             China Gene Medicine Valley brought forth joyful news.",
            None,
        );
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn it_and_the_company_refer_back_to_the_subject() {
        let (_, mentions) = analyse(
            "Helixmith announced on the 17th that it has obtained a licence.\nAfter a year, it acquired another.\nThe company said so.",
            Some("2022-03-17"),
        );
        assert!(mentions[0].contains(&("it".to_string(), "Helixmith".to_string())));
        assert!(mentions[1].contains(&("it".to_string(), "Helixmith".to_string())));
        assert!(
            mentions[2].contains(&("The company".to_string(), "Helixmith".to_string())),
            "{mentions:?}"
        );
    }

    #[test]
    fn a_distinctive_word_alone_is_the_company_it_belongs_to() {
        let (_, mentions) = analyse(
            "Eli Lilly runs the plant.\nLilly bought it in 2008.\nThe Lilly Kinsale unit grew, and a breakthrough came.\nTeva Pharmaceutical Industries agreed.\nTeva said so.",
            None,
        );
        assert!(
            mentions[1].contains(&("Lilly".to_string(), "Eli Lilly".to_string())),
            "{mentions:?}"
        );
        // Part of a longer name: not the short form.
        assert!(
            !mentions[2].iter().any(|(s, _)| s == "Lilly"),
            "{mentions:?}"
        );
        assert!(
            mentions[4]
                .iter()
                .any(|(s, n)| s == "Teva" && n == "Teva Pharmaceutical Industries"),
            "{mentions:?}"
        );
    }

    #[test]
    fn zone_committees_and_provincial_governments_are_organizations() {
        let (names, _) = analyse(
            "Celltrion signed an agreement with the administrative committee of the Wuhan East Lake High-tech Development Zone to build a plant.\n\
             Celltrion signed a memorandum of understanding with Yesan County and the South Chungcheong provincial government.",
            None,
        );
        assert!(
            names.contains(
                &"Wuhan East Lake High-tech Development Zone Administrative Committee".to_string()
            ),
            "{names:?}"
        );
        assert!(
            names.contains(&"South Chungcheong Province".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"Yesan County".to_string()), "{names:?}");
    }

    #[test]
    fn expletive_it_is_not_a_reference() {
        let (_, mentions) = analyse("Helixmith grew.\nIt is said that the market grew.", None);
        assert!(mentions[1].is_empty(), "{mentions:?}");
    }

    #[test]
    fn camel_case_names_seen_twice_are_organizations() {
        let (names, _) = analyse(
            "TransReco passed the audit.\nIt is said that TransReco is a subsidiary of Biometa.",
            None,
        );
        assert!(names.contains(&"TransReco".to_string()), "{names:?}");
        assert!(names.contains(&"Biometa".to_string()), "{names:?}");
    }
}
