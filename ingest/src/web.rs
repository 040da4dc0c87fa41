//! Ingest runs over configured sources: find article links (feed, listing, sitemap, URL
//! list, files), fetch only what is new, read each page, extract, de-duplicate and store.
//!
//! Why it is shaped this way:
//! - A source is run by whoever holds its lease, so several processes on one PostgreSQL
//!   never fetch the same source at once; a run left by a process that died is marked
//!   `interrupted` by the next holder.
//! - Each article is stored in its own transaction, so a run cut off at any point leaves
//!   whole articles only, and the next run skips the ones already stored.
//! - Links already stored are not fetched again; feeds and listings are fetched with
//!   conditional GET so an unchanged feed costs a 304.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cdmo_store::leases::{claim_sources, lease_holder, release_lease, renew_lease};
use cdmo_store::merge::{
    DocumentInput, MergeOutcome, WebPage, article_for_url, merge_document, recent_simhashes,
};
use cdmo_store::runs::{
    RunCounts, RunError, SourceRow, finish_run, interrupt_stale_runs, record_source, start_run,
};
use cdmo_store::validators::{get_validators, put_validators};
use cdmo_store::{PartialDate, Store};
use chrono::NaiveDate;
use futures::StreamExt;
use url::Url;

use crate::article::{HtmlArticle, read_html};
use crate::document::{Document, read_document};
use crate::error::IngestError;
use crate::extract::{EXTRACTOR_VERSION, Extractor};
use crate::feed::{Link, feed_links, listing_links, sitemap_links};
use crate::fetch::{FetchError, Fetched, Fetcher, Page, Validators};
use crate::language::detect_language;
use crate::near_dup::{NEAR_DUPLICATE_MAX_DISTANCE, hamming, same_story, simhash};
use crate::pipeline::collect_files;
use crate::sources::{SourceConfig, SourceKind, SourcesFile};

/// Fewer characters of main text than this and a page is not read as an article (an index
/// page, a paywall stub, an error page served with 200).
pub const MIN_ARTICLE_CHARS: usize = 200;

/// A flag that asks a run to stop after the article in hand (set on SIGINT/SIGTERM).
#[derive(Debug, Clone, Default)]
pub struct Shutdown(Arc<(AtomicBool, tokio::sync::Notify)>);

impl Shutdown {
    pub fn new() -> Shutdown {
        Shutdown::default()
    }
    pub fn request(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }
    pub fn requested(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }
    /// Resolves once a shutdown is requested.
    pub async fn wait(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.requested() {
                return;
            }
            notified.await;
        }
    }
}

/// How `run_sources` runs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Skip links a source dates before this day.
    pub since: Option<NaiveDate>,
    /// Fetch and extract, but write nothing (no run, no lease, no validators).
    pub dry_run: bool,
    /// Lets this run fetch private and loopback addresses whatever the file says.
    pub allow_private: bool,
    /// This process's lease holder name.
    pub holder: String,
    /// How long a claimed lease lasts without renewal; renewed every third of it.
    pub lease_ttl: Duration,
    pub shutdown: Shutdown,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            since: None,
            dry_run: false,
            allow_private: false,
            holder: cdmo_store::leases::holder_name(),
            lease_ttl: Duration::from_secs(600),
            shutdown: Shutdown::new(),
        }
    }
}

/// What happened to one link.
#[derive(Debug, Clone, PartialEq)]
pub enum PageOutcome {
    New {
        article_id: i64,
        facts: usize,
    },
    Duplicate {
        article_id: i64,
        reason: String,
    },
    /// Extracted, not written (dry run).
    Extracted {
        facts: usize,
        title: Option<String>,
    },
    NotModified,
    Failed {
        error: String,
    },
}

/// Progress of a run, for a progress bar or log lines.
#[derive(Debug, Clone, PartialEq)]
pub enum WebProgress {
    /// A source's links are known: `links` will be fetched, `known` were skipped.
    Links {
        source: String,
        links: usize,
        known: usize,
    },
    Page {
        source: String,
        url: String,
        outcome: PageOutcome,
    },
    /// A source was not run (its lease is held elsewhere, or it is disabled).
    Skipped { source: String, reason: String },
}

