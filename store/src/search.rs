//! Full-text search over organization names and aliases, facility names and article titles
//! and texts: the database finds candidates by trigrams, the ranking is computed here.
//!
//! Design decisions:
//! - The index (migration `m20261122_000004_search`) is an FTS5 `trigram` table on SQLite
//!   and a `pg_trgm` GIN-indexed table on PostgreSQL, so a query matches inside words and in
//!   scripts written without spaces (Hangul, Hanzi). A term of one or two characters has no
//!   trigram: such terms are matched with `instr`/`strpos` on the same table instead (a scan).
//! - User text never becomes SQL: each term is bound as a value, quoted as an FTS5 string on
//!   SQLite and escaped as a `LIKE` pattern on PostgreSQL.
//! - Scores are computed here from the matched text, not taken from the engine (bm25 and
//!   `similarity` differ), so both engines rank the same candidates the same way: exact
//!   name or alias match (by [`name_key`], so legal forms and word order do not matter) above
//!   a prefix match above any other match in a name, alias or title, above a match in an
//!   article's text; ties go to organizations, then facilities, then articles, then by id.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement, Value,
};

use crate::db::{Engine, Store};
use crate::entities::{article, facility, organization, organization_alias};
use crate::error::StoreError;
use crate::names::name_key;
use crate::query::{articles_by_ids, facilities_by_ids, organizations_by_ids};

/// The longest query accepted, in characters: longer text is not a search but a paste.
pub const MAX_QUERY_CHARS: usize = 200;

/// How many index rows are ranked at most per query; the best of them are returned.
const CANDIDATES: u64 = 300;

/// Terms this long or longer can use the trigram index.
const MIN_INDEXED_CHARS: usize = 3;

/// Characters of article text shown around the first match.
const SNIPPET_BEFORE: usize = 60;
const SNIPPET_AFTER: usize = 100;

/// What a search can find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SearchKind {
    Organization,
    Facility,
    Article,
}

impl SearchKind {
    pub const ALL: [SearchKind; 3] = [
        SearchKind::Organization,
        SearchKind::Facility,
        SearchKind::Article,
    ];
}

/// Which text of a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchField {
    /// An organization's canonical name or a facility's name.
    Name,
    /// Another name of an organization (any script).
    Alias,
    /// An article's title.
    Title,
    /// An article's text.
    Text,
}

/// One indexed text's field code, as stored in the index by the migration's triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    OrgName = 1,
    OrgAlias = 2,
    FacilityName = 3,
    ArticleTitle = 4,
    ArticleText = 5,
}

impl Field {
    const ALL: [Field; 5] = [
        Field::OrgName,
        Field::OrgAlias,
        Field::FacilityName,
        Field::ArticleTitle,
        Field::ArticleText,
    ];

    fn from_code(code: i64) -> Option<Field> {
        Field::ALL.into_iter().find(|f| *f as i64 == code)
    }

    fn kind(self) -> SearchKind {
        match self {
            Field::OrgName | Field::OrgAlias => SearchKind::Organization,
            Field::FacilityName => SearchKind::Facility,
            Field::ArticleTitle | Field::ArticleText => SearchKind::Article,
        }
    }

    fn match_field(self) -> MatchField {
        match self {
            Field::OrgName | Field::FacilityName => MatchField::Name,
            Field::OrgAlias => MatchField::Alias,
            Field::ArticleTitle => MatchField::Title,
            Field::ArticleText => MatchField::Text,
        }
    }

    /// Names and aliases can match exactly through their normalised key.
    fn is_name(self) -> bool {
        matches!(self, Field::OrgName | Field::OrgAlias | Field::FacilityName)
    }
}

/// Why a query text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchInputError {
    #[error("the search query is empty: give a name, alias or words to look for")]
    Empty,
    #[error("the search query is {0} characters long; at most {MAX_QUERY_CHARS} are allowed")]
    TooLong(usize),
}

/// A validated search query: trimmed, at most [`MAX_QUERY_CHARS`] characters, with its
/// lower-cased form, its name key and the terms every match must contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    lower: String,
    key: String,
    /// Lower-cased, distinct, longest first.
    terms: Vec<String>,
}

