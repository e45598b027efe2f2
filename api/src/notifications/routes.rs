use super::service::{self, NotificationDto, OutboxQuery};
use crate::http::{ApiResult, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(outbox);
}

/// The notification outbox: messages queued for delivery, oldest first.
///
/// Admins and coordinators only (403 otherwise). Returns a page of e-mail messages, oldest
/// first, filterable by status, kind, recipient e-mail and object id: `application.received`,
/// `committee.scoring_open`, `selection.selected`, `selection.reserve`, `selection.rejected`,
/// `selection.promoted`, `agreement.ready`, `meeting.invitation`, `meeting.moved`, and the
/// reminders `reminder.signature_missing`, `reminder.obligation_due`,
/// `reminder.obligation_overdue`; each with its language, whether the recipient may switch it
/// off, and its delivery (`queued`, `sent` with its `message_id`, `failed`; attempts and the
/// last error). Messages are sent by SMTP when the server has `MOBILITY_SMTP_URL`. Reading it
/// does not send or mark anything.
#[utoipa::path(
    tag = "notifications",
    operation_id = "listOutbox",
    params(OutboxQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of notifications", body = Page<NotificationDto>),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notifications/outbox")]
async fn outbox(
    state: web::Data<AppState>,
    _user: crate::http::Gated<crate::http::Staff>,
    q: web::Query<OutboxQuery>,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    Ok(HttpResponse::Ok().json(service::list(&state.db, q, page).await?))
}
