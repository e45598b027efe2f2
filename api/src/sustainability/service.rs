//! Reading and writing a participant's sustainability record.

use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::checks::not_blank;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants::access;
use chrono::{DateTime, Utc};
use entity::enums::TravelMode;
use entity::sustainability_record;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// How a participant kept the mobility's sustainability commitments.
#[derive(Debug, Serialize, ToSchema)]
pub struct SustainabilityDto {
    pub participant_id: Uuid,
    /// How they travelled there and back (mostly).
    pub travel_mode: TravelMode,
    /// `train`, `bus` or `car_sharing`.
    pub green_travel: bool,
    /// They used local public transport in the host country.
    pub local_public_transport: bool,
    /// They ate with local food providers.
    pub local_food: bool,
    /// The mobility was planned online (no preparatory trips).
    pub planned_online: bool,
    pub notes: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<sustainability_record::Model> for SustainabilityDto {
    fn from(m: sustainability_record::Model) -> Self {
        Self {
            participant_id: m.participant_id,
            green_travel: m.travel_mode.is_green(),
            travel_mode: m.travel_mode,
            local_public_transport: m.local_public_transport,
            local_food: m.local_food,
            planned_online: m.planned_online,
            notes: m.notes,
            updated_at: m.updated_at,
        }
    }
}

/// The whole record, replaced.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"travel_mode": "train", "local_public_transport": true, "local_food": true, "planned_online": true, "notes": "Vlak Ljubljana–München–Aarhus."}))]
pub struct SustainabilityRequest {
    pub travel_mode: TravelMode,
    pub local_public_transport: bool,
    pub local_food: bool,
    pub planned_online: bool,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub notes: Option<String>,
}

/// Whoever sees the participant reads the record; 404 `sustainability.not_found` before one
/// is given.
pub async fn get(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<SustainabilityDto> {
    let p = access::visible(db, user, participant_id).await?;
    sustainability_record::Entity::find_by_id(p.id)
        .one(db)
        .await?
        .map(SustainabilityDto::from)
        .ok_or_else(|| ApiError::not_found("sustainability"))
}

/// The participant themself and coordinators write it (others who see the participant: 403).
pub async fn put(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
    r: SustainabilityRequest,
) -> ApiResult<SustainabilityDto> {
    let txn = begin_write(db).await?;
    let p = access::visible(&txn, user, participant_id).await?;
    if !(user.is_staff() || access::is_self(user, &p)) {
        return Err(ApiError::forbidden(
            "The participant and coordinators record how the mobility was made sustainable.",
        ));
    }
    let existing = sustainability_record::Entity::find_by_id(p.id)
        .one(&txn)
        .await?;
    let row = sustainability_record::ActiveModel {
        participant_id: Set(p.id),
        travel_mode: Set(r.travel_mode),
        local_public_transport: Set(r.local_public_transport),
        local_food: Set(r.local_food),
        planned_online: Set(r.planned_online),
        notes: Set(r.notes.map(|n| n.trim().to_string())),
        updated_by: Set(user.id),
        updated_at: Set(Utc::now()),
    };
    let m = if existing.is_some() {
        row.update(&txn).await?
    } else {
        row.insert(&txn).await?
    };
    audit::record(
        &txn,
        &Actor::from(user),
        if existing.is_some() {
            "update"
        } else {
            "create"
        },
        "sustainability_record",
        p.id,
        &[
            "travel_mode".into(),
            "local_public_transport".into(),
            "local_food".into(),
            "planned_online".into(),
            "notes".into(),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}
