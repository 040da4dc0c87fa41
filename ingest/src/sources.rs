//! `sources.toml`: the outlets to ingest and the fetcher's politeness defaults, parsed into
//! typed settings and validated so that a mistake is reported with its line and field.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The `[fetch]` table: defaults for every source's requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchSettings {
    /// Sent with every request; should name a contact URL.
    pub user_agent: String,
    /// Lets requests reach loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7) and
    /// link-local addresses. Off by default: a feed must not make us probe an intranet.
    pub allow_private: bool,
    /// Minimum time between two requests to one host.
    pub per_host_delay_ms: u64,
    /// Requests in flight to one host at a time.
    pub per_host_concurrency: usize,
    /// A larger response is refused (not truncated).
    pub max_body_bytes: usize,
    pub connect_timeout_ms: u64,
    /// Whole request, body included.
    pub timeout_ms: u64,
    /// Retries after the first attempt, on network errors, 429 and 5xx.
    pub max_retries: u32,
    /// First backoff; doubled per retry, with jitter.
    pub retry_base_ms: u64,
    /// Longest wait a `Retry-After` header may impose before we give up on the URL.
    pub max_retry_after_ms: u64,
    pub max_redirects: usize,
    /// Honour robots.txt (on by default).
    pub respect_robots: bool,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: concat!(
                "cdmo-atlas/",
                env!("CARGO_PKG_VERSION"),
                " (+https://example.org/cdmo-atlas)"
            )
            .to_string(),
            allow_private: false,
            per_host_delay_ms: 1000,
            per_host_concurrency: 2,
            max_body_bytes: 5_000_000,
            connect_timeout_ms: 10_000,
            timeout_ms: 30_000,
            max_retries: 3,
            retry_base_ms: 500,
            max_retry_after_ms: 120_000,
            max_redirects: 10,
            respect_robots: true,
        }
    }
}

/// Per-source politeness overrides: any field given replaces the `[fetch]` default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchOverrides {
    pub user_agent: Option<String>,
    pub per_host_delay_ms: Option<u64>,
    pub per_host_concurrency: Option<usize>,
    pub max_body_bytes: Option<usize>,
    pub timeout_ms: Option<u64>,
    pub max_retries: Option<u32>,
    pub respect_robots: Option<bool>,
}

impl FetchSettings {
    /// These settings with a source's overrides applied.
    pub fn with_overrides(&self, o: &FetchOverrides) -> FetchSettings {
        let mut s = self.clone();
        if let Some(v) = &o.user_agent {
            s.user_agent = v.clone();
        }
        if let Some(v) = o.per_host_delay_ms {
            s.per_host_delay_ms = v;
        }
        if let Some(v) = o.per_host_concurrency {
            s.per_host_concurrency = v;
        }
        if let Some(v) = o.max_body_bytes {
            s.max_body_bytes = v;
        }
        if let Some(v) = o.timeout_ms {
            s.timeout_ms = v;
        }
        if let Some(v) = o.max_retries {
            s.max_retries = v;
        }
        if let Some(v) = o.respect_robots {
            s.respect_robots = v;
        }
        s
    }
}

/// How a source lists its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Rss,
    Atom,
    /// A listing page: CSS selectors find article links and the next page.
    HtmlList,
    Sitemap,
    /// A fixed list of article URLs.
    Urls,
    /// Local text or HTML files (paths or folders).
    Files,
}

impl SourceKind {
    /// The name the kind has in `sources.toml` (its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Rss => "rss",
            SourceKind::Atom => "atom",
            SourceKind::HtmlList => "html_list",
            SourceKind::Sitemap => "sitemap",
            SourceKind::Urls => "urls",
            SourceKind::Files => "files",
        }
    }
}

