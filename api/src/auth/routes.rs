use super::dto::{LoginRequest, RefreshRequest, TokenResponse};
use super::service;
use crate::http::auth::request_id;
use crate::http::{ApiResult, AuthUser, Problem};
use crate::state::AppState;
use crate::users::dto::UserDto;
use crate::users::service as users;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

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
///
/// On a fresh `mobility serve` the first admin is `admin@localhost`, and its password is
/// in the file `data/initial-admin-password` (in `MOBILITY_DATA_DIR`; readable only by the
/// user running the service), unless `MOBILITY_ADMIN_EMAIL` and `MOBILITY_ADMIN_PASSWORD`
/// named another admin. Put that password in the example, send it, then click
/// **Authorize** and paste the `access_token`: the authorisation is kept across reloads.
///
/// Anonymous; no bearer token needed. Checks the e-mail (trimmed, case-insensitive) and
/// password and returns a short-lived access token (15 minutes by default) plus a single-use
/// refresh token that starts a new login; it stamps the user's last-login time and writes a
/// `login` audit entry, and the response is `Cache-Control: no-store`. An unknown e-mail, a
/// wrong password and an inactive account all get the same 401 `auth.invalid_credentials`.
/// Failed logins are throttled per account and per client address (429
/// `auth.too_many_attempts` with `Retry-After`; the same for accounts that do not exist); a
/// successful login gives the account its attempts back.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body(content = LoginRequest, example = json!({"email": "admin@localhost", "password": "the contents of data/initial-admin-password"})),
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Unknown e-mail, wrong password or inactive user (`auth.invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or over-long fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins for this account or from this address (`auth.too_many_attempts`); `Retry-After` says when to try again", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the next attempt is allowed"))),
    )
)]
#[post("/auth/login")]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::http::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let account = service::normalise_email(&body.email);
    let address = req.peer_addr().map(|a| a.ip());
    state
        .throttle
        .check(&account, address, std::time::Instant::now())?;
    let t = match service::login(
        &state.db,
        &state.tokens,
        &body.email,
        &body.password,
        request_id(&req),
    )
    .await
    {
        Ok(t) => {
            state.throttle.succeeded(&account);
            t
        }
        Err(e) => {
            if e.code == "auth.invalid_credentials" {
                state
                    .throttle
                    .failed(&account, address, std::time::Instant::now());
            }
            return Err(e);
        }
    };
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(t))
}

/// Exchange a refresh token for a new token pair.
///
/// Each refresh token can be used once. Presenting a used one again revokes the whole login.
///
/// Anonymous; the refresh token itself is the credential. It spends the token and returns a new
/// access/refresh pair of the same login, with a `refresh_token` audit entry. Presenting an
/// already-spent token again revokes every token of that login (possible theft); unknown,
/// expired, revoked or spent tokens, or a token whose user is now inactive, get 401
/// `auth.invalid_refresh_token`.
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
    let t = service::refresh(&state.db, &state.tokens, &body.refresh_token).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(t))
}

/// Log out: revoke the refresh token and every token rotated from the same login.
///
/// Anonymous; send the refresh token in the body. It revokes that token and every token rotated
/// from the same login and writes a `logout` audit entry; an unknown token is silently accepted
/// (still 204). The access tokens of that login stop working at once (401
/// `auth.invalid_token`), on every instance of the service.
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
    service::logout(&state.db, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The user the access token belongs to.
///
/// Any signed-in user, whatever the role. Returns the caller's own user record (id, e-mail,
/// name, role, organisation, active), read fresh from the database, so a role or organisation
/// change shows at once. A token of a deleted or deactivated user gets 401
/// `auth.invalid_token`; an expired one `auth.token_expired`.
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
