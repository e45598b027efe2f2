use super::dto::{DeliveryDto, NewWebhookDto, WebhookDto, WebhookRequest, WebhookUpdate};
use super::{delivery, service};
use crate::audit::Actor;
use crate::http::{ApiResult, AuthUser, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(list_deliveries)
        .service(redeliver);
}

/// Register a webhook endpoint.
///
/// Admins, coordinators and library users (others 403). The endpoint receives, from now on,
/// the events its owner may see in `GET /events` (of `event_types`, or all), each as a `POST`
/// signed as Standard Webhooks say: `webhook-id` (the event's id, the same on every attempt),
/// `webhook-timestamp` and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of
/// `id.timestamp.body` keyed with the secret). A delivery not answered 2xx is retried after
/// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then `failed`. The `secret` is in this answer
/// only. A URL that is not http(s), has credentials, or names a loopback, private or
/// link-local address is 422 (`url`); an unknown event type 422 (`event_types[i]`). Audited.
#[utoipa::path(
    tag = "webhooks", operation_id = "createWebhook",
    request_body = WebhookRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered, with its secret", body = NewWebhookDto),
        (status = 403, description = "Not a role that registers webhooks", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid URL or event type", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
async fn create_webhook(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::http::Json<WebhookRequest>,
) -> ApiResult<HttpResponse> {
    let allow = state.settings.webhook_allow_private_addresses;
    let (m, secret) = service::create(&state.db, &user, allow, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/webhooks/{}", m.id)))
        .json(NewWebhookDto {
            endpoint: WebhookDto::from(m),
            secret,
        }))
}

/// The caller's webhook endpoints.
///
/// Admins see every endpoint; coordinators and library users their own (others 403). Never a
/// secret.
#[utoipa::path(
    tag = "webhooks", operation_id = "listWebhooks",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Endpoints", body = Page<WebhookDto>),
        (status = 403, description = "Not a role that registers webhooks", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks")]
async fn list_webhooks(
    state: web::Data<AppState>,
    user: AuthUser,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let items: Vec<WebhookDto> = service::list(&state.db, &user)
        .await?
        .into_iter()
        .map(WebhookDto::from)
        .collect();
    Ok(HttpResponse::Ok().json(page.page_of(items, |w| w.id)))
}

/// One webhook endpoint.
///
/// Its owner and admins; anyone else 404 `webhook.not_found`. Never the secret.
#[utoipa::path(
    tag = "webhooks", operation_id = "getWebhook",
    params(("id" = Uuid, Path, description = "Endpoint id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoint", body = WebhookDto),
        (status = 404, description = "No such endpoint of the caller (`webhook.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}")]
async fn get_webhook(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = service::visible(&state.db, &user, *id).await?;
    Ok(HttpResponse::Ok().json(WebhookDto::from(m)))
}

/// Change a webhook endpoint: URL, event types, description, or pause it (`active: false`).
///
/// Its owner and admins; anyone else 404 `webhook.not_found`. The same rules as registering
/// for the URL and types (422). A paused endpoint is sent nothing; switched on again, it
/// receives what happened meanwhile (within the event retention). Audited.
#[utoipa::path(
    tag = "webhooks", operation_id = "updateWebhook",
    params(("id" = Uuid, Path, description = "Endpoint id")),
    request_body = WebhookUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = WebhookDto),
        (status = 404, description = "No such endpoint of the caller (`webhook.not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid URL or event type", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
async fn update_webhook(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<WebhookUpdate>,
) -> ApiResult<HttpResponse> {
    let allow = state.settings.webhook_allow_private_addresses;
    let m = service::update(&state.db, &user, allow, *id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(WebhookDto::from(m)))
}

/// Remove a webhook endpoint and its delivery log.
///
/// Its owner and admins; anyone else 404 `webhook.not_found`. Nothing more is sent. Audited.
#[utoipa::path(
    tag = "webhooks", operation_id = "deleteWebhook",
    params(("id" = Uuid, Path, description = "Endpoint id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such endpoint of the caller (`webhook.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
async fn delete_webhook(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, &user, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The delivery log of an endpoint, newest first.
///
/// Its owner and admins; anyone else 404 `webhook.not_found`. Each delivery: the event, its
/// status (`pending`, `delivered`, `failed`), attempts, the last response's status or error,
/// and when it is tried next.
#[utoipa::path(
    tag = "webhooks", operation_id = "listWebhookDeliveries",
    params(("id" = Uuid, Path, description = "Endpoint id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Deliveries", body = Page<DeliveryDto>),
        (status = 404, description = "No such endpoint of the caller (`webhook.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
async fn list_deliveries(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let ep = service::visible(&state.db, &user, *id).await?;
    let items: Vec<DeliveryDto> = delivery::list(&state.db, ep.id)
        .await?
        .into_iter()
        .map(DeliveryDto::from)
        .collect();
    Ok(HttpResponse::Ok().json(page.page_of(items, |d| d.id)))
}

/// Send a delivery again.
///
/// Its endpoint's owner and admins (anyone else 404 `webhook.not_found`; a delivery of
/// another endpoint 404 `delivery.not_found`). Queues a new delivery of the same message
/// (same body and `webhook-id`, so a receiver that already has it can tell), sent at the next
/// round of background work. Audited.
#[utoipa::path(
    tag = "webhooks", operation_id = "redeliverWebhookDelivery",
    params(("id" = Uuid, Path, description = "Endpoint id"), ("delivery_id" = Uuid, Path, description = "Delivery id")),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued again", body = DeliveryDto),
        (status = 404, description = "No such endpoint (`webhook.not_found`) or delivery (`delivery.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
async fn redeliver(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, delivery_id) = path.into_inner();
    let ep = service::visible(&state.db, &user, id).await?;
    let d = delivery::redeliver(&state.db, &Actor::from(&user), ep.id, delivery_id).await?;
    Ok(HttpResponse::Accepted().json(DeliveryDto::from(d)))
}
