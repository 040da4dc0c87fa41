//! The HTTP server: one `Application::build` used by `serve`, `demo` and the tests, binding
//! the configured address (port 0 picks a free port) before the server runs.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, http::header, web};
use async_graphql::http::GraphiQLSource;
use cdmo_store::Store;
use serde_json::json;

use crate::config::Settings;
use crate::http::graphql_http::{Transport, graphql_get, graphql_other_method, graphql_post};
use crate::http::metrics::Metrics;
use crate::http::rate_limit::RateLimiter;
use crate::http::request_log::{Observe, observe};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
}

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    host: String,
    server: Server,
}

impl Application {
    pub fn build(settings: &Settings, store: Store) -> Result<Application, StartupError> {
        let addr = settings.server.bind.clone();
        let listener = TcpListener::bind(&addr).map_err(|source| StartupError::Bind {
            addr: addr.clone(),
            source,
        })?;
        let local = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: addr.clone(),
            source,
        })?;
        let schema = crate::graphql::schema::build_schema_for(store.clone(), settings);
        let max_body = settings.server.max_body_bytes;
        let metrics = Arc::new(Metrics::default());
        let transport = web::Data::new(Transport {
            metrics: metrics.clone(),
            timeout: (settings.server.request_timeout_ms > 0)
                .then(|| Duration::from_millis(settings.server.request_timeout_ms)),
            max_body_bytes: max_body,
            max_depth: settings.graphql.max_depth,
            max_complexity: settings.graphql.max_complexity,
        });
        let observe_state = web::Data::new(Observe {
            metrics,
            limiter: RateLimiter::new(
                settings.server.rate_limit_per_second,
                settings.server.rate_limit_burst,
            ),
        });
        let schema = web::Data::new(schema);
        let store = web::Data::new(store);
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(observe))
                .app_data(schema.clone())
                .app_data(store.clone())
                .app_data(transport.clone())
                .app_data(observe_state.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .service(
                    web::resource("/graphql")
                        .route(web::get().to(graphql_get))
                        .route(web::post().to(graphql_post))
                        .default_service(web::to(graphql_other_method)),
                )
                .route("/graphiql", web::get().to(graphiql))
                .route("/healthz", web::get().to(healthz))
                .route("/readyz", web::get().to(readyz))
                .route("/metrics", web::get().to(metrics_text))
                .route(
                    "/",
                    web::get().to(|| async {
                        HttpResponse::Found()
                            .insert_header((header::LOCATION, "/graphiql"))
                            .finish()
                    }),
                )
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: addr.clone(),
            source,
        })?
        .run();
        Ok(Application {
            port: local.port(),
            host: local.ip().to_string(),
            server,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The base URL the server answers on, e.g. `http://127.0.0.1:8080`.
    pub fn base_url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("cdmo-atlas")
                .finish(),
        )
}

/// `GET /healthz`: 200 while the process serves requests; it does not touch the database,
/// so a slow or lost database never makes the process look dead.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 when the database answers and every migration is applied, 503 (with
/// the reason) otherwise.
async fn readyz(store: web::Data<Store>) -> HttpResponse {
    if let Err(e) = cdmo_store::query::ping(&store).await {
        tracing::warn!("readiness check failed: {e}");
        return HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "unavailable", "reason": "the database does not answer" }));
    }
    match cdmo_store::meta::pending_migrations(&store).await {
        Ok(pending) if pending.is_empty() => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Ok(pending) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable",
            "reason": "the database schema is not migrated",
            "pendingMigrations": pending,
        })),
        Err(e) => {
            tracing::warn!("readiness check failed: {e}");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "reason": "the migrations cannot be read" }))
        }
    }
}

/// `GET /metrics`: Prometheus text format.
async fn metrics_text(transport: web::Data<Transport>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(transport.metrics.render())
}
