//! The final decision: selected, reserve and rejected applications, participants made, everyone told.

use super::*;

pub(super) async fn set_outcome(
    db: &impl ConnectionTrait,
    app: &application::Model,
    status: ApplicationStatus,
    rank: u32,
    reserve_rank: Option<i32>,
) -> ApiResult<()> {
    let mut am: application::ActiveModel = app.clone().into();
    am.status = Set(status);
    am.selection_rank = Set(Some(rank as i32));
    am.reserve_rank = Set(reserve_rank);
    am.updated_at = Set(Utc::now());
    am.update(db).await?;
    Ok(())
}

pub(super) fn decision_dto(
    sel: &mobility_selection::Model,
    call: &call::Model,
    mob: &mobility::Model,
    apps: &[application::Model],
    participants: Vec<crate::participants::dto::NamedParticipant>,
) -> DecisionDto {
    // The decision as made: by rank, the first `places` selected, the next `reserve_places`
    // in reserve, the rest rejected (later withdrawals and promotions do not rewrite it).
    let mut ranked: Vec<&application::Model> =
        apps.iter().filter(|a| a.selection_rank.is_some()).collect();
    ranked.sort_by_key(|a| a.selection_rank);
    let places = mob.places.max(0) as usize;
    let reserves = mob.reserve_places.max(0) as usize;
    let ids = |from: usize, to: usize| {
        ranked
            .iter()
            .skip(from)
            .take(to.saturating_sub(from))
            .map(|a| a.id)
            .collect::<Vec<_>>()
    };
    DecisionDto {
        mobility_id: sel.mobility_id,
        call_id: sel.call_id,
        finalised_by: sel.finalised_by,
        finalised_at: sel.finalised_at,
        justification: sel.justification.clone(),
        after_selection_due: sel.after_selection_due,
        selection_due: call.selection_due,
        selected: ids(0, places),
        reserve: ids(places, places + reserves),
        rejected: ids(places + reserves, ranked.len()),
        participants,
    }
}

/// Finalise the selection of a mobility in one transaction: selected, reserve, rejected,
/// participants, notifications, the decision record.
pub async fn finalise(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    mobility_id: Uuid,
    call_id: Option<Uuid>,
    justification: String,
) -> ApiResult<DecisionDto> {
    let actor = Actor::from(user);
    let txn = begin_write(db).await?;
    // Serialise decisions on this mobility (PostgreSQL row lock; SQLite holds the write lock).
    mobility::Entity::find_by_id(mobility_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    if is_final(&txn, mobility_id).await? {
        return Err(ApiError::conflict(
            "selection.already_final",
            "The selection for this mobility is already final.",
        ));
    }
    let c = compute(&txn, mobility_id, call_id).await?;
    let now = clock.now();
    if !after_deadline(c.call.deadline, c.tz, now) {
        return Err(ApiError::conflict(
            "selection.scoring_not_open",
            "The selection can be made only after the call's deadline.",
        ));
    }
    if c.committee.is_empty() {
        return Err(ApiError::conflict(
            "selection.no_committee",
            "The call has no committee.",
        ));
    }
    if !c.complete {
        let missing = c
            .ranking
            .iter()
            .filter(|e| e.score_count < e.quorum)
            .count();
        return Err(ApiError::conflict(
            "selection.incomplete",
            format!("{missing} submitted application(s) lack their quorum of scores."),
        ));
    }
    let places = c.mobility.places.max(0) as usize;
    let reserves = c.mobility.reserve_places.max(0) as usize;
    let mut final_apps = Vec::new();
    for (i, e) in c.ranking.iter().enumerate() {
        let app = &c.apps[&e.application_id];
        let (status, reserve_rank, outcome) = if i < places {
            (
                ApplicationStatus::Selected,
                None,
                Outcome::Selected { rank: e.rank },
            )
        } else if i < places + reserves {
            let r = (i - places + 1) as i32;
            (
                ApplicationStatus::Reserve,
                Some(r),
                Outcome::Reserve { place: r },
            )
        } else {
            (
                ApplicationStatus::Rejected,
                None,
                Outcome::Rejected { rank: e.rank },
            )
        };
        set_outcome(&txn, app, status, e.rank, reserve_rank).await?;
        record_status(
            &txn,
            app.id,
            Some(app.status),
            status,
            &actor,
            Some(format!("rank {}", e.rank)),
            Utc::now(),
        )
        .await?;
        if status == ApplicationStatus::Selected {
            lifecycle::create(&txn, &actor, app, None).await?;
        }
        notify_outcome(&txn, app, &c.mobility, outcome, actor.request_id.clone()).await?;
        let mut done = app.clone();
        done.status = status;
        done.selection_rank = Some(e.rank as i32);
        done.reserve_rank = reserve_rank;
        final_apps.push(done);
    }
    let after_due = c
        .call
        .selection_due
        .is_some_and(|due| now.with_timezone(&c.tz).date_naive() > due);
    let sel = mobility_selection::ActiveModel {
        mobility_id: Set(mobility_id),
        call_id: Set(c.call.id),
        finalised_by: Set(user.id),
        finalised_at: Set(now),
        justification: Set(justification.trim().to_string()),
        after_selection_due: Set(after_due),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => ApiError::conflict(
            "selection.already_final",
            "The selection for this mobility is already final.",
        ),
        err => err,
    })?;
    audit::record(
        &txn,
        &actor,
        "finalise_selection",
        "mobility",
        mobility_id,
        &["selection".into(), "justification".into()],
    )
    .await?;
    let count = |s: ApplicationStatus| final_apps.iter().filter(|a| a.status == s).count();
    crate::events::Event::new(
        crate::events::EventType::SelectionFinalised,
        mobility_id,
        crate::events::Scope::Public,
    )
    .project(c.mobility.project_id)
    .data(serde_json::json!({
        "call_id": c.call.id,
        "finalised_at": now,
        "selected": count(ApplicationStatus::Selected),
        "reserve": count(ApplicationStatus::Reserve),
        "rejected": count(ApplicationStatus::Rejected),
    }))
    .emit(&txn, &actor)
    .await?;
    let participants = crate::participants::service::named(&txn, mobility_id).await?;
    txn.commit().await?;
    Ok(decision_dto(
        &sel,
        &c.call,
        &c.mobility,
        &final_apps,
        participants,
    ))
}