/// The result of one source's run.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRun {
    pub source_id: String,
    /// None for a dry run or a source that was skipped.
    pub run_id: Option<i64>,
    pub counts: RunCounts,
    /// Why the source was not run, if it was not.
    pub skipped: Option<String>,
    /// The run stopped early because a shutdown was requested.
    pub interrupted: bool,
}

/// Runs the sources of `file` named in `only` (all enabled sources when empty), one after
/// the other. `base_dir` resolves relative paths of `files` sources. An unknown id in
/// `only` is an error before anything runs; a failing source is recorded in its run and the
/// others still run.
pub async fn run_sources(
    store: &Store,
    extractor: &Extractor,
    file: &SourcesFile,
    base_dir: &Path,
    only: &[String],
    options: &RunOptions,
    on_progress: &mut (dyn FnMut(&WebProgress) + Send),
) -> Result<Vec<SourceRun>, IngestError> {
    for id in only {
        if !file.sources.iter().any(|s| &s.id == id) {
            let known: Vec<&str> = file.sources.iter().map(|s| s.id.as_str()).collect();
            return Err(IngestError::UnknownSource {
                id: id.clone(),
                known: known.join(", "),
            });
        }
    }
    let selected: Vec<&SourceConfig> = file
        .sources
        .iter()
        .filter(|s| {
            if only.is_empty() {
                s.enabled
            } else {
                only.contains(&s.id)
            }
        })
        .collect();
    let mut results = Vec::new();
    for source in selected {
        if options.shutdown.requested() {
            break;
        }
        results.push(
            run_source(
                store,
                extractor,
                file,
                base_dir,
                source,
                options,
                on_progress,
            )
            .await?,
        );
    }
    Ok(results)
}

/// Runs one source under its lease (see `run_sources`).
pub async fn run_source(
    store: &Store,
    extractor: &Extractor,
    file: &SourcesFile,
    base_dir: &Path,
    source: &SourceConfig,
    options: &RunOptions,
    on_progress: &mut (dyn FnMut(&WebProgress) + Send),
) -> Result<SourceRun, IngestError> {
    let id = source.id.clone();
    let mut settings = file.fetch.with_overrides(&source.fetch);
    if options.allow_private {
        settings.allow_private = true;
    }
    let fetcher = Fetcher::new(&settings)?;
    let mut run = SourceRun {
        source_id: id.clone(),
        run_id: None,
        counts: RunCounts::default(),
        skipped: None,
        interrupted: false,
    };
    if !options.dry_run {
        let claimed = claim_sources(
            store,
            std::slice::from_ref(&id),
            &options.holder,
            options.lease_ttl,
        )
        .await?;
        if claimed.is_empty() {
            let reason = match lease_holder(store, &id).await? {
                Some((holder, until)) => format!(
                    "being ingested by {holder} (lease until {})",
                    until.format("%Y-%m-%d %H:%M:%S UTC")
                ),
                None => "its lease is held by another process".to_string(),
            };
            on_progress(&WebProgress::Skipped {
                source: id.clone(),
                reason: reason.clone(),
            });
            run.skipped = Some(reason);
            return Ok(run);
        }
        interrupt_stale_runs(store, &id).await?;
        record_source(store, source_row(source)).await?;
        run.run_id = Some(start_run(store, &id).await?);
    }
    let mut job = Job {
        store,
        extractor,
        fetcher: &fetcher,
        source,
        base_dir,
        options,
        counts: &mut run.counts,
        lease_renewed: Instant::now(),
        lease_lost: false,
        concurrency: settings.per_host_concurrency.max(1),
        simhashes: None,
    };
    let result = job.run(on_progress).await;
    let lease_lost = job.lease_lost;
    run.interrupted = options.shutdown.requested() || lease_lost;
    if let Err(e) = &result {
        run.counts.failed += 1;
        run.counts.errors.push(RunError {
            item: source.url.clone().unwrap_or_else(|| id.clone()),
            error: e.to_string(),
        });
    }
    if let Some(run_id) = run.run_id {
        finish_run(store, run_id, &run.counts).await?;
        if !lease_lost {
            release_lease(store, &id, &options.holder).await?;
        }
    }
    Ok(run)
}

