//! Travel details: personal data seen only by the participant, coordinators and admins.

use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::checks::not_blank;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{participant, travel_details};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name_as_in_passport": "MAJA KOVAČ", "date_of_birth": "1980-04-12", "phone": "+386 41 123 456"}))]
pub struct TravelDetailsRequest {
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub name_as_in_passport: String,
    pub date_of_birth: NaiveDate,
    #[validate(length(min = 5, max = 40), custom(function = not_blank))]
    #[schema(
        min_length = 5,
        max_length = 40,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub phone: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TravelDetailsDto {
    pub participant_id: Uuid,
    pub name_as_in_passport: String,
    pub date_of_birth: NaiveDate,
    pub phone: String,
    pub notes: Option<String>,
    pub updated_by: Uuid,
    pub updated_at: DateTime<Utc>,
}

impl From<travel_details::Model> for TravelDetailsDto {
    fn from(m: travel_details::Model) -> Self {
        Self {
            participant_id: m.participant_id,
            name_as_in_passport: m.name_as_in_passport,
            date_of_birth: m.date_of_birth,
            phone: m.phone,
            notes: m.notes,
            updated_by: m.updated_by,
            updated_at: m.updated_at,
        }
    }
}

/// The participant, coordinators and admins; everyone else gets 404.
async fn allowed(
    db: &impl sea_orm::ConnectionTrait,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<participant::Model> {
    let p = participants::access::visible(db, user, participant_id).await?;
    if super::policy::sees_travel_details(user, &p) {
        Ok(p)
    } else {
        Err(ApiError::not_found("travel_details"))
    }
}

pub async fn get(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<travel_details::Model> {
    allowed(db, user, participant_id).await?;
    travel_details::Entity::find_by_id(participant_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("travel_details"))
}

pub async fn put(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
    r: TravelDetailsRequest,
) -> ApiResult<travel_details::Model> {
    let txn = begin_write(db).await?;
    let p = allowed(&txn, user, participant_id).await?;
    let existed = travel_details::Entity::find_by_id(participant_id)
        .one(&txn)
        .await?
        .is_some();
    travel_details::Entity::delete_by_id(participant_id)
        .exec(&txn)
        .await?;
    let m = travel_details::ActiveModel {
        participant_id: Set(participant_id),
        name_as_in_passport: Set(r.name_as_in_passport.trim().to_string()),
        date_of_birth: Set(r.date_of_birth),
        phone: Set(r.phone.trim().to_string()),
        notes: Set(r
            .notes
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())),
        updated_by: Set(user.id),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    participants::lifecycle::automatic_task(
        &txn,
        p.id,
        crate::preparation::checklist::TRAVEL_DETAILS,
        true,
        Some(user.id),
    )
    .await?;
    // Field names only: the values are personal data.
    audit::record(
        &txn,
        &Actor::from(user),
        if existed { "update" } else { "create" },
        "travel_details",
        participant_id,
        &[
            "name_as_in_passport".into(),
            "date_of_birth".into(),
            "phone".into(),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
