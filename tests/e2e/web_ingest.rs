//! Web ingestion end to end: sources served by a real HTTP server on 127.0.0.1, pages shaped
//! like the outlets', run through `run_sources` into SQLite and PostgreSQL.

use std::path::Path;

use cdmo_ingest::Extractor;
use cdmo_ingest::sources::{SourcesFile, parse_sources};
use cdmo_ingest::web::{RunOptions, SourceRun, run_sources};
use cdmo_store::Store;
use sea_orm::{ConnectionTrait, Statement};

use crate::db::Engine;
use crate::helpers::test_store;
use crate::http_server::{Reply, TestServer};

/// The articles of the development evaluation set, as (title, published, body).
fn eval_articles() -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/eval/dev");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let doc = cdmo_ingest::read_document(&p, None).unwrap();
            (
                doc.meta.title.unwrap_or_default(),
                doc.meta
                    .published
                    .map(|d| d.first_day().to_string())
                    .unwrap_or_else(|| "2024-01-01".into()),
                doc.body,
            )
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An article page in the shape of a Korean English-language outlet: navigation, share
/// buttons, the story, a related-articles box, comments and a footer.
pub fn article_page(title: &str, date: &str, body: &str, canonical: Option<&str>) -> String {
    let paras: String = body
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>\n", escape(p.trim())))
        .collect();
    let canonical = canonical
        .map(|c| format!(r#"<link rel="canonical" href="{c}">"#))
        .unwrap_or_default();
    format!(
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{t} - Korea Biomedical Review</title>
<meta property="og:site_name" content="Korea Biomedical Review">
<meta property="article:published_time" content="{date}T09:00:00+09:00">
{canonical}
</head><body>
<header><nav class="gnb"><ul><li><a href="/">Home</a></li><li><a href="/news/list">Pharma</a></li><li><a href="/news/bio">Bio</a></li><li><a href="/policy">Policy</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. <a href="/privacy">Accept</a></div></header>
<div id="container"><section class="article-wrap">
<h1 class="heading">{t}</h1>
<div class="info-group"><span class="byline">By Staff Reporter</span> <span class="date">{date}</span>
<div class="share"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Print</a></div></div>
<article id="article-view-content-div" itemprop="articleBody">
{paras}</article>
<div class="related"><h3>Related articles</h3><ul>
<li><a href="/news/1001">Samsung Biologics breaks ground on Plant 6</a></li>
<li><a href="/news/1002">Celltrion wins EU nod for biosimilar</a></li></ul></div>
<div id="comments"><h3>Comments</h3><div class="comment">Great news for the industry! — reader123</div></div>
</section>
<aside class="sidebar"><h3>Most viewed</h3><ol><li><a href="/news/9">Lotte Biologics opens Songdo campus</a></li></ol>
<div class="newsletter">Subscribe to our newsletter</div></aside></div>
<footer><p>Korea Biomedical Review · Copyright © 2024 All rights reserved.</p><a href="/contact">Contact us</a></footer>
</body></html>"##,
        t = escape(title),
    )
}

/// An RSS 2.0 feed listing `items` (path, title, date), newest first.
pub fn rss(server: &TestServer, items: &[(String, String, String)]) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Korea Biomedical Review</title><link>https://www.koreabiomed.com</link><description>All articles</description>
"#,
    );
    for (path, title, date) in items {
        let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        out.push_str(&format!(
            "<item><title><![CDATA[{title}]]></title><link>{}</link><pubDate>{}</pubDate></item>\n",
            server.url(path),
            d.and_hms_opt(9, 0, 0).unwrap().and_utc().to_rfc2822()
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

fn sources(toml_sources: &str) -> SourcesFile {
    let text = format!(
        "[fetch]\nallow_private = true\nper_host_delay_ms = 0\nper_host_concurrency = 4\nretry_base_ms = 10\ntimeout_ms = 5000\n\n{toml_sources}"
    );
    parse_sources(&text, "test-sources.toml").unwrap()
}

async fn run(store: &Store, file: &SourcesFile) -> Vec<SourceRun> {
    let extractor = Extractor::embedded().unwrap();
    run_sources(
        store,
        &extractor,
        file,
        Path::new("."),
        &[],
        &RunOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap()
}

async fn count(store: &Store, sql: &str) -> i64 {
    let row = store
        .conn()
        .query_one_raw(Statement::from_string(store.backend(), sql.to_string()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn a_feed_run_fetches_only_the_new_items_and_an_unchanged_feed_costs_a_304(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let server = TestServer::start().await;
    let articles = eval_articles();
    let items: Vec<(String, String, String)> = articles
        .iter()
        .take(50)
        .enumerate()
        .map(|(i, (t, d, _))| (format!("/news/articleView/{i}"), t.clone(), d.clone()))
        .collect();
    for (i, (t, d, body)) in articles.iter().take(50).enumerate() {
        server.route(
            &format!("/news/articleView/{i}"),
            Reply::html(article_page(t, d, body, None)),
        );
    }
    // The feed first lists 40 items, then 50 (10 new), then answers 304 to its ETag.
    let first = rss(&server, &items[10..]);
    let second = rss(&server, &items);
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = calls.clone();
    server.route_fn("/rss/allArticle.xml", move |req| {
        let n = c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match n {
            0 => Reply::text(first.clone()).header("ETag", "\"v1\""),
            1 => Reply::text(second.clone()).header("ETag", "\"v2\""),
            _ if req.header("If-None-Match") == Some("\"v2\"") => Reply::status(304),
            _ => Reply::text(second.clone()).header("ETag", "\"v2\""),
        }
    });
    let file = sources(&format!(
        "[[source]]\nid = \"kbr\"\nkind = \"rss\"\nurl = \"{}\"\nlanguage = \"en\"\ncountry = \"KR\"\n",
        server.url("/rss/allArticle.xml")
    ));

    let r1 = &run(&store, &file).await[0];
    assert_eq!(r1.counts.new_articles, 40, "{:?}", r1.counts);
    assert_eq!(r1.counts.failed, 0, "{:?}", r1.counts.errors);
    let r2 = &run(&store, &file).await[0];
    assert_eq!(
        (r2.counts.new_articles, r2.counts.skipped, r2.counts.failed),
        (10, 40, 0),
        "{:?}",
        r2.counts
    );
    // Each article page was fetched once over both runs.
    for (path, _, _) in &items {
        assert_eq!(server.hits(path), 1, "{path}");
    }
    let r3 = &run(&store, &file).await[0];
    assert_eq!(
        (
            r3.counts.unchanged,
            r3.counts.new_articles,
            r3.counts.fetched
        ),
        (1, 0, 0),
        "{:?}",
        r3.counts
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM articles").await, 50);
    // Articles carry their page's metadata and their raw page.
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM articles WHERE publisher = 'Korea Biomedical Review' \
             AND published IS NOT NULL AND source_id = 'kbr' \
             AND EXISTS (SELECT 1 FROM article_pages p WHERE p.article_id = articles.id)"
        )
        .await,
        50
    );
    // The runs are recorded with their counts.
    let runs = cdmo_store::query::list_ingest_runs(
        &store,
        &Default::default(),
        cdmo_store::query::PageRequest {
            after: None,
            limit: 10,
        },
    )
    .await
    .unwrap()
    .items;
    let summary: Vec<(i32, i32, i32, &str)> = runs
        .iter()
        .map(|r| (r.new_articles, r.skipped, r.unchanged, r.status.as_str()))
        .collect();
    assert_eq!(
        summary,
        [(0, 0, 1, "ok"), (10, 40, 0, "ok"), (40, 0, 0, "ok")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_run_fetches_only_the_new_items_and_an_unchanged_feed_costs_a_304_on_sqlite() {
    a_feed_run_fetches_only_the_new_items_and_an_unchanged_feed_costs_a_304(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_run_fetches_only_the_new_items_and_an_unchanged_feed_costs_a_304_on_postgres() {
    a_feed_run_fetches_only_the_new_items_and_an_unchanged_feed_costs_a_304(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_is_followed_through_its_next_pages() {
    let (store, _db) = test_store(Engine::Sqlite).await.unwrap();
    let server = TestServer::start().await;
    let articles = eval_articles();
    let mut n = 0;
    for page in 1..=3 {
        let mut lis = String::new();
        for _ in 0..4 {
            let (t, d, body) = &articles[n];
            let path = format!("/art/{n}.html");
            server.route(&path, Reply::html(article_page(t, d, body, None)));
            lis.push_str(&format!(
                "<li><a href=\"{path}\">{}</a><span class=\"date\">{d}</span></li>",
                escape(t)
            ));
            n += 1;
        }
        let next = if page < 3 {
            format!(
                "<a class=\"next\" href=\"/col/index_{}.html\">下一页</a>",
                page + 1
            )
        } else {
            String::new()
        };
        let path = if page == 1 {
            "/col/index.html".to_string()
        } else {
            format!("/col/index_{page}.html")
        };
        server.route(
            &path,
            Reply::html(format!(
                "<html><head><meta charset=\"utf-8\"></head><body><div class=\"nav\"><a href=\"/\">首页</a></div><ul class=\"list\">{lis}</ul><div class=\"page\">{next}</div></body></html>"
            )),
        );
    }
    let file = sources(&format!(
        "[[source]]\nid = \"zj-mpa\"\nkind = \"html_list\"\nurl = \"{}\"\nlink_selector = \"ul.list a\"\nnext_selector = \"a.next\"\nmax_pages = 5\n",
        server.url("/col/index.html")
    ));
    let r = &run(&store, &file).await[0];
    assert_eq!(r.counts.new_articles, 12, "{:?}", r.counts);
    assert_eq!(server.hits("/col/index_3.html"), 1);
    assert_eq!(server.hits("/"), 0, "navigation links are not articles");
}

async fn one_story_at_several_addresses_is_one_article(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let server = TestServer::start().await;
    let articles = eval_articles();
    let (t, d, body) = &articles[3];
    let page = article_page(t, d, body, None);
    server.route("/a/story.html", Reply::html(page.clone()));
    // The same page under another path.
    server.route("/mirror/story.html", Reply::html(page));
    // A syndicated copy: another outlet's headline and dateline, its last paragraph cut,
    // one word changed.
    let mut paras: Vec<&str> = body
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    if paras.len() > 3 {
        paras.pop();
    }
    let syndicated = format!(
        "SEOUL (Wire) -- {}",
        paras.join("\n\n").replacen(" said ", " stated ", 1)
    );
    server.route(
        "/wire/1234",
        Reply::html(article_page(&format!("UPDATE: {t}"), d, &syndicated, None)),
    );
    // A different story about other companies.
    let (t2, d2, body2) = &articles[40];
    server.route(
        "/other.html",
        Reply::html(article_page(t2, d2, body2, None)),
    );
    let file = sources(&format!(
        "[[source]]\nid = \"list\"\nkind = \"urls\"\nurls = [\"{}\", \"{}\", \"{}\", \"{}\"]\n",
        server.url("/a/story.html"),
        server.url("/mirror/story.html?utm_source=x"),
        server.url("/wire/1234"),
        server.url("/other.html"),
    ));
    let r = &run(&store, &file).await[0];
    assert_eq!(
        (r.counts.new_articles, r.counts.duplicates, r.counts.failed),
        (2, 2, 0),
        "{:?}",
        r.counts
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM articles").await, 2);
    // The first story is known under its three addresses.
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM article_urls WHERE article_id = (SELECT MIN(id) FROM articles)"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM article_urls WHERE relation = 'near_duplicate'"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_story_at_several_addresses_is_one_article_on_sqlite() {
    one_story_at_several_addresses_is_one_article(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_story_at_several_addresses_is_one_article_on_postgres() {
    one_story_at_several_addresses_is_one_article(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_recorded_per_page_and_the_run_goes_on() {
    let (store, _db) = test_store(Engine::Sqlite).await.unwrap();
    let server = TestServer::start().await;
    let articles = eval_articles();
    let (t, d, body) = &articles[5];
    server.route("/ok.html", Reply::html(article_page(t, d, body, None)));
    server.route("/gone.html", Reply::status(404));
    server.route_sequence(
        "/flaky.html",
        vec![
            Reply::status(500),
            Reply::html(article_page(
                &articles[6].0,
                &articles[6].1,
                &articles[6].2,
                None,
            )),
        ],
    );
    server.route(
        "/broken.html",
        Reply::html("<html><body><div><p>Short <b>broken <i>page</div>"),
    );
    server.route(
        "/robots.txt",
        Reply::text("User-agent: *\nDisallow: /private/\n"),
    );
    server.route(
        "/private/x.html",
        Reply::html(article_page(t, d, body, None)),
    );
    // An EUC-KR page declared as such.
    let ko_html = format!(
        "<html><head><meta charset=\"euc-kr\"><title>삼성바이오로직스 수주</title></head><body><article>{}</article></body></html>",
        "<p>삼성바이오로직스는 17일 글로벌 제약사와 위탁생산 계약을 체결했다고 밝혔다. 계약 규모는 1조 4600억 원이다.</p>".repeat(4)
    );
    let (ko, _, _) = encoding_rs::EUC_KR.encode(&ko_html);
    server.route("/ko.html", Reply::html(ko.into_owned()));
    let file = sources(&format!(
        "[[source]]\nid = \"mixed\"\nkind = \"urls\"\nurls = [\"{}\", \"{}\", \"{}\", \"{}\", \"{}\", \"{}\"]\n",
        server.url("/ok.html"),
        server.url("/gone.html"),
        server.url("/flaky.html"),
        server.url("/broken.html"),
        server.url("/private/x.html"),
        server.url("/ko.html"),
    ));
    let r = &run(&store, &file).await[0];
    assert_eq!(
        (r.counts.new_articles, r.counts.failed),
        (3, 3),
        "{:?}",
        r.counts
    );
    let failed: Vec<&str> = r.counts.errors.iter().map(|e| e.item.as_str()).collect();
    assert!(
        failed.iter().any(|u| u.ends_with("/gone.html")),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|u| u.ends_with("/broken.html")),
        "{failed:?}"
    );
    assert!(
        failed.iter().any(|u| u.ends_with("/private/x.html")),
        "{failed:?}"
    );
    assert_eq!(server.hits("/private/x.html"), 0, "robots.txt is honoured");
    let ko_text = store
        .conn()
        .query_one_raw(Statement::from_string(
            store.backend(),
            "SELECT text, language FROM articles WHERE text LIKE '%삼성바이오로직스%'".to_string(),
        ))
        .await
        .unwrap()
        .expect("the EUC-KR page is stored, decoded");
    assert_eq!(ko_text.try_get_by_index::<String>(1).unwrap(), "ko");
    let stored = cdmo_store::query::list_ingest_runs(
        &store,
        &Default::default(),
        cdmo_store::query::PageRequest {
            after: None,
            limit: 1,
        },
    )
    .await
    .unwrap()
    .items;
    assert_eq!(stored[0].status, "partial");
    assert!(
        stored[0].errors.contains("gone.html"),
        "{}",
        stored[0].errors
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn since_skips_older_feed_items_and_a_dry_run_writes_nothing() {
    let (store, _db) = test_store(Engine::Sqlite).await.unwrap();
    let server = TestServer::start().await;
    let articles = eval_articles();
    let dates = ["2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10"];
    let mut items = Vec::new();
    for (i, date) in dates.iter().enumerate() {
        let (t, _, body) = &articles[10 + i];
        let path = format!("/n/{i}");
        server.route(&path, Reply::html(article_page(t, date, body, None)));
        items.push((path, t.clone(), date.to_string()));
    }
    server.route("/feed.xml", Reply::text(rss(&server, &items)));
    let file = sources(&format!(
        "[[source]]\nid = \"feed\"\nkind = \"rss\"\nurl = \"{}\"\n",
        server.url("/feed.xml")
    ));
    let extractor = Extractor::embedded().unwrap();
    let dry = RunOptions {
        dry_run: true,
        since: chrono::NaiveDate::from_ymd_opt(2025, 3, 1),
        ..RunOptions::default()
    };
    let r = run_sources(
        &store,
        &extractor,
        &file,
        Path::new("."),
        &[],
        &dry,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(r[0].counts.new_articles, 2, "{:?}", r[0].counts);
    assert_eq!(r[0].run_id, None);
    assert_eq!(
        server.hits("/n/0"),
        0,
        "items before --since are not fetched"
    );
    for table in [
        "articles",
        "ingest_runs",
        "source_leases",
        "fetch_validators",
    ] {
        assert_eq!(
            count(&store, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "a dry run wrote to {table}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_lists_ingest_runs_newest_first_with_their_errors() {
    let app = crate::helpers::spawn_app(Engine::Sqlite).await.unwrap();
    let server = TestServer::start().await;
    let articles = eval_articles();
    let (t, d, body) = &articles[20];
    server.route("/ok.html", Reply::html(article_page(t, d, body, None)));
    let file = sources(&format!(
        "[[source]]\nid = \"kbr\"\nkind = \"urls\"\nurls = [\"{}\", \"{}\"]\n",
        server.url("/ok.html"),
        server.url("/missing.html")
    ));
    run(&app.store, &file).await;
    run(&app.store, &file).await;
    let data = app
        .graphql(
            r#"{ ingestRuns(first: 5, source: "kbr") { totalCount edges { node {
                 source status fetched newArticles skipped failed finishedAt errors { item error } } } } }"#,
        )
        .await;
    let runs = &data["ingestRuns"];
    assert_eq!(runs["totalCount"], 2);
    let newest = &runs["edges"][0]["node"];
    let oldest = &runs["edges"][1]["node"];
    assert_eq!(
        (oldest["newArticles"].as_i64(), oldest["failed"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(oldest["status"], "partial");
    assert_eq!(newest["skipped"], 1, "{newest}");
    assert!(newest["finishedAt"].is_string());
    let err = &newest["errors"][0];
    assert!(
        err["item"].as_str().unwrap().ends_with("/missing.html"),
        "{err}"
    );
    assert!(err["error"].as_str().unwrap().contains("404"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_files_source_reads_text_documents_and_saved_pages_relative_to_the_sources_file() {
    let (store, _db) = test_store(Engine::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let articles = eval_articles();
    let saved = dir.path().join("saved");
    std::fs::create_dir_all(saved.join("old")).unwrap();
    let (t, d, body) = &articles[30];
    std::fs::write(saved.join("page.html"), article_page(t, d, body, None)).unwrap();
    let (t2, d2, body2) = &articles[31];
    std::fs::write(
        saved.join("doc.txt"),
        format!("Title: {t2}\nPublished: {d2}\n---\n{body2}"),
    )
    .unwrap();
    // Sub-folders are not read unless named.
    std::fs::write(saved.join("old/other.txt"), &articles[32].2).unwrap();
    std::fs::write(saved.join("notes.md"), "not an article").unwrap();
    let file = sources("[[source]]\nid = \"local\"\nkind = \"files\"\npaths = [\"saved\"]\n");
    let extractor = Extractor::embedded().unwrap();
    let r = run_sources(
        &store,
        &extractor,
        &file,
        dir.path(),
        &[],
        &RunOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        (r[0].counts.new_articles, r[0].counts.failed),
        (2, 0),
        "{:?}",
        r[0].counts
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM articles WHERE publisher = 'Korea Biomedical Review'"
        )
        .await,
        1,
        "the saved page is read like a fetched one"
    );
}
