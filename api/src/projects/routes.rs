use super::dto::{
    AddPartnerRequest, AddTeamMemberRequest, CreateProjectRequest, PartnerDto, ProjectDto,
    ProjectQuery, TeamMemberDto, UpdateProjectRequest,
};
use super::{partners, service};
use crate::audit::Actor;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_projects)
        .service(create_project)
        .service(get_project)
        .service(project_feed)
        .service(update_project)
        .service(list_team)
        .service(add_team_member)
        .service(remove_team_member)
        .service(add_partner)
        .service(remove_partner);
}

/// The project's public Atom feed: published digital stories and dissemination.
///
/// Public: no token needed. An Atom 1.0 feed (RFC 4287) of the project's digital stories
/// published on Kamra and its dissemination published on the web (portal publications,
/// Knjižničarske novice, library websites, social media posts, each with its address), newest
/// first, at most 50 entries, for portals such as Knjižnice.si to subscribe to. Entries name
/// libraries, never people. An unknown project is 404 `project.not_found`.
#[utoipa::path(
    tag = "projects",
    operation_id = "getProjectFeed",
    params(("id" = Uuid, Path, description = "Project id")),
    responses(
        (status = 200, description = "Atom feed", content_type = "application/atom+xml", body = String),
        (status = 404, description = "No such project (`project.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/feed.atom")]
async fn project_feed(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let self_url = {
        let info = req.connection_info();
        format!("{}://{}{}", info.scheme(), info.host(), req.path())
    };
    let body = super::atom::feed(&state.db, *id, &self_url).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(body))
}

async fn respond(
    state: &AppState,
    status: StatusCode,
    m: entity::project::Model,
) -> ApiResult<HttpResponse> {
    let tag = etag(m.id, m.updated_at);
    let dto = partners::dtos(&state.db, vec![m])
        .await?
        .pop()
        .ok_or_else(|| crate::http::ApiError::internal("a project without its answer"))?;
    Ok(json_with_etag(status, tag, &dto))
}

/// List projects. Public.
///
/// Public: no token needed, and every project is listed whatever its status. Returns a page of
/// projects ordered by start date (or by `sort`: code, start_date, created_at, updated_at),
/// filterable by `status`, exact `code` and `updated_since`. Nothing is changed.
#[utoipa::path(
    tag = "projects",
    operation_id = "listProjects",
    params(ProjectQuery, PageParams, UpdatedSince),
    responses((status = 200, description = "A page of projects, by start date", body = Page<ProjectDto>))
)]
#[get("/projects")]
async fn list_projects(
    state: web::Data<AppState>,
    q: web::Query<ProjectQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    let mut result = service::list(&state.db, q, since.into_inner(), page).await?;
    let items = partners::dtos(&state.db, result.take_items()).await?;
    Ok(HttpResponse::Ok().json(result.with_items(items)))
}

/// Create a project. Admins and coordinators.
///
/// Admins and coordinators only (403 otherwise). Creates a project with its code, programme,
/// action type, titles, applicant organisation and dates; the time zone defaults to
/// Europe/Ljubljana and the status to `planned`, and a `create` audit entry is written. A code
/// already used is 409 `project.code_taken`; an end date before the start or an unknown
/// `applicant_id` is 422 `validation.failed`.
#[utoipa::path(
    tag = "projects",
    operation_id = "createProject",
    request_body = CreateProjectRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ProjectDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already used (`project.code_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, end before start, unknown applicant", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects")]
async fn create_project(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    body: crate::http::Json<CreateProjectRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::create(&state.db, &Actor::from(&user), body.into_inner()).await?;
    let location = format!("/projects/{}", m.id);
    Ok(crate::http::created(
        respond(&state, StatusCode::CREATED, m).await?,
        location,
    ))
}

/// Get a project. Public.
///
/// Public: no token needed. Returns one project with an `ETag` to send back in `If-Match` when
/// changing it. An unknown id is 404 `project.not_found`.
#[utoipa::path(
    tag = "projects",
    operation_id = "getProject",
    params(("id" = Uuid, Path, description = "Project id")),
    responses(
        (status = 200, description = "The project", body = ProjectDto, headers(("ETag" = String))),
        (status = 404, description = "No such project (`project.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}")]
async fn get_project(state: web::Data<AppState>, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    respond(
        &state,
        StatusCode::OK,
        service::get_model(&state.db, *id).await?,
    )
    .await
}

/// Change a project. Admins and coordinators.
///
/// Admins and coordinators only. Changes only the fields sent, including `status`, which can be
/// set to any value with no transition rule, and writes an `update` audit entry listing the
/// changed fields. A code another project has is 409 `project.code_taken`; an end before the
/// start or an unknown applicant is 422; a stale `If-Match` is 412
/// `request.precondition_failed`.
#[utoipa::path(
    tag = "projects",
    operation_id = "updateProject",
    params(
        ("id" = Uuid, Path, description = "Project id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since"),
    ),
    request_body = UpdateProjectRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = ProjectDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already used", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/projects/{id}")]