fn source_row(s: &SourceConfig) -> SourceRow<'_> {
    SourceRow {
        id: &s.id,
        kind: s.kind.as_str(),
        url: s.url.as_deref(),
        language: s.language.as_deref(),
        country: s.country.as_deref(),
        schedule: s.schedule.as_deref(),
        config: serde_json::to_string(s).unwrap_or_else(|_| "{}".to_string()),
    }
}

/// One source's run in progress.
struct Job<'a> {
    store: &'a Store,
    extractor: &'a Extractor,
    fetcher: &'a Fetcher,
    source: &'a SourceConfig,
    base_dir: &'a Path,
    options: &'a RunOptions,
    counts: &'a mut RunCounts,
    lease_renewed: Instant,
    lease_lost: bool,
    /// Article pages in flight at once (the fetcher enforces the per-host limit).
    concurrency: usize,
    /// (id, simhash) of recent articles, newest last; loaded at the first page stored and
    /// extended as articles are added, so near-duplicate candidates cost no query.
    simhashes: Option<Vec<(i64, u64)>>,
}

/// Why a source's listing could not be read at all (the run records it and fails).
#[derive(Debug, thiserror::Error)]
enum ListingError {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("{url}: {message}")]
    Parse { url: String, message: String },
    #[error("source `{id}` has no {field}")]
    Missing { id: String, field: &'static str },
}

impl<'a> Job<'a> {
    async fn run(
        &mut self,
        on_progress: &mut (dyn FnMut(&WebProgress) + Send),
    ) -> Result<(), IngestError> {
        if self.source.kind == SourceKind::Files {
            return self.run_files(on_progress).await;
        }
        let links = match self.links().await {
            Ok(l) => l,
            Err(e) => {
                self.fail(self.source.url.clone().unwrap_or_default(), e.to_string());
                return Ok(());
            }
        };
        let links = self.new_links(links).await?;
        self.fetch_articles(links, on_progress).await
    }

    fn fail(&mut self, item: String, error: String) {
        self.counts.failed += 1;
        self.counts.errors.push(RunError { item, error });
    }

    /// A page fetched with the validators stored for it; stores the new ones.
    async fn fetch_conditional(&mut self, url: &Url) -> Result<Option<Page>, FetchError> {
        let validators = if self.options.dry_run {
            None
        } else {
            get_validators(self.store, url.as_str())
                .await
                .ok()
                .flatten()
                .map(|(etag, last_modified)| Validators {
                    etag,
                    last_modified,
                })
        };
        match self.fetcher.fetch(url, validators.as_ref()).await? {
            Fetched::NotModified { .. } => {
                self.counts.unchanged += 1;
                Ok(None)
            }
            Fetched::Page(page) => {
                self.counts.fetched += 1;
                if !self.options.dry_run {
                    // Losing a validator only costs a full download next time.
                    let _ = put_validators(
                        self.store,
                        url.as_str(),
                        page.validators.etag.as_deref(),
                        page.validators.last_modified.as_deref(),
                    )
                    .await;
                }
                Ok(Some(page))
            }
        }
    }

    fn source_url(&self) -> Result<Url, ListingError> {
        let raw = self.source.url.as_deref().ok_or(ListingError::Missing {
            id: self.source.id.clone(),
            field: "url",
        })?;
        Url::parse(raw).map_err(|e| ListingError::Parse {
            url: raw.to_string(),
            message: format!("not a URL: {e}"),
        })
    }

