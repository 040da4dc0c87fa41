//! Web ingestion as users and cron run it: real processes against a real HTTP server on
//! 127.0.0.1, SQLite files and PostgreSQL, killed and signalled like in production.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use cdmo_store::Store;
use sea_orm::{ConnectionTrait, Statement};

use crate::db::{Engine, TestDb};
use crate::http_server::{Reply, TestServer};

const BIN: &str = env!("CARGO_BIN_EXE_cdmo-atlas");

fn cli(db_url: &str) -> Command {
    let mut c = Command::new(BIN);
    c.env("DATABASE_URL", db_url)
        .env_remove("CDMO_ATLAS_CONFIG")
        .env_remove("CDMO_ATLAS_SOURCES")
        .env("RUST_LOG", "warn");
    c
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the binary runs");
    eprintln!(
        "--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Article `i` of the development evaluation set as a page in an outlet's shape: distinct
/// real-looking stories, so that none is taken for a copy of another.
fn page(i: usize) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/eval/dev");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    let doc = cdmo_ingest::read_document(&names[i], None).unwrap();
    let paras: String = doc
        .body
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    format!(
        "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {i} - Test Outlet</title>\
         <meta property=\"og:site_name\" content=\"Test Outlet\">\
         <meta property=\"article:published_time\" content=\"2025-03-{:02}T09:00:00+09:00\"></head>\
         <body><nav><a href=\"/\">Home</a></nav><article><h1>Story {i}</h1>{paras}</article>\
         <footer>Copyright Test Outlet</footer></body></html>",
        1 + i % 28
    )
}

fn rss(server: &TestServer, n: usize) -> String {
    let items: String = (0..n)
        .map(|i| {
            format!(
                "<item><title>Deal {i}</title><link>{}</link></item>",
                server.url(&format!("/news/{i}"))
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><link>http://x</link><description>d</description>{items}</channel></rss>"
    )
}

fn write_sources(dir: &Path, feed: &str) -> PathBuf {
    let path = dir.join("sources.toml");
    std::fs::write(
        &path,
        format!(
            "[fetch]\nallow_private = true\nper_host_delay_ms = 0\nper_host_concurrency = 1\ntimeout_ms = 60000\n\n\
             [[source]]\nid = \"outlet\"\nkind = \"rss\"\nurl = \"{feed}\"\nlanguage = \"en\"\nschedule = \"0 * * * *\"\n"
        ),
    )
    .unwrap();
    path
}

async fn count(store: &Store, sql: &str) -> i64 {
    store
        .conn()
        .query_one_raw(Statement::from_string(store.backend(), sql.to_string()))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// Waits (bounded) for the server to see a request that a test is waiting on.
fn wait_for(flag: &AtomicBool) {
    for _ in 0..600 {
        if flag.load(Ordering::SeqCst) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the process never reached the awaited request");
}

/// Starts `ingest run` on `sources` in the background and returns once the server has
/// seen it ask for a page that never answers (`reached`).
async fn spawn_until_stuck(
    db_url: &str,
    sources: &Path,
    extra: &[&str],
    reached: &Arc<AtomicBool>,
) -> Child {
    let child = cli(db_url)
        .args(["ingest", "run", "--quiet"])
        .args(extra)
        .arg("--sources")
        .arg(sources)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let r = reached.clone();
    tokio::task::spawn_blocking(move || wait_for(&r))
        .await
        .unwrap();
    child
}

/// The feed's article pages answer normally, except that while `hold` is set the page
/// numbered `stall_from` and later ones never answer, and `reached` is set when the first
/// of them is asked for.
fn serve_feed(
    server: &TestServer,
    n: usize,
    stall_from: usize,
    hold: Arc<AtomicBool>,
    reached: Arc<AtomicBool>,
) {
    server.route("/feed.xml", Reply::text(rss(server, n)));
    for i in 0..n {
        let (hold, reached) = (hold.clone(), reached.clone());
        server.route_fn(&format!("/news/{i}"), move |_| {
            if i >= stall_from && hold.load(Ordering::SeqCst) {
                reached.store(true, Ordering::SeqCst);
                Reply::stall()
            } else {
                Reply::html(page(i))
            }
        });
    }
}

async fn killed_in_the_middle_of_a_run_and_rerun(engine: Engine) {
    let Some(db) = TestDb::new(engine).await else {
        return;
    };
    let store = Store::open(&db.url).await.unwrap();
    let server = TestServer::start().await;
    let hold = Arc::new(AtomicBool::new(true));
    let reached = Arc::new(AtomicBool::new(false));
    serve_feed(&server, 20, 8, hold.clone(), reached.clone());
    let dir = tempfile::tempdir().unwrap();
    let sources = write_sources(dir.path(), server.url("/feed.xml").as_str());

    let mut child = spawn_until_stuck(&db.url, &sources, &["--lease-secs", "1"], &reached).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let stored = count(&store, "SELECT COUNT(*) FROM articles").await;
    assert!((1..20).contains(&stored), "killed mid-run, {stored} stored");

    hold.store(false, Ordering::SeqCst);
    // The dead process's lease lasts a second; a re-run before then is told the source is
    // busy and fetches nothing, so retry until it runs.
    let mut output = None;
    for _ in 0..40 {
        let out = run(cli(&db.url)
            .args(["ingest", "run", "--quiet", "--sources"])
            .arg(&sources));
        if !stdout(&out).contains("skipped") {
            output = Some(out);
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let out = output.expect("the re-run got the lease once it expired");
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!("{} new", 20 - stored)),
        "{}",
        stdout(&out)
    );
    // No duplicate, no half-written article: 20 articles, each with its URL once, its
    // text, and the evidence of its facts.
    assert_eq!(count(&store, "SELECT COUNT(*) FROM articles").await, 20);
    assert_eq!(
        count(&store, "SELECT COUNT(DISTINCT url) FROM articles").await,
        20
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM articles a WHERE length(a.text) < 200 \
             OR NOT EXISTS (SELECT 1 FROM evidence e WHERE e.article_id = a.id)"
        )
        .await,
        0
    );
    let statuses: Vec<String> = store
        .conn()
        .query_all_raw(Statement::from_string(
            store.backend(),
            "SELECT status FROM ingest_runs ORDER BY id".to_string(),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert_eq!(statuses, ["interrupted", "ok"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_midway_and_rerun_leaves_no_duplicate_and_no_half_written_article_on_sqlite() {
    killed_in_the_middle_of_a_run_and_rerun(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_midway_and_rerun_leaves_no_duplicate_and_no_half_written_article_on_postgres()
{
    killed_in_the_middle_of_a_run_and_rerun(Engine::Postgres).await;
}

async fn two_processes_never_fetch_one_source_at_once(engine: Engine) {
    let Some(db) = TestDb::new(engine).await else {
        return;
    };
    let server = TestServer::start().await;
    let hold = Arc::new(AtomicBool::new(true));
    let reached = Arc::new(AtomicBool::new(false));
    serve_feed(&server, 3, 0, hold.clone(), reached.clone());
    let feed_hits = Arc::new(AtomicUsize::new(0));
    let dir = tempfile::tempdir().unwrap();
    let sources = write_sources(dir.path(), server.url("/feed.xml").as_str());

    // A holds the source, stuck on its first article.
    let mut a = spawn_until_stuck(&db.url, &sources, &[], &reached).await;
    feed_hits.store(server.hits("/feed.xml"), Ordering::SeqCst);

    // B starts while A works: it is told who holds the source and fetches nothing.
    let b = run(cli(&db.url)
        .args(["ingest", "run", "--quiet", "--sources"])
        .arg(&sources));
    assert!(b.status.success());
    assert!(
        stdout(&b).contains("outlet: skipped, being ingested by"),
        "{}",
        stdout(&b)
    );
    assert_eq!(server.hits("/feed.xml"), feed_hits.load(Ordering::SeqCst));
    a.kill().unwrap();
    a.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_never_fetch_one_source_at_once_on_sqlite() {
    two_processes_never_fetch_one_source_at_once(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_never_fetch_one_source_at_once_on_postgres() {
    two_processes_never_fetch_one_source_at_once(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_stops_cleanly_on_sigterm() {
    let db = TestDb::new(Engine::Sqlite).await.unwrap();
    let server = TestServer::start().await;
    server.route("/feed.xml", Reply::text(rss(&server, 0)));
    let dir = tempfile::tempdir().unwrap();
    let sources = write_sources(dir.path(), server.url("/feed.xml").as_str());
    let mut child = cli(&db.url)
        .env("RUST_LOG", "info")
        .args(["schedule", "--sources"])
        .arg(&sources)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The scheduler logs once it is waiting for the next tick.
    let stderr = child.stderr.take().unwrap();
    let mut started = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut reader = std::io::BufReader::new(stderr);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            if line.contains("scheduler sleeping") {
                return (true, reader);
            }
            line.clear();
        }
        (false, reader)
    })
    .await
    .unwrap();
    assert!(started.0, "the scheduler never reached its sleep");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut started.1, &mut rest).unwrap();
    assert!(rest.contains("scheduler stopped"), "{rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_check_names_the_line_and_field_of_every_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[source]]\nid = \"a\"\nkind = \"rss\"\nurl = \"https://example.org/feed\"\nschedule = \"0 25 * * *\"\n\n\
         [[source]]\nid = \"b\"\nkind = \"html_list\"\nurl = \"https://example.org/list\"\n",
    )
    .unwrap();
    let out = run(Command::new(BIN)
        .args(["sources", "check", "--sources"])
        .arg(&bad));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":5: source[0].schedule"), "{err}");
    assert!(err.contains("source[1].link_selector"), "{err}");

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/sources.example.toml");
    let out = run(Command::new(BIN)
        .args(["sources", "check", "--sources"])
        .arg(&example));
    assert!(out.status.success());
    assert!(stdout(&out).contains("kbr"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_url_reads_a_page_through_the_fetcher_and_refuses_loopback_by_default() {
    let server = TestServer::start().await;
    server.route("/news/7", Reply::html(page(7)));
    let url = server.url("/news/7?utm_source=feed");
    let out = run(Command::new(BIN).args(["extract", url.as_str(), "--allow-private"]));
    assert!(out.status.success());
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["source"]["publisher"], "Test Outlet");
    assert_eq!(record["source"]["published"], "2025-03-08");
    assert!(
        !record["source"]["url"]
            .as_str()
            .unwrap()
            .contains("utm_source"),
        "{record}"
    );
    assert!(
        record["organizations"].as_array().unwrap().len() >= 2,
        "the page's text was extracted: {record}"
    );

    let hits = server.hits("/news/7");
    let out = run(Command::new(BIN).args(["extract", url.as_str()]));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("non-public address 127.0.0.1"), "{err}");
    assert!(
        err.contains("--allow-private"),
        "the error says how to allow it: {err}"
    );
    assert_eq!(server.hits("/news/7"), hits, "nothing was requested");
}
