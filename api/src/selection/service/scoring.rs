//! Committee members' scores and conflicts of interest.

use super::*;

/// Everything about an application that scoring needs.
pub(super) struct ScoringContext {
    app: application::Model,
    call: call::Model,
    tz: Tz,
}

pub(super) async fn scoring_context(
    db: &impl ConnectionTrait,
    app_id: Uuid,
) -> ApiResult<ScoringContext> {
    let app = application::Entity::find_by_id(app_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("application"))?;
    let call = get_call(db, app.call_id).await?;
    let tz = project_tz(db, call.project_id).await?;
    Ok(ScoringContext { app, call, tz })
}

pub(super) async fn is_final(db: &impl ConnectionTrait, mobility_id: Uuid) -> ApiResult<bool> {
    Ok(mobility_selection::Entity::find_by_id(mobility_id)
        .one(db)
        .await?
        .is_some())
}

/// A committee member may score or declare on this application (`policy::may_score`).
pub(super) async fn check_member(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    ctx: &ScoringContext,
) -> ApiResult<()> {
    let committee = committee_ids(db, ctx.call.id).await?;
    policy::may_score(user, &ctx.app, &committee)
}

pub(super) async fn declared(
    db: &impl ConnectionTrait,
    app_id: Uuid,
    member: Uuid,
) -> ApiResult<bool> {
    Ok(conflict_of_interest::Entity::find_by_id((app_id, member))
        .one(db)
        .await?
        .is_some())
}

pub(super) fn score_dto(s: application_score::Model) -> ScoreDto {
    ScoreDto {
        application_id: s.application_id,
        member_id: s.member_id,
        scores: serde_json::from_value(s.scores).unwrap_or_default(),
        comment: s.comment,
        updated_at: s.updated_at,
    }
}

pub async fn put_score(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    app_id: Uuid,
    r: ScoreRequest,
) -> ApiResult<(ScoreDto, bool)> {
    let txn = begin_write(db).await?;
    let ctx = scoring_context(&txn, app_id).await?;
    check_member(&txn, user, &ctx).await?;
    if !after_deadline(ctx.call.deadline, ctx.tz, clock.now()) {
        return Err(ApiError::conflict(
            "selection.scoring_not_open",
            "Scoring opens after the call's deadline.",
        ));
    }
    if is_final(&txn, ctx.app.mobility_id).await? {
        return Err(ApiError::conflict(
            "selection.final",
            "The selection for this mobility is final.",
        ));
    }
    if ctx.app.status != ApplicationStatus::Submitted {
        return Err(ApiError::conflict(
            "selection.not_submitted",
            "Only submitted applications are scored.",
        ));
    }
    if user.organisation_id == Some(ctx.app.library_id) || declared(&txn, app_id, user.id).await? {
        return Err(policy::conflict_of_interest());
    }
    let crit = criteria(&txn, ctx.call.id).await?;
    let mut errors = Vec::new();
    for c in &crit {
        match r.scores.get(&c.key) {
            None => errors.push(FieldError::new(
                format!("scores.{}", c.key),
                "required",
                "is required",
            )),
            Some(p) if *p < 0 || *p > c.max_points => errors.push(FieldError::new(
                format!("scores.{}", c.key),
                "range",
                format!("must be between 0 and {}", c.max_points),
            )),
            _ => {}
        }
    }
    for key in r.scores.keys() {
        if !crit.iter().any(|c| &c.key == key) {
            errors.push(FieldError::new(
                format!("scores.{key}"),
                "unknown",
                "not a criterion of this call",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = Utc::now();
    let existing = application_score::Entity::find()
        .filter(application_score::Column::ApplicationId.eq(app_id))
        .filter(application_score::Column::MemberId.eq(user.id))
        .one(&txn)
        .await?;
    let comment = r
        .comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let (saved, created) = match existing {
        Some(e) => {
            let mut am: application_score::ActiveModel = e.into();
            am.scores = Set(serde_json::json!(r.scores));
            am.comment = Set(comment);
            am.updated_at = Set(now);
            (am.update(&txn).await?, false)
        }
        None => (
            application_score::ActiveModel {
                id: Set(Uuid::now_v7()),
                application_id: Set(app_id),
                member_id: Set(user.id),
                scores: Set(serde_json::json!(r.scores)),
                comment: Set(comment),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?,
            true,
        ),
    };
    audit::record(
        &txn,
        &Actor::from(user),
        if created { "score" } else { "rescore" },
        "application",
        app_id,
        &["scores".into()],
    )
    .await?;
    txn.commit().await?;
    Ok((score_dto(saved), created))
}

pub async fn my_score(
    db: &DatabaseConnection,
    user: &AuthUser,
    app_id: Uuid,
) -> ApiResult<ScoreDto> {
    let ctx = scoring_context(db, app_id).await?;
    check_member(db, user, &ctx).await?;
    application_score::Entity::find()
        .filter(application_score::Column::ApplicationId.eq(app_id))
        .filter(application_score::Column::MemberId.eq(user.id))
        .one(db)
        .await?
        .map(score_dto)
        .ok_or_else(|| ApiError::not_found("score"))
}

/// A member declares a conflict: their score (if any) is removed, and they leave this
/// application's quorum.
pub async fn declare_conflict(
    db: &DatabaseConnection,
    user: &AuthUser,
    app_id: Uuid,
    reason: Option<String>,
) -> ApiResult<(ConflictDto, bool)> {
    let txn = begin_write(db).await?;
    let ctx = scoring_context(&txn, app_id).await?;
    check_member(&txn, user, &ctx).await?;
    if is_final(&txn, ctx.app.mobility_id).await? {
        return Err(ApiError::conflict(
            "selection.final",
            "The selection for this mobility is final.",
        ));
    }
    if let Some(c) = conflict_of_interest::Entity::find_by_id((app_id, user.id))
        .one(&txn)
        .await?
    {
        return Ok((
            ConflictDto {
                application_id: c.application_id,
                member_id: c.member_id,
                reason: c.reason,
                declared_at: c.declared_at,
            },
            false,
        ));
    }
    let c = conflict_of_interest::ActiveModel {
        application_id: Set(app_id),
        member_id: Set(user.id),
        reason: Set(reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())),
        declared_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    application_score::Entity::delete_many()
        .filter(application_score::Column::ApplicationId.eq(app_id))
        .filter(application_score::Column::MemberId.eq(user.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "declare_conflict",
        "application",
        app_id,
        &["conflicts".into()],
    )
    .await?;
    txn.commit().await?;
    Ok((
        ConflictDto {
            application_id: c.application_id,
            member_id: c.member_id,
            reason: c.reason,
            declared_at: c.declared_at,
        },
        true,
    ))
}
