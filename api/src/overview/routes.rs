//! `GET /api/v1/me/overview`.

use super::dto::Overview;
use crate::http::{ApiResult, AuthUser, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(overview);
}

/// What needs the caller's attention now, in one call.
///
/// Any signed-in user; the lists concern the caller's role and are empty otherwise. A
/// participant: each participation with its mobility (host named), the meetings ahead, open
/// preparation tasks, obligations not yet met with their due dates, and agreements to sign
/// (with the `etag` for signing by `If-Match`); the applications naming them. A `library` user:
/// the library's applications in play (drafts name the signatures they lack) and its
/// participants with what is overdue and the agreements the library signs. A committee member
/// (and a coordinator on a committee): the applications still to score. Coordinators and
/// admins: calls whose selection is not final everywhere (drafts, drafts missing signatures,
/// submitted, unscored), and every mobility not cancelled with its unsigned agreements,
/// participants with overdue obligations and the meetings ahead. A host user: the mobilities
/// its organisation hosts, with the agreements waiting for the host. Names (library, host,
/// mobility) come with every id a screen shows.
#[utoipa::path(
    tag = "users", operation_id = "getMyOverview",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What needs attention", body = Overview),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/overview")]
async fn overview(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let out = super::service::build(&state.db, state.clock.as_ref(), &user).await?;
    Ok(HttpResponse::Ok().json(out))
}
