use super::dto::{LoginRequest, RefreshRequest, TokenResponse};
use super::service;
use crate::http::auth::request_id;
use crate::http::{ApiResult, AuthUser, Problem};
use crate::state::AppState;
use crate::users::dto::UserDto;
use crate::users::service as users;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use validator::Validate;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(me);
}

/// Log in with e-mail and password.
///
/// Returns a short-lived access token (JWT) and a single-use refresh token. An unknown
/// e-mail, a wrong password and an inactive account all get the same 401.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body(content = LoginRequest, example = json!({"email": "admin@localhost", "password": "see data/initial-admin-password"})),
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Unknown e-mail, wrong password or inactive user (`auth.invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or over-long fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::http::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let t = service::login(
        &state.db,
        &state.tokens,
        &body.email,
        &body.password,
        request_id(&req),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(t))
}

/// Exchange a refresh token for a new token pair.
///
/// Each refresh token can be used once. Presenting a used one again revokes the whole login.
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshToken",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenResponse),
        (status = 401, description = "Unknown, expired or used refresh token (`auth.invalid_refresh_token`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    body: crate::http::Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    let t = service::refresh(&state.db, &state.tokens, &body.refresh_token).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(t))
}

/// Log out: revoke the refresh token and every token rotated from the same login.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Revoked (also when the token was unknown)"),
    )
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    body: crate::http::Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    body.validate()?;
    service::logout(&state.db, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The user the access token belongs to.
#[utoipa::path(
    tag = "auth",
    operation_id = "getMe",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = UserDto),
    )
)]
#[get("/auth/me")]
async fn me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let u = users::get_model(&state.db, user.id).await?;
    Ok(HttpResponse::Ok().json(UserDto::from(u)))
}