/// One `[[source]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub id: String,
    pub kind: SourceKind,
    /// The feed, listing page or sitemap (rss, atom, html_list, sitemap).
    pub url: Option<String>,
    /// Article URLs (urls).
    #[serde(default)]
    pub urls: Vec<String>,
    /// Files or folders (files); relative paths are relative to the sources file.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// CSS selector of article links on a listing page (html_list).
    pub link_selector: Option<String>,
    /// CSS selector of the next-page link (html_list, optional).
    pub next_selector: Option<String>,
    /// Listing pages followed at most (html_list); sitemap files read at most (sitemap).
    #[serde(default = "default_max_pages")]
    pub max_pages: usize,
    /// Articles fetched at most per run (newest first where the source dates them).
    pub max_articles: Option<usize>,
    /// A hint (`en`, `ko`, `zh`); the language detected from the text decides.
    pub language: Option<String>,
    /// ISO 3166 alpha-2 country the outlet covers, e.g. `KR`, `CN`.
    pub country: Option<String>,
    /// A publisher name to record when the page does not state one.
    pub publisher: Option<String>,
    /// Five-field cron expression (minute hour day month weekday), in UTC.
    pub schedule: Option<String>,
    /// Skipped by `ingest run` and the scheduler while false.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Politeness overrides for this source.
    #[serde(default)]
    pub fetch: FetchOverrides,
}

fn default_max_pages() -> usize {
    5
}

fn default_true() -> bool {
    true
}

/// A whole `sources.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    #[serde(default)]
    pub fetch: FetchSettings,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
}

/// A `sources.toml` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SourcesError {
    #[error(
        "cannot read the sources file {} (give its path with --sources FILE; seeds/sources.example.toml is a commented example)",
        path.display()
    )]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Every problem found, each with its line where the file shows one.
    #[error("{}", display_problems(origin, problems))]
    Invalid {
        origin: String,
        problems: Vec<SourceProblem>,
    },
}

/// One mistake in a sources file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceProblem {
    /// 1-based line of the value (or table) at fault.
    pub line: Option<usize>,
    /// Where in the file: `source[2].schedule`, `fetch.per_host_delay_ms`; sources are
    /// numbered from 0 in file order. Empty for a TOML syntax error outside any key.
    pub field: String,
    pub message: String,
}

fn display_problems(origin: &str, problems: &[SourceProblem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(origin);
        if let Some(line) = p.line {
            out.push_str(&format!(":{line}"));
        }
        if !p.field.is_empty() {
            out.push_str(&format!(": {}", p.field));
        }
        out.push_str(&format!(": {}", p.message));
    }
    out
}

impl fmt::Display for SourceProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}: {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

/// Reads and validates a sources file.
pub fn load_sources(path: &Path) -> Result<SourcesFile, SourcesError> {
    let text = std::fs::read_to_string(path).map_err(|source| SourcesError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_sources(&text, &path.display().to_string())
}

/// Parses and validates a sources file's text; `origin` names it in messages.
pub fn parse_sources(text: &str, origin: &str) -> Result<SourcesFile, SourcesError> {
    let lines = LineIndex::new(text);
    let invalid = |problems| SourcesError::Invalid {
        origin: origin.to_string(),
        problems,
    };
    let file: SourcesFile = match toml::from_str(text) {
        Ok(file) => file,
        Err(e) => {
            let span = e.span();
            // A type error or unknown key sits in a well-formed document whose keys can be
            // walked to name the field; a syntax error has no field to name.
            let field = match (&span, DeTable::parse(text)) {
                (Some(s), Ok(doc)) => field_path_at(doc.get_ref(), s.start),
                _ => String::new(),
            };
            return Err(invalid(vec![SourceProblem {
                line: span.map(|s| lines.line_of(s.start)),
                field,
                message: e.message().trim().to_string(),
            }]));
        }
    };
    // The typed parse succeeded, so the spanned parse of the same text does too; a failure
    // would only cost line numbers, never a check.
    let doc = DeTable::parse(text).ok();
    let locator = Locator {
        doc: doc.as_ref().map(|d| d.get_ref()),
        lines: &lines,
    };
    let mut problems = validate(&file, &locator);
    problems.sort_by_key(|p| p.line);
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(invalid(problems))
    }
}

impl SourcesFile {
    /// The source with this id.
    pub fn get(&self, id: &str) -> Option<&SourceConfig> {
        self.sources.iter().find(|s| s.id == id)
    }
}

impl SourceConfig {
    /// The parsed `schedule`; `None` when there is none (run by hand only) or it does not
    /// parse (which `parse_sources` reports).
    pub fn cron(&self) -> Option<croner::Cron> {
        self.schedule.as_deref().and_then(|s| parse_cron(s).ok())
    }