impl SearchText {
    pub fn parse(text: &str) -> Result<SearchText, SearchInputError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(SearchInputError::Empty);
        }
        let chars = trimmed.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(SearchInputError::TooLong(chars));
        }
        let lower = lowercase(trimmed);
        // Punctuation at a word's edges ("Samsung," or "(주)") is not part of what is
        // looked for; a query of nothing but punctuation is searched as written.
        let mut words: Vec<String> = lower
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            words = lower.split_whitespace().map(str::to_string).collect();
        }
        words.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        words.dedup();
        Ok(SearchText {
            key: name_key(trimmed),
            lower,
            terms: words,
        })
    }

    /// Terms the trigram index can find.
    fn indexed_terms(&self) -> impl Iterator<Item = &String> {
        self.terms
            .iter()
            .filter(|t| t.chars().count() >= MIN_INDEXED_CHARS)
    }

    /// Terms too short for trigrams, matched by substring test.
    fn short_terms(&self) -> impl Iterator<Item = &String> {
        self.terms
            .iter()
            .filter(|t| t.chars().count() < MIN_INDEXED_CHARS)
    }
}

/// The thing a hit is about.
#[derive(Debug, Clone)]
pub enum SearchNode {
    Organization(organization::Model),
    Facility(facility::Model),
    Article(article::Model),
}

/// One result: what was found, which of its texts matched, and how well.
#[derive(Debug, Clone)]
pub struct SearchHit {
    /// Higher is better: 3–4 exact name match, 2–3 prefix, 1–2 other match in a name,
    /// alias or title, 0–1 match in an article's text.
    pub score: f64,
    pub field: MatchField,
    /// The name, alias or title that matched, or a snippet of article text around the match.
    pub matched_text: String,
    pub node: SearchNode,
}

/// The best hits, and whether more were found than were asked for.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub has_more: bool,
}

/// A row of the index that matched.
#[derive(Debug, Clone)]
struct Candidate {
    field: Field,
    ref_id: i64,
    body: String,
}

/// A candidate with its score, one per node after de-duplication.
#[derive(Debug, Clone)]
struct Ranked {
    score: f64,
    field: Field,
    ref_id: i64,
    matched_text: String,
}

/// Searches the kinds in `kinds` (all when empty) and returns the best `limit` hits.
pub async fn search(
    store: &Store,
    text: &SearchText,
    kinds: &[SearchKind],
    limit: usize,
) -> Result<SearchResults, StoreError> {
    let kinds: Vec<SearchKind> = if kinds.is_empty() {
        SearchKind::ALL.to_vec()
    } else {
        kinds.to_vec()
    };
    if limit == 0 {
        return Ok(SearchResults::default());
    }
    let fields: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| kinds.contains(&f.kind()))
        .collect();
    let mut candidates = exact_candidates(store, text, &kinds).await?;
    candidates.extend(index_candidates(store, text, &fields).await?);
    let mut ranked = rank(candidates, text);
    let has_more = ranked.len() > limit;
    ranked.truncate(limit);
    Ok(SearchResults {
        hits: load_nodes(store, ranked).await?,
        has_more,
    })
}

/// Names and aliases whose normalised key equals the query's ("Samsung Biologics Co., Ltd."
/// finds "Samsung Biologics" though the index holds no "Co., Ltd.").
async fn exact_candidates(
    store: &Store,
    text: &SearchText,
    kinds: &[SearchKind],
) -> Result<Vec<Candidate>, StoreError> {
    let mut out = Vec::new();
    if text.key.is_empty() {
        return Ok(out);
    }
    let db = store.conn();
    if kinds.contains(&SearchKind::Organization) {
        let orgs = organization::Entity::find()
            .filter(organization::Column::NameKey.eq(text.key.as_str()))
            .limit(CANDIDATES)
            .all(db)
            .await?;
        out.extend(orgs.into_iter().map(|o| Candidate {
            field: Field::OrgName,
            ref_id: o.id,
            body: o.name,
        }));
        let aliases = organization_alias::Entity::find()
            .filter(organization_alias::Column::AliasKey.eq(text.key.as_str()))
            .limit(CANDIDATES)
            .all(db)
            .await?;
        out.extend(aliases.into_iter().map(|a| Candidate {
            field: Field::OrgAlias,
            ref_id: a.organization_id,
            body: a.alias,
        }));
    }
    if kinds.contains(&SearchKind::Facility) {
        let facilities = facility::Entity::find()
            .filter(facility::Column::NameKey.eq(text.key.as_str()))
            .filter(facility::Column::RetractedAt.is_null())
            .limit(CANDIDATES)
            .all(db)
            .await?;
        out.extend(facilities.into_iter().filter_map(|f| {
            f.name.map(|name| Candidate {
                field: Field::FacilityName,
                ref_id: f.id,
                body: name,
            })
        }));
    }
    Ok(out)
}

