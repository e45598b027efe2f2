//! Reading and changing participants (their status changes are in `lifecycle`).

use super::access;
use super::dto::{
    CoParticipants, NamedParticipant, ParticipantDto, ParticipantQuery, UpdateParticipantRequest,
};
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, AuthUser, Page};
use chrono::Utc;
use entity::enums::Role;
use entity::{mobility, participant, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// A mobility's participants, as far as the caller may see them (the same [`Scope`] as a
/// single read).
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
    query: ParticipantQuery,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<ParticipantDto>> {
    let mob = mobility::Entity::find_by_id(mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    let scope = access::list_scope(user, mob.host_organisation_id)?;
    let mut q = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(mobility_id))
        .filter(scope.condition());
    let order = Sort::columns(
        query.sort.as_deref(),
        &[
            ("full_name", participant::Column::FullName),
            ("status", participant::Column::Status),
            ("created_at", participant::Column::CreatedAt),
            ("updated_at", participant::Column::UpdatedAt),
        ],
        &[(participant::Column::CreatedAt, sea_orm::Order::Asc)],
    )?;
    if let Some(t) = since.updated_since {
        q = q.filter(participant::Column::UpdatedAt.gte(t));
    }
    let mut fetched = page
        .fetch(db, q, &order, participant::Column::Id, |m| m.id)
        .await?;
    let items = fetched.take_items();
    let dtos = items
        .into_iter()
        .map(|m| ParticipantDto::for_caller(m, user))
        .collect();
    Ok(fetched.with_items(with_library_names(db, dtos).await?))
}

/// Link the participant's user account. Coordinators.
pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    r: UpdateParticipantRequest,
    check_etag: impl FnOnce(&participant::Model) -> ApiResult<()>,
) -> ApiResult<participant::Model> {
    let txn = begin_write(db).await?;
    let p = access::visible(&txn, user, id).await?;
    access::may_change(user)?;
    check_etag(&p)?;
    let mut fields = Vec::new();
    let mut am: participant::ActiveModel = p.clone().into();
    if let Some(uid) = r.user_id {
        match user::Entity::find_by_id(uid).one(&txn).await? {
            Some(u) if u.role == Role::Participant => {}
            _ => {
                return Err(ApiError::invalid_field(
                    "user_id",
                    "not_participant",
                    "must be a user of role participant",
                ));
            }
        }
        am.user_id = Set(Some(uid));
        fields.push("user_id".to_string());
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "participant",
        id,
        &fields,
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// The mobility's participants by name and library, in the order they were selected.
pub async fn named(
    db: &impl ConnectionTrait,
    mobility_id: Uuid,
) -> ApiResult<Vec<NamedParticipant>> {
    let people = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(mobility_id))
        .order_by_asc(participant::Column::CreatedAt)
        .order_by_asc(participant::Column::Id)
        .all(db)
        .await?;
    let libraries =
        crate::organisations::service::names(db, people.iter().map(|p| p.library_id)).await?;
    Ok(people
        .into_iter()
        .map(|p| NamedParticipant {
            participant_id: p.id,
            application_id: p.application_id,
            library_name: libraries.get(&p.library_id).cloned().unwrap_or_default(),
            library_id: p.library_id,
            full_name: p.full_name,
            status: p.status,
        })
        .collect())
}

/// The others on participant `id`'s mobility, by name: for whoever sees that participant (so
/// that she can name the co-authors of a joint item).
pub async fn co_participants(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<CoParticipants> {
    let p = access::visible(db, user, id).await?;
    let items = named(db, p.mobility_id)
        .await?
        .into_iter()
        .filter(|o| {
            o.participant_id != p.id && o.status != entity::enums::ParticipantStatus::Withdrawn
        })
        .collect();
    Ok(CoParticipants {
        participant_id: p.id,
        mobility_id: p.mobility_id,
        items,
    })
}

/// The participants as answered, each with its library's name (one query for all).
pub async fn with_library_names(
    db: &impl ConnectionTrait,
    mut dtos: Vec<ParticipantDto>,
) -> ApiResult<Vec<ParticipantDto>> {
    let names = crate::organisations::service::names(db, dtos.iter().map(|d| d.library_id)).await?;
    for d in &mut dtos {
        d.library_name = names.get(&d.library_id).cloned().unwrap_or_default();
    }
    Ok(dtos)
}

/// One participant as answered, with its library's name.
pub async fn with_library_name(
    db: &impl ConnectionTrait,
    dto: ParticipantDto,
) -> ApiResult<ParticipantDto> {
    with_library_names(db, vec![dto])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("a participant without its answer"))
}
