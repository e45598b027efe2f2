//! Liveness and readiness probes.

use crate::http::{ApiError, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness: the process is up and serving.
///
/// Anonymous; no token needed. Answers 200 with `{"status": "ok"}` whenever the process is up
/// and serving requests, without touching the database, so it suits a liveness probe. It
/// changes nothing and has no failure case of its own.
#[utoipa::path(
    tag = "health",
    operation_id = "healthLive",
    responses((status = 200, description = "Alive", body = HealthStatus))
)]
#[get("/health/live")]
async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus {
        status: "ok".into(),
    })
}

/// Readiness: the database answers.
///
/// Anonymous; no token needed. Pings the database and answers 200 with `{"status": "ok"}` when
/// it responds, so it suits a readiness probe or a load balancer check. When the database does
/// not answer it is 503 `health.database_unavailable` (the cause is logged, not returned).
#[utoipa::path(
    tag = "health",
    operation_id = "healthReady",
    responses(
        (status = 200, description = "Ready", body = HealthStatus),
        (status = 503, description = "The database does not answer (`health.database_unavailable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    match crate::db::ping(&state.db).await {
        Ok(()) => Ok(HttpResponse::Ok().json(HealthStatus {
            status: "ok".into(),
        })),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "health.database_unavailable",
                "The database does not answer.",
            ))
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(live).service(ready);
}
