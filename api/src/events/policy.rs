//! Who sees which event: the readers of the object it is about.
//!
//! Admins and coordinators see every event. Everyone else sees `public` events (a call
//! published or closed, a story published), and an event about an object they may read:
//! a library user its own library's events; a participant the events of their application and
//! participant record, their costs, and their mobilities' meetings; a host the events of the
//! participants and meetings of the mobilities it hosts; the accountant participants' and
//! costs' events; the committee the events of the applications it sees. The rules are those
//! of the objects' own policies, applied as SQL.

use crate::http::AuthUser;
use crate::{applications, mobilities, participants};
use entity::enums::Role;
use entity::{application, event, mobility, participant};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

fn scoped(scope: &str, ids: sea_orm::sea_query::SelectStatement) -> Condition {
    Condition::all()
        .add(event::Column::Scope.eq(scope))
        .add(event::Column::ScopeId.in_subquery(ids))
}

/// The events `user` may see, as a condition on `events` rows.
pub fn visible_to(user: &AuthUser) -> Condition {
    if user.is_staff() {
        return Condition::all();
    }
    let mut any = Condition::any().add(event::Column::Scope.eq("public"));
    if let (Role::Library, Some(org)) = (user.role, user.organisation_id) {
        any = any.add(
            Condition::all()
                .add(event::Column::LibraryId.eq(org))
                .add(event::Column::Scope.ne("staff")),
        );
    }
    if let Ok(cond) = applications::policy::list_condition(user) {
        any = any.add(scoped(
            "application",
            application::Entity::find()
                .select_only()
                .column(application::Column::Id)
                .filter(cond)
                .into_query(),
        ));
    }
    let people = participants::access::Scope::of(user).condition();
    any = any.add(scoped(
        "participant",
        participant::Entity::find()
            .select_only()
            .column(participant::Column::Id)
            .filter(people.clone())
            .into_query(),
    ));
    // Costs: those who record them, and the participant (the library by `library_id`).
    match user.role {
        Role::Accountant => any = any.add(event::Column::Scope.eq("cost")),
        Role::Participant => {
            any = any.add(scoped(
                "cost",
                participant::Entity::find()
                    .select_only()
                    .column(participant::Column::Id)
                    .filter(people)
                    .into_query(),
            ))
        }
        _ => {}
    }
    any = any.add(scoped(
        "mobility",
        mobility::Entity::find()
            .select_only()
            .column(mobility::Column::Id)
            .filter(mobilities::policy::taken_part_in(user))
            .into_query(),
    ));
    any
}
