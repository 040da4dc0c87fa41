//! Test databases: a fresh SQLite file or a fresh PostgreSQL database per test, so tests
//! never share state. PostgreSQL comes from `CDMO_TEST_POSTGRES_URL`; when it is unset the
//! PostgreSQL variant is skipped, unless `CDMO_REQUIRE_POSTGRES=1` (set by `.ci/run`) makes
//! that a failure.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database, Statement};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub const POSTGRES_URL_VAR: &str = "CDMO_TEST_POSTGRES_URL";
pub const REQUIRE_POSTGRES_VAR: &str = "CDMO_REQUIRE_POSTGRES";

/// A database that exists for one test and is removed after it.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "cdmo_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

/// Replaces the database name of a PostgreSQL URL.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| scheme_end + i);
    let host = match path_start {
        Some(i) => &base[..i],
        None => base,
    };
    match query {
        Some(q) => format!("{host}/{db}?{q}"),
        None => format!("{host}/{db}"),
    }
}

impl TestDb {
    /// A fresh database of `engine`, or None when PostgreSQL is not configured (and not
    /// required). Panics with a clear message when it is required but unavailable.
    pub async fn new(engine: Engine) -> Option<TestDb> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(TestDb {
                    url,
                    _dir: Some(dir),
                    pg: None,
                })
            }
            Engine::Postgres => {
                let required = std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1");
                let Some(admin) = std::env::var(POSTGRES_URL_VAR)
                    .ok()
                    .filter(|v| !v.is_empty())
                else {
                    assert!(
                        !required,
                        "{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set: PostgreSQL tests cannot run"
                    );
                    eprintln!("skipping the PostgreSQL variant: {POSTGRES_URL_VAR} is not set");
                    return None;
                };
                let name = unique_name();
                let conn = Database::connect(admin.as_str()).await.unwrap_or_else(|e| {
                    panic!("cannot connect to PostgreSQL at {admin} ({POSTGRES_URL_VAR}): {e}")
                });
                conn.execute_raw(Statement::from_string(
                    conn.get_database_backend(),
                    format!("CREATE DATABASE \"{name}\""),
                ))
                .await
                .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
                let _ = conn.close().await;
                Some(TestDb {
                    url: with_database(&admin, &name),
                    _dir: None,
                    pg: Some((admin, name)),
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async code; a short-lived runtime on its own thread does it.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                rt.block_on(async {
                    if let Ok(conn) = Database::connect(admin.as_str()).await {
                        let _ = conn
                            .execute_raw(Statement::from_string(
                                conn.get_database_backend(),
                                format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                            ))
                            .await;
                        let _ = conn.close().await;
                    }
                });
                Ok::<(), std::io::Error>(())
            })
            .join();
        }
    }
}

/// Declares one test per engine for an `async fn(Engine)` body.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::db::Engine::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::db::Engine::Postgres).await
                }
            }
        )+
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
