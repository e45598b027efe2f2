//! Projects and project teams.

use super::dto::{CreateProjectRequest, ProjectQuery, TeamMemberDto, UpdateProjectRequest};
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, FieldError, Page};
use chrono::{NaiveDate, Utc};
use entity::enums::{ProjectStatus, Role, TeamFunction};
use entity::{organisation, project, project_team_member, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

pub const DEFAULT_TIMEZONE: &str = "Europe/Ljubljana";

/// The project's time zone (dates such as deadlines and mobility days are read in it); the
/// default zone for a project that is gone or names none this build knows.
pub async fn timezone(db: &impl ConnectionTrait, project_id: Uuid) -> ApiResult<chrono_tz::Tz> {
    Ok(project::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .and_then(|p| p.timezone.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(chrono_tz::Europe::Ljubljana))
}

fn code_taken() -> ApiError {
    ApiError::conflict(
        "project.code_taken",
        "A project with this code already exists.",
    )
}

pub async fn get_model(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<project::Model> {
    project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("project"))
}

fn check_dates(start: NaiveDate, end: NaiveDate) -> ApiResult<()> {
    if end < start {
        return Err(ApiError::validation(vec![FieldError::new(
            "end_date",
            "before_start",
            "must not be before start_date",
        )]));
    }
    Ok(())
}

async fn check_applicant(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<()> {
    if organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(ApiError::invalid_field(
            "applicant_id",
            "not_found",
            "no such organisation",
        ));
    }
    Ok(())
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    r: CreateProjectRequest,
) -> ApiResult<project::Model> {
    check_dates(r.start_date, r.end_date)?;
    let txn = begin_write(db).await?;
    check_applicant(&txn, r.applicant_id).await?;
    let code = r.code.trim().to_string();
    if project::Entity::find()
        .filter(project::Column::Code.eq(&code))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(code_taken());
    }
    let now = Utc::now();
    let m = project::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code),
        programme: Set(r.programme),
        action_type: Set(r.action_type),
        title: Set(r.title.trim().to_string()),
        title_en: Set(r.title_en),
        description: Set(r.description),
        applicant_id: Set(r.applicant_id),
        start_date: Set(r.start_date),
        end_date: Set(r.end_date),
        timezone: Set(r.timezone.unwrap_or_else(|| DEFAULT_TIMEZONE.into())),
        status: Set(r.status.unwrap_or(ProjectStatus::Planned)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => code_taken(),
        err => err,
    })?;
    let fields: Vec<String> = [
        "code",
        "programme",
        "action_type",
        "title",
        "title_en",
        "description",
        "applicant_id",
        "start_date",
        "end_date",
        "timezone",
        "status",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    audit::record(&txn, actor, "create", "project", m.id, &fields).await?;
    txn.commit().await?;
    Ok(m)
}