    /// The source's article links, in the order it lists them.
    async fn links(&mut self) -> Result<Vec<Link>, ListingError> {
        let parse_err = |url: &Url, e: &dyn std::fmt::Display| ListingError::Parse {
            url: url.to_string(),
            message: e.to_string(),
        };
        match self.source.kind {
            SourceKind::Rss | SourceKind::Atom => {
                let url = self.source_url()?;
                let Some(page) = self.fetch_conditional(&url).await? else {
                    return Ok(Vec::new());
                };
                feed_links(&page.body, &page.url).map_err(|e| parse_err(&page.url, &e))
            }
            SourceKind::HtmlList => {
                let mut url = self.source_url()?;
                let selector = self
                    .source
                    .link_selector
                    .clone()
                    .ok_or(ListingError::Missing {
                        id: self.source.id.clone(),
                        field: "link_selector",
                    })?;
                let mut links = Vec::new();
                let mut seen = HashSet::new();
                for _ in 0..self.source.max_pages.max(1) {
                    if !seen.insert(url.clone()) {
                        break;
                    }
                    let Some(page) = self.fetch_conditional(&url).await? else {
                        break;
                    };
                    let listing = listing_links(
                        &page.text,
                        &page.url,
                        &selector,
                        self.source.next_selector.as_deref(),
                    )
                    .map_err(|e| parse_err(&page.url, &e))?;
                    links.extend(listing.links);
                    match listing.next {
                        Some(next) => url = next,
                        None => break,
                    }
                }
                Ok(links)
            }
            SourceKind::Sitemap => {
                let mut queue = vec![self.source_url()?];
                let mut seen = HashSet::new();
                let mut links = Vec::new();
                let mut files = 0;
                while let Some(url) = queue.pop() {
                    if files >= self.source.max_pages.max(1) || !seen.insert(url.clone()) {
                        continue;
                    }
                    files += 1;
                    let Some(page) = self.fetch_conditional(&url).await? else {
                        continue;
                    };
                    let bytes =
                        gunzip_if_needed(&page.body).map_err(|e| parse_err(&page.url, &e))?;
                    let map =
                        sitemap_links(&bytes, &page.url).map_err(|e| parse_err(&page.url, &e))?;
                    links.extend(map.links);
                    // Children are read in the order listed.
                    queue.extend(map.sitemaps.into_iter().rev());
                }
                // Sitemaps list oldest first as often as newest first: newest first by date.
                links.sort_by_key(|l| std::cmp::Reverse(l.published));
                Ok(links)
            }
            SourceKind::Urls => self
                .source
                .urls
                .iter()
                .map(|u| {
                    Url::parse(u)
                        .map(|url| Link {
                            url,
                            title: None,
                            published: None,
                            summary: None,
                        })
                        .map_err(|e| ListingError::Parse {
                            url: u.clone(),
                            message: format!("not a URL: {e}"),
                        })
                })
                .collect(),
            SourceKind::Files => Ok(Vec::new()),
        }
    }

