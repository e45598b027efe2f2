//! A project's partner organisations and their roles. A change to the partners is a change to
//! the project: its `updated_at` (and so its `ETag`) moves.

use super::dto::{AddPartnerRequest, PartnerDto, ProjectDto};
use super::service::get_model;
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult};
use chrono::Utc;
use entity::{organisation, project, project_partner};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The partners of each of `projects`, in the order they were linked.
pub async fn of_projects(
    db: &impl ConnectionTrait,
    projects: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<PartnerDto>>> {
    let links = project_partner::Entity::find()
        .filter(project_partner::Column::ProjectId.is_in(projects.to_vec()))
        .order_by_asc(project_partner::Column::CreatedAt)
        .order_by_asc(project_partner::Column::Id)
        .all(db)
        .await?;
    let names =
        crate::organisations::service::names(db, links.iter().map(|l| l.organisation_id)).await?;
    let mut out: HashMap<Uuid, Vec<PartnerDto>> = HashMap::new();
    for l in links {
        out.entry(l.project_id).or_default().push(PartnerDto {
            id: l.id,
            project_id: l.project_id,
            organisation_name: names.get(&l.organisation_id).cloned().unwrap_or_default(),
            organisation_id: l.organisation_id,
            role: l.role,
            description: l.description,
            created_at: l.created_at,
        });
    }
    Ok(out)
}

/// Projects as answered, each with its partners.
pub async fn dtos(
    db: &impl ConnectionTrait,
    projects: Vec<project::Model>,
) -> ApiResult<Vec<ProjectDto>> {
    let ids: Vec<Uuid> = projects.iter().map(|p| p.id).collect();
    let mut partners = of_projects(db, &ids).await?;
    Ok(projects
        .into_iter()
        .map(|p| {
            let list = partners.remove(&p.id).unwrap_or_default();
            let mut dto = ProjectDto::from(p);
            dto.partners = list;
            dto
        })
        .collect())
}

async fn touch(db: &impl ConnectionTrait, project_id: Uuid) -> ApiResult<()> {
    project::Entity::update_many()
        .col_expr(project::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(project::Column::Id.eq(project_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Link an organisation to the project with its role; once per organisation.
pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    r: AddPartnerRequest,
) -> ApiResult<PartnerDto> {
    let txn = begin_write(db).await?;
    get_model(&txn, project_id).await?;
    let org = organisation::Entity::find_by_id(r.organisation_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            ApiError::invalid_field("organisation_id", "not_found", "no such organisation")
        })?;
    let taken = project_partner::Entity::find()
        .filter(project_partner::Column::ProjectId.eq(project_id))
        .filter(project_partner::Column::OrganisationId.eq(org.id))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(ApiError::conflict(
            "partner.duplicate",
            "The organisation is already a partner of this project; remove it to change its role.",
        ));
    }
    let m = project_partner::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project_id),
        organisation_id: Set(org.id),
        role: Set(r.role),
        description: Set(r.description.map(|d| d.trim().to_string())),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    touch(&txn, project_id).await?;
    audit::record(
        &txn,
        actor,
        "create",
        "project_partner",
        m.id,
        &[
            "organisation_id".into(),
            "role".into(),
            "description".into(),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(PartnerDto {
        id: m.id,
        project_id,
        organisation_id: org.id,
        organisation_name: org.name,
        role: m.role,
        description: m.description,
        created_at: m.created_at,
    })
}

/// Unlink a partner from the project (the organisation stays).
pub async fn remove(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    partner_id: Uuid,
) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    let m = project_partner::Entity::find_by_id(partner_id)
        .filter(project_partner::Column::ProjectId.eq(project_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("partner"))?;
    project_partner::Entity::delete_by_id(m.id)
        .exec(&txn)
        .await?;
    touch(&txn, project_id).await?;
    audit::record(&txn, actor, "delete", "project_partner", m.id, &[]).await?;
    txn.commit().await?;
    Ok(())
}
