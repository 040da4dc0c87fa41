//! Full-text search: one index of every searchable text (organization names and aliases,
//! facility names, article titles and texts), kept in sync by triggers and filled here.
//!
//! SQLite holds it in an FTS5 table with the `trigram` tokenizer; PostgreSQL in a plain
//! table with a `pg_trgm` GIN index. Trigrams, not words, so Hangul and Hanzi (written
//! without spaces) match inside longer names. Each indexed text has a fixed row id,
//! `source id * 8 + field`, so a trigger replaces or deletes its row by primary key.
//! Retracted facilities are left out of the index, so search never shows them.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One indexed text: which table and column, which search field code it gets (the codes
/// are [`crate::search`]'s `Field`), and which organization/facility/article it belongs to.
struct Indexed {
    table: &'static str,
    field: i64,
    body: &'static str,
    ref_col: &'static str,
    /// Columns whose update changes the indexed row.
    watched: &'static str,
    /// Extra condition for a row to be indexed (besides a non-null body).
    only_if: Option<&'static str>,
}

const INDEXED: [Indexed; 5] = [
    Indexed {
        table: "organizations",
        field: 1,
        body: "name",
        ref_col: "id",
        watched: "name",
        only_if: None,
    },
    Indexed {
        table: "organization_aliases",
        field: 2,
        body: "alias",
        ref_col: "organization_id",
        watched: "alias, organization_id",
        only_if: None,
    },
    Indexed {
        table: "facilities",
        field: 3,
        body: "name",
        ref_col: "id",
        watched: "name, retracted_at",
        only_if: Some("retracted_at IS NULL"),
    },
    Indexed {
        table: "articles",
        field: 4,
        body: "title",
        ref_col: "id",
        watched: "title",
        only_if: None,
    },
    Indexed {
        table: "articles",
        field: 5,
        body: "text",
        ref_col: "id",
        watched: "text",
        only_if: None,
    },
];

impl Indexed {
    fn name(&self) -> String {
        format!("search_{}_{}", self.table, self.field)
    }

    /// The condition (on row alias `r`) for a row to be indexed.
    fn condition(&self, r: &str) -> String {
        let mut c = format!("{r}.{} IS NOT NULL", self.body);
        if let Some(extra) = self.only_if {
            c.push_str(&format!(" AND {r}.{extra}"));
        }
        c
    }

    fn sqlite_insert(&self, r: &str) -> String {
        format!(
            "INSERT INTO search_fts(rowid, body, field, ref_id) SELECT {r}.id * 8 + {f}, {r}.{b}, {f}, {r}.{rc} WHERE {c};",
            f = self.field,
            b = self.body,
            rc = self.ref_col,
            c = self.condition(r),
        )
    }

    fn sqlite_delete(&self) -> String {
        format!(
            "DELETE FROM search_fts WHERE rowid = old.id * 8 + {};",
            self.field
        )
    }

    fn sqlite(&self) -> Vec<String> {
        let n = self.name();
        let t = self.table;
        vec![
            format!(
                "CREATE TRIGGER {n}_ai AFTER INSERT ON {t} BEGIN {} END",
                self.sqlite_insert("new")
            ),
            format!(
                "CREATE TRIGGER {n}_au AFTER UPDATE OF {w} ON {t} BEGIN {} {} END",
                self.sqlite_delete(),
                self.sqlite_insert("new"),
                w = self.watched,
            ),
            format!(
                "CREATE TRIGGER {n}_ad AFTER DELETE ON {t} BEGIN {} END",
                self.sqlite_delete()
            ),
            // Rows already there: the triggers only see what changes from now on.
            format!(
                "INSERT INTO search_fts(rowid, body, field, ref_id) SELECT r.id * 8 + {f}, r.{b}, {f}, r.{rc} FROM {t} r WHERE {c}",
                f = self.field,
                b = self.body,
                rc = self.ref_col,
                c = self.condition("r"),
            ),
        ]
    }

    fn postgres(&self) -> Vec<String> {
        let n = self.name();
        let t = self.table;
        vec![
            format!(
                "CREATE OR REPLACE FUNCTION {n}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM search_documents WHERE id = OLD.id * 8 + {f};
  END IF;
  IF TG_OP <> 'DELETE' THEN
    IF {c} THEN
      INSERT INTO search_documents (id, field, ref_id, body)
        VALUES (NEW.id * 8 + {f}, {f}, NEW.{rc}, NEW.{b});
    END IF;
  END IF;
  RETURN NULL;
END $$",
                f = self.field,
                b = self.body,
                rc = self.ref_col,
                c = self.condition("NEW"),
            ),
            format!(
                "CREATE TRIGGER {n} AFTER INSERT OR DELETE OR UPDATE OF {w} ON {t} FOR EACH ROW EXECUTE FUNCTION {n}()",
                w = self.watched,
            ),
            format!(
                "INSERT INTO search_documents (id, field, ref_id, body) SELECT r.id * 8 + {f}, {f}, r.{rc}, r.{b} FROM {t} r WHERE {c}",
                f = self.field,
                b = self.body,
                rc = self.ref_col,
                c = self.condition("r"),
            ),
        ]
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let mut statements: Vec<String> = Vec::new();
        match manager.get_database_backend() {
            sea_orm::DbBackend::Sqlite => {
                // The bundled SQLite (3.51) has FTS5 and its trigram tokenizer (3.34+).
                // Matching is case-insensitive; `field` and `ref_id` are stored, not indexed.
                statements.push(
                    "CREATE VIRTUAL TABLE search_fts USING fts5(body, field UNINDEXED, ref_id UNINDEXED, tokenize = 'trigram')"
                        .into(),
                );
                for i in &INDEXED {
                    statements.extend(i.sqlite());
                }
            }
            _ => {
                // Needs the contrib extension installed on the server (and, if the user is
                // not a superuser, created once by an administrator).
                statements.push("CREATE EXTENSION IF NOT EXISTS pg_trgm".into());
                statements.push(
                    "CREATE TABLE search_documents (id BIGINT PRIMARY KEY, field SMALLINT NOT NULL, ref_id BIGINT NOT NULL, body TEXT NOT NULL)"
                        .into(),
                );
                statements.push(
                    "CREATE INDEX idx_search_documents_body_trgm ON search_documents USING gin (body gin_trgm_ops)"
                        .into(),
                );
                for i in &INDEXED {
                    statements.extend(i.postgres());
                }
            }
        }
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let mut statements: Vec<String> = Vec::new();
        match manager.get_database_backend() {
            sea_orm::DbBackend::Sqlite => {
                for i in &INDEXED {
                    for suffix in ["ai", "au", "ad"] {
                        statements.push(format!("DROP TRIGGER IF EXISTS {}_{suffix}", i.name()));
                    }
                }
                statements.push("DROP TABLE IF EXISTS search_fts".into());
            }
            _ => {
                for i in &INDEXED {
                    statements.push(format!(
                        "DROP TRIGGER IF EXISTS {n} ON {t}",
                        n = i.name(),
                        t = i.table
                    ));
                    statements.push(format!("DROP FUNCTION IF EXISTS {}()", i.name()));
                }
                // The extension stays: other database objects may use it.
                statements.push("DROP TABLE IF EXISTS search_documents".into());
            }
        }
        for s in statements {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }
}
