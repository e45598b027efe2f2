//! Every change of a participant's status, in one place:
//!
//! - `selected` when the selection is final or a reserve is promoted ([`create`], with the
//!   preparation checklist of the mobility's track);
//! - `selected` / `contracted` / `prepared` from the checklist ([`refresh_preparation`], after
//!   any task changes; [`automatic_task`] for the tasks the system closes);
//! - `withdrawn` before the mobility, promoting the first reserve ([`withdraw`]);
//! - `travelled` on the return ([`record_return`]);
//! - `completed` (and back to `travelled`) from the obligations ([`refresh_completion`]).

use super::access;
use super::dto::{ParticipantDto, WithdrawalOutcome};
use crate::applications::history::record_status;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::events::{Event, EventType, Scope as EventScope};
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::notifications::outcome::{Outcome, notify_outcome};
use crate::obligations::dto::ObligationStatus;
use crate::obligations::service as obligations;
use crate::preparation::checklist;
use chrono::Utc;
use entity::enums::{ApplicationStatus, ParticipantStatus, Role};
use entity::{application, mobility, participant, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// The event for a change of `p`: ids, status and dates (never the reason or contacts).
pub fn event(t: EventType, p: &participant::Model) -> Event {
    Event::new(t, p.id, EventScope::Participant(p.id))
        .mobility(p.mobility_id)
        .library(p.library_id)
        .data(serde_json::json!({
            "status": p.status,
            "mobility_id": p.mobility_id,
            "library_id": p.library_id,
            "application_id": p.application_id,
            "reserve_rank": p.reserve_rank,
            "returned_at": p.returned_at,
            "withdrawn_at": p.withdrawn_at,
        }))
}

/// Make a participant of a selected application (inside the caller's transaction), with the
/// preparation checklist of the mobility's track.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    app: &application::Model,
    reserve_rank: Option<i32>,
) -> ApiResult<participant::Model> {
    let user_id = user::Entity::find()
        .filter(user::Column::Email.eq(app.applicant_email.clone()))
        .filter(user::Column::Role.eq(Role::Participant))
        .one(db)
        .await?
        .map(|u| u.id);
    let now = Utc::now();
    let track = mobility::Entity::find_by_id(app.mobility_id)
        .one(db)
        .await?
        .map(|m| m.follow_up)
        .unwrap_or(entity::enums::FollowUp::DtflWorkshop);
    let p = participant::ActiveModel {
        id: Set(Uuid::now_v7()),
        mobility_id: Set(app.mobility_id),
        application_id: Set(app.id),
        library_id: Set(app.library_id),
        user_id: Set(user_id),
        full_name: Set(app.applicant_full_name.clone()),
        email: Set(app.applicant_email.clone()),
        status: Set(ParticipantStatus::Selected),
        reserve_rank: Set(reserve_rank),
        returned_at: Set(None),
        early_return_reason: Set(None),
        withdrawn_at: Set(None),
        withdrawal_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    checklist::create_for(db, p.id, track).await?;
    audit::record(
        db,
        actor,
        "create",
        "participant",
        p.id,
        &["application_id".into(), "status".into()],
    )
    .await?;
    let kind = if reserve_rank.is_some() {
        EventType::ParticipantPromoted
    } else {
        EventType::ParticipantSelected
    };
    event(kind, &p).emit(db, actor).await?;
    Ok(p)
}

const ACTIVE: &[ParticipantStatus] = &[
    ParticipantStatus::Selected,
    ParticipantStatus::Contracted,
    ParticipantStatus::Prepared,
];

/// Withdraw a participant before the mobility starts and, in the same transaction, promote
/// the first reserve into the free place.
pub async fn withdraw(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    reason: String,
) -> ApiResult<WithdrawalOutcome> {
    let actor = Actor::from(user);
    let txn = begin_write(db).await?;
    // Lock the mobility first: every withdrawal and promotion of this mobility queues here.
    let p0 = participant::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("participant"))?;
    let mob = mobility::Entity::find_by_id(p0.mobility_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    // Read again under the lock: a withdrawal that committed meanwhile is seen.
    let p = access::visible(&txn, user, id).await?;
    access::may_withdraw(user, &p)?;
    if p.status == ParticipantStatus::Withdrawn {
        return Err(ApiError::conflict(
            "participant.already_withdrawn",
            "The participant has already withdrawn.",
        ));
    }
    if !ACTIVE.contains(&p.status) {
        return Err(ApiError::conflict(
            "participant.mobility_started",
            format!("A participant who is {} can no longer withdraw.", p.status),
        ));
    }
    let tz = crate::projects::service::timezone(&txn, mob.project_id).await?;
    let now = clock.now();
    if let Some(start) = mob.start_date
        && now.with_timezone(&tz).date_naive() >= start
    {
        return Err(ApiError::conflict(
            "participant.mobility_started",
            "The mobility has started; withdrawal is no longer possible here.",
        ));
    }
    let mut am: participant::ActiveModel = p.clone().into();
    am.status = Set(ParticipantStatus::Withdrawn);
    am.withdrawn_at = Set(Some(now));
    am.withdrawal_reason = Set(Some(reason.trim().to_string()));
    am.updated_at = Set(Utc::now());
    let withdrawn = am.update(&txn).await?;
    let app = application::Entity::find_by_id(p.application_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::internal("participant without application"))?;
    let mut app_am: application::ActiveModel = app.clone().into();
    app_am.status = Set(ApplicationStatus::Withdrawn);
    app_am.withdrawn_at = Set(Some(now));
    app_am.withdrawal_reason = Set(Some(reason.trim().to_string()));
    app_am.updated_at = Set(Utc::now());
    app_am.update(&txn).await?;
    record_status(
        &txn,
        app.id,
        Some(app.status),
        ApplicationStatus::Withdrawn,
        &actor,
        Some(reason.trim().to_string()),
        Utc::now(),
    )
    .await?;
    audit::record(
        &txn,
        &actor,
        "withdraw",
        "participant",
        id,
        &[
            "status".into(),
            "withdrawn_at".into(),
            "withdrawal_reason".into(),
        ],
    )
    .await?;
    event(EventType::ParticipantWithdrawn, &withdrawn)
        .emit(&txn, &actor)
        .await?;

    // Promote the first reserve if there is a free place.
    let active = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(mob.id))
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .count(&txn)
        .await?;
    let mut promoted = None;
    if (active as i64) < mob.places as i64
        && let Some(next) = application::Entity::find()
            .filter(application::Column::MobilityId.eq(mob.id))
            .filter(application::Column::Status.eq(ApplicationStatus::Reserve))
            .order_by_asc(application::Column::ReserveRank)
            // A reserve stepping back at this moment holds its row: wait for it.
            .lock_exclusive()
            .one(&txn)
            .await?
    {
        let mut next_am: application::ActiveModel = next.clone().into();
        next_am.status = Set(ApplicationStatus::Selected);
        next_am.updated_at = Set(Utc::now());
        next_am.update(&txn).await?;
        record_status(
            &txn,
            next.id,
            Some(ApplicationStatus::Reserve),
            ApplicationStatus::Selected,
            &actor,
            Some(format!(
                "promoted from reserve place {}",
                next.reserve_rank.unwrap_or(0)
            )),
            Utc::now(),
        )
        .await?;
        let np = create(&txn, &actor, &next, next.reserve_rank).await?;
        notify_outcome(
            &txn,
            &next,
            &mob,
            Outcome::Promoted,
            actor.request_id.clone(),
        )
        .await?;
        audit::record(
            &txn,
            &actor,
            "promote",
            "application",
            next.id,
            &["status".into()],
        )
        .await?;
        promoted = Some(ParticipantDto::for_caller(np, user));
    }
    txn.commit().await?;
    Ok(WithdrawalOutcome {
        withdrawn: ParticipantDto::for_caller(withdrawn, user),
        promoted,
    })
}