    /// Links in order, once each, dated on or after `since`, not stored yet, at most
    /// `max_articles`.
    async fn new_links(&mut self, links: Vec<Link>) -> Result<Vec<Link>, IngestError> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for link in links {
            if !seen.insert(cdmo_store::merge::canonical_url(link.url.as_str())) {
                continue;
            }
            if let (Some(since), Some(published)) = (self.options.since, link.published)
                && published.date_naive() < since
            {
                continue;
            }
            if self.source.max_articles.is_some_and(|m| out.len() >= m) {
                break;
            }
            if article_for_url(self.store, link.url.as_str())
                .await?
                .is_some()
            {
                self.counts.skipped += 1;
                continue;
            }
            out.push(link);
        }
        Ok(out)
    }

    async fn fetch_articles(
        &mut self,
        links: Vec<Link>,
        on_progress: &mut (dyn FnMut(&WebProgress) + Send),
    ) -> Result<(), IngestError> {
        on_progress(&WebProgress::Links {
            source: self.source.id.clone(),
            links: links.len(),
            known: self.counts.skipped as usize,
        });
        let fetcher = self.fetcher.clone();
        let concurrency = self.concurrency;
        // Pages are fetched a few at a time (the fetcher keeps each host polite) but
        // stored in link order, one transaction each. Each fetch is its own task, so the
        // next pages download while one is being stored (a future in a buffered stream
        // would only make progress while the stream is polled).
        let mut pages = futures::stream::iter(links)
            .map(|link| {
                let fetcher = fetcher.clone();
                tokio::spawn(async move {
                    let r = fetcher.fetch(&link.url, None).await;
                    (link, r)
                })
            })
            .buffered(concurrency);
        while let Some(joined) = pages.next().await {
            let Ok((link, fetched)) = joined else {
                // A fetch task can only end this way if it panicked; the page is lost to
                // this run, not the run itself.
                self.fail(self.source.id.clone(), "a fetch task failed".to_string());
                continue;
            };
            if self.options.shutdown.requested() {
                break;
            }
            let outcome = match fetched {
                Ok(Fetched::NotModified { .. }) => {
                    self.counts.unchanged += 1;
                    PageOutcome::NotModified
                }
                Ok(Fetched::Page(page)) => {
                    self.counts.fetched += 1;
                    match self.store_page(&link, &page).await {
                        Ok(o) => o,
                        Err(e) => PageOutcome::Failed {
                            error: e.to_string(),
                        },
                    }
                }
                Err(e) => PageOutcome::Failed {
                    error: e.to_string(),
                },
            };
            self.count(link.url.as_ref(), &outcome);
            on_progress(&WebProgress::Page {
                source: self.source.id.clone(),
                url: link.url.to_string(),
                outcome,
            });
            if !self.renew_lease().await? {
                break;
            }
        }
        Ok(())
    }

    fn count(&mut self, item: &str, outcome: &PageOutcome) {
        match outcome {
            PageOutcome::New { .. } | PageOutcome::Extracted { .. } => {
                self.counts.new_articles += 1
            }
            PageOutcome::Duplicate { .. } => self.counts.duplicates += 1,
            PageOutcome::NotModified => {}
            PageOutcome::Failed { error } => self.fail(item.to_string(), error.clone()),
        }
    }

    /// Renews the lease when a third of it has passed; false when it was lost.
    async fn renew_lease(&mut self) -> Result<bool, IngestError> {
        if self.options.dry_run || self.lease_renewed.elapsed() < self.options.lease_ttl / 3 {
            return Ok(true);
        }
        self.lease_renewed = Instant::now();
        if renew_lease(
            self.store,
            &self.source.id,
            &self.options.holder,
            self.options.lease_ttl,
        )
        .await?
        {
            return Ok(true);
        }
        self.lease_lost = true;
        self.fail(
            self.source.id.clone(),
            "the source's lease expired and another process took it; stopped".to_string(),
        );
        Ok(false)
    }

    /// Reads, extracts and stores one fetched page.
    async fn store_page(&mut self, link: &Link, page: &Page) -> Result<PageOutcome, IngestError> {
        let article = read_html(&page.text, Some(&page.url));
        let doc = document_from_html(&article, page, link, self.source)?;
        let record = self.extractor.extract(&doc);
        if self.options.dry_run {
            return Ok(PageOutcome::Extracted {
                facts: record.fact_count(),
                title: doc.meta.title.clone(),
            });
        }
        let raw = gzip(&page.body);
        let hash = simhash(&doc.body);
        let candidates = self.near_candidates(hash).await?;
        let same_story = |stored: &str| same_story(stored, &doc.body);
        let outcome = merge_document(
            self.store,
            DocumentInput {
                record: &record,
                text: &doc.body,
                source_id: Some(&self.source.id),
                extractor_version: EXTRACTOR_VERSION,
                web: Some(WebPage {
                    fetched_url: page.url.as_str(),
                    raw_gzip: &raw,
                    content_type: page.content_type.as_deref(),
                    simhash: hash,
                    near_candidates: &candidates,
                    same_story: &same_story,
                }),
            },
        )
        .await?;
        Ok(match outcome {
            MergeOutcome::Merged { article_id, .. } => {
                if let Some(list) = &mut self.simhashes {
                    list.push((article_id, hash));
                }
                PageOutcome::New {
                    article_id,
                    facts: record.fact_count(),
                }
            }
            MergeOutcome::Duplicate { article_id, reason } => PageOutcome::Duplicate {
                article_id,
                reason: serde_json::to_value(reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            },
        })
    }

    /// Stored articles whose simhash is within the near-duplicate distance of `hash`,
    /// nearest first (the newest first among equals).
    async fn near_candidates(&mut self, hash: u64) -> Result<Vec<i64>, IngestError> {
        if self.simhashes.is_none() {
            let mut list = recent_simhashes(self.store).await?;
            list.reverse();
            self.simhashes = Some(list);
        }
        let list = self.simhashes.as_deref().unwrap_or_default();
        let mut close: Vec<(u32, std::cmp::Reverse<i64>)> = list
            .iter()
            .filter_map(|&(id, h)| {
                let d = hamming(h, hash);
                (d <= NEAR_DUPLICATE_MAX_DISTANCE).then_some((d, std::cmp::Reverse(id)))
            })
            .collect();
        close.sort_unstable();
        Ok(close.into_iter().map(|(_, id)| id.0).collect())
    }

    /// A `files` source: text files as `ingest files` reads them, HTML files read as pages;
    /// a folder's own files only, as `ingest files` without `-r` (name sub-folders to add
    /// them).
    async fn run_files(
        &mut self,
        on_progress: &mut (dyn FnMut(&WebProgress) + Send),
    ) -> Result<(), IngestError> {
        let paths: Vec<PathBuf> = self
            .source
            .paths
            .iter()
            .map(|p| {
                if p.is_absolute() {
                    p.clone()
                } else {
                    self.base_dir.join(p)
                }
            })
            .collect();
        let mut files = collect_files(&paths, false)?;
        for p in &paths {
            if p.is_dir() {
                collect_html(p, &mut files)?;
            }
        }
        on_progress(&WebProgress::Links {
            source: self.source.id.clone(),
            links: files.len(),
            known: 0,
        });
        for (path, manifest) in files {
            if self.options.shutdown.requested() {
                break;
            }
            self.counts.fetched += 1;
            let item = path.display().to_string();
            let result = match read_file_document(&path, manifest.as_deref(), self.source) {
                Ok(doc) => self.store_document(&doc).await,
                Err(e) => Err(e),
            };
            let outcome = result.unwrap_or_else(|e| PageOutcome::Failed {
                error: e.to_string(),
            });
            self.count(&item, &outcome);
            on_progress(&WebProgress::Page {
                source: self.source.id.clone(),
                url: item,
                outcome,
            });
        }
        Ok(())
    }

    async fn store_document(&mut self, doc: &Document) -> Result<PageOutcome, IngestError> {
        let record = self.extractor.extract(doc);
        if self.options.dry_run {
            return Ok(PageOutcome::Extracted {
                facts: record.fact_count(),
                title: doc.meta.title.clone(),
            });
        }
        let outcome =
            crate::pipeline::store_record(self.store, &record, &doc.body, Some(&self.source.id))
                .await?;
        Ok(match outcome {
            crate::pipeline::DocOutcome::New { article_id, facts } => {
                PageOutcome::New { article_id, facts }
            }
            crate::pipeline::DocOutcome::Duplicate { article_id } => PageOutcome::Duplicate {
                article_id,
                reason: "same_url_or_content".to_string(),
            },
            crate::pipeline::DocOutcome::Extracted { facts } => {
                PageOutcome::Extracted { facts, title: None }
            }
            crate::pipeline::DocOutcome::Failed { error } => PageOutcome::Failed { error },
        })
    }
}

