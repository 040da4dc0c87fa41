//! The HTTP server: one `Application::build` used by `serve`, `demo` and the tests, binding
//! the configured address (port 0 picks a free port) before the server runs.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, http::header, web};
use async_graphql::http::GraphiQLSource;
use cdmo_store::Store;
use serde_json::json;

use crate::config::Settings;
use crate::graphql::AtlasSchema;

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
        let schema = web::Data::new(schema);
        let store = web::Data::new(store);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(schema.clone())
                .app_data(store.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .route("/graphql", web::post().to(graphql))
                .route("/graphiql", web::get().to(graphiql))
                .route("/healthz", web::get().to(healthz))
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

fn json_error(status: actix_web::http::StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(
        json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }] }),
    )
}

/// `POST /graphql`: a JSON body `{query, variables, operationName}`, size-limited by the
/// payload configuration; a malformed body is a 400 with a GraphQL-shaped error.
async fn graphql(
    req: actix_web::HttpRequest,
    schema: web::Data<AtlasSchema>,
    store: web::Data<Store>,
    body: web::Bytes,
) -> HttpResponse {
    let caller = match crate::auth::authenticate(&req, &store).await {
        Ok(c) => c,
        Err(e) => return HttpResponse::Unauthorized().json(e.response_body()),
    };
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return json_error(
                actix_web::http::StatusCode::BAD_REQUEST,
                &format!("request body is not valid JSON: {e}"),
            );
        }
    };
    if value.is_array() {
        return json_error(
            actix_web::http::StatusCode::BAD_REQUEST,
            "batched requests are not supported; send one operation per request",
        );
    }
    let request: async_graphql::Request = match serde_json::from_value(value) {
        Ok(r) => r,
        Err(e) => {
            return json_error(
                actix_web::http::StatusCode::BAD_REQUEST,
                &format!("request body is not a GraphQL request: {e}"),
            );
        }
    };
    let response = schema.execute(request.data(caller)).await;
    HttpResponse::Ok().json(response)
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

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(store: web::Data<Store>) -> HttpResponse {
    match cdmo_store::query::ping(&store).await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok" })),
        Err(e) => {
            tracing::warn!("health check failed: {e}");
            HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable" }))
        }
    }
}
