//! Personal calendar feeds: created and revoked with a login, fetched by calendar applications
//! without one.

use super::feeds;
use super::ics::ics;
use crate::http::pagination::PageParams;
use crate::http::{ApiResult, AuthUser, Page, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_feed)
        .service(list_feeds)
        .service(revoke_feed);
}

/// The routes outside `/api/v1`: a calendar feed by its secret token.
pub fn configure_public(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(feed_calendar);
}

/// A personal calendar feed (its token is never shown again).
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeedDto {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    /// When a calendar application last fetched it.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A new calendar feed: subscribe a calendar application to `url`. The token is shown this
/// once; whoever has the URL sees the calendar, so revoke a feed that leaked.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewCalendarFeedDto {
    pub id: Uuid,
    #[schema(
        example = "https://mobility.example.org/calendar/cal_3q2-7wEvXhM8lYy0dQfGQ4bJ0uJc9tW5sKxR1aPz6nE.ics"
    )]
    pub url: String,
    pub token: String,
    pub created_at: DateTime<Utc>,
}

impl From<entity::calendar_feed::Model> for CalendarFeedDto {
    fn from(f: entity::calendar_feed::Model) -> Self {
        Self {
            id: f.id,
            created_at: f.created_at,
            last_used_at: f.last_used_at,
        }
    }
}

/// Create a personal calendar feed: a secret URL a calendar application subscribes to.
///
/// Any signed-in user. Answers the feed's `url` (`/calendar/{token}.ics`, also in `Location`)
/// and its token, shown this once (only a hash is kept). The feed holds the mobilities the user
/// takes part in (all of them for admins, coordinators and the accountant; the hosted ones for
/// a host; those with a participant the user sees for libraries and participants) and their
/// meetings (`internal` ones only for admins and coordinators), each with `SEQUENCE` and
/// `LAST-MODIFIED`, so a moved meeting updates its event. Audited.
#[utoipa::path(
    tag = "preparation", operation_id = "createCalendarFeed",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new feed, with its URL and token", body = NewCalendarFeedDto),
    )
)]
#[post("/calendar-feeds")]
async fn create_feed(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    let new = feeds::create(&state.db, &user).await?;
    let info = req.connection_info();
    let url = format!(
        "{}://{}/calendar/{}.ics",
        info.scheme(),
        info.host(),
        new.token
    );
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, url.clone()))
        .json(NewCalendarFeedDto {
            id: new.feed.id,
            url,
            token: new.token,
            created_at: new.feed.created_at,
        }))
}

/// The caller's calendar feeds that still work.
///
/// Any signed-in user sees their own feeds (never anyone else's, and never a token again),
/// oldest first, with when a calendar application last fetched each.
#[utoipa::path(
    tag = "preparation", operation_id = "listCalendarFeeds",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's feeds", body = Page<CalendarFeedDto>),
    )
)]
#[get("/calendar-feeds")]
async fn list_feeds(
    state: web::Data<AppState>,
    user: AuthUser,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let items: Vec<CalendarFeedDto> = feeds::list(&state.db, &user)
        .await?
        .into_iter()
        .map(CalendarFeedDto::from)
        .collect();
    Ok(HttpResponse::Ok().json(page.page_of(items, |f| f.id)))
}

/// Revoke one of the caller's calendar feeds.
///
/// The feed's owner only (anyone else's, or one already revoked, is 404
/// `calendar_feed.not_found`). Its URL stops working at once; audited.
#[utoipa::path(
    tag = "preparation", operation_id = "revokeCalendarFeed",
    params(("id" = Uuid, Path, description = "Feed id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such feed of the caller (`calendar_feed.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/calendar-feeds/{id}")]
async fn revoke_feed(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    feeds::revoke(&state.db, &user, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A personal calendar feed (RFC 5545), for calendar applications: no login, the token is the
/// key.
///
/// Anonymous: the secret token in the path is the credential (an unknown or revoked token, or
/// one of a deactivated user, is 404 `calendar_feed.not_found`). Returns the calendar of the
/// feed's owner: the mobilities they take part in as all-day events and their meetings, each
/// with a stable `UID`, `SEQUENCE` and `LAST-MODIFIED`, so a calendar that polls it updates a
/// moved meeting instead of adding another.
#[utoipa::path(
    tag = "preparation", operation_id = "getCalendarFeed",
    params(("token" = String, Path, description = "The feed's secret token")),
    responses(
        (status = 200, description = "iCalendar", content_type = "text/calendar", body = String),
        (status = 404, description = "No such feed (`calendar_feed.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/{token}.ics")]
async fn feed_calendar(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let feed = feeds::calendar(&state.db, &token).await?;
    Ok(ics(feed.body, &feed.name))
}
