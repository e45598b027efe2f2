use super::dto::{AuditEntry, AuditQuery};
use super::service::{self, AuditFilter};
use crate::http::{ApiResult, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit_log);
}

/// List audit-log entries, newest first.
///
/// Every create, update, delete and action is recorded with its actor, object, time and the
/// names of the changed fields. Admins only.
///
/// Admins only (403 for every other role). Returns a page of audit-log entries, newest first
/// unless `sort` says otherwise, filterable by object type, object id, actor and action: each
/// entry names the actor (user or system), the action (e.g. `create`, `update`, `submit`,
/// `sign`, `finalise_selection`, `login`), the object, the time, the request id and the names
/// of the changed fields, never their values. Reading it changes nothing.
#[utoipa::path(
    tag = "audit",
    operation_id = "listAuditLog",
    params(AuditQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditEntry>),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-log")]
async fn list_audit_log(
    state: web::Data<AppState>,
    _user: crate::http::Gated<crate::http::Admins>,
    q: web::Query<AuditQuery>,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    let filter = AuditFilter {
        object_type: q.object_type,
        object_id: q.object_id,
        actor_id: q.actor_id,
        action: q.action,
        sort: q.sort,
    };
    let result = service::list(&state.db, filter, page).await?;
    Ok(HttpResponse::Ok().json(result.map(AuditEntry::from)))
}
