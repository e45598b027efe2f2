//! Who may see and record costs.
//!
//! The accountant, coordinators and admins record, change and delete costs; the participant
//! and their library read them; others who can see the participant (hosts, committee) get 403
//! on the list and 404 on a single cost; everyone else 404.

use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use entity::cost;
use entity::enums::Role;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

/// Who records costs: the accountant, coordinators, admins.
pub fn can_manage(user: &AuthUser) -> bool {
    matches!(
        user.role,
        Role::Admin | Role::Coordinator | Role::Accountant
    )
}

/// Who reads costs (of a participant they can see): those who record them, the participant
/// and their library.
fn reads_costs(user: &AuthUser) -> bool {
    can_manage(user) || matches!(user.role, Role::Library | Role::Participant)
}

/// Listing a participant's costs (after the participant's own visibility check).
pub fn may_list(user: &AuthUser) -> ApiResult<()> {
    if reads_costs(user) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Costs are for the accountant, coordinators, and the participant's library.",
        ))
    }
}

/// Recording, changing or deleting (`verb`) a cost.
pub fn may_manage(user: &AuthUser, verb: &str) -> ApiResult<()> {
    if can_manage(user) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "Only the accountant and coordinators {verb} costs."
        )))
    }
}

/// The cost, if the caller may read it; otherwise 404 `cost.not_found`.
pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<cost::Model> {
    let c = cost::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("cost"))?;
    participants::access::visible(db, user, c.participant_id)
        .await
        .map_err(|e| e.or_not_found("cost"))?;
    if !reads_costs(user) {
        return Err(ApiError::not_found("cost"));
    }
    Ok(c)
}
