//! Creating, editing, submitting, withdrawing and deleting applications.

use super::*;
use crate::events::{Event, EventType, Scope};

/// The event for a change of `m`: ids, status and dates only (never the applicant's details).
pub(super) fn event(t: EventType, m: &application::Model) -> Event {
    Event::new(t, m.id, Scope::Application(m.id))
        .mobility(m.mobility_id)
        .library(m.library_id)
        .data(serde_json::json!({
            "status": m.status,
            "call_id": m.call_id,
            "mobility_id": m.mobility_id,
            "library_id": m.library_id,
            "submitted_at": m.submitted_at,
            "withdrawn_at": m.withdrawn_at,
        }))
}

pub(super) fn clean(s: &str) -> String {
    s.trim().to_string()
}

pub async fn create(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    call_id: Uuid,
    r: CreateApplicationRequest,
) -> ApiResult<application::Model> {
    let txn = begin_write(db).await?;
    let m = create_in(&txn, clock, user, call_id, r).await?;
    txn.commit().await?;
    Ok(m)
}

/// [`create`] within the caller's transaction.
pub async fn create_in(
    txn: &DatabaseTransaction,
    clock: &dyn Clock,
    user: &AuthUser,
    call_id: Uuid,
    r: CreateApplicationRequest,
) -> ApiResult<application::Model> {
    let actor = Actor::from(user);
    let via = r.received_via.unwrap_or(ReceivedVia::Api);
    policy::may_record_receipt(
        user,
        via,
        "Only coordinators record applications received by e-mail.",
    )?;
    let library_id = policy::library_for_new(user, r.library_id)?;
    let now = clock.now();
    check_received(via, r.received_at, now)?;

    let ctx = call_context(txn, call_id).await?;
    if ctx.call.status == CallStatus::Draft && !crate::calls::policy::sees_drafts(Some(user)) {
        return Err(ApiError::not_found("call"));
    }
    check_open_and_in_time(&ctx, arrival(via, r.received_at, now))?;
    match organisation::Entity::find_by_id(library_id)
        .one(txn)
        .await?
    {
        Some(o) if o.kind == OrganisationKind::MemberLibrary => {}
        Some(_) => {
            return Err(ApiError::unprocessable(
                "application.not_member_library",
                "Only member libraries apply; this organisation is not one.",
            ));
        }
        None => {
            return Err(ApiError::invalid_field(
                "library_id",
                "not_found",
                "no such organisation",
            ));
        }
    }
    if call_mobility::Entity::find_by_id((call_id, r.mobility_id))
        .one(txn)
        .await?
        .is_none()
    {
        return Err(ApiError::unprocessable(
            "application.mobility_not_in_call",
            "The mobility is not one of this call's mobilities.",
        ));
    }
    let exists = application::Entity::find()
        .filter(application::Column::LibraryId.eq(library_id))
        .filter(application::Column::MobilityId.eq(r.mobility_id))
        .filter(application::Column::Status.ne(ApplicationStatus::Withdrawn))
        .count(txn)
        .await?;
    if exists > 0 {
        return Err(duplicate());
    }
    let ts = Utc::now();
    let mut m = application::Model {
        id: Uuid::now_v7(),
        call_id,
        mobility_id: r.mobility_id,
        library_id,
        applicant_full_name: clean(&r.applicant.full_name),
        applicant_email: r.applicant.email.trim().to_lowercase(),
        applicant_job_title: clean(&r.applicant.job_title),
        applicant_adult_education_role: clean(&r.applicant.adult_education_role),
        applicant_years_in_adult_education: r.applicant.years_in_adult_education,
        motivation: r.motivation,
        expected_use: r.expected_use,
        language_skills: r.language_skills,
        fewer_opportunities: r.fewer_opportunities,
        fewer_opportunities_note: r.fewer_opportunities_note.filter(|n| !n.trim().is_empty()),
        status: ApplicationStatus::Draft,
        received_via: via,
        received_at: r.received_at,
        submitted_at: None,
        withdrawn_at: None,
        withdrawal_reason: None,
        content_sha256: String::new(),
        selection_rank: None,
        reserve_rank: None,
        created_by: user.id,
        created_at: ts,
        updated_at: ts,
    };
    m.content_sha256 = content_hash(&m);
    let am: application::ActiveModel = m.clone().into();
    let m = application::Entity::insert(am)
        .exec_with_returning(txn)
        .await
        .map_err(|e| match ApiError::from(e) {
            err if err.code == "resource.duplicate" => duplicate(),
            err => err,
        })?;
    record_status(txn, m.id, None, ApplicationStatus::Draft, &actor, None, ts).await?;
    let fields: Vec<String> = [
        "call_id",
        "mobility_id",
        "library_id",
        "applicant",
        "motivation",
        "expected_use",
        "language_skills",
        "fewer_opportunities",
        "fewer_opportunities_note",
        "received_via",
        "received_at",
        "status",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    audit::record(txn, &actor, "create", "application", m.id, &fields).await?;
    event(EventType::ApplicationCreated, &m)
        .emit(txn, &actor)
        .await?;
    Ok(m)
}

pub(super) fn audit_json(m: &application::Model) -> serde_json::Value {
    serde_json::json!({
        "applicant.full_name": m.applicant_full_name, "applicant.email": m.applicant_email,
        "applicant.job_title": m.applicant_job_title,
        "applicant.adult_education_role": m.applicant_adult_education_role,
        "applicant.years_in_adult_education": m.applicant_years_in_adult_education,
        "motivation": m.motivation, "expected_use": m.expected_use, "language_skills": m.language_skills,
        "fewer_opportunities": m.fewer_opportunities, "fewer_opportunities_note": m.fewer_opportunities_note,
        "received_via": m.received_via, "received_at": m.received_at,
    })
}

/// Void the valid signatures of an application (its content changed).
pub(super) async fn void_signatures(
    db: &impl ConnectionTrait,
    app_id: Uuid,
    only_role: Option<SignerRole>,
    at: DateTime<Utc>,
) -> ApiResult<u64> {
    let mut q = application_signature::Entity::update_many()
        .col_expr(
            application_signature::Column::Status,
            Expr::value(SignatureStatus::Void),
        )
        .col_expr(application_signature::Column::VoidedAt, Expr::value(at))
        .filter(application_signature::Column::ApplicationId.eq(app_id))
        .filter(application_signature::Column::Status.eq(SignatureStatus::Valid));
    if let Some(r) = only_role {
        q = q.filter(application_signature::Column::SignerRole.eq(r));
    }
    Ok(q.exec(db).await?.rows_affected)
}

pub async fn update(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    p: UpdateApplicationRequest,
    check_etag: impl FnOnce(&application::Model) -> ApiResult<()>,
) -> ApiResult<application::Model> {
    let actor = Actor::from(user);
    let txn = begin_write(db).await?;
    // Visibility first: another library's application is 404 whatever the body holds.
    let cur = visible_for_update(&txn, user, id).await?;
    if p.received_via.is_some() || p.received_at.is_some() {
        policy::may_change_receipt(user)?;
    }
    policy::may_edit(user, &cur, "change")?;
    check_etag(&cur)?;
    if cur.status != ApplicationStatus::Draft {
        return Err(locked(cur.status));
    }
    let mut next = cur.clone();
    if let Some(a) = p.applicant {
        next.applicant_full_name = clean(&a.full_name);
        next.applicant_email = a.email.trim().to_lowercase();
        next.applicant_job_title = clean(&a.job_title);
        next.applicant_adult_education_role = clean(&a.adult_education_role);
        next.applicant_years_in_adult_education = a.years_in_adult_education;
    }
    if let Some(v) = p.motivation {
        next.motivation = v;
    }
    if let Some(v) = p.expected_use {
        next.expected_use = v;
    }
    if let Some(v) = p.language_skills {
        next.language_skills = v;
    }
    if let Some(v) = p.fewer_opportunities {
        next.fewer_opportunities = v;
    }
    if let Some(v) = p.fewer_opportunities_note {
        next.fewer_opportunities_note = v.filter(|n| !n.trim().is_empty());
    }
    if let Some(v) = p.received_via {
        next.received_via = v;
        if v == ReceivedVia::Api && p.received_at.is_none() {
            next.received_at = None;
        }
    }
    if let Some(v) = p.received_at {
        next.received_at = v;
    }
    check_received(next.received_via, next.received_at, clock.now())?;
    next.content_sha256 = content_hash(&next);
    let fields = audit::service::changed_fields(&audit_json(&cur), &audit_json(&next));
    if fields.is_empty() {
        return Ok(cur);
    }
    let now = Utc::now();
    next.updated_at = now;
    let content_changed = next.content_sha256 != cur.content_sha256;
    let am: application::ActiveModel = next.into();
    let updated = am.reset_all().update(&txn).await?;
    let mut fields = fields;
    let mut voided = 0;
    if content_changed {
        voided = void_signatures(&txn, id, None, now).await?;
        fields.push("content_sha256".into());
        if voided > 0 {
            fields.push("signatures".into());
        }
    }
    audit::record(&txn, &actor, "update", "application", id, &fields).await?;
    event(EventType::ApplicationUpdated, &updated)
        .emit(&txn, &actor)
        .await?;
    if voided > 0 {
        event(EventType::SignaturesVoided, &updated)
            .emit(&txn, &actor)
            .await?;
    }
    txn.commit().await?;
    Ok(updated)
}

pub async fn delete(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    check_etag: impl FnOnce(&application::Model) -> ApiResult<()>,
) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    let cur = visible_for_update(&txn, user, id).await?;
    policy::may_edit(user, &cur, "delete")?;
    check_etag(&cur)?;
    if cur.status != ApplicationStatus::Draft {
        return Err(locked(cur.status));
    }
    application_signature::Entity::delete_many()
        .filter(application_signature::Column::ApplicationId.eq(id))
        .exec(&txn)
        .await?;
    application::Entity::delete_by_id(id).exec(&txn).await?;
    let actor = Actor::from(user);
    audit::record(&txn, &actor, "delete", "application", id, &[]).await?;
    event(EventType::ApplicationDeleted, &cur)
        .emit(&txn, &actor)
        .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn submit(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<application::Model> {
    let txn = begin_write(db).await?;
    let m = submit_in(&txn, clock, user, id).await?;
    txn.commit().await?;
    Ok(m)
}

/// [`submit`] within the caller's transaction.
pub async fn submit_in(
    txn: &DatabaseTransaction,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<application::Model> {
    let actor = Actor::from(user);
    let cur = visible_for_update(txn, user, id).await?;
    policy::may_edit(user, &cur, "submit")?;
    if cur.status != ApplicationStatus::Draft {
        return Err(locked(cur.status));
    }
    let ctx = call_context(txn, cur.call_id).await?;
    let now = clock.now();
    let at = arrival(cur.received_via, cur.received_at, now);
    check_open_and_in_time(&ctx, at)?;
    let valid = application_signature::Entity::find()
        .filter(application_signature::Column::ApplicationId.eq(id))
        .filter(application_signature::Column::Status.eq(SignatureStatus::Valid))
        .filter(application_signature::Column::ContentSha256.eq(cur.content_sha256.clone()))
        .all(txn)
        .await?;
    let has = |role: SignerRole| valid.iter().any(|s| s.signer_role == role);
    if !has(SignerRole::Participant) {
        return Err(ApiError::unprocessable(
            "application.participant_signature_missing",
            "The participant's signature for the current content is missing.",
        ));
    }
    if !has(SignerRole::LibraryDirector) {
        return Err(ApiError::unprocessable(
            "application.director_signature_missing",
            "The library director's signature for the current content is missing.",
        ));
    }
    let mut am: application::ActiveModel = cur.clone().into();
    am.status = Set(ApplicationStatus::Submitted);
    am.submitted_at = Set(Some(at));
    am.updated_at = Set(Utc::now());
    let updated = am.update(txn).await?;
    record_status(
        txn,
        id,
        Some(cur.status),
        ApplicationStatus::Submitted,
        &actor,
        None,
        Utc::now(),
    )
    .await?;
    audit::record(
        txn,
        &actor,
        "submit",
        "application",
        id,
        &["status".into(), "submitted_at".into()],
    )
    .await?;
    if let Some(mob) = entity::mobility::Entity::find_by_id(updated.mobility_id)
        .one(txn)
        .await?
    {
        crate::notifications::outcome::application_received(
            txn,
            &updated,
            &mob,
            actor.request_id.clone(),
        )
        .await?;
    }
    event(EventType::ApplicationSubmitted, &updated)
        .emit(txn, &actor)
        .await?;
    Ok(updated)
}

/// Withdraw: a draft or submitted application until the selection is final, and a reserve
/// (it leaves the reserve list). Frees the library's place.
pub async fn withdraw(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    reason: Option<String>,
) -> ApiResult<application::Model> {
    let actor = Actor::from(user);
    let txn = begin_write(db).await?;
    let cur = visible_for_update(&txn, user, id).await?;
    policy::may_withdraw(user, &cur)?;
    // A reserve may step back too, so that it is never promoted to a place it cannot take.
    if !matches!(
        cur.status,
        ApplicationStatus::Draft | ApplicationStatus::Submitted | ApplicationStatus::Reserve
    ) {
        return Err(ApiError::conflict(
            "application.withdraw_not_allowed",
            format!(
                "An application that is {} can no longer be withdrawn.",
                cur.status
            ),
        ));
    }
    let now = clock.now();
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let mut am: application::ActiveModel = cur.clone().into();
    am.status = Set(ApplicationStatus::Withdrawn);
    am.withdrawn_at = Set(Some(now));
    am.withdrawal_reason = Set(reason.clone());
    am.updated_at = Set(Utc::now());
    let updated = am.update(&txn).await?;
    record_status(
        &txn,
        id,
        Some(cur.status),
        ApplicationStatus::Withdrawn,
        &actor,
        reason,
        Utc::now(),
    )
    .await?;
    audit::record(
        &txn,
        &actor,
        "withdraw",
        "application",
        id,
        &[
            "status".into(),
            "withdrawn_at".into(),
            "withdrawal_reason".into(),
        ],
    )
    .await?;
    event(EventType::ApplicationWithdrawn, &updated)
        .emit(&txn, &actor)
        .await?;
    txn.commit().await?;
    Ok(updated)
}