/// Collects bound values and writes each one's placeholder for the engine.
struct Params {
    engine: Engine,
    values: Vec<Value>,
}

impl Params {
    fn push(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        match self.engine {
            Engine::Sqlite => "?".to_string(),
            Engine::Postgres => format!("${}", self.values.len()),
        }
    }
}

/// Index rows containing every term: trigram-indexed terms narrow through the index, short
/// terms are tested on what it returns (or on every row when no term is long enough).
async fn index_candidates(
    store: &Store,
    text: &SearchText,
    fields: &[Field],
) -> Result<Vec<Candidate>, StoreError> {
    if fields.is_empty() || text.terms.is_empty() {
        return Ok(Vec::new());
    }
    let engine = store.engine();
    let mut p = Params {
        engine,
        values: Vec::new(),
    };
    let mut conditions: Vec<String> = Vec::new();
    let field_list: Vec<String> = fields.iter().map(|f| p.push(*f as i64)).collect();
    conditions.push(format!("field IN ({})", field_list.join(", ")));
    let sql = match engine {
        Engine::Sqlite => {
            let indexed: Vec<String> = text.indexed_terms().map(|t| fts5_string(t)).collect();
            let has_index_terms = !indexed.is_empty();
            if has_index_terms {
                conditions.push(format!(
                    "search_fts MATCH {}",
                    p.push(indexed.join(" AND "))
                ));
            }
            for t in text.short_terms() {
                conditions.push(format!("instr(lower(body), {}) > 0", p.push(t.clone())));
            }
            // Names, aliases and titles first: a text match never outranks them.
            let order = if has_index_terms {
                "CASE WHEN field = 5 THEN 1 ELSE 0 END, rank, rowid"
            } else {
                "CASE WHEN field = 5 THEN 1 ELSE 0 END, rowid"
            };
            format!(
                "SELECT ref_id, CAST(field AS BIGINT) AS field, body FROM search_fts \
                 WHERE {} ORDER BY {order} LIMIT {}",
                conditions.join(" AND "),
                p.push(CANDIDATES as i64)
            )
        }
        Engine::Postgres => {
            for t in text.indexed_terms() {
                conditions.push(format!("body ILIKE {}", p.push(like_pattern(t))));
            }
            for t in text.short_terms() {
                conditions.push(format!("strpos(lower(body), {}) > 0", p.push(t.clone())));
            }
            let q = p.push(text.lower.clone());
            format!(
                "SELECT ref_id, CAST(field AS BIGINT) AS field, body FROM search_documents \
                 WHERE {} ORDER BY CASE WHEN field = 5 THEN 1 ELSE 0 END, \
                 CASE WHEN field = 5 THEN 0 ELSE similarity(body, {q}) END DESC, id LIMIT {}",
                conditions.join(" AND "),
                p.push(CANDIDATES as i64)
            )
        }
    };
    let rows = store
        .conn()
        .query_all_raw(Statement::from_sql_and_values(
            store.backend(),
            sql,
            p.values,
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let code: i64 = row.try_get("", "field")?;
        let field = Field::from_code(code).ok_or_else(|| StoreError::InvalidStoredValue {
            table: "search index",
            column: "field",
            value: code.to_string(),
            reason: "not a known field code".into(),
        })?;
        out.push(Candidate {
            field,
            ref_id: row.try_get("", "ref_id")?,
            body: row.try_get("", "body")?,
        });
    }
    Ok(out)
}

/// `term` as an FTS5 string: inside double quotes nothing is syntax (`*`, `-`, `NEAR`,
/// `AND`), and a double quote is written twice. With the trigram tokenizer a string
/// matches as a substring, case-insensitively.
fn fts5_string(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// A PostgreSQL `ILIKE` pattern matching `term` anywhere, with `%`, `_` and the escape
/// character itself taken literally.
fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.chars() {
        if matches!(c, '\\' | '%' | '_') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Scores every candidate, keeps the best per node and sorts best first (ties: kind, id).
fn rank(candidates: Vec<Candidate>, text: &SearchText) -> Vec<Ranked> {
    let mut best: BTreeMap<(SearchKind, i64), Ranked> = BTreeMap::new();
    for c in candidates {
        let (score, matched_text) = score(c.field, &c.body, text);
        let r = Ranked {
            score,
            field: c.field,
            ref_id: c.ref_id,
            matched_text,
        };
        let key = (c.field.kind(), c.ref_id);
        let better = match best.get(&key) {
            None => true,
            Some(old) => match r.score.total_cmp(&old.score) {
                Ordering::Greater => true,
                // Same score: the canonical name before an alias, the same text once.
                Ordering::Equal => (r.field, &r.matched_text) < (old.field, &old.matched_text),
                Ordering::Less => false,
            },
        };
        if better {
            best.insert(key, r);
        }
    }
    let mut out: Vec<Ranked> = best.into_values().collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.field.kind().cmp(&b.field.kind()))
            .then(a.ref_id.cmp(&b.ref_id))
    });
    out
}