fn collect_html(
    dir: &Path,
    out: &mut Vec<crate::pipeline::ArticleFile>,
) -> Result<(), IngestError> {
    let io = |source| IngestError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_file()
            && p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "html" | "htm"))
        {
            out.push((p, None));
        }
    }
    Ok(())
}

/// A local file as a document: HTML files are read like fetched pages.
fn read_file_document(
    path: &Path,
    manifest: Option<&crate::document::Manifest>,
    source: &SourceConfig,
) -> Result<Document, IngestError> {
    let is_html = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "html" | "htm"));
    if !is_html {
        return read_document(path, manifest);
    }
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, _) = crate::charset::decode_html(&bytes, None);
    let article = read_html(&text, None);
    let origin = path.display().to_string();
    build_document(&article, None, origin, source)
}

/// The document a fetched page gives: the page's own metadata first, then the feed's,
/// then the source's hints; the language detected from the text decides.
pub fn document_from_html(
    article: &HtmlArticle,
    page: &Page,
    link: &Link,
    source: &SourceConfig,
) -> Result<Document, IngestError> {
    let mut doc = build_document(article, Some(link), page.url.to_string(), source)?;
    if doc.meta.url.is_none() {
        // No canonical link: the address fetched, without tracking parameters.
        doc.meta.url = crate::article::clean_url(&page.url).or(Some(page.url.to_string()));
    }
    if doc.meta.publisher.is_none() {
        doc.meta.publisher = page
            .url
            .host_str()
            .map(|h| h.trim_start_matches("www.").to_string());
    }
    Ok(doc)
}

