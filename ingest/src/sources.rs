//! `sources.toml`: the outlets to ingest and the fetcher's politeness defaults, parsed into
//! typed settings and validated so that a mistake is reported with its line and field.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

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
