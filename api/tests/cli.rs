//! The `cdmo-atlas` binary as a user runs it: help, extraction, ingestion, database
//! commands, and clear errors with a non-zero exit status.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod cli_web;
#[path = "../../tests/e2e/db.rs"]
mod db;
#[allow(dead_code)]
#[path = "../../ingest/tests/support/http_server.rs"]
mod http_server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use db::{Engine, TestDb};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cdmo-atlas"));
    c.env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .env("CDMO_ATLAS_LOG", "warn");
    c
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_lists_every_command_and_the_database_option() {
    let o = run(&["--help"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for cmd in [
        "demo",
        "serve",
        "extract",
        "ingest",
        "schema",
        "db",
        "--database-url",
        "DATABASE_URL",
    ] {
        assert!(text.contains(cmd), "--help does not mention {cmd}:\n{text}");
    }
    let o = run(&["ingest", "files", "--help"]);
    assert!(stdout(&o).contains("--dry-run"));
}

#[test]
fn extract_prints_the_record_of_a_seed_as_json() {
    let file = seeds().join("003_2299b008b54eefa6.txt");
    let o = run(&["extract", file.to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(
        v["source"]["published"], "2025-01-15",
        "metadata comes from the manifest"
    );
    let types: Vec<&str> = v["licenses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["license_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["cn_drug_production_c", "cn_drug_production_a"]);
}

#[test]
fn extract_reads_standard_input_with_a_header_block() {
    let mut child = bin()
        .args(["extract", "-", "--format", "text"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "Title: GMP news\nPublished: 2024-05-20\nLanguage: en\n---\nSamsung Biologics said on the 17th that it had obtained an EU GMP certificate for its Plant 4 in Songdo, Incheon.\n"
                .as_bytes(),
        )
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("GMP news"), "{text}");
    assert!(text.contains("Samsung Biologics — eu_gmp"), "{text}");
    assert!(text.contains("2024-05-17"), "{text}");
}

#[test]
fn a_missing_file_or_a_bad_header_is_an_error_that_names_it() {
    let o = run(&["extract", "/no/such/article.txt"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("/no/such/article.txt"),
        "{}",
        stderr(&o)
    );

    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.txt");
    std::fs::write(&f, "Title: x\nPublished: yesterday\n---\nText.").unwrap();
    let o = run(&["extract", f.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("bad.txt, line 2") && err.contains("Published"),
        "{err}"
    );
}

#[test]
fn an_unsupported_database_url_is_refused_with_guidance() {
    let o = run(&[
        "--database-url",
        "mysql://root:secret@localhost/x",
        "db",
        "migrate",
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("sqlite://PATH") && err.contains("postgres://"),
        "{err}"
    );
    assert!(!err.contains("secret"), "the password leaked: {err}");
}

#[test]
fn schema_prints_the_committed_sdl() {
    let o = run(&["schema"]);
    assert!(o.status.success());
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql"))
            .unwrap();
    assert_eq!(stdout(&o), committed);
}

fn ingest_then_status(engine: Engine) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(TestDb::new(engine)) else {
        return;
    };
    let url = db.url.as_str();
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();

    let o = run(&["--database-url", url, "db", "migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("current schema"));

    let o = run(&["--database-url", url, "ingest", "files", "--dry-run", seeds]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Read 5 document(s)"), "{}", stdout(&o));

    let o = run(&["--database-url", url, "ingest", "files", seeds]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("5 new, 0 duplicate, 0 failed"),
        "{}",
        stdout(&o)
    );

    let o = bin()
        .env("DATABASE_URL", url)
        .args(["ingest", "files", seeds])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("0 new, 5 duplicate, 0 failed"),
        "DATABASE_URL is honoured: {}",
        stdout(&o)
    );

    let o = run(&["--database-url", url, "reextract", "--batch", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Re-read 5 article(s)") && stdout(&o).contains("0 fact(s) retracted"),
        "{}",
        stdout(&o)
    );

    let o = run(&["--database-url", url, "db", "status"]);
    let text = stdout(&o);
    let count = |table: &str| -> u64 {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(table))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {table} in:\n{text}"))
    };
    assert_eq!(
        (count("articles"), count("licenses"), count("ingest_runs")),
        (5, 3, 2),
        "{text}"
    );
    drop(db);
}

#[test]
fn ingest_files_and_db_status_on_sqlite() {
    ingest_then_status(Engine::Sqlite);
}

#[test]
fn ingest_files_and_db_status_on_postgres() {
    ingest_then_status(Engine::Postgres);
}

#[test]
fn a_failing_document_is_reported_and_the_others_are_ingested() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.txt"),
        "Celltrion signed an MOU with Lotte Biologics on March 3, 2024.",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.txt"),
        b"\xff\xfe not utf-8 \xc3\x28",
    )
    .unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let o = run(&[
        "--database-url",
        &url,
        "ingest",
        "files",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a failure makes the exit status non-zero"
    );
    assert!(
        stdout(&o).contains("1 new, 0 duplicate, 1 failed"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("broken.txt") && stderr(&o).contains("UTF-8"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn db_migrate_creates_a_missing_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub-dir-free.db");
    let url = format!("sqlite://{}", path.display());
    let o = run(&["--database-url", &url, "db", "migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(path.is_file());
}
