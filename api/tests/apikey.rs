//! `cdmo-atlas apikey` as a curator runs it: the key is printed once, `list` never shows it,
//! the key works against a running `serve`, and `revoke` makes the server refuse it.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_cdmo-atlas");

fn cli(db_url: &str) -> Command {
    let mut c = Command::new(BIN);
    c.env("DATABASE_URL", db_url)
        .env_remove("CDMO_ATLAS_CONFIG")
        .env_remove("CDMO_ATLAS_REQUIRE_KEY_FOR_QUERIES")
        .env_remove("RUST_LOG")
        .env("CDMO_ATLAS_LOG", "warn");
    c
}

fn run(db_url: &str, args: &[&str]) -> Output {
    cli(db_url).args(args).output().expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A `serve` process on a free port, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db_url: &str) -> Server {
    let mut child = cli(db_url)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().unwrap();
    // `serve` prints `GraphiQL: http://ADDR/graphiql` once it listens.
    let mut addr = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.split("GraphiQL: http://").nth(1) {
            addr = Some(rest.trim_end_matches("/graphiql").trim().to_string());
            break;
        }
    }
    Server {
        child,
        addr: addr.expect("serve announces its address"),
    }
}

/// POSTs a GraphQL query with a bearer key over plain HTTP/1.1; returns status and body.
fn post(addr: &str, key: &str, query: &str) -> (u16, String) {
    let body = serde_json::json!({ "query": query }).to_string();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Authorization: Bearer {key}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap();
    let body = resp
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

#[test]
fn a_created_key_is_shown_once_works_against_the_server_and_stops_working_when_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("keys.db").display());

    let created = run(&db, &["apikey", "create", "--name", "ci-bot"]);
    assert!(created.status.success(), "{created:?}");
    let key = stdout(&created).trim().to_string();
    assert!(key.starts_with("cdmo_") && key.len() > 40, "{key}");
    assert_eq!(
        stdout(&created).lines().count(),
        1,
        "only the key on stdout"
    );

    let again = run(&db, &["apikey", "create", "--name", "ci-bot"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let listed = run(&db, &["apikey", "list"]);
    assert!(listed.status.success());
    let list = stdout(&listed);
    assert!(list.contains("ci-bot") && list.contains("active"), "{list}");
    assert!(!list.contains(&key), "list shows the secret: {list}");
    assert!(!list.contains(&key["cdmo_".len()..][..16]), "{list}");

    let server = serve(&db);
    let mutation = r#"mutation { addAlias(input: {organization: "T3JnYW5pemF0aW9uOjk5OQ", alias: "X"}) { auditEntryId } }"#;
    let (status, body) = post(&server.addr, &key, mutation);
    assert_eq!(status, 200, "{body}");
    // The key is accepted: the mutation runs and fails only on the unknown organization.
    assert!(body.contains("does not exist"), "{body}");
    assert!(!body.contains("UNAUTHENTICATED"), "{body}");

    let revoked = run(&db, &["apikey", "revoke", "ci-bot"]);
    assert!(revoked.status.success(), "{revoked:?}");
    let (status, body) = post(&server.addr, &key, "{ organizations { totalCount } }");
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("revoked"), "{body}");
    let listed = stdout(&run(&db, &["apikey", "list"]));
    assert!(listed.contains("revoked"), "{listed}");
}
