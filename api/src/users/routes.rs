use super::dto::{CreateUserRequest, UpdateUserRequest, UserDto, UserQuery};
use super::policy::listable_roles;
use super::policy::{self, UpdateRights};
use super::service::{self, NewUser};
use crate::audit::Actor;
use crate::http::etag::etag;
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(delete_user);
}

fn respond(status: actix_web::http::StatusCode, m: entity::user::Model) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag(m.id, m.updated_at)))
        .json(UserDto::from(m))
}

/// List users.
///
/// Admins see everyone; coordinators see library, participant and host users.
///
/// Admins and coordinators; other roles get 403. Admins see every user, coordinators only
/// `library`, `participant` and `host` users (other roles are silently filtered out). Filter by
/// role, organisation, active flag, `q` (substring of e-mail or name) and `updated_since`;
/// results are paged and ordered by e-mail unless `sort` says otherwise.
#[utoipa::path(
    tag = "users",
    operation_id = "listUsers",
    params(UserQuery, PageParams, UpdatedSince),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of users, ordered by e-mail", body = Page<UserDto>),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    q: web::Query<UserQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    let result = service::list(
        &state.db,
        listable_roles(&user),
        q,
        since.into_inner(),
        page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(result.map(UserDto::from)))
}

/// Create a user.
///
/// Coordinators may create library, participant and host users; admins anyone.
///
/// Admins create users of any role; coordinators only `library`, `participant` and `host` users
/// (else 403). The e-mail is trimmed and lower-cased, the password hashed, the user is active
/// unless `active: false`, and a `create` audit entry is written. A `library` user needs a
/// member-library organisation and a `host` user a host or partner (422 on `organisation_id`);
/// a used e-mail is 409 `user.email_taken`.
#[utoipa::path(
    tag = "users",
    operation_id = "createUser",
    request_body = CreateUserRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = UserDto),
        (status = 403, description = "The caller may not create users of this role", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail already used (`user.email_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or an organisation that does not fit the role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
async fn create_user(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    body: crate::http::Json<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    policy::may_create(&user, b.role)?;
    let new = NewUser {
        email: b.email,
        full_name: b.full_name,
        role: b.role,
        organisation_id: b.organisation_id,
        password: b.password,
        active: b.active.unwrap_or(true),
    };
    let m = service::create(&state.db, &Actor::from(&user), new).await?;
    let location = format!("/users/{}", m.id);
    Ok(crate::http::created(
        respond(actix_web::http::StatusCode::CREATED, m),
        location,
    ))
}

/// Load a user the caller may see (themselves, or one they manage); 404 otherwise.
async fn visible(state: &AppState, caller: &AuthUser, id: Uuid) -> ApiResult<entity::user::Model> {
    policy::visible(caller, service::get_model(&state.db, id).await?)
}

/// Get a user.
///
/// Any signed-in user may read their own record; admins read anyone, coordinators only
/// `library`, `participant` and `host` users. Anyone else, including a coordinator asking for
/// an admin or another coordinator, gets 404 `user.not_found`. The `ETag` is what `updateUser`
/// and `deleteUser` take in `If-Match`.
#[utoipa::path(
    tag = "users",
    operation_id = "getUser",
    params(("id" = Uuid, Path, description = "User id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = UserDto, headers(("ETag" = String, description = "Send it back in If-Match when changing the user"))),
        (status = 404, description = "No such user, or not visible to the caller (`user.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
async fn get_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = visible(&state, &user, *id).await?;
    Ok(respond(actix_web::http::StatusCode::OK, m))
}

/// Change a user.
///
/// Send only the fields that change. Changing the password, role or active flag ends the
/// user's logins and their access tokens at once (one's own password change keeps the login it
/// was made from).
///
/// Users change their own `full_name` and `password` (with `current_password`); admins, and
/// coordinators for `library`/`participant`/`host` users, also e-mail, role (coordinators only
/// those three), organisation and active flag. Password, role or active changes revoke refresh
/// tokens; changes are audited. Refused: own role or deactivation `user.self_change`,
/// `user.last_admin`, `user.email_taken`, stale `If-Match` 412, wrong current password 422.
#[utoipa::path(
    tag = "users",
    operation_id = "updateUser",
    params(
        ("id" = Uuid, Path, description = "User id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if the user changed since"),
    ),
    request_body = UpdateUserRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = UserDto),
        (status = 403, description = "Field not changeable by the caller (`auth.forbidden`), or one's own role or active flag (`user.self_change`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user (`user.not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "E-mail taken (`user.email_taken`), or the last admin would be lost (`user.last_admin`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match (`request.precondition_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
async fn update_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    let target = visible(&state, &user, *id).await?;
    let rights = UpdateRights::of(&user, &target);
    let m = service::update(
        &state.db,
        &Actor::from(&user),
        *id,
        body.into_inner(),
        rights,
        |cur| if_match.check(&etag(cur.id, cur.updated_at)),
    )
    .await?;
    Ok(respond(actix_web::http::StatusCode::OK, m))
}

/// Delete a user.
///
/// Users referred to by other records cannot be deleted (409 `user.in_use`): deactivate them.
///
/// Admins, and coordinators for `library`, `participant` and `host` users; users the caller may
/// not see are 404 `user.not_found`. Deletes the account for good and writes a `delete` audit
/// entry. Refused for one's own account (403 `user.self_change`), for the last active admin
/// (409 `user.last_admin`), for a user other records still refer to (409 `user.in_use`:
/// deactivate instead) and on a stale `If-Match` (412).
#[utoipa::path(
    tag = "users",
    operation_id = "deleteUser",
    params(
        ("id" = Uuid, Path, description = "User id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not an admin or the user's coordinator (`auth.forbidden`), or one's own account (`user.self_change`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "In use (`user.in_use`), or the last admin (`user.last_admin`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/users/{id}")]
async fn delete_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let target = visible(&state, &user, *id).await?;
    policy::may_delete(&user, &target)?;
    service::delete(&state.db, &Actor::from(&user), *id, |cur| {
        if_match.check(&etag(cur.id, cur.updated_at))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