/// The score of one matched text and what to show as matched.
fn score(field: Field, body: &str, text: &SearchText) -> (f64, String) {
    if field == Field::ArticleText {
        let (lower, map) = lowercase_with_offsets(body);
        let occurrences: usize = text
            .terms
            .iter()
            .map(|t| lower.matches(t.as_str()).count())
            .sum();
        let per_term = occurrences as f64 / text.terms.len().max(1) as f64;
        let score = 0.99 * per_term / (per_term + 2.0);
        return (score, snippet(body, &lower, &map, &text.terms));
    }
    let lower = lowercase(body.trim());
    let exact = lower == text.lower
        || (field.is_name() && !text.key.is_empty() && name_key(body) == text.key);
    let tier = if exact {
        3.0
    } else if lower.starts_with(&text.lower) {
        2.0
    } else {
        1.0
    };
    (
        tier + 0.99 * trigram_similarity(&lower, &text.lower),
        body.trim().to_string(),
    )
}

fn lowercase(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// `s` lower-cased character by character, with the byte offset in `s` of each byte of it.
fn lowercase_with_offsets(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        for lc in c.to_lowercase() {
            let before = out.len();
            out.push(lc);
            map.extend(std::iter::repeat_n(i, out.len() - before));
        }
    }
    (out, map)
}

/// About 160 characters of `body` around the earliest match of a term, on one line, with
/// `…` where it was cut.
fn snippet(body: &str, lower: &str, map: &[usize], terms: &[String]) -> String {
    let start = terms
        .iter()
        .filter_map(|t| lower.find(t.as_str()))
        .min()
        .and_then(|p| map.get(p).copied())
        .unwrap_or(0);
    let before: Vec<(usize, char)> = body[..start].char_indices().collect();
    let from = before
        .len()
        .checked_sub(SNIPPET_BEFORE)
        .map_or(0, |i| before[i].0);
    let to = body[start..]
        .char_indices()
        .nth(SNIPPET_AFTER)
        .map_or(body.len(), |(i, _)| start + i);
    let mut s = String::new();
    if from > 0 {
        s.push('…');
    }
    s.push_str(
        &body[from..to]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    );
    if to < body.len() {
        s.push('…');
    }
    s
}

/// Share of character trigrams two texts have in common (0–1), like `pg_trgm`'s
/// `similarity`: words padded with spaces, punctuation as spaces.
fn trigram_similarity(a: &str, b: &str) -> f64 {
    let (ta, tb) = (trigrams(a), trigrams(b));
    let union = ta.union(&tb).count();
    if union == 0 {
        return 0.0;
    }
    ta.intersection(&tb).count() as f64 / union as f64
}

