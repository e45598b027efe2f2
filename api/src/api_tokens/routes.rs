use super::service::{self, Issue};
use crate::http::checks::not_blank;
use crate::http::{ApiResult, AuthUser, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use entity::enums::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_api_token)
        .service(list_api_tokens)
        .service(revoke_api_token);
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "COBISS sync, Mestna knjižnica Kranj", "role": "library", "organisation_id": "0190b5f4-1c1e-7b8a-9c3d-2f4e5a6b7c8d", "expires_in_days": 365}))]
pub struct ApiTokenRequest {
    /// What the token is for (shown in lists and the audit log).
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub name: String,
    /// The role the script acts in.
    pub role: Role,
    /// The organisation, for roles that belong to one (a library system: its library).
    pub organisation_id: Option<Uuid>,
    /// Days until it stops working (1 to 730; default 365).
    #[validate(range(min = 1, max = 730))]
    #[schema(minimum = 1, maximum = 730)]
    pub expires_in_days: Option<i64>,
}

/// An API token (never the token itself again).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenDto {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    /// The service-account user the token acts as (it appears in the audit log).
    pub user_id: Uuid,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new API token, with the token shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewApiTokenDto {
    #[serde(flatten)]
    pub api_token: ApiTokenDto,
    /// Send as `Authorization: Bearer <token>`.
    #[schema(example = "mob_3q2-7wEvXhM8lYy0dQfGQ4bJ0uJc9tW5sKxR1aPz6nE")]
    pub token: String,
}

fn dto(t: entity::api_token::Model, u: &entity::user::Model) -> ApiTokenDto {
    ApiTokenDto {
        id: t.id,
        name: t.name,
        role: u.role,
        organisation_id: u.organisation_id,
        user_id: t.user_id,
        created_by: t.created_by,
        created_at: t.created_at,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
    }
}

/// Issue an API token for a script.
///
/// Admins issue tokens of any role; coordinators of the roles they manage (`library`,
/// `participant`, `host`; others 403). The token acts as a service-account user of that role
/// and organisation (a library system's token: its library, seeing and doing what that
/// library's users may), is sent as `Authorization: Bearer <token>`, and needs no password and
/// no refresh. It is shown in this answer only (a hash is kept); it stops working at
/// `expires_at` or when revoked. A role that needs an organisation without one, or with one of
/// the wrong kind, is 422. Audited.
#[utoipa::path(
    tag = "auth", operation_id = "createApiToken",
    request_body = ApiTokenRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued, with the token", body = NewApiTokenDto),
        (status = 403, description = "May not issue tokens of this role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-tokens")]
async fn create_api_token(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::http::Json<ApiTokenRequest>,
) -> ApiResult<HttpResponse> {
    let r = body.into_inner();
    let issued = service::issue(
        &state.db,
        &user,
        Issue {
            name: r.name,
            role: r.role,
            organisation_id: r.organisation_id,
            expires_in_days: r.expires_in_days.unwrap_or(365),
        },
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((LOCATION, format!("/api/v1/api-tokens/{}", issued.token.id)))
        .json(NewApiTokenDto {
            api_token: dto(issued.token, &issued.user),
            token: issued.secret,
        }))
}

/// API tokens, newest first.
///
/// Admins see every token, coordinators those they issued (others 403); never a token itself.
#[utoipa::path(
    tag = "auth", operation_id = "listApiTokens",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Tokens", body = Page<ApiTokenDto>),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-tokens")]
async fn list_api_tokens(
    state: web::Data<AppState>,
    user: AuthUser,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let items: Vec<ApiTokenDto> = service::list(&state.db, &user)
        .await?
        .into_iter()
        .map(|(t, u)| dto(t, &u))
        .collect();
    Ok(HttpResponse::Ok().json(page.page_of(items, |t| t.id)))
}

/// Revoke an API token.
///
/// Admins, and the coordinator who issued it (others 403; a token they did not issue, or one
/// already revoked, 404 `api_token.not_found`). It stops working at once and its service
/// account is deactivated. Audited.
#[utoipa::path(
    tag = "auth", operation_id = "revokeApiToken",
    params(("id" = Uuid, Path, description = "Token id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token (`api_token.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api-tokens/{id}")]
async fn revoke_api_token(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::revoke(&state.db, &user, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
