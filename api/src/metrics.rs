//! Prometheus metrics at `GET /metrics` (text format), when `MOBILITY_METRICS` is on: requests
//! by method, route pattern and status, their latency, the database pool, and the depth of the
//! outbox and the webhook queue. Each server keeps its own recorder (not the process-wide one), so several servers
//! in one process (the tests) count separately.

use entity::enums::NotificationStatus;
use entity::notification;
use metrics::{Key, Label, Level, Metadata, Recorder};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use sea_orm::{
    ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};

const META: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// Latency buckets, in seconds: 1 ms to 10 s.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                BUCKETS,
            )
            // Only an empty bucket list is refused; BUCKETS is not empty.
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        let handle = recorder.handle();
        Self { recorder, handle }
    }

    /// One request served: `route` is the matched pattern (`/api/v1/applications/{id}`), or
    /// `unmatched`, so ids never become labels.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let labels = vec![
            Label::new("method", method.to_string()),
            Label::new("route", route.to_string()),
            Label::new("status", status.to_string()),
        ];
        self.recorder
            .register_counter(&Key::from_parts("http_requests_total", labels), &META)
            .increment(1);
        let labels = vec![
            Label::new("method", method.to_string()),
            Label::new("route", route.to_string()),
        ];
        self.recorder
            .register_histogram(
                &Key::from_parts("http_request_duration_seconds", labels),
                &META,
            )
            .record(seconds);
    }

    fn gauge(&self, name: &'static str, value: f64) {
        self.recorder
            .register_gauge(&Key::from_name(name), &META)
            .set(value);
    }

    /// The text exposition, with the gauges read now: the pool's open and idle connections,
    /// and the messages waiting in the outbox.
    pub async fn render(&self, db: &DatabaseConnection) -> String {
        let (size, idle) = match db.get_database_backend() {
            DatabaseBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        };
        self.gauge("db_pool_connections", f64::from(size));
        self.gauge("db_pool_idle_connections", idle as f64);
        match notification::Entity::find()
            .filter(notification::Column::Status.eq(NotificationStatus::Queued))
            .count(db)
            .await
        {
            Ok(n) => self.gauge("outbox_queued_messages", n as f64),
            Err(e) => tracing::warn!(error = %e, "metrics: cannot count the outbox"),
        }
        match entity::webhook_delivery::Entity::find()
            .filter(entity::webhook_delivery::Column::Status.eq("pending"))
            .count(db)
            .await
        {
            Ok(n) => self.gauge("webhook_pending_deliveries", n as f64),
            Err(e) => tracing::warn!(error = %e, "metrics: cannot count webhook deliveries"),
        }
        self.handle.render()
    }
}

/// `GET /metrics`: the Prometheus text format.
pub async fn serve(
    state: actix_web::web::Data<crate::state::AppState>,
    metrics: actix_web::web::Data<Metrics>,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render(&state.db).await)
}
