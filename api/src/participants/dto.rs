//! What clients send and receive about participants.

use chrono::{DateTime, Utc};
use entity::enums::ParticipantStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// A selected participant of a mobility.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantDto {
    pub id: Uuid,
    pub mobility_id: Uuid,
    pub application_id: Uuid,
    pub library_id: Uuid,
    /// The participant's user account, once linked.
    pub user_id: Option<Uuid>,
    pub full_name: String,
    pub email: String,
    pub status: ParticipantStatus,
    /// The place on the reserve list this participant was promoted from.
    pub reserve_rank: Option<i32>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Why they withdrew: shown to the participant, their library and coordinators; `null` for
    /// everyone else (hosts, the committee, the accountant).
    pub withdrawal_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entity::participant::Model> for ParticipantDto {
    fn from(m: entity::participant::Model) -> Self {
        Self {
            id: m.id,
            mobility_id: m.mobility_id,
            application_id: m.application_id,
            library_id: m.library_id,
            user_id: m.user_id,
            full_name: m.full_name,
            email: m.email,
            status: m.status,
            reserve_rank: m.reserve_rank,
            withdrawn_at: m.withdrawn_at,
            withdrawal_reason: m.withdrawal_reason,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

impl ParticipantDto {
    /// The participant as `user` may read it: the withdrawal reason only for those who may
    /// withdraw them (see [`super::access::may_read_withdrawal_reason`]).
    pub fn for_caller(m: entity::participant::Model, user: &crate::http::AuthUser) -> Self {
        let reason = super::access::may_read_withdrawal_reason(user, &m);
        let mut dto = Self::from(m);
        if !reason {
            dto.withdrawal_reason = None;
        }
        dto
    }
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateParticipantRequest {
    /// Link the participant's user account (a `participant` user).
    pub user_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ParticipantWithdrawRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WithdrawalOutcome {
    pub withdrawn: ParticipantDto,
    /// The reserve promoted into the free place, if there was one.
    pub promoted: Option<ParticipantDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParticipantQuery {
    /// Sort by `full_name`, `status`, `created_at`, `updated_at`; `-` first for descending (default `created_at`).
    #[param(
        pattern = "^-?(full_name|status|created_at|updated_at)$",
        example = "-updated_at"
    )]
    pub sort: Option<String>,
}
