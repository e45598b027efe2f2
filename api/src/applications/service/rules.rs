//! What an application must contain, and when it may be changed.

use super::*;

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
pub(super) fn arrival(
    via: ReceivedVia,
    received_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    match (via, received_at) {
        (ReceivedVia::Email, Some(at)) => at,
        _ => now,
    }
}

pub(super) struct CallContext {
    pub(super) call: call::Model,
    pub(super) tz: Tz,
}

pub(super) async fn call_context(
    db: &impl ConnectionTrait,
    call_id: Uuid,
) -> ApiResult<CallContext> {
    let call = call::Entity::find_by_id(call_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("call"))?;
    let tz = crate::projects::service::timezone(db, call.project_id).await?;
    Ok(CallContext { call, tz })
}

pub(super) fn check_open_and_in_time(ctx: &CallContext, at: DateTime<Utc>) -> ApiResult<()> {
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

pub(super) fn check_received(
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