    /// The fetch settings for this source: the defaults with its overrides applied.
    pub fn settings(&self, defaults: &FetchSettings) -> FetchSettings {
        defaults.with_overrides(&self.fetch)
    }
}

/// Minute hour day-of-month month day-of-week, as crontab has it: a six-field pattern would
/// silently mean seconds to croner, so it is refused.
fn parse_cron(s: &str) -> Result<croner::Cron, String> {
    use croner::parser::{CronParser, Seconds, Year};
    let fields = s.split_whitespace().count();
    if fields != 5 && !s.trim_start().starts_with('@') {
        return Err(format!(
            "`{s}` has {fields} fields; expected 5 (minute hour day month weekday)"
        ));
    }
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(s)
        .map_err(|e| format!("`{s}` is not a valid cron expression: {e}"))
}

/// Byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }
}

/// The dotted path (`source[1].kind`) of the innermost key whose key or value holds `offset`.
fn field_path_at(table: &DeTable<'_>, offset: usize) -> String {
    let mut path = String::new();
    walk_table(table, offset, &mut path);
    path
}

fn walk_table(table: &DeTable<'_>, offset: usize, path: &mut String) -> bool {
    for (key, value) in table.iter() {
        let in_key = contains(&key.span(), offset);
        if in_key || value_holds(value, offset) {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key.get_ref());
            if !in_key {
                walk_value(value, offset, path);
            }
            return true;
        }
    }
    false
}

fn walk_value(value: &Spanned<DeValue<'_>>, offset: usize, path: &mut String) {
    match value.get_ref() {
        DeValue::Table(t) => {
            walk_table(t, offset, path);
        }
        DeValue::Array(items) => {
            if let Some((i, item)) = items
                .iter()
                .enumerate()
                .find(|(_, item)| value_holds(item, offset))
            {
                path.push_str(&format!("[{i}]"));
                walk_value(item, offset, path);
            }
        }
        _ => {}
    }
}

