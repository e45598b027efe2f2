//! Building and running the application: the same code path for `serve` and for tests.

use crate::auth::tokens::TokenService;
use crate::config::Settings;
use crate::http::fallback::{self, RouteTable};
use crate::http::request_id;
use crate::state::AppState;
use crate::{db, openapi, seed, users};
use actix_web::dev::{Server, Service};
use actix_web::middleware::{Condition, ErrorHandlers};
use actix_web::{App, HttpServer, ResponseError, web};
use futures_util::future::{Either, ready};
use rand::RngCore;
use sea_orm::DatabaseConnection;
use std::net::TcpListener;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

/// Every route of the versioned API, for the server and for the spec alike.
pub fn api_v1(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(crate::auth::routes::configure)
        .configure(crate::users::routes::configure)
        .configure(crate::organisations::routes::configure)
        .configure(crate::projects::routes::configure)
        .configure(crate::mobilities::routes::configure)
        .configure(crate::calls::routes::configure)
        .configure(crate::applications::routes::configure)
        .configure(crate::applications::received::configure)
        .configure(crate::selection::routes::configure)
        .configure(crate::participants::routes::configure)
        .configure(crate::notifications::routes::configure)
        .configure(crate::costs::routes::configure)
        .configure(crate::budget::routes::configure)
        .configure(crate::preparation::routes::configure)
        .configure(crate::agreements::routes::configure)
        .configure(crate::evaluation::routes::configure)
        .configure(crate::dissemination::routes::configure)
        .configure(crate::workshops::routes::configure)
        .configure(crate::stories::routes::configure)
        .configure(crate::practice::routes::configure)
        .configure(crate::obligations::routes::configure)
        .configure(crate::events::routes::configure)
        .configure(crate::api_tokens::routes::configure)
        .configure(crate::webhooks::routes::configure)
        .configure(crate::audit::routes::configure)
        .configure(crate::privacy::routes::configure)
        .configure(crate::overview::routes::configure)
        .configure(crate::sustainability::routes::configure)
        .configure(crate::shared_documents::routes::configure);
}

/// The OpenAPI document the code serves (and `mobility openapi` prints).
pub fn openapi_spec() -> serde_json::Value {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .configure(crate::health::configure)
        .configure(crate::preparation::feed_routes::configure_public)
        .service(scope("/api/v1").configure(api_v1))
        .split_for_parts();
    openapi::finish(api)
}

/// The JWT secret: configured, or generated once into `<data dir>/jwt-secret` (mode 0600).
pub fn jwt_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = &settings.jwt_secret {
        return Ok(secrecy::ExposeSecret::expose_secret(s).as_bytes().to_vec());
    }
    let path = settings.data_dir.join("jwt-secret");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let secret = text.trim().as_bytes().to_vec();
            anyhow::ensure!(
                secret.len() >= 32,
                "{} holds a secret shorter than 32 bytes; delete it to have a new one generated",
                path.display()
            );
            Ok(secret)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&settings.data_dir)?;
            let mut bytes = [0u8; 48];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let secret = hex::encode(bytes);
            crate::fsutil::write_private(&path, secret.as_bytes())?;
            tracing::info!(path = %path.display(), "generated a JWT secret");
            Ok(secret.into_bytes())
        }
        Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
    }
}

/// Connect, migrate, seed a new database with the project's own data, make sure an admin exists.
pub async fn prepare(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let conn = db::connect(settings).await?;
    db::migrate_with_backup(&conn, settings)
        .await
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    if seed::database_is_new(&conn).await? {
        seed::seed(&conn, false).await?;
    } else {
        let txn = db::begin_write(&conn).await?;
        let mut report = seed::SeedReport::default();
        seed::seed_reference_data(
            &txn,
            &crate::audit::Actor::system("system:start-up"),
            &mut report,
        )
        .await?;
        txn.commit().await?;
    }
    users::service::ensure_admin(&conn, settings).await?;
    Ok(conn)
}

pub struct Application {
    port: u16,
    server: Server,
    statements: Arc<std::sync::atomic::AtomicU64>,
}

