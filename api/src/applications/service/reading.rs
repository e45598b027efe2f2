//! Reading applications, one or a page, as far as the caller may see them.

use super::*;

pub(super) fn duplicate() -> ApiError {
    ApiError::conflict(
        "application.duplicate",
        "This library already has an application for this mobility (withdraw it to apply again).",
    )
}

pub(super) fn locked(status: ApplicationStatus) -> ApiError {
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

/// The application, its row locked until the transaction ends (`SELECT ... FOR UPDATE` on
/// PostgreSQL; SQLite's write transaction holds the whole database): every check-then-act on
/// an application (edit, sign, upload, submit, withdraw) reads it so, and they queue.
pub async fn get_for_update(txn: &impl ConnectionTrait, id: Uuid) -> ApiResult<application::Model> {
    application::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("application"))
}

/// [`visible`], locked as [`get_for_update`].
pub async fn visible_for_update(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<application::Model> {
    let m = get_for_update(txn, id).await?;
    if policy::can_see(user, &m) {
        Ok(m)
    } else {
        Err(ApiError::not_found("application"))
    }
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

pub(super) async fn history_of(
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
    query = query.filter(policy::list_condition(user)?);
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