async fn update_project(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateProjectRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::update(
        &state.db,
        &Actor::from(&user),
        *id,
        body.into_inner(),
        |cur| if_match.check(&etag(cur.id, cur.updated_at)),
    )
    .await?;
    respond(&state, StatusCode::OK, m).await
}

/// List the project team. Any signed-in user.
///
/// Any signed-in user. Returns a page of the project team with each member's name, e-mail, role
/// and function (`responsible_person`, `coordinator`, `accountant`, `committee_member`),
/// ordered by function. The `responsible_person` signs agreements for the association and a
/// `committee_member` coordinator or admin may sit on a selection committee. Unknown project:
/// 404 `project.not_found`.
#[utoipa::path(
    tag = "projects",
    operation_id = "listTeamMembers",
    params(("id" = Uuid, Path, description = "Project id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Team members", body = Page<TeamMemberDto>),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/team")]
async fn list_team(
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<Uuid>,
    q: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = q.validate()?;
    Ok(HttpResponse::Ok().json(service::team(&state.db, *id, page).await?))
}

/// Add a user to the project team with a function. Admins and coordinators.
///
/// Admins and coordinators only. Gives an existing user a function in the project team and
/// writes an audit entry; one user may hold several functions. Only admin, coordinator,
/// committee and accountant users can be in a team (422 on `user_id`, also for an unknown
/// user); the same user with the same function again is 409 `team.duplicate`; an unknown
/// project is 404 `project.not_found`.
#[utoipa::path(
    tag = "projects",
    operation_id = "addTeamMember",
    params(("id" = Uuid, Path, description = "Project id")),
    request_body = AddTeamMemberRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = TeamMemberDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already has this function (`team.duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown user, or a role that cannot be in the team (`validation.failed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/team")]
async fn add_team_member(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<AddTeamMemberRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::add_team_member(
        &state.db,
        &Actor::from(&user),
        *id,
        body.user_id,
        body.function,
    )
    .await?;
    let location = format!("/projects/{}/team/{}", m.project_id, m.id);
    Ok(crate::http::created(
        HttpResponse::Created().json(m),
        location,
    ))
}

/// Remove a member from the project team. Admins and coordinators.
///
/// Admins and coordinators only. Deletes one team membership (the user stays) and writes a
/// `delete` audit entry; committees already set for calls and agreement signatures already
/// given are not touched. A member id that is not in this project's team is 404
/// `team_member.not_found`.
#[utoipa::path(
    tag = "projects",
    operation_id = "removeTeamMember",
    params(("id" = Uuid, Path, description = "Project id"), ("member_id" = Uuid, Path, description = "Team member id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such team member (`team_member.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/projects/{id}/team/{member_id}")]
async fn remove_team_member(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, member_id) = path.into_inner();
    service::remove_team_member(&state.db, &Actor::from(&user), id, member_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Link a partner organisation to the project with its role. Admins and coordinators.
///
/// Admins and coordinators only. Links an existing organisation (any kind) as
/// `cooperation_partner`, `host_organisation` or `associated_partner`, with what it does for
/// the project in words; the project then shows it under `partners`, and its `updated_at` and
/// `ETag` move. Once per organisation (409 `partner.duplicate`: remove it to change its role);
/// an unknown organisation is 422 on `organisation_id`, an unknown project 404
/// `project.not_found`. Audited.
#[utoipa::path(
    tag = "projects",
    operation_id = "addProjectPartner",
    params(("id" = Uuid, Path, description = "Project id")),
    request_body = AddPartnerRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Linked", body = PartnerDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a partner (`partner.duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown organisation, invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/partners")]
async fn add_partner(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<AddPartnerRequest>,
) -> ApiResult<HttpResponse> {
    let p = partners::add(&state.db, &Actor::from(&user), *id, body.into_inner()).await?;
    let location = format!("/projects/{}/partners/{}", p.project_id, p.id);
    Ok(crate::http::created(
        HttpResponse::Created().json(p),
        location,
    ))
}

/// Unlink a partner from the project. Admins and coordinators.
///
/// Admins and coordinators only. Removes the link (the organisation stays) and writes a
/// `delete` audit entry; the project's `updated_at` moves. A partner id not of this project is
/// 404 `partner.not_found`.
#[utoipa::path(
    tag = "projects",
    operation_id = "removeProjectPartner",
    params(("id" = Uuid, Path, description = "Project id"), ("partner_id" = Uuid, Path, description = "Partner link id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner (`partner.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/projects/{id}/partners/{partner_id}")]
async fn remove_partner(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, partner_id) = path.into_inner();
    partners::remove(&state.db, &Actor::from(&user), id, partner_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