fn json_of(m: &project::Model) -> serde_json::Value {
    serde_json::json!({
        "code": m.code, "programme": m.programme, "action_type": m.action_type, "title": m.title,
        "title_en": m.title_en, "description": m.description, "applicant_id": m.applicant_id,
        "start_date": m.start_date, "end_date": m.end_date, "timezone": m.timezone, "status": m.status,
    })
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    p: UpdateProjectRequest,
    check_etag: impl FnOnce(&project::Model) -> ApiResult<()>,
) -> ApiResult<project::Model> {
    let txn = begin_write(db).await?;
    let cur = get_model(&txn, id).await?;
    check_etag(&cur)?;
    check_dates(
        p.start_date.unwrap_or(cur.start_date),
        p.end_date.unwrap_or(cur.end_date),
    )?;
    if let Some(a) = p.applicant_id {
        check_applicant(&txn, a).await?;
    }
    if let Some(code) = &p.code {
        let code = code.trim();
        if code != cur.code
            && project::Entity::find()
                .filter(project::Column::Code.eq(code))
                .one(&txn)
                .await?
                .is_some()
        {
            return Err(code_taken());
        }
    }
    let before = json_of(&cur);
    let mut am: project::ActiveModel = cur.into();
    if let Some(v) = p.code {
        am.code = Set(v.trim().to_string());
    }
    if let Some(v) = p.programme {
        am.programme = Set(v);
    }
    if let Some(v) = p.action_type {
        am.action_type = Set(v);
    }
    if let Some(v) = p.title {
        am.title = Set(v.trim().to_string());
    }
    if let Some(v) = p.title_en {
        am.title_en = Set(v);
    }
    if let Some(v) = p.description {
        am.description = Set(v);
    }
    if let Some(v) = p.applicant_id {
        am.applicant_id = Set(v);
    }
    if let Some(v) = p.start_date {
        am.start_date = Set(v);
    }
    if let Some(v) = p.end_date {
        am.end_date = Set(v);
    }
    if let Some(v) = p.timezone {
        am.timezone = Set(v);
    }
    if let Some(v) = p.status {
        am.status = Set(v);
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let fields = audit::service::changed_fields(&before, &json_of(&m));
    audit::record(&txn, actor, "update", "project", id, &fields).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn list(
    db: &DatabaseConnection,
    q: ProjectQuery,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<project::Model>> {
    let mut query = project::Entity::find();
    if let Some(t) = since.updated_since {
        query = query.filter(project::Column::UpdatedAt.gte(t));
    }
    if let Some(s) = q.status {
        query = query.filter(project::Column::Status.eq(s));
    }
    if let Some(c) = q.code {
        query = query.filter(project::Column::Code.eq(c));
    }
    let order = Sort::columns(
        q.sort.as_deref(),
        &[
            ("code", project::Column::Code),
            ("start_date", project::Column::StartDate),
            ("created_at", project::Column::CreatedAt),
            ("updated_at", project::Column::UpdatedAt),
        ],
        &[(project::Column::StartDate, sea_orm::Order::Asc)],
    )?;
    page.fetch(db, query, &order, project::Column::Id, |m| m.id)
        .await
}

/// Roles that can be in a project team: the association's own people.
pub const TEAM_ROLES: &[Role] = &[
    Role::Admin,
    Role::Coordinator,
    Role::Committee,
    Role::Accountant,
];

fn member_dto(m: project_team_member::Model, u: &user::Model) -> TeamMemberDto {
    TeamMemberDto {
        id: m.id,
        project_id: m.project_id,
        user_id: m.user_id,
        full_name: u.full_name.clone(),
        email: u.email.clone(),
        role: u.role,
        function: m.function,
        created_at: m.created_at,
    }
}

pub async fn team(
    db: &DatabaseConnection,
    project_id: Uuid,
    page: PageRequest,
) -> ApiResult<Page<TeamMemberDto>> {
    get_model(db, project_id).await?;
    let query = project_team_member::Entity::find()
        .filter(project_team_member::Column::ProjectId.eq(project_id));
    let rows = page
        .fetch(
            db,
            query,
            &[(project_team_member::Column::Function, sea_orm::Order::Asc)],
            project_team_member::Column::Id,
            |m| m.id,
        )
        .await?;
    let ids: Vec<Uuid> = rows.items.iter().map(|m| m.user_id).collect();
    let users: std::collections::HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let items = rows
        .items
        .iter()
        .filter_map(|m| users.get(&m.user_id).map(|u| member_dto(m.clone(), u)))
        .collect();
    Ok(rows.with_items(items))
}

/// Users who are in the project team with a function.
pub async fn team_members_with(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    function: TeamFunction,
) -> ApiResult<Vec<Uuid>> {
    Ok(project_team_member::Entity::find()
        .filter(project_team_member::Column::ProjectId.eq(project_id))
        .filter(project_team_member::Column::Function.eq(function))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

pub async fn add_team_member(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    user_id: Uuid,
    function: TeamFunction,
) -> ApiResult<TeamMemberDto> {
    let txn = begin_write(db).await?;
    get_model(&txn, project_id).await?;
    let u = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::invalid_field("user_id", "not_found", "no such user"))?;
    if !TEAM_ROLES.contains(&u.role) {
        return Err(ApiError::invalid_field(
            "user_id",
            "role_not_allowed",
            format!(
                "a `{}` user cannot be in the project team (admin, coordinator, committee or accountant only)",
                u.role
            ),
        ));
    }
    let exists = project_team_member::Entity::find()
        .filter(project_team_member::Column::ProjectId.eq(project_id))
        .filter(project_team_member::Column::UserId.eq(user_id))
        .filter(project_team_member::Column::Function.eq(function))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(ApiError::conflict(
            "team.duplicate",
            "The user already has this function in the team.",
        ));
    }
    let m = project_team_member::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project_id),
        user_id: Set(user_id),
        function: Set(function),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "create",
        "project_team_member",
        m.id,
        &["project_id".into(), "user_id".into(), "function".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(member_dto(m, &u))
}

pub async fn remove_team_member(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    member_id: Uuid,
) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    let m = project_team_member::Entity::find_by_id(member_id)
        .filter(project_team_member::Column::ProjectId.eq(project_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("team_member"))?;
    project_team_member::Entity::delete_by_id(m.id)
        .exec(&txn)
        .await?;
    audit::record(&txn, actor, "delete", "project_team_member", m.id, &[]).await?;
    txn.commit().await?;
    Ok(())
}
