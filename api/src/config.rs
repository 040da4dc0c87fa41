//! Configuration: one typed `Settings`, read from defaults, then an optional TOML file, then
//! the environment; command-line options are applied last by the CLI.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The configuration file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "cdmo-atlas.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("configuration file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: &'static str, message: String },
    #[error("invalid setting {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// `sqlite://PATH` (created if missing) or `postgres://…`.
    pub database_url: String,
    pub server: ServerSettings,
    pub graphql: GraphqlSettings,
    pub auth: AuthSettings,
    /// The sources file `triggerIngest` runs sources from (relative paths of `files`
    /// sources resolve against its folder).
    pub sources_file: PathBuf,
    /// A `tracing` filter, e.g. `info` or `cdmo_api=debug,info`.
    pub log: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Address to listen on; port 0 picks a free port.
    pub bind: String,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// A GraphQL request still running after this many milliseconds is answered with a
    /// `TIMEOUT` error (HTTP 504); 0 disables the timeout.
    pub request_timeout_ms: u64,
    /// Requests per second each client (API key, else IP address) may sustain; 0 = off.
    pub rate_limit_per_second: f64,
    /// Requests a client may send at once before the rate applies.
    pub rate_limit_burst: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GraphqlSettings {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub default_page_size: usize,
    pub max_page_size: usize,
    /// Most aliases (`name: field`) one document may use.
    pub max_aliases: usize,
    /// Most fields the selected operation may select at its root.
    pub max_root_fields: usize,
    /// Most operations one document may contain.
    pub max_operations: usize,
    /// How many automatic persisted queries are remembered (least recently used go first).
    pub persisted_query_cache_size: usize,
    /// How long (ms) DataLoaders gather keys into one batch: longer merges more lookups
    /// into one statement under load, at that cost in latency per query level.
    pub loader_delay_ms: u64,
}

/// `[auth]`: who may call what. Mutations always need an API key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// Queries need an API key too (env `CDMO_ATLAS_REQUIRE_KEY_FOR_QUERIES`).
    pub require_key_for_queries: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: cdmo_store::DEFAULT_DATABASE_URL.to_string(),
            server: ServerSettings::default(),
            graphql: GraphqlSettings::default(),
            auth: AuthSettings::default(),
            sources_file: PathBuf::from("sources.toml"),
            log: "info,sea_orm_migration=warn,sqlx=warn".to_string(),
        }
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            bind: "127.0.0.1:8080".to_string(),
            max_body_bytes: 256 * 1024,
            request_timeout_ms: 30_000,
            rate_limit_per_second: 0.0,
            rate_limit_burst: 50,
        }
    }
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        GraphqlSettings {
            max_depth: 12,
            max_complexity: 2_000,
            default_page_size: 20,
            max_page_size: 100,
            max_aliases: 30,
            max_root_fields: 20,
            max_operations: 10,
            persisted_query_cache_size: 1_000,
            loader_delay_ms: 1,
        }
    }
}