fn trigrams(s: &str) -> HashSet<[char; 3]> {
    let mut set = HashSet::new();
    for word in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let chars: Vec<char> = "  "
            .chars()
            .chain(word.chars())
            .chain(std::iter::once(' '))
            .collect();
        set.extend(chars.windows(3).map(|w| [w[0], w[1], w[2]]));
    }
    set
}

/// Loads the ranked nodes (one statement per kind) and pairs them with their scores; a node
/// deleted since the index was read is left out.
async fn load_nodes(store: &Store, ranked: Vec<Ranked>) -> Result<Vec<SearchHit>, StoreError> {
    let ids = |kind: SearchKind| -> Vec<i64> {
        ranked
            .iter()
            .filter(|r| r.field.kind() == kind)
            .map(|r| r.ref_id)
            .collect()
    };
    let (org_ids, facility_ids, article_ids) = (
        ids(SearchKind::Organization),
        ids(SearchKind::Facility),
        ids(SearchKind::Article),
    );
    let mut orgs = if org_ids.is_empty() {
        Default::default()
    } else {
        organizations_by_ids(store, &org_ids).await?
    };
    let mut facilities = if facility_ids.is_empty() {
        Default::default()
    } else {
        facilities_by_ids(store, &facility_ids).await?
    };
    let mut articles = if article_ids.is_empty() {
        Default::default()
    } else {
        articles_by_ids(store, &article_ids).await?
    };
    Ok(ranked
        .into_iter()
        .filter_map(|r| {
            let node = match r.field.kind() {
                SearchKind::Organization => orgs.remove(&r.ref_id).map(SearchNode::Organization),
                SearchKind::Facility => facilities
                    .remove(&r.ref_id)
                    .filter(|f| f.retracted_at.is_none())
                    .map(SearchNode::Facility),
                SearchKind::Article => articles.remove(&r.ref_id).map(SearchNode::Article),
            }?;
            Some(SearchHit {
                score: r.score,
                field: r.field.match_field(),
                matched_text: r.matched_text,
                node,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> SearchText {
        SearchText::parse(s).unwrap()
    }

    #[test]
    fn empty_whitespace_and_overlong_queries_are_refused() {
        assert_eq!(SearchText::parse(""), Err(SearchInputError::Empty));
        assert_eq!(SearchText::parse(" \t\n "), Err(SearchInputError::Empty));
        let long = "셀".repeat(MAX_QUERY_CHARS + 1);
        assert_eq!(
            SearchText::parse(&long),
            Err(SearchInputError::TooLong(MAX_QUERY_CHARS + 1))
        );
        assert!(SearchText::parse(&"셀".repeat(MAX_QUERY_CHARS)).is_ok());
    }

    #[test]
    fn terms_drop_edge_punctuation_and_keep_pure_punctuation() {
        assert_eq!(
            q("  Samsung, BIOLOGICS ").terms,
            vec!["biologics", "samsung"]
        );
        assert_eq!(q("'; drop table").terms, vec!["table", "drop"]);
        assert_eq!(q("\"").terms, vec!["\""]);
        assert_eq!(q("NEAR(").terms, vec!["near"]);
        assert_eq!(q("药明").terms, vec!["药明"]);
    }

    #[test]
    fn fts5_strings_and_like_patterns_take_input_literally() {
        assert_eq!(fts5_string("a\"b"), "\"a\"\"b\"");
        assert_eq!(fts5_string("near("), "\"near(\"");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn exact_name_beats_prefix_beats_infix_beats_article_text() {
        let text = q("Samsung Biologics Co., Ltd.");
        let (exact, _) = score(Field::OrgName, "Samsung Biologics", &text);
        assert!(exact >= 3.0, "{exact}");
        let text = q("Samsung");
        let (exact, _) = score(Field::OrgAlias, "SAMSUNG", &text);
        let (prefix, _) = score(Field::OrgName, "Samsung Biologics", &text);
        let (infix, _) = score(Field::FacilityName, "the Samsung plant", &text);
        let (body, _) = score(Field::ArticleText, "Samsung said Samsung would", &text);
        assert!(
            exact > prefix && prefix > infix && infix > body,
            "{exact} {prefix} {infix} {body}"
        );
        assert!((0.0..1.0).contains(&body));
    }

    #[test]
    fn ties_go_to_organizations_then_facilities_then_articles_then_lower_ids() {
        let c = |field, ref_id| Candidate {
            field,
            ref_id,
            body: "Cell Center".into(),
        };
        let ranked = rank(
            vec![
                c(Field::ArticleTitle, 1),
                c(Field::FacilityName, 2),
                c(Field::OrgAlias, 9),
                c(Field::OrgName, 9),
                c(Field::OrgName, 3),
            ],
            &q("Cell"),
        );
        let order: Vec<(Field, i64)> = ranked.iter().map(|r| (r.field, r.ref_id)).collect();
        assert_eq!(
            order,
            vec![
                (Field::OrgName, 3),
                (Field::OrgName, 9),
                (Field::FacilityName, 2),
                (Field::ArticleTitle, 1)
            ]
        );
    }

    #[test]
    fn snippets_cut_around_the_match_on_character_boundaries() {
        let body = format!(
            "{}셀트리온이 발표했다 İ {}",
            "가".repeat(100),
            "나".repeat(200)
        );
        let (lower, map) = lowercase_with_offsets(&body);
        let s = snippet(&body, &lower, &map, &["셀트".to_string()]);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("셀트리온이 발표했다"), "{s}");
        assert_eq!(s.chars().count(), 2 + SNIPPET_BEFORE + SNIPPET_AFTER);
        let (lower, map) = lowercase_with_offsets("Short\ntext.");
        let whole = snippet("Short\ntext.", &lower, &map, &["text".into()]);
        assert_eq!(whole, "Short text.");
    }

    #[test]
    fn trigram_similarity_is_one_for_equal_texts_and_less_for_others() {
        assert_eq!(trigram_similarity("wuxi biologics", "wuxi biologics"), 1.0);
        let s = trigram_similarity("wuxi", "wuxi biologics");
        assert!(s > 0.0 && s < 1.0);
        assert_eq!(trigram_similarity("", ""), 0.0);
        assert!(trigram_similarity("药明", "药明生物") > 0.0);
    }

    #[tokio::test]
    async fn the_index_follows_inserts_renames_and_deletes_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let store = Store::open(&url).await.unwrap();
        let db = store.conn();
        let now = "2026-01-01T00:00:00Z";
        db.execute_unprepared(&format!(
            "INSERT INTO organizations (name, name_key, kind, created_at, updated_at) \
             VALUES ('Celltrion', 'celltrion', 'cdmo', '{now}', '{now}')"
        ))
        .await
        .unwrap();
        db.execute_unprepared(
            "INSERT INTO organization_aliases (organization_id, alias, alias_key) \
             VALUES (1, '셀트리온', '셀트리온')",
        )
        .await
        .unwrap();
        let names = |r: &SearchResults| -> Vec<String> {
            r.hits.iter().map(|h| h.matched_text.clone()).collect()
        };
        let found = search(&store, &q("셀트"), &[], 10).await.unwrap();
        assert_eq!(names(&found), vec!["셀트리온"]);
        db.execute_unprepared("UPDATE organization_aliases SET alias = '셀트리온헬스케어'")
            .await
            .unwrap();
        let found = search(&store, &q("헬스케어"), &[], 10).await.unwrap();
        assert_eq!(names(&found), vec!["셀트리온헬스케어"]);
        db.execute_unprepared("DELETE FROM organization_aliases")
            .await
            .unwrap();
        db.execute_unprepared("DELETE FROM organizations")
            .await
            .unwrap();
        assert!(
            search(&store, &q("셀트"), &[], 10)
                .await
                .unwrap()
                .hits
                .is_empty()
        );
        assert!(
            search(&store, &q("celltrion"), &[], 10)
                .await
                .unwrap()
                .hits
                .is_empty()
        );
    }
}
