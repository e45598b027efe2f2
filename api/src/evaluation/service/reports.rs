//! The participant's report: writing and submitting it.

use super::*;

pub async fn report(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<participant_report::Model> {
    let p = participants::access::visible(db, user, participant_id).await?;
    policy::may_read_report(user, &p)?;
    participant_report::Entity::find_by_id(participant_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("report"))
}

pub async fn put_report(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
    r: ReportRequest,
) -> ApiResult<participant_report::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    policy::may_write_report(user, &p)?;
    if !mobility_over(&txn, clock, &p).await? {
        return Err(ApiError::conflict(
            "report.not_open",
            "The report is written after the mobility.",
        ));
    }
    let existing = participant_report::Entity::find_by_id(p.id)
        .one(&txn)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|e| e.status == ReportStatus::Submitted)
    {
        return Err(ApiError::conflict(
            "report.submitted",
            "The report is submitted and can no longer change.",
        ));
    }
    participant_report::Entity::delete_by_id(p.id)
        .exec(&txn)
        .await?;
    let m = participant_report::ActiveModel {
        participant_id: Set(p.id),
        goals_achieved: Set(r.goals_achieved),
        results: Set(r.results),
        impacts: Set(r.impacts),
        new_ideas: Set(r.new_ideas),
        transfer_possibilities: Set(r.transfer_possibilities),
        report: Set(r.report),
        status: Set(ReportStatus::Draft),
        submitted_at: Set(None),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        if existing.is_some() {
            "update"
        } else {
            "create"
        },
        "participant_report",
        p.id,
        &["findings".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn submit_report(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<participant_report::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    policy::may_submit_report(user, &p)?;
    let r = participant_report::Entity::find_by_id(p.id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("report"))?;
    if r.status == ReportStatus::Submitted {
        return Err(ApiError::conflict(
            "report.submitted",
            "The report is already submitted.",
        ));
    }
    let mut am: participant_report::ActiveModel = r.into();
    am.status = Set(ReportStatus::Submitted);
    am.submitted_at = Set(Some(clock.now()));
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "submit",
        "participant_report",
        p.id,
        &["status".into()],
    )
    .await?;
    participants::lifecycle::refresh_completion(&txn, clock, p.id).await?;
    txn.commit().await?;
    Ok(m)
}