impl Application {
    /// Prepare the database and bind the listener (`bind` may use port 0).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(crate::clock::SystemClock)).await
    }

    /// As [`Application::build`], with the clock the business rules see (tests set the time).
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn crate::clock::Clock>,
    ) -> anyhow::Result<Self> {
        let secret = jwt_secret(&settings)?;
        let mut conn = prepare(&settings).await?;
        // Every SQL statement the service runs, counted (a list whose count grows with its
        // rows queries per row).
        let statements = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = statements.clone();
        conn.set_metric_callback(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        crate::auth::service::warm_up();
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let tokens = TokenService::new(&secret, &settings);
        // The data folder and the uploaded files are the service's own (0700).
        crate::fsutil::create_private_dir(&settings.data_dir)?;
        crate::fsutil::create_private_dir(&settings.data_dir.join("blobs"))?;
        let blobs = Arc::new(crate::storage::LocalBlobStore::new(
            settings.data_dir.join("blobs"),
        ));
        // Documents made before they were stored are rendered and kept now, before anything
        // serves them.
        let kept = crate::agreements::service::store_rendered(&conn, blobs.as_ref())
            .await
            .map_err(|e| anyhow::anyhow!("storing agreement documents: {e}"))?;
        if kept > 0 {
            tracing::info!(
                documents = kept,
                "stored the PDFs of existing agreement versions"
            );
        }
        let state = web::Data::new(AppState {
            db: conn,
            settings: Arc::new(settings.clone()),
            tokens,
            clock,
            blobs,
            throttle: Arc::new(crate::auth::throttle::LoginThrottle::new(&settings)),
        });
        crate::jobs::spawn(state.clone());
        let spec = openapi_spec();
        let routes = web::Data::new(RouteTable::from_openapi(&spec));
        let shutdown = settings.shutdown_timeout_seconds;
        let cors_origins = settings.cors_origins();
        let cors_on = !cors_origins.is_empty();
        let metrics = settings
            .metrics
            .then(|| web::Data::new(crate::metrics::Metrics::new()));
        let server = HttpServer::new(move || {
            // The spec route goes first: the /api/v1 scope would otherwise claim its path.
            let (app, _) = App::new()
                .service(
                    SwaggerUi::new("/docs/{_:.*}")
                        .external_url_unchecked("/api/v1/openapi.json", spec.clone())
                        .config(
                            SwaggerConfig::default()
                                .persist_authorization(true)
                                .filter(true)
                                .display_operation_id(true)
                                .try_it_out_enabled(true),
                        ),
                )
                .into_utoipa_app()
                .configure(crate::health::configure)
                .configure(crate::preparation::feed_routes::configure_public)
                .service(scope("/api/v1").configure(api_v1))
                .split_for_parts();
            app.app_data(state.clone())
                .app_data(routes.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(1024 * 1024)
                        .error_handler(fallback::json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(fallback::query_error))
                .app_data(web::PathConfig::default().error_handler(fallback::path_error))
                .app_data(web::PayloadConfig::new(crate::http::MAX_RAW_BODY_BYTES))
                .service(web::redirect("/docs", "/docs/"))
                .configure(|cfg| {
                    if let Some(m) = &metrics {
                        cfg.app_data(m.clone())
                            .route("/metrics", web::get().to(crate::metrics::serve));
                    }
                })
                .default_service(web::to(fallback::not_found))
                .wrap(actix_web::middleware::from_fn(
                    crate::http::idempotency::middleware,
                ))
                .wrap_fn({
                    let routes = routes.clone();
                    move |req, srv| match fallback::check_request(&routes, &req) {
                        Some(refused) => {
                            let res = req.into_response(refused.error_response());
                            Either::Left(ready(Ok(res.map_into_right_body())))
                        }
                        None => {
                            let fut = srv.call(req);
                            Either::Right(async move { fut.await.map(|r| r.map_into_left_body()) })
                        }
                    }
                })
                .wrap(ErrorHandlers::new().default_handler(fallback::problemize))
                // Outside the error handlers, so refusals carry CORS headers too; inside the
                // method check's caller, so a preflight is answered, not refused.
                .wrap(Condition::new(
                    cors_on,
                    crate::http::cors::middleware(&cors_origins),
                ))
                // CORS refusals (answered by the middleware as plain text) as problems.
                .wrap_fn(|req, srv| {
                    let fut = srv.call(req);
                    async move {
                        let res = fut.await?;
                        let refused = res.response().error().and_then(crate::http::cors::problem);
                        Ok(match refused {
                            Some(p) => res.into_response(p.error_response()),
                            None => res.map_into_boxed_body(),
                        })
                    }
                })
                .wrap_fn({
                    let metrics = metrics.clone();
                    move |req, srv| {
                        let started = std::time::Instant::now();
                        let fut = srv.call(req);
                        let metrics = metrics.clone();
                        async move {
                            let mut res = fut.await?;
                            if let Some(m) = &metrics {
                                let route = res
                                    .request()
                                    .match_pattern()
                                    .unwrap_or_else(|| "unmatched".into());
                                m.request(
                                    res.request().method().as_str(),
                                    &route,
                                    res.status().as_u16(),
                                    started.elapsed().as_secs_f64(),
                                );
                            }
                            tracing::info!(
                                method = %res.request().method(),
                                path = %res.request().path(),
                                status = res.status().as_u16(),
                                "request handled"
                            );
                            request_id::echo(&mut res);
                            Ok(res)
                        }
                    }
                })
                .wrap(TracingLogger::<request_id::Spans>::new())
                // Outermost: the request id is known before the tracing span opens; every
                // response, refusals included, gets the browser headers (http::headers).
                .wrap_fn(|req, srv| {
                    request_id::assign(&req);
                    let credentials = crate::http::headers::with_credentials(&req);
                    let path = req.path().to_string();
                    let fut = srv.call(req);
                    async move {
                        let mut res = fut.await?;
                        crate::http::headers::apply(res.headers_mut(), &path, credentials);
                        Ok(res)
                    }
                })
        })
        .listen(listener)?
        .shutdown_timeout(shutdown)
        .run();
        Ok(Self {
            port,
            server,
            statements,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The number of SQL statements run since the start (shared: it keeps counting while the
    /// server runs).
    pub fn statements(&self) -> Arc<std::sync::atomic::AtomicU64> {
        self.statements.clone()
    }

    /// Serve until SIGTERM or Ctrl-C, then let in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