/// Whether a value, or for a table anything in it, spans `offset`: a `[[source]]` table's own
/// span need not cover its keys.
fn value_holds(value: &Spanned<DeValue<'_>>, offset: usize) -> bool {
    if contains(&value.span(), offset) {
        return true;
    }
    match value.get_ref() {
        DeValue::Table(t) => t
            .iter()
            .any(|(k, v)| contains(&k.span(), offset) || value_holds(v, offset)),
        DeValue::Array(items) => items.iter().any(|v| value_holds(v, offset)),
        _ => false,
    }
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

/// Finds the line of a field in the spanned parse, for semantic problems.
struct Locator<'a, 'i> {
    doc: Option<&'a DeTable<'i>>,
    lines: &'a LineIndex,
}

impl<'a, 'i> Locator<'a, 'i> {
    fn entry(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        table
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }

    fn source(&self, index: usize) -> Option<&'a Spanned<DeValue<'i>>> {
        let sources = Self::entry(self.doc?, "source")?;
        match sources.get_ref() {
            DeValue::Array(items) => items.get(index),
            _ => None,
        }
    }

    /// The first line a table's content is on: its header, or else its first key.
    fn table_line(&self, value: &Spanned<DeValue<'_>>) -> Option<usize> {
        let mut start = value.span().start;
        if let DeValue::Table(t) = value.get_ref()
            && let Some(first) = t.iter().map(|(k, _)| k.span().start).min()
        {
            start = start.min(first);
        }
        Some(self.lines.line_of(start))
    }

    /// Line of `source[index].key`, or of the source's table when the key is absent.
    fn source_field(&self, index: usize, key: &str) -> Option<usize> {
        let source = self.source(index)?;
        if let DeValue::Table(t) = source.get_ref()
            && let Some(v) = Self::entry(t, key)
        {
            return Some(self.lines.line_of(v.span().start));
        }
        self.table_line(source)
    }

    /// Line of `source[index].key[item]`.
    fn source_item(&self, index: usize, key: &str, item: usize) -> Option<usize> {
        let found = self
            .source(index)
            .and_then(|source| match source.get_ref() {
                DeValue::Table(t) => match Self::entry(t, key)?.get_ref() {
                    DeValue::Array(items) => items.get(item),
                    _ => None,
                },
                _ => None,
            });
        match found {
            Some(v) => Some(self.lines.line_of(v.span().start)),
            None => self.source_field(index, key),
        }
    }

    /// Line of `source[index].fetch.key`.
    fn source_fetch(&self, index: usize, key: &str) -> Option<usize> {
        let found = self
            .source(index)
            .and_then(|source| match source.get_ref() {
                DeValue::Table(t) => match Self::entry(t, "fetch")?.get_ref() {
                    DeValue::Table(f) => Self::entry(f, key),
                    _ => None,
                },
                _ => None,
            });
        match found {
            Some(v) => Some(self.lines.line_of(v.span().start)),
            None => self.source_field(index, "fetch"),
        }
    }

    /// Line of `fetch.key`.
    fn fetch_field(&self, key: &str) -> Option<usize> {
        let fetch = Self::entry(self.doc?, "fetch")?;
        if let DeValue::Table(t) = fetch.get_ref()
            && let Some(v) = Self::entry(t, key)
        {
            return Some(self.lines.line_of(v.span().start));
        }
        self.table_line(fetch)
    }
}

fn validate(file: &SourcesFile, at: &Locator<'_, '_>) -> Vec<SourceProblem> {
    let mut problems = Vec::new();
    let mut problem = |line: Option<usize>, field: String, message: String| {
        problems.push(SourceProblem {
            line,
            field,
            message,
        })
    };

    let f = &file.fetch;
    if f.user_agent.trim().is_empty() {
        problem(
            at.fetch_field("user_agent"),
            "fetch.user_agent".into(),
            "must not be empty; name the crawler and a contact URL".into(),
        );
    }
    for (key, value) in [
        ("per_host_concurrency", f.per_host_concurrency),
        ("max_body_bytes", f.max_body_bytes),
    ] {
        if value == 0 {
            problem(
                at.fetch_field(key),
                format!("fetch.{key}"),
                "must be at least 1".into(),
            );
        }
    }

    let mut first_line_of_id: Vec<(&str, Option<usize>)> = Vec::new();
    for (i, s) in file.sources.iter().enumerate() {
        let field = |key: &str| format!("source[{i}].{key}");

        // Identity.
        let id_line = at.source_field(i, "id");
        if s.id.trim().is_empty() {
            problem(id_line, field("id"), "must not be empty".into());
        } else if !is_slug(&s.id) {
            problem(
                id_line,
                field("id"),
                format!(
                    "`{}` is not a slug: use lowercase ASCII letters, digits, `-` and `_`, \
                     starting with a letter or digit",
                    s.id
                ),
            );
        }
        if !s.id.is_empty() {
            match first_line_of_id.iter().find(|(id, _)| *id == s.id) {
                Some((_, first)) => problem(
                    id_line,
                    field("id"),
                    match first {
                        Some(l) => format!("duplicate id `{}` (first used on line {l})", s.id),
                        None => format!("duplicate id `{}`", s.id),
                    },
                ),
                None => first_line_of_id.push((&s.id, id_line)),
            }
        }

        // Where the articles are listed.
        let needs_url = matches!(
            s.kind,
            SourceKind::Rss | SourceKind::Atom | SourceKind::HtmlList | SourceKind::Sitemap
        );
        match &s.url {
            None if needs_url => problem(
                at.source_field(i, "url"),
                field("url"),
                format!("required for kind `{}`", kind_name(s.kind)),
            ),
            Some(u) => {
                if let Err(m) = check_http_url(u) {
                    problem(at.source_field(i, "url"), field("url"), m);
                }
            }
            None => {}
        }
        if s.kind == SourceKind::HtmlList && s.link_selector.is_none() {
            problem(
                at.source_field(i, "link_selector"),
                field("link_selector"),
                "required for kind `html_list`: the CSS selector of the article links".into(),
            );
        }
        for key in ["link_selector", "next_selector"] {
            let sel = if key == "link_selector" {
                &s.link_selector
            } else {
                &s.next_selector
            };
            if let Some(sel) = sel
                && let Err(e) = scraper::Selector::parse(sel)
            {
                problem(
                    at.source_field(i, key),
                    field(key),
                    format!("invalid CSS selector `{sel}`: {e}"),
                );
            }
        }
        if s.kind == SourceKind::Urls && s.urls.is_empty() {
            problem(
                at.source_field(i, "urls"),
                field("urls"),
                "kind `urls` needs at least one article URL".into(),
            );
        }
        for (j, u) in s.urls.iter().enumerate() {
            if let Err(m) = check_http_url(u) {
                problem(
                    at.source_item(i, "urls", j),
                    format!("source[{i}].urls[{j}]"),
                    m,
                );
            }
        }
        if s.kind == SourceKind::Files && s.paths.is_empty() {
            problem(
                at.source_field(i, "paths"),
                field("paths"),
                "kind `files` needs at least one file or folder".into(),
            );
        }
        if s.max_pages == 0 {
            problem(
                at.source_field(i, "max_pages"),
                field("max_pages"),
                "must be at least 1".into(),
            );
        }
        if s.max_articles == Some(0) {
            problem(
                at.source_field(i, "max_articles"),
                field("max_articles"),
                "must be at least 1 (disable the source with `enabled = false` instead)".into(),
            );
        }

        // Description.
        if let Some(sched) = &s.schedule
            && let Err(m) = parse_cron(sched)
        {
            problem(at.source_field(i, "schedule"), field("schedule"), m);
        }
        if let Some(lang) = &s.language
            && let Err(e) = cdmo_store::vocab::Language::from_str(lang)
        {
            problem(
                at.source_field(i, "language"),
                field("language"),
                e.to_string(),
            );
        }
        if let Some(c) = &s.country
            && (c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            problem(
                at.source_field(i, "country"),
                field("country"),
                format!("`{c}` is not a two-letter ISO 3166 country code such as `KR`"),
            );
        }

        // Politeness overrides.
        let o = &s.fetch;
        if o.user_agent.as_deref().is_some_and(|u| u.trim().is_empty()) {
            problem(
                at.source_fetch(i, "user_agent"),
                field("fetch.user_agent"),
                "must not be empty; leave it out to use the default".into(),
            );
        }
        for (key, value) in [
            ("per_host_concurrency", o.per_host_concurrency),
            ("max_body_bytes", o.max_body_bytes),
        ] {
            if value == Some(0) {
                problem(
                    at.source_fetch(i, key),
                    field(&format!("fetch.{key}")),
                    "must be at least 1".into(),
                );
            }
        }
    }
    problems
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Rss => "rss",
        SourceKind::Atom => "atom",
        SourceKind::HtmlList => "html_list",
        SourceKind::Sitemap => "sitemap",
        SourceKind::Urls => "urls",
        SourceKind::Files => "files",
    }
}

