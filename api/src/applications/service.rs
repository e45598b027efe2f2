//! Applications: the rules of the call phase and the database work.

use super::dto::{
    Applicant, ApplicationDto, ApplicationQuery, CreateApplicationRequest, CreateSignatureRequest,
    SignatureDto, StatusChangeDto, UpdateApplicationRequest,
};
use super::history::record_status;
use super::policy::{self, COMMITTEE_VISIBLE};
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, AuthUser, FieldError, Page};
use crate::storage::BlobStore;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::enums::{
    ApplicationStatus, CallStatus, OrganisationKind, ReceivedVia, Role, SignatureMethod,
    SignatureStatus, SignerRole,
};
use entity::{
    application, application_document, application_signature, application_status_change, call,
    call_mobility, mobility, organisation,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

// ---------------------------------------------------------------- content and time rules

/// SHA-256 over the application's canonical content: its fields as `[key, value]` pairs in
/// key order, serialised as compact JSON. Status and bookkeeping are not content.
pub fn content_hash(m: &application::Model) -> String {
    let mut pairs: Vec<(&str, serde_json::Value)> = vec![
        (
            "applicant.adult_education_role",
            m.applicant_adult_education_role.clone().into(),
        ),
        ("applicant.email", m.applicant_email.clone().into()),
        ("applicant.full_name", m.applicant_full_name.clone().into()),
        ("applicant.job_title", m.applicant_job_title.clone().into()),
        (
            "applicant.years_in_adult_education",
            m.applicant_years_in_adult_education.into(),
        ),
        ("call_id", m.call_id.to_string().into()),
        ("expected_use", m.expected_use.clone().into()),
        ("fewer_opportunities", m.fewer_opportunities.into()),
        (
            "fewer_opportunities_note",
            m.fewer_opportunities_note.clone().into(),
        ),
        ("language_skills", m.language_skills.clone().into()),
        ("library_id", m.library_id.to_string().into()),
        ("mobility_id", m.mobility_id.to_string().into()),
        ("motivation", m.motivation.clone().into()),
    ];
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let canonical = serde_json::to_string(&pairs).unwrap_or_default();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Whether `at` falls after the inclusive `deadline` date in time zone `tz`.
pub fn after_deadline(deadline: NaiveDate, tz: Tz, at: DateTime<Utc>) -> bool {
    at.with_timezone(&tz).date_naive() > deadline
}

/// The moment that counts for the deadline: when an e-mail arrived, or now.
fn arrival(
    via: ReceivedVia,
    received_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    match (via, received_at) {
        (ReceivedVia::Email, Some(at)) => at,
        _ => now,
    }
}

struct CallContext {
    call: call::Model,
    tz: Tz,
}

async fn call_context(db: &impl ConnectionTrait, call_id: Uuid) -> ApiResult<CallContext> {
    let call = call::Entity::find_by_id(call_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("call"))?;
    let tz = crate::projects::service::timezone(db, call.project_id).await?;
    Ok(CallContext { call, tz })
}

fn check_open_and_in_time(ctx: &CallContext, at: DateTime<Utc>) -> ApiResult<()> {
    if ctx.call.status != CallStatus::Open {
        return Err(ApiError::unprocessable(
            "application.call_not_open",
            format!(
                "The call is {}; only an open call takes applications.",
                ctx.call.status
            ),
        ));
    }
    if after_deadline(ctx.call.deadline, ctx.tz, at) {
        return Err(ApiError::unprocessable(
            "application.deadline_passed",
            format!(
                "The deadline was {} (inclusive, {}).",
                ctx.call.deadline, ctx.tz
            ),
        ));
    }
    Ok(())
}

fn check_received(
    via: ReceivedVia,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    match (via, at) {
        (ReceivedVia::Email, None) => Err(ApiError::invalid_field(
            "received_at",
            "required",
            "the time the e-mail arrived is required with received_via: email",
        )),
        (ReceivedVia::Email, Some(t)) if t > now => Err(ApiError::invalid_field(
            "received_at",
            "in_future",
            "must not be in the future",
        )),
        (ReceivedVia::Api, Some(_)) => Err(ApiError::invalid_field(
            "received_at",
            "not_allowed",
            "only applications received by e-mail have a received_at",
        )),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------- reading

fn duplicate() -> ApiError {
    ApiError::conflict(
        "application.duplicate",
        "This library already has an application for this mobility (withdraw it to apply again).",
    )
}

fn locked(status: ApplicationStatus) -> ApiError {
    ApiError::conflict(
        "application.locked",
        format!("The application is {status}; only a draft can be changed."),
    )
}

pub async fn get_model(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<application::Model> {
    application::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("application"))
}

/// The application if `user` may see it; 404 otherwise.
pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<application::Model> {
    let m = get_model(db, id).await?;
    if policy::can_see(user, &m) {
        Ok(m)
    } else {
        Err(ApiError::not_found("application"))
    }
}

async fn history_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<StatusChangeDto>>> {
    let mut map: HashMap<Uuid, Vec<StatusChangeDto>> = HashMap::new();
    for h in application_status_change::Entity::find()
        .filter(application_status_change::Column::ApplicationId.is_in(ids.to_vec()))
        .order_by_asc(application_status_change::Column::OccurredAt)
        .order_by_asc(application_status_change::Column::Id)
        .all(db)
        .await?
    {
        map.entry(h.application_id)
            .or_default()
            .push(StatusChangeDto {
                from: h.from_status,
                to: h.to_status,
                actor_id: h.actor_id,
                note: h.note,
                at: h.occurred_at,
            });
    }
    Ok(map)
}

pub fn to_dto(
    m: application::Model,
    history: Vec<StatusChangeDto>,
    show_note: bool,
) -> ApplicationDto {
    ApplicationDto {
        id: m.id,
        call_id: m.call_id,
        mobility_id: m.mobility_id,
        library_id: m.library_id,
        applicant: Applicant {
            full_name: m.applicant_full_name,
            email: m.applicant_email,
            job_title: m.applicant_job_title,
            adult_education_role: m.applicant_adult_education_role,
            years_in_adult_education: m.applicant_years_in_adult_education,
        },
        motivation: m.motivation,
        expected_use: m.expected_use,
        language_skills: m.language_skills,
        fewer_opportunities: m.fewer_opportunities,
        fewer_opportunities_note: m.fewer_opportunities_note.filter(|_| show_note),
        status: m.status,
        received_via: m.received_via,
        received_at: m.received_at,
        submitted_at: m.submitted_at,
        withdrawn_at: m.withdrawn_at,
        withdrawal_reason: m.withdrawal_reason,
        content_sha256: m.content_sha256,
        selection_rank: m.selection_rank,
        reserve_rank: m.reserve_rank,
        created_by: m.created_by,
        created_at: m.created_at,
        updated_at: m.updated_at,
        history,
    }
}

pub async fn dto(
    db: &impl ConnectionTrait,
    m: application::Model,
    show_note: bool,
) -> ApiResult<ApplicationDto> {
    let mut h = history_of(db, &[m.id]).await?;
    let history = h.remove(&m.id).unwrap_or_default();
    Ok(to_dto(m, history, show_note))
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    q: ApplicationQuery,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<ApplicationDto>> {
    let mut query = application::Entity::find();
    query = match user.role {
        Role::Admin | Role::Coordinator => query,
        Role::Library => match user.organisation_id {
            Some(org) => query.filter(application::Column::LibraryId.eq(org)),
            None => query.filter(Expr::val(false)),
        },
        Role::Participant => {
            query.filter(application::Column::ApplicantEmail.eq(user.email.to_lowercase()))
        }
        Role::Committee => {
            query.filter(application::Column::Status.is_in(COMMITTEE_VISIBLE.iter().copied()))
        }
        Role::Host | Role::Accountant => {
            return Err(ApiError::forbidden(
                "Applications are not shown to this role.",
            ));
        }
    };
    if let Some(v) = q.call_id {
        query = query.filter(application::Column::CallId.eq(v));
    }
    if let Some(v) = q.mobility_id {
        query = query.filter(application::Column::MobilityId.eq(v));
    }
    if let Some(v) = q.library_id {
        query = query.filter(application::Column::LibraryId.eq(v));
    }
    if let Some(v) = q.status {
        query = query.filter(application::Column::Status.eq(v));
    }
    if let Some(v) = q.received_via {
        query = query.filter(application::Column::ReceivedVia.eq(v));
    }
    if let Some(v) = q.fewer_opportunities {
        query = query.filter(application::Column::FewerOpportunities.eq(v));
    }
    if let Some(t) = since.updated_since {
        query = query.filter(application::Column::UpdatedAt.gte(t));
    }
    let order = Sort::columns(
        q.sort.as_deref(),
        &[
            (
                "applicant_full_name",
                application::Column::ApplicantFullName,
            ),
            ("submitted_at", application::Column::SubmittedAt),
            ("status", application::Column::Status),
            ("created_at", application::Column::CreatedAt),
            ("updated_at", application::Column::UpdatedAt),
        ],
        &[(application::Column::CreatedAt, sea_orm::Order::Asc)],
    )?;
    let mut fetched = page
        .fetch(db, query, &order, application::Column::Id, |m| m.id)
        .await?;
    let rows = fetched.take_items();
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let mut histories = history_of(db, &ids).await?;
    let show = policy::sees_note(user);
    let items = rows
        .into_iter()
        .map(|a| {
            let h = histories.remove(&a.id).unwrap_or_default();
            to_dto(a, h, show)
        })
        .collect();
    Ok(fetched.with_items(items))
}

// ---------------------------------------------------------------- writing

fn clean(s: &str) -> String {
    s.trim().to_string()
}

pub async fn create(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    call_id: Uuid,
    r: CreateApplicationRequest,
) -> ApiResult<application::Model> {
    let actor = Actor::from(user);
    let via = r.received_via.unwrap_or(ReceivedVia::Api);
    if via == ReceivedVia::Email && !user.is_staff() {
        return Err(ApiError::forbidden(
            "Only coordinators record applications received by e-mail.",
        ));
    }
    let library_id = match (user.role, r.library_id) {
        (Role::Library, given) => {
            let own = user
                .organisation_id
                .ok_or_else(|| ApiError::forbidden("Your account has no library."))?;
            if given.is_some_and(|g| g != own) {
                return Err(ApiError::forbidden("A library applies for itself only."));
            }
            own
        }
        (Role::Admin | Role::Coordinator, Some(l)) => l,
        (Role::Admin | Role::Coordinator, None) => {
            return Err(ApiError::invalid_field(
                "library_id",
                "required",
                "is required",
            ));
        }
        _ => {
            return Err(ApiError::forbidden(
                "Only member libraries and coordinators create applications.",
            ));
        }
    };
    let now = clock.now();
    check_received(via, r.received_at, now)?;

    let txn = begin_write(db).await?;
    let ctx = call_context(&txn, call_id).await?;
    if ctx.call.status == CallStatus::Draft && !user.is_staff() {
        return Err(ApiError::not_found("call"));
    }
    check_open_and_in_time(&ctx, arrival(via, r.received_at, now))?;
    match organisation::Entity::find_by_id(library_id)
        .one(&txn)
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
        .one(&txn)
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
        .count(&txn)
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
        .exec_with_returning(&txn)
        .await
        .map_err(|e| match ApiError::from(e) {
            err if err.code == "resource.duplicate" => duplicate(),
            err => err,
        })?;
    record_status(&txn, m.id, None, ApplicationStatus::Draft, &actor, None, ts).await?;
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
    audit::record(&txn, &actor, "create", "application", m.id, &fields).await?;
    txn.commit().await?;
    Ok(m)
}

fn audit_json(m: &application::Model) -> serde_json::Value {
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
async fn void_signatures(
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
    if (p.received_via.is_some() || p.received_at.is_some()) && !user.is_staff() {
        return Err(ApiError::forbidden(
            "Only coordinators change how an application was received.",
        ));
    }
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    if !policy::can_edit(user, &cur) {
        return Err(ApiError::forbidden("You may not change this application."));
    }
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
    if content_changed {
        let voided = void_signatures(&txn, id, None, now).await?;
        fields.push("content_sha256".into());
        if voided > 0 {
            fields.push("signatures".into());
        }
    }
    audit::record(&txn, &actor, "update", "application", id, &fields).await?;
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
    let cur = visible(&txn, user, id).await?;
    if !policy::can_edit(user, &cur) {
        return Err(ApiError::forbidden("You may not delete this application."));
    }
    check_etag(&cur)?;
    if cur.status != ApplicationStatus::Draft {
        return Err(locked(cur.status));
    }
    application_signature::Entity::delete_many()
        .filter(application_signature::Column::ApplicationId.eq(id))
        .exec(&txn)
        .await?;
    application::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, &Actor::from(user), "delete", "application", id, &[]).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn submit(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<application::Model> {
    let actor = Actor::from(user);
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    if !policy::can_edit(user, &cur) {
        return Err(ApiError::forbidden("You may not submit this application."));
    }
    if cur.status != ApplicationStatus::Draft {
        return Err(locked(cur.status));
    }
    let ctx = call_context(&txn, cur.call_id).await?;
    let now = clock.now();
    let at = arrival(cur.received_via, cur.received_at, now);
    check_open_and_in_time(&ctx, at)?;
    let valid = application_signature::Entity::find()
        .filter(application_signature::Column::ApplicationId.eq(id))
        .filter(application_signature::Column::Status.eq(SignatureStatus::Valid))
        .filter(application_signature::Column::ContentSha256.eq(cur.content_sha256.clone()))
        .all(&txn)
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
    let updated = am.update(&txn).await?;
    record_status(
        &txn,
        id,
        Some(cur.status),
        ApplicationStatus::Submitted,
        &actor,
        None,
        Utc::now(),
    )
    .await?;
    audit::record(
        &txn,
        &actor,
        "submit",
        "application",
        id,
        &["status".into(), "submitted_at".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Withdraw: allowed until the selection for the mobility is final. Frees the library's place.
pub async fn withdraw(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    reason: Option<String>,
) -> ApiResult<application::Model> {
    let actor = Actor::from(user);
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    let may = policy::can_edit(user, &cur)
        || (user.role == Role::Participant && policy::names(user, &cur));
    if !may {
        return Err(ApiError::forbidden(
            "You may not withdraw this application.",
        ));
    }
    if !matches!(
        cur.status,
        ApplicationStatus::Draft | ApplicationStatus::Submitted
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
    txn.commit().await?;
    Ok(updated)
}

// ---------------------------------------------------------------- documents

/// Keep a file name safe to store and to send back: no path, no control or quoting
/// characters, at most 150 characters, ending in `.pdf`.
pub fn sanitise_filename(name: &str) -> String {
    sanitise_filename_with(name, "pdf")
}

/// As [`sanitise_filename`], ending in `.{ext}`.
pub fn sanitise_filename_with(name: &str, ext: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control()
                || matches!(
                    c,
                    '"' | '\'' | ';' | ':' | '*' | '?' | '<' | '>' | '|' | '%'
                )
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    let mut out: String = cleaned.chars().take(150).collect();
    if out.is_empty() {
        out = "document".into();
    }
    if !out.to_lowercase().ends_with(&format!(".{ext}")) {
        out.push('.');
        out.push_str(ext);
    }
    out
}

/// Store an uploaded PDF for the application; the same bytes twice give the same document.
pub async fn add_document(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    app_id: Uuid,
    filename: &str,
    bytes: Vec<u8>,
) -> ApiResult<(application_document::Model, bool)> {
    let app = visible(db, user, app_id).await?;
    if !policy::can_upload(user, &app) {
        return Err(ApiError::forbidden(
            "You may not add documents to this application.",
        ));
    }
    if app.status != ApplicationStatus::Draft {
        return Err(locked(app.status));
    }
    if !crate::pdf::is_pdf(&bytes) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "document.not_pdf",
            "Only PDF files are accepted (the content is not a PDF, whatever its name).",
        ));
    }
    let signature = crate::pdf::find_signature(&bytes);
    let size = bytes.len() as i64;
    let sha = blobs.put(bytes).await.map_err(ApiError::internal)?;
    let txn = begin_write(db).await?;
    // Checked again inside the transaction: it may have been submitted meanwhile.
    let app = get_model(&txn, app_id).await?;
    if app.status != ApplicationStatus::Draft {
        return Err(locked(app.status));
    }
    if let Some(existing) = application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(app_id))
        .filter(application_document::Column::Sha256.eq(sha.clone()))
        .one(&txn)
        .await?
    {
        return Ok((existing, false));
    }
    let m = application_document::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(app_id),
        filename: Set(sanitise_filename(filename)),
        content_type: Set("application/pdf".into()),
        size: Set(size),
        sha256: Set(sha),
        has_pdf_signature: Set(signature.is_some()),
        pdf_signer_name: Set(signature.as_ref().and_then(|s| s.signer_name.clone())),
        pdf_signing_time: Set(signature.as_ref().and_then(|s| s.signing_time.clone())),
        uploaded_by: Set(user.id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "application_document",
        m.id,
        &["application_id".into(), "filename".into(), "sha256".into()],
    )
    .await?;
    txn.commit().await?;
    Ok((m, true))
}

pub async fn documents(
    db: &DatabaseConnection,
    user: &AuthUser,
    app_id: Uuid,
) -> ApiResult<Vec<application_document::Model>> {
    visible(db, user, app_id).await?;
    Ok(application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(app_id))
        .order_by_asc(application_document::Column::CreatedAt)
        .order_by_asc(application_document::Column::Id)
        .all(db)
        .await?)
}

/// A document and its bytes, for a user who may see its application.
pub async fn document_content(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(application_document::Model, Vec<u8>)> {
    let doc = application_document::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    let app = get_model(db, doc.application_id).await?;
    if !policy::can_see(user, &app) {
        return Err(ApiError::not_found("document"));
    }
    let bytes = blobs.get(&doc.sha256).await.map_err(ApiError::internal)?;
    Ok((doc, bytes))
}

// ---------------------------------------------------------------- signatures

pub fn signature_dto(
    s: application_signature::Model,
    pdf_signer_name: Option<String>,
) -> SignatureDto {
    SignatureDto {
        id: s.id,
        application_id: s.application_id,
        signer_role: s.signer_role,
        method: s.method,
        signer_name: s.signer_name,
        signer_position: s.signer_position,
        signed_at: s.signed_at,
        document_id: s.document_id,
        recorded_by: s.recorded_by,
        content_sha256: s.content_sha256,
        status: s.status,
        voided_at: s.voided_at,
        pdf_signer_name,
        created_at: s.created_at,
    }
}

pub async fn add_signature(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    app_id: Uuid,
    r: CreateSignatureRequest,
) -> ApiResult<SignatureDto> {
    let actor = Actor::from(user);
    let txn = begin_write(db).await?;
    let app = visible(&txn, user, app_id).await?;
    let may = policy::can_edit(user, &app)
        || (user.role == Role::Participant
            && policy::names(user, &app)
            && r.signer_role == SignerRole::Participant);
    if !may {
        return Err(ApiError::forbidden("You may not record this signature."));
    }
    if app.status != ApplicationStatus::Draft {
        return Err(locked(app.status));
    }
    let now = clock.now();
    let signed_at = r.signed_at.unwrap_or(now);
    if signed_at > now {
        return Err(ApiError::validation(vec![FieldError::new(
            "signed_at",
            "in_future",
            "must not be in the future",
        )]));
    }
    let document = match r.document_id {
        None => None,
        Some(doc_id) => Some(
            application_document::Entity::find_by_id(doc_id)
                .one(&txn)
                .await?
                .filter(|d| d.application_id == app_id)
                .ok_or_else(|| {
                    ApiError::invalid_field(
                        "document_id",
                        "not_found",
                        "no such document of this application",
                    )
                })?,
        ),
    };
    let Some(doc) = document else {
        return Err(ApiError::unprocessable(
            "signature.document_required",
            match r.method {
                SignatureMethod::ScannedHandwritten => {
                    "A handwritten signature needs the uploaded scan (document_id)."
                }
                SignatureMethod::QualifiedElectronic => {
                    "A digital signature needs the uploaded, digitally signed PDF (document_id)."
                }
            },
        ));
    };
    if r.method == SignatureMethod::QualifiedElectronic && !doc.has_pdf_signature {
        return Err(ApiError::unprocessable(
            "signature.not_digitally_signed",
            "The document holds no digital signature (no signature dictionary with /ByteRange and /Contents).",
        ));
    }
    // A new signature for a role replaces the earlier one of that role.
    void_signatures(&txn, app_id, Some(r.signer_role), Utc::now()).await?;
    let s = application_signature::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(app_id),
        signer_role: Set(r.signer_role),
        method: Set(r.method),
        signer_name: Set(clean(&r.signer_name)),
        signer_position: Set(r
            .signer_position
            .map(|p| clean(&p))
            .filter(|p| !p.is_empty())),
        signed_at: Set(signed_at),
        document_id: Set(Some(doc.id)),
        recorded_by: Set(user.id),
        content_sha256: Set(app.content_sha256.clone()),
        status: Set(SignatureStatus::Valid),
        voided_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &actor,
        "sign",
        "application",
        app_id,
        &[format!("signatures.{}", r.signer_role)],
    )
    .await?;
    txn.commit().await?;
    let pdf_name = if s.method == SignatureMethod::QualifiedElectronic {
        doc.pdf_signer_name.clone()
    } else {
        None
    };
    Ok(signature_dto(s, pdf_name))
}

pub async fn signatures(
    db: &DatabaseConnection,
    user: &AuthUser,
    app_id: Uuid,
) -> ApiResult<Vec<SignatureDto>> {
    visible(db, user, app_id).await?;
    let sigs = application_signature::Entity::find()
        .filter(application_signature::Column::ApplicationId.eq(app_id))
        .order_by_asc(application_signature::Column::CreatedAt)
        .order_by_asc(application_signature::Column::Id)
        .all(db)
        .await?;
    let docs: HashMap<Uuid, application_document::Model> = application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(app_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    Ok(sigs
        .into_iter()
        .map(|s| {
            let name = match (s.method, s.document_id.and_then(|d| docs.get(&d))) {
                (SignatureMethod::QualifiedElectronic, Some(d)) => d.pdf_signer_name.clone(),
                _ => None,
            };
            signature_dto(s, name)
        })
        .collect())
}

// ---------------------------------------------------------------- export

pub async fn export_csv(
    db: &DatabaseConnection,
    call_id: Uuid,
    delimiter: crate::http::csv::Delimiter,
    include_note: bool,
) -> ApiResult<Vec<u8>> {
    call::Entity::find_by_id(call_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("call"))?;
    let apps = application::Entity::find()
        .filter(application::Column::CallId.eq(call_id))
        .order_by_asc(application::Column::CreatedAt)
        .order_by_asc(application::Column::Id)
        .all(db)
        .await?;
    let mobilities: HashMap<Uuid, String> = mobility::Entity::find()
        .filter(mobility::Column::Id.is_in(apps.iter().map(|a| a.mobility_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.code))
        .collect();
    let libraries: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(
            organisation::Column::Id.is_in(apps.iter().map(|a| a.library_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut w = crate::http::csv::writer(delimiter);
    {
        let mut header = vec![
            "id",
            "mobility",
            "library",
            "applicant_full_name",
            "applicant_email",
            "job_title",
            "adult_education_role",
            "years_in_adult_education",
            "language_skills",
            "fewer_opportunities",
            "status",
            "received_via",
            "received_at",
            "submitted_at",
            "withdrawn_at",
            "content_sha256",
        ];
        if include_note {
            header.push("fewer_opportunities_note");
        }
        w.write_record(&header).map_err(ApiError::internal)?;
        let ts = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
        for a in apps {
            let mut row = vec![
                a.id.to_string(),
                mobilities.get(&a.mobility_id).cloned().unwrap_or_default(),
                libraries.get(&a.library_id).cloned().unwrap_or_default(),
                a.applicant_full_name,
                a.applicant_email,
                a.applicant_job_title,
                a.applicant_adult_education_role,
                a.applicant_years_in_adult_education
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                a.language_skills,
                if a.fewer_opportunities {
                    "yes".into()
                } else {
                    "no".into()
                },
                a.status.to_string(),
                a.received_via.to_string(),
                ts(a.received_at),
                ts(a.submitted_at),
                ts(a.withdrawn_at),
                a.content_sha256,
            ];
            if include_note {
                row.push(a.fewer_opportunities_note.unwrap_or_default());
            }
            w.write_record(&row).map_err(ApiError::internal)?;
        }
    }
    w.into_inner().map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_deadline_is_a_whole_day_in_ljubljana() {
        let deadline = NaiveDate::from_ymd_opt(2025, 11, 7).unwrap();
        let tz = chrono_tz::Europe::Ljubljana;
        // 23:59:59 local on the day (CET, UTC+1) is 22:59:59 UTC.
        let last = Utc.with_ymd_and_hms(2025, 11, 7, 22, 59, 59).unwrap();
        assert!(!after_deadline(deadline, tz, last));
        assert!(after_deadline(
            deadline,
            tz,
            last + chrono::Duration::seconds(1)
        ));
        // Early morning UTC on the 7th is still the 7th locally.
        assert!(!after_deadline(
            deadline,
            tz,
            Utc.with_ymd_and_hms(2025, 11, 6, 23, 30, 0).unwrap()
        ));
    }

    #[test]
    fn filenames_are_sanitised() {
        assert_eq!(sanitise_filename("../../etc/passwd"), "passwd.pdf");
        assert_eq!(
            sanitise_filename("C:\\Users\\ana\\prijava.PDF"),
            "prijava.PDF"
        );
        assert_eq!(
            sanitise_filename("prijava \"podpisana\";.pdf"),
            "prijava _podpisana__.pdf"
        );
        assert_eq!(
            sanitise_filename("Čebelica žužek.pdf"),
            "Čebelica žužek.pdf"
        );
        assert_eq!(sanitise_filename(""), "document.pdf");
        assert_eq!(sanitise_filename(".hidden"), "hidden.pdf");
        assert!(sanitise_filename(&"a".repeat(500)).chars().count() <= 154);
    }
}
