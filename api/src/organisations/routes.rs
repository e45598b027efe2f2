use super::dto::{
    CreateOrganisationRequest, ImportReport, OrganisationDto, OrganisationQuery,
    UpdateOrganisationRequest,
};
use super::service;
use crate::audit::Actor;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiError, ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_organisations)
        .service(create_organisation)
        .service(import_organisations)
        .service(get_organisation)
        .service(update_organisation);
}

fn dto(user: &AuthUser, m: entity::organisation::Model) -> OrganisationDto {
    let show = super::policy::shows_contacts(user, m.id);
    OrganisationDto::new(m, show)
}

/// List organisations.
///
/// Any signed-in user. Returns a page of organisations (member libraries, hosts, partners, the
/// coordinator), ordered by name unless `sort` says otherwise, filterable by kind, country,
/// city, `q` text and `updated_since`. Director name and e-mail are filled in only for admins,
/// coordinators and members of that same organisation; for everyone else they are null.
#[utoipa::path(
    tag = "organisations",
    operation_id = "listOrganisations",
    params(OrganisationQuery, PageParams, UpdatedSince),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of organisations, ordered by name", body = Page<OrganisationDto>))
)]
#[get("/organisations")]
async fn list_organisations(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<OrganisationQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    let result = service::list(&state.db, q, since.into_inner(), page).await?;
    Ok(HttpResponse::Ok().json(result.map(|m| dto(&user, m))))
}

/// Create an organisation. Admins and coordinators.
///
/// Admins and coordinators only (403 otherwise). Stores an organisation with its kind
/// (`coordinator`, `member_library`, `host`, `partner`), ISO country and contacts, trimming
/// text and lower-casing e-mails, and writes a `create` audit entry. An organisation with the
/// same name in the same city (case and spacing ignored) is 409 `organisation.duplicate`; bad
/// fields are 422 `validation.failed`.
#[utoipa::path(
    tag = "organisations",
    operation_id = "createOrganisation",
    request_body = CreateOrganisationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = OrganisationDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Same name and city exists (`organisation.duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations")]
async fn create_organisation(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    body: crate::http::Json<CreateOrganisationRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::create(&state.db, &Actor::from(&user), body.into_inner()).await?;
    let location = format!("/organisations/{}", m.id);
    Ok(crate::http::created(
        json_with_etag(
            StatusCode::CREATED,
            etag(m.id, m.updated_at),
            &dto(&user, m),
        ),
        location,
    ))
}

/// Import organisations from CSV.
///
/// The body is the CSV file itself (`Content-Type: text/csv`), UTF-8, with a header row
/// naming the columns `name, kind, country, city` and optionally `email, website,
/// erasmus_oid, director_name, director_email`; comma or semicolon separated. Every data
/// row gets its own result: `created`, `duplicate` (same name and city already stored; the
/// existing id is given) or `error` (with the invalid fields). One bad row rejects nothing else.
///
/// Admins and coordinators only. The body is a UTF-8 CSV (`text/csv`, up to 5 MiB, `,` or `;`)
/// with columns `name, kind, country, city` and optional contacts; each row is created with its
/// own audit entry, or reported `duplicate` (same name and city, existing id given) or `error`
/// with its fields. Refused: not UTF-8 400 `import.invalid_encoding`; empty file 422
/// `import.empty`; missing or unknown columns 422 `import.invalid_header`.
#[utoipa::path(
    tag = "organisations",
    operation_id = "importOrganisations",
    request_body(content = String, content_type = "text/csv", example = "name;kind;country;city\nKnjižnica Kočevje;member_library;SI;Kočevje\n"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Per-row results", body = ImportReport),
        (status = 400, description = "Not UTF-8 (`import.invalid_encoding`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 5 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not text/csv", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty file or bad header row (`import.invalid_header`); more work than one request is allowed (`import.too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy with other heavy requests (`service.busy`), with `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/import")]
async fn import_organisations(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !(ct.starts_with("text/csv") || ct.starts_with("application/csv")) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.unsupported_media_type",
            "Send the CSV file as the body with `Content-Type: text/csv`.",
        ));
    }
    let report = service::import_csv(&state.db, &Actor::from(&user), &body).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Get an organisation.
///
/// Any signed-in user. Returns the organisation with an `ETag` for later changes; director name
/// and e-mail are shown only to admins, coordinators and the organisation's own users. An
/// unknown id is 404 `organisation.not_found`.
#[utoipa::path(
    tag = "organisations",
    operation_id = "getOrganisation",
    params(("id" = Uuid, Path, description = "Organisation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The organisation", body = OrganisationDto, headers(("ETag" = String))),
        (status = 404, description = "No such organisation (`organisation.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}")]
async fn get_organisation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = service::get_model(&state.db, *id).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(m.id, m.updated_at),
        &dto(&user, m),
    ))
}

/// Change an organisation. Admins and coordinators.
///
/// Admins and coordinators only. Changes only the fields sent (name, kind, country, city,
/// contacts, Erasmus OID), with an `update` audit entry naming the changed fields. A new
/// name/city pair that another organisation already has is 409 `organisation.duplicate`; a
/// stale `If-Match` is 412 `request.precondition_failed`; unknown id 404
/// `organisation.not_found`.
#[utoipa::path(
    tag = "organisations",
    operation_id = "updateOrganisation",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since"),
    ),
    request_body = UpdateOrganisationRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = OrganisationDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Same name and city exists", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/organisations/{id}")]
async fn update_organisation(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateOrganisationRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::update(
        &state.db,
        &Actor::from(&user),
        *id,
        body.into_inner(),
        |cur| if_match.check(&etag(cur.id, cur.updated_at)),
    )
    .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(m.id, m.updated_at),
        &dto(&user, m),
    ))
}