/// Participant status from the checklist: all done -> prepared; agreements signed ->
/// contracted; otherwise selected. Later statuses (travelled, ...) and withdrawal are kept.
pub async fn refresh_preparation(db: &impl ConnectionTrait, participant_id: Uuid) -> ApiResult<()> {
    let Some(p) = participant::Entity::find_by_id(participant_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    if !ACTIVE.contains(&p.status) {
        return Ok(());
    }
    let tasks = checklist::tasks_of(db, participant_id).await?;
    let signed = tasks
        .iter()
        .any(|t| t.key == checklist::SIGN_AGREEMENTS && t.done_at.is_some());
    let status = if !tasks.is_empty() && tasks.iter().all(|t| t.done_at.is_some()) {
        ParticipantStatus::Prepared
    } else if signed {
        ParticipantStatus::Contracted
    } else {
        ParticipantStatus::Selected
    };
    set_status(db, p, status).await
}

/// Close (or reopen) a task the system sees done (or undone), and move the status with it.
pub async fn automatic_task(
    db: &impl ConnectionTrait,
    participant_id: Uuid,
    key: &str,
    done: bool,
    by: Option<Uuid>,
) -> ApiResult<()> {
    checklist::set_done(db, participant_id, key, done, by).await?;
    refresh_preparation(db, participant_id).await
}

async fn set_status(
    db: &impl ConnectionTrait,
    p: participant::Model,
    status: ParticipantStatus,
) -> ApiResult<()> {
    if status != p.status {
        let mut am: participant::ActiveModel = p.into();
        am.status = Set(status);
        am.updated_at = Set(Utc::now());
        let m = am.update(db).await?;
        if status == ParticipantStatus::Completed {
            event(EventType::ParticipantCompleted, &m)
                .emit(db, &Actor::system("system:obligations"))
                .await?;
        }
    }
    Ok(())
}

/// The participant came back: `travelled`. Coordinators. Not before the mobility's first day;
/// before its last day only with the reason for the early return.
pub async fn record_return(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
    reason: Option<String>,
) -> ApiResult<participant::Model> {
    let txn = begin_write(db).await?;
    let p = access::visible(&txn, user, participant_id).await?;
    access::may_record_return(user)?;
    if !ACTIVE.contains(&p.status) {
        return Err(ApiError::conflict(
            "participant.invalid_transition",
            format!(
                "A participant who is {} cannot be recorded as returned.",
                p.status
            ),
        ));
    }
    // A return comes after the mobility began; one before its last day is early and says why.
    let mob = mobility::Entity::find_by_id(p.mobility_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::internal("participant without mobility"))?;
    let today = crate::clock::today(clock);
    match mob.start_date {
        Some(start) if today >= start => {}
        start => {
            return Err(ApiError::conflict(
                "participant.mobility_not_started",
                match start {
                    Some(d) => format!(
                        "The mobility starts on {d}; a return is recorded after it has begun."
                    ),
                    None => {
                        "The mobility has no dates yet; a return is recorded after it has begun."
                            .into()
                    }
                },
            ));
        }
    }
    let early = mob.end_date.is_some_and(|end| today < end);
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    match (early, &reason) {
        (true, None) => {
            return Err(ApiError::invalid_field(
                "early_return_reason",
                "required",
                format!(
                    "the mobility lasts until {}: an early return needs a reason",
                    mob.end_date.unwrap_or(today)
                ),
            ));
        }
        (false, Some(_)) => {
            return Err(ApiError::invalid_field(
                "early_return_reason",
                "not_early",
                "the mobility's last day has come: this is not an early return",
            ));
        }
        _ => {}
    }
    let mut am: participant::ActiveModel = p.clone().into();
    am.status = Set(ParticipantStatus::Travelled);
    am.returned_at = Set(Some(clock.now()));
    am.early_return_reason = Set(reason.clone());
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let actor = Actor::from(user);
    let mut fields = vec!["status".to_string(), "returned_at".into()];
    if reason.is_some() {
        fields.push("early_return_reason".into());
    }
    audit::record(&txn, &actor, "return", "participant", p.id, &fields).await?;
    event(EventType::ParticipantTravelled, &m)
        .emit(&txn, &actor)
        .await?;
    refresh_completion(&txn, clock, m.id).await?;
    txn.commit().await?;
    Ok(m)
}

/// A participant who came back and met every obligation is `completed` (and back to
/// `travelled` if a record that met one is removed).
pub async fn refresh_completion(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    participant_id: Uuid,
) -> ApiResult<()> {
    let Some(p) = participant::Entity::find_by_id(participant_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    if !matches!(
        p.status,
        ParticipantStatus::Travelled | ParticipantStatus::Completed
    ) {
        return Ok(());
    }
    let all_met = obligations::compute(db, clock, &p)
        .await?
        .iter()
        .all(|o| o.status == ObligationStatus::Met);
    let status = if all_met {
        ParticipantStatus::Completed
    } else {
        ParticipantStatus::Travelled
    };
    set_status(db, p, status).await
}
