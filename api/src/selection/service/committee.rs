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
    // The committee is formed from the project team: committee users who are on the team,
    // and coordinators or admins on it as committee members.
    let team = project_team_member::Entity::find()
        .filter(project_team_member::Column::ProjectId.eq(call.project_id))
        .all(&txn)
        .await?;
    let on_team: HashSet<Uuid> = team.iter().map(|m| m.user_id).collect();
    let scorers: HashSet<Uuid> = team
        .iter()
        .filter(|m| m.function == TeamFunction::CommitteeMember)
        .map(|m| m.user_id)
        .collect();
    let mut unique: Vec<Uuid> = user_ids.clone();
    unique.sort();
    unique.dedup();
    let mut errors = Vec::new();
    for (i, id) in user_ids.iter().enumerate() {
        let field = format!("user_ids[{i}]");
        match user::Entity::find_by_id(*id).one(&txn).await? {
            Some(u) if !on_team.contains(&u.id) => errors.push(FieldError::new(
                field,
                "not_team_member",
                "the committee is formed from the project team: add them to the team first",
            )),
            // Team members must also be able to read submitted applications to score them.
            Some(u)
                if u.active
                    && (u.role == Role::Committee
                        || (scorers.contains(&u.id)
                            && matches!(u.role, Role::Coordinator | Role::Admin))) => {}
            Some(_) => errors.push(FieldError::new(
                field,
                "not_committee",
                "must be an active user of role committee, or a coordinator or admin on the team with the function committee_member",
            )),
            None => errors.push(FieldError::new(field, "not_found", "no such user")),
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