fn is_slug(id: &str) -> bool {
    let mut bytes = id.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn check_http_url(u: &str) -> Result<(), String> {
    match url::Url::parse(u) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => Ok(()),
        Ok(parsed) => Err(format!(
            "`{u}` is not an http(s) URL (scheme `{}`)",
            parsed.scheme()
        )),
        Err(e) => Err(format!("`{u}` is not an absolute http(s) URL: {e}")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// A valid file; cases below break one line of it.
    const VALID: &str = r#"# header comment
[fetch]
user_agent = "cdmo-atlas/0.1 (+https://example.org/contact)"
allow_private = false
per_host_delay_ms = 1000
per_host_concurrency = 2
max_body_bytes = 5000000

[[source]]
id = "kbr"
kind = "rss"
url = "https://www.koreabiomed.com/rss/allArticle.xml"
language = "en"
country = "KR"
schedule = "0 * * * *"

[[source]]
id = "zj-mpa"
kind = "html_list"
url = "https://mpa.zj.gov.cn/col/col1229009999/index.html"
link_selector = "ul.list a"
next_selector = "a.next"
max_pages = 5
language = "zh"
country = "CN"
schedule = "30 6 * * 1-5"

[[source]]
id = "manual"
kind = "urls"
urls = ["https://example.org/a", "https://example.org/b"]
schedule = "0 0 * * *"

[[source]]
id = "local"
kind = "files"
paths = ["articles"]
fetch = { per_host_delay_ms = 10 }
"#;

    fn problems(text: &str) -> Vec<SourceProblem> {
        match parse_sources(text, "sources.toml") {
            Err(SourcesError::Invalid { problems, .. }) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    /// `VALID` with `from` replaced by `to` (which must occur exactly once).
    fn edit(from: &str, to: &str) -> String {
        assert_eq!(VALID.matches(from).count(), 1, "`{from}` must occur once");
        VALID.replace(from, to)
    }

    #[test]
    fn each_kind_of_mistake_is_reported_with_its_line_and_field() {
        // (what is wrong, edited text, expected line, expected field, words in the message)
        let cases: Vec<(&str, String, usize, &str, &str)> = vec![
            (
                "toml syntax",
                edit("[fetch]", "[fetch"),
                2,
                "",
                "expected `]`",
            ),
            (
                "unknown key",
                edit("max_pages = 5", "max_pagez = 5"),
                23,
                "source[1].max_pagez",
                "unknown field `max_pagez`",
            ),
            (
                "wrong type",
                edit("max_pages = 5", "max_pages = \"five\""),
                23,
                "source[1].max_pages",
                "invalid type",
            ),
            (
                "negative number",
                edit("per_host_delay_ms = 1000", "per_host_delay_ms = -5"),
                5,
                "fetch.per_host_delay_ms",
                "expected u64",
            ),
            (
                "unknown kind",
                edit("kind = \"urls\"", "kind = \"url\""),
                30,
                "source[2].kind",
                "unknown variant `url`",
            ),
            (
                "unknown key in [fetch]",
                edit("allow_private = false", "allow_privat = false"),
                4,
                "fetch.allow_privat",
                "unknown field",
            ),
            (
                "duplicate id",
                edit("id = \"manual\"", "id = \"kbr\""),
                29,
                "source[2].id",
                "duplicate id `kbr` (first used on line 10)",
            ),
            (
                "empty id",
                edit("id = \"manual\"", "id = \"\""),
                29,
                "source[2].id",
                "must not be empty",
            ),
            (
                "non-slug id",
                edit("id = \"manual\"", "id = \"Manual Links\""),
                29,
                "source[2].id",
                "not a slug",
            ),
            (
                "missing url",
                edit(
                    "url = \"https://www.koreabiomed.com/rss/allArticle.xml\"\n",
                    "",
                ),
                9,
                "source[0].url",
                "required for kind `rss`",
            ),
            (
                "relative url",
                edit(
                    "url = \"https://www.koreabiomed.com/rss/allArticle.xml\"",
                    "url = \"/rss/allArticle.xml\"",
                ),
                12,
                "source[0].url",
                "not an absolute http(s) URL",
            ),
            (
                "ftp url",
                edit("url = \"https://mpa", "url = \"ftp://mpa"),
                20,
                "source[1].url",
                "not an http(s) URL",
            ),
            (
                "missing link_selector",
                edit("link_selector = \"ul.list a\"\n", ""),
                17,
                "source[1].link_selector",
                "required for kind `html_list`",
            ),
            (
                "bad link_selector",
                edit(
                    "link_selector = \"ul.list a\"",
                    "link_selector = \"ul..list a\"",
                ),
                21,
                "source[1].link_selector",
                "invalid CSS selector `ul..list a`",
            ),
            (
                "bad next_selector",
                edit(
                    "next_selector = \"a.next\"",
                    "next_selector = \"a:no-such-pseudo\"",
                ),
                22,
                "source[1].next_selector",
                "invalid CSS selector",
            ),
            (
                "empty urls",
                edit(
                    "urls = [\"https://example.org/a\", \"https://example.org/b\"]",
                    "urls = []",
                ),
                31,
                "source[2].urls",
                "at least one article URL",
            ),
            (
                "non-http url in urls",
                edit(
                    "urls = [\"https://example.org/a\", \"https://example.org/b\"]",
                    "urls = [\"https://example.org/a\",\n  \"mailto:x@example.org\"]",
                ),
                32,
                "source[2].urls[1]",
                "not an http(s) URL",
            ),
            (
                "empty paths",
                edit("paths = [\"articles\"]", "paths = []"),
                37,
                "source[3].paths",
                "at least one file or folder",
            ),
            (
                "six-field schedule",
                edit("schedule = \"0 * * * *\"", "schedule = \"0 0 * * * *\""),
                15,
                "source[0].schedule",
                "expected 5",
            ),
            (
                "bad schedule",
                edit("schedule = \"30 6 * * 1-5\"", "schedule = \"61 6 * * 1-5\""),
                26,
                "source[1].schedule",
                "not a valid cron expression",
            ),
            (
                "unknown language",
                edit("language = \"zh\"", "language = \"cn\""),
                24,
                "source[1].language",
                "`cn` is not a valid language",
            ),
            (
                "long country",
                edit("country = \"KR\"", "country = \"KOR\""),
                14,
                "source[0].country",
                "two-letter",
            ),
            (
                "max_pages 0",
                edit("max_pages = 5", "max_pages = 0"),
                23,
                "source[1].max_pages",
                "at least 1",
            ),
            (
                "per_host_concurrency 0",
                edit("per_host_concurrency = 2", "per_host_concurrency = 0"),
                6,
                "fetch.per_host_concurrency",
                "at least 1",
            ),
            (
                "max_body_bytes 0",
                edit("max_body_bytes = 5000000", "max_body_bytes = 0"),
                7,
                "fetch.max_body_bytes",
                "at least 1",
            ),
            (
                "user_agent empty",
                edit(
                    "user_agent = \"cdmo-atlas/0.1 (+https://example.org/contact)\"",
                    "user_agent = \" \"",
                ),
                3,
                "fetch.user_agent",
                "must not be empty",
            ),
            (
                "override concurrency 0",
                edit(
                    "fetch = { per_host_delay_ms = 10 }",
                    "fetch = { per_host_concurrency = 0 }",
                ),
                38,
                "source[3].fetch.per_host_concurrency",
                "at least 1",
            ),
        ];
        for (what, text, line, field, words) in cases {
            let found = problems(&text);
            assert_eq!(
                found.len(),
                1,
                "{what}: expected one problem, got {found:#?}"
            );
            let p = &found[0];
            assert_eq!(p.line, Some(line), "{what}: line of {p:?}");
            assert_eq!(p.field, field, "{what}: field of {p:?}");
            assert!(
                p.message.contains(words),
                "{what}: `{}` lacks `{words}`",
                p.message
            );
        }
    }

    #[test]
    fn every_semantic_problem_is_reported_at_once_in_line_order() {
        let text = edit("id = \"manual\"", "id = \"kbr\"")
            .replace("country = \"CN\"", "country = \"China\"")
            .replace("max_body_bytes = 5000000", "max_body_bytes = 0");
        let err = parse_sources(&text, "conf/sources.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "conf/sources.toml:7: fetch.max_body_bytes: must be at least 1\n\
             conf/sources.toml:25: source[1].country: `China` is not a two-letter ISO 3166 \
             country code such as `KR`\n\
             conf/sources.toml:29: source[2].id: duplicate id `kbr` (first used on line 10)"
        );
    }

    #[test]
    fn a_valid_file_parses_and_round_trips_through_toml() {
        let file = parse_sources(VALID, "sources.toml").unwrap();
        assert_eq!(file.sources.len(), 4);
        assert_eq!(file.fetch.per_host_delay_ms, 1000);
        let again = parse_sources(&toml::to_string(&file).unwrap(), "again").unwrap();
        assert_eq!(again, file);
    }

    #[test]
    fn a_source_gets_its_schedule_and_its_settings_with_overrides() {
        let file = parse_sources(VALID, "sources.toml").unwrap();
        let cron = file.get("zj-mpa").unwrap().cron().unwrap();
        let monday = chrono::DateTime::parse_from_rfc3339("2025-06-02T06:30:00Z").unwrap();
        let sunday = chrono::DateTime::parse_from_rfc3339("2025-06-01T06:30:00Z").unwrap();
        assert!(cron.is_time_matching(&monday).unwrap());
        assert!(!cron.is_time_matching(&sunday).unwrap());
        assert!(file.get("local").unwrap().cron().is_none());
        assert!(file.get("nope").is_none());

        let local = file.get("local").unwrap().settings(&file.fetch);
        assert_eq!(local.per_host_delay_ms, 10);
        assert_eq!(local.per_host_concurrency, 2);
        assert_eq!(file.get("kbr").unwrap().settings(&file.fetch), file.fetch);
    }

    #[test]
    fn the_example_sources_file_has_no_problems() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/sources.example.toml");
        let file = load_sources(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(file.sources.len() >= 15, "{} sources", file.sources.len());
        for s in &file.sources {
            assert!(s.schedule.is_some(), "{} has no schedule", s.id);
            assert!(s.language.is_some(), "{} has no language", s.id);
            assert!(s.country.is_some(), "{} has no country", s.id);
        }
        for lang in ["en", "ko", "zh"] {
            assert!(
                file.sources
                    .iter()
                    .any(|s| s.language.as_deref() == Some(lang))
            );
        }
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_the_path() {
        let err = load_sources(Path::new("/nonexistent/sources.toml")).unwrap_err();
        assert!(matches!(err, SourcesError::Io { .. }));
        let msg = err.to_string();
        assert!(
            msg.contains("/nonexistent/sources.toml") && msg.contains("--sources FILE"),
            "{msg}"
        );
    }
}
