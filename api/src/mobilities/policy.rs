//! Who belongs to a mobility.
//!
//! Mobilities themselves are read by every signed-in user and set up by admins and
//! coordinators (`http::Staff`, before the body). What this file answers is who *takes part*
//! in one: the people its meetings, calendar and questionnaire are for. Each of those
//! capabilities says in its own `policy.rs` that it uses this rule.

use crate::http::{ApiResult, AuthUser};
use crate::participants;
use entity::enums::Role;
use entity::{mobility, participant};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

/// Who takes part in a mobility: admins, coordinators and the accountant; the host's users;
/// and the libraries and participants with a participant in it. Not the committee.
pub async fn takes_part(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    m: &mobility::Model,
) -> ApiResult<bool> {
    Ok(match user.role {
        Role::Admin | Role::Coordinator | Role::Accountant => true,
        Role::Committee => false,
        Role::Host => user.organisation_id == Some(m.host_organisation_id),
        Role::Library | Role::Participant => participant::Entity::find()
            .filter(participant::Column::MobilityId.eq(m.id))
            .all(db)
            .await?
            .iter()
            .any(|p| participants::access::can_see(user, p, Some(m.host_organisation_id))),
    })
}

/// The mobilities `user` takes part in, as SQL: the rule of [`takes_part`] for every mobility
/// at once (a personal calendar feed lists them).
pub fn taken_part_in(user: &AuthUser) -> Condition {
    match user.role {
        Role::Admin | Role::Coordinator | Role::Accountant => Condition::all(),
        Role::Committee => Condition::all().add(Expr::val(false)),
        Role::Host => match user.organisation_id {
            Some(org) => Condition::all().add(mobility::Column::HostOrganisationId.eq(org)),
            None => Condition::all().add(Expr::val(false)),
        },
        Role::Library | Role::Participant => Condition::all().add(
            mobility::Column::Id.in_subquery(
                participant::Entity::find()
                    .select_only()
                    .column(participant::Column::MobilityId)
                    .filter(participants::access::Scope::of(user).condition())
                    .into_query(),
            ),
        ),
    }
}