impl Settings {
    /// Defaults, overlaid by `file` (which must exist when given) or `cdmo-atlas.toml` in the
    /// working directory (if present), overlaid by the environment.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut settings = match file {
            Some(path) => Self::from_file(path)?,
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => {
                Self::from_file(Path::new(DEFAULT_CONFIG_FILE))?
            }
            None => Settings::default(),
        };
        settings.apply_env(|name| std::env::var(name).ok())?;
        settings.validate()?;
        Ok(settings)
    }

    pub fn from_file(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Environment overrides: `DATABASE_URL`, `CDMO_ATLAS_BIND`, `CDMO_ATLAS_LOG`,
    /// `CDMO_ATLAS_MAX_PAGE_SIZE`, `CDMO_ATLAS_MAX_DEPTH`, `CDMO_ATLAS_MAX_COMPLEXITY`.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn number(name: &'static str, v: String) -> Result<usize, ConfigError> {
            v.trim().parse().map_err(|_| ConfigError::Env {
                name,
                message: format!("`{v}` is not a whole number"),
            })
        }
        if let Some(v) = get("DATABASE_URL").filter(|v| !v.is_empty()) {
            self.database_url = v;
        }
        if let Some(v) = get("CDMO_ATLAS_BIND").filter(|v| !v.is_empty()) {
            self.server.bind = v;
        }
        if let Some(v) = get("CDMO_ATLAS_LOG").filter(|v| !v.is_empty()) {
            self.log = v;
        }
        if let Some(v) = get("CDMO_ATLAS_MAX_PAGE_SIZE") {
            self.graphql.max_page_size = number("CDMO_ATLAS_MAX_PAGE_SIZE", v)?;
        }
        if let Some(v) = get("CDMO_ATLAS_MAX_DEPTH") {
            self.graphql.max_depth = number("CDMO_ATLAS_MAX_DEPTH", v)?;
        }
        if let Some(v) = get("CDMO_ATLAS_MAX_COMPLEXITY") {
            self.graphql.max_complexity = number("CDMO_ATLAS_MAX_COMPLEXITY", v)?;
        }
        if let Some(v) = get("CDMO_ATLAS_REQUIRE_KEY_FOR_QUERIES") {
            self.auth.require_key_for_queries = match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" | "" => false,
                _ => {
                    return Err(ConfigError::Env {
                        name: "CDMO_ATLAS_REQUIRE_KEY_FOR_QUERIES",
                        message: format!("`{v}` is not true or false"),
                    });
                }
            };
        }
        if let Some(v) = get("CDMO_ATLAS_SOURCES").filter(|v| !v.is_empty()) {
            self.sources_file = PathBuf::from(v);
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        cdmo_store::Engine::from_url(&self.database_url).map_err(|e| ConfigError::Invalid {
            field: "database_url",
            message: e.to_string(),
        })?;
        self.server
            .bind
            .parse::<std::net::SocketAddr>()
            .map_err(|e| ConfigError::Invalid {
                field: "server.bind",
                message: format!(
                    "`{}` is not an address like 127.0.0.1:8080: {e}",
                    self.server.bind
                ),
            })?;
        let g = &self.graphql;
        if g.default_page_size == 0 || g.default_page_size > g.max_page_size {
            return Err(ConfigError::Invalid {
                field: "graphql.default_page_size",
                message: format!(
                    "must be between 1 and graphql.max_page_size ({})",
                    g.max_page_size
                ),
            });
        }
        if g.max_depth == 0 || g.max_complexity == 0 {
            return Err(ConfigError::Invalid {
                field: "graphql.max_depth",
                message: "depth and complexity limits must be positive".into(),
            });
        }
        let server = &self.server;
        if !server.rate_limit_per_second.is_finite() || server.rate_limit_per_second < 0.0 {
            return Err(ConfigError::Invalid {
                field: "server.rate_limit_per_second",
                message: "must be a number of requests per second, 0 or more".into(),
            });
        }
        if server.rate_limit_per_second > 0.0 && server.rate_limit_burst == 0 {
            return Err(ConfigError::Invalid {
                field: "server.rate_limit_burst",
                message: "must be at least 1 when rate limiting is on".into(),
            });
        }
        if g.max_aliases == 0
            || g.max_root_fields == 0
            || g.max_operations == 0
            || g.persisted_query_cache_size == 0
        {
            return Err(ConfigError::Invalid {
                field: "graphql.max_aliases",
                message: "alias, root field, operation and persisted query limits must be positive"
                    .into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_the_file_and_the_defaults() {
        let mut s: Settings =
            toml::from_str("database_url = \"sqlite://a.db\"\n[server]\nbind = \"0.0.0.0:9000\"\n")
                .unwrap();
        assert_eq!(s.graphql.max_page_size, 100);
        s.apply_env(|n| (n == "DATABASE_URL").then(|| "postgres://u@h/db".to_string()))
            .unwrap();
        assert_eq!(s.database_url, "postgres://u@h/db");
        assert_eq!(s.server.bind, "0.0.0.0:9000");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_rejected_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "[server]\nbnd = \"x\"\n").unwrap();
        let err = Settings::from_file(&p).unwrap_err().to_string();
        assert!(err.contains("bnd") && err.contains("c.toml"), "{err}");
    }

    #[test]
    fn the_environment_can_require_a_key_for_queries() {
        let mut s = Settings::default();
        assert!(
            !s.auth.require_key_for_queries,
            "queries are public by default"
        );
        s.apply_env(|n| (n == "CDMO_ATLAS_REQUIRE_KEY_FOR_QUERIES").then(|| "true".to_string()))
            .unwrap();
        assert!(s.auth.require_key_for_queries);
        let err = s
            .apply_env(|n| (n == "CDMO_ATLAS_REQUIRE_KEY_FOR_QUERIES").then(|| "maybe".to_string()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("CDMO_ATLAS_REQUIRE_KEY_FOR_QUERIES"), "{err}");
        let from_file: Settings =
            toml::from_str("[auth]\nrequire_key_for_queries = true\n").unwrap();
        assert!(from_file.auth.require_key_for_queries);
    }

    #[test]
    fn bad_values_are_named() {
        let mut s = Settings::default();
        let err = s
            .apply_env(|n| (n == "CDMO_ATLAS_MAX_PAGE_SIZE").then(|| "lots".to_string()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("CDMO_ATLAS_MAX_PAGE_SIZE"), "{err}");
        s.server.bind = "localhost".into();
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("server.bind")
        );
    }
}