fn build_document(
    article: &HtmlArticle,
    link: Option<&Link>,
    origin: String,
    source: &SourceConfig,
) -> Result<Document, IngestError> {
    let text = article.text.trim();
    if text.chars().count() < MIN_ARTICLE_CHARS {
        return Err(IngestError::NoArticleText {
            origin,
            chars: text.chars().count(),
        });
    }
    let title = article
        .title
        .clone()
        .or_else(|| link.and_then(|l| l.title.clone()));
    let published: Option<PartialDate> = article.published.or_else(|| {
        link.and_then(|l| l.published)
            .map(|d| PartialDate::from_parts(d.date_naive(), cdmo_store::Precision::Day))
    });
    let meta = cdmo_store::record::SourceMeta {
        title,
        publisher: article
            .publisher
            .clone()
            .or_else(|| source.publisher.clone()),
        url: article.canonical_url.clone(),
        published,
        language: detect_language(text),
    };
    Ok(Document {
        meta,
        body: text.to_string(),
        origin,
    })
}

/// Fetches one page and reads it as a document (`cdmo-atlas extract URL`).
pub async fn fetch_document(fetcher: &Fetcher, url: &Url) -> Result<(Document, Page), IngestError> {
    let page = match fetcher.fetch(url, None).await? {
        Fetched::Page(p) => p,
        Fetched::NotModified { .. } => {
            return Err(IngestError::Fetch(FetchError::Network {
                url: url.clone(),
                message: "the server answered 304 Not Modified to an unconditional GET".into(),
            }));
        }
    };
    let article = read_html(&page.text, Some(&page.url));
    let link = Link {
        url: page.url.clone(),
        title: None,
        published: None,
        summary: None,
    };
    let source = adhoc_source(url.as_str());
    let doc = document_from_html(&article, &page, &link, &source)?;
    Ok((doc, page))
}

/// The source a single `extract URL` belongs to.
fn adhoc_source(url: &str) -> SourceConfig {
    SourceConfig {
        id: "adhoc".to_string(),
        kind: SourceKind::Urls,
        url: None,
        urls: vec![url.to_string()],
        paths: Vec::new(),
        link_selector: None,
        next_selector: None,
        max_pages: 1,
        max_articles: None,
        language: None,
        country: None,
        publisher: None,
        schedule: None,
        enabled: true,
        fetch: Default::default(),
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// A sitemap is refused past this size once unzipped (a zip bomb costs nothing to serve).
const MAX_SITEMAP_BYTES: u64 = 50 * 1024 * 1024;

/// Gunzips a sitemap served as `.xml.gz` (servers often send it without Content-Encoding).
fn gunzip_if_needed(bytes: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let decoder = flate2::read::GzDecoder::new(bytes);
        std::io::Read::read_to_end(
            &mut std::io::Read::take(decoder, MAX_SITEMAP_BYTES + 1),
            &mut out,
        )?;
        if out.len() as u64 > MAX_SITEMAP_BYTES {
            return Err(std::io::Error::other(format!(
                "sitemap larger than {MAX_SITEMAP_BYTES} bytes once unzipped"
            )));
        }
        Ok(out)
    } else {
        Ok(bytes.to_vec())
    }
}
