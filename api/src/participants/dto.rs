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
    #[schema(example = "Mestna knjižnica Kranj")]
    pub library_name: String,
    /// The participant's user account, once linked.
    pub user_id: Option<Uuid>,
    pub full_name: String,
    pub email: String,
    pub status: ParticipantStatus,
    /// The place on the reserve list this participant was promoted from.
    pub reserve_rank: Option<i32>,
    /// When their return from the mobility was recorded.
    pub returned_at: Option<DateTime<Utc>>,
    /// Why they came back before the mobility's last day; shown as the withdrawal reason is.
    pub early_return_reason: Option<String>,
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
            library_name: String::new(),
            user_id: m.user_id,
            full_name: m.full_name,
            email: m.email,
            status: m.status,
            reserve_rank: m.reserve_rank,
            returned_at: m.returned_at,
            early_return_reason: m.early_return_reason,
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
            dto.early_return_reason = None;
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

/// A return from the mobility.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"early_return_reason": "Bolezen v družini; vrnitev dan prej."}))]
pub struct ReturnRequest {
    /// Why the participant came back before the mobility's last day: required then, and only
    /// then.
    #[validate(length(min = 1, max = 2000), custom(function = crate::http::checks::not_blank))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub early_return_reason: Option<String>,
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

/// A participant by name and library only (no contacts): for the selection's answer, and for
/// co-participants naming each other.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedParticipant {
    pub participant_id: Uuid,
    pub application_id: Uuid,
    #[schema(example = "Maja Kovač")]
    pub full_name: String,
    pub library_id: Uuid,
    #[schema(example = "Mestna knjižnica Kranj")]
    pub library_name: String,
    pub status: ParticipantStatus,
}

/// The others on a participant's mobility.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoParticipants {
    pub participant_id: Uuid,
    pub mobility_id: Uuid,
    /// Everyone else on the mobility who has not withdrawn, in the order they were selected.
    pub items: Vec<NamedParticipant>,
}
