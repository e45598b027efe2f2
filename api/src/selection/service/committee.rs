//! The call's selection committee: who may sit on it, and who is on it.

use super::*;

pub async fn committee(
    db: &impl ConnectionTrait,
    call_id: Uuid,
) -> ApiResult<Vec<CommitteeMemberDto>> {
    get_call(db, call_id).await?;
    let ids: Vec<Uuid> = call_committee_member::Entity::find()
        .filter(call_committee_member::Column::CallId.eq(call_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::FullName)
        .all(db)
        .await?;
    users.sort_by(|a, b| a.full_name.cmp(&b.full_name).then(a.id.cmp(&b.id)));
    Ok(users
        .into_iter()
        .map(|u| CommitteeMemberDto {
            user_id: u.id,
            full_name: u.full_name,
            email: u.email,
            organisation_id: u.organisation_id,
        })
        .collect())
}

pub(super) async fn committee_ids(
    db: &impl ConnectionTrait,
    call_id: Uuid,
) -> ApiResult<Vec<Uuid>> {
    Ok(call_committee_member::Entity::find()
        .filter(call_committee_member::Column::CallId.eq(call_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

pub async fn set_committee(
    db: &DatabaseConnection,
    actor: &Actor,
    call_id: Uuid,
    user_ids: Vec<Uuid>,
) -> ApiResult<Vec<CommitteeMemberDto>> {
    let txn = begin_write(db).await?;
    let call = get_call(&txn, call_id).await?;
    if any_final(&txn, call_id).await? {
        return Err(ApiError::conflict(
            "selection.final",
            "A selection of this call is final; its committee can no longer change.",
        ));
    }
    let team: HashSet<Uuid> = project_team_member::Entity::find()
        .filter(project_team_member::Column::ProjectId.eq(call.project_id))
        .filter(project_team_member::Column::Function.eq(TeamFunction::CommitteeMember))
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut unique: Vec<Uuid> = user_ids.clone();
    unique.sort();
    unique.dedup();
    let mut errors = Vec::new();
    for (i, id) in user_ids.iter().enumerate() {
        match user::Entity::find_by_id(*id).one(&txn).await? {
            // Team members must also be able to read submitted applications to score them.
            Some(u) if u.active && (u.role == Role::Committee || (team.contains(&u.id) && matches!(u.role, Role::Coordinator | Role::Admin))) => {}
            Some(_) => errors.push(FieldError::new(
                format!("user_ids[{i}]"),
                "not_committee",
                "must be an active user of role committee, or a coordinator or admin in the project team with the function committee_member",
            )),
            None => errors.push(FieldError::new(format!("user_ids[{i}]"), "not_found", "no such user")),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    call_committee_member::Entity::delete_many()
        .filter(call_committee_member::Column::CallId.eq(call_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    for id in &unique {
        call_committee_member::ActiveModel {
            call_id: Set(call_id),
            user_id: Set(*id),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "update",
        "call",
        call_id,
        &["committee".into()],
    )
    .await?;
    let out = committee(&txn, call_id).await?;
    txn.commit().await?;
    Ok(out)
}
