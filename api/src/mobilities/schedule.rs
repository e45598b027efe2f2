//! A mobility's schedule: its status follows its dates (in progress from the first day,
//! completed after the last) unless it is cancelled, and dates outside the window it was
//! announced for are set only with the reason that confirms them.

use super::dto::MobilityDto;
use crate::audit::Actor;
use crate::http::{ApiResult, FieldError};
use chrono::NaiveDate;
use entity::enums::MobilityStatus;
use entity::mobility;
use sea_orm::{ColumnTrait, ConnectionTrait};

/// A mobility's status on `today`: a cancellation stands; otherwise the dates decide once they
/// are fixed (in progress from the first day, completed after the last), and before the first
/// day it is as planned or confirmed.
pub fn status_on(m: &mobility::Model, today: NaiveDate) -> MobilityStatus {
    use MobilityStatus::*;
    match (m.status, m.start_date, m.end_date) {
        (Cancelled, _, _) => Cancelled,
        (_, _, Some(end)) if today > end => Completed,
        (_, Some(start), _) if today >= start => InProgress,
        (InProgress | Completed, Some(_), _) => Confirmed,
        (s, _, _) => s,
    }
}

/// The mobilities whose status on `today` is `s` (as [`status_on`] decides), as a condition.
pub fn status_condition(s: MobilityStatus, today: NaiveDate) -> sea_orm::Condition {
    use MobilityStatus::*;
    use mobility::Column as C;
    use sea_orm::Condition;
    use sea_orm::sea_query::ExprTrait;
    let not_cancelled = C::Status.ne(Cancelled);
    let started = C::StartDate.lte(today);
    let ended = C::EndDate.lt(today);
    match s {
        Cancelled => Condition::all().add(C::Status.eq(Cancelled)),
        Completed => Condition::all().add(not_cancelled).add(
            Condition::any()
                .add(ended.clone())
                .add(C::StartDate.is_null().and(C::Status.eq(Completed))),
        ),
        InProgress => Condition::all()
            .add(not_cancelled)
            .add(
                Condition::any()
                    .add(C::EndDate.is_null())
                    .add(C::EndDate.gte(today)),
            )
            .add(
                Condition::any()
                    .add(started)
                    .add(C::StartDate.is_null().and(C::Status.eq(InProgress))),
            ),
        Confirmed => Condition::all()
            .add(
                Condition::any()
                    .add(C::EndDate.is_null())
                    .add(C::EndDate.gte(today)),
            )
            .add(
                Condition::any()
                    .add(C::StartDate.is_null().and(C::Status.eq(Confirmed)))
                    .add(
                        C::StartDate
                            .gt(today)
                            .and(C::Status.is_in([Confirmed, InProgress, Completed])),
                    ),
            ),
        Planned => Condition::all()
            .add(C::Status.eq(Planned))
            .add(
                Condition::any()
                    .add(C::EndDate.is_null())
                    .add(C::EndDate.gte(today)),
            )
            .add(
                Condition::any()
                    .add(C::StartDate.is_null())
                    .add(C::StartDate.gt(today)),
            ),
    }
}

/// `in_progress` and `completed` are not set by hand: the dates decide them.
pub fn check_status(errors: &mut Vec<FieldError>, status: Option<MobilityStatus>) {
    if matches!(
        status,
        Some(MobilityStatus::InProgress | MobilityStatus::Completed)
    ) {
        errors.push(FieldError::new(
            "status",
            "follows_dates",
            "in_progress and completed follow from the dates; set planned, confirmed or cancelled",
        ));
    }
}

/// Dates outside the announced window need the reason that confirms them: the reason to keep,
/// or a field error. Dates within it (or no window) keep none.
pub fn window_reason(
    errors: &mut Vec<FieldError>,
    window: (Option<NaiveDate>, Option<NaiveDate>),
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    given: Option<String>,
) -> Option<String> {
    let given = given
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let early = matches!((window.0, dates.0), (Some(w), Some(d)) if d < w);
    let late = matches!((window.1, dates.1), (Some(w), Some(d)) if d > w);
    if !early && !late {
        if given.is_some() {
            errors.push(FieldError::new(
                "outside_window_reason",
                "not_outside",
                "the dates are within the announced window",
            ));
        }
        return None;
    }
    match given {
        Some(reason) => Some(reason),
        None => {
            let field = if early { "start_date" } else { "end_date" };
            let window = match window {
                (Some(a), Some(b)) => format!("{a} – {b}"),
                (Some(a), None) => format!("from {a}"),
                (None, Some(b)) => format!("until {b}"),
                (None, None) => String::new(),
            };
            errors.push(FieldError::new(
                field,
                "outside_window",
                format!(
                    "outside the announced window ({window}); to set these dates, give outside_window_reason"
                ),
            ));
            None
        }
    }
}

/// The `mobility.rescheduled` event, when the dates changed.
pub async fn rescheduled(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    m: &MobilityDto,
) -> ApiResult<()> {
    use crate::events::{Event, EventType, Scope};
    Event::new(EventType::MobilityRescheduled, m.id, Scope::Public)
        .project(m.project_id)
        .mobility(m.id)
        .data(serde_json::json!({
            "code": m.code, "start_date": m.start_date, "end_date": m.end_date,
            "window_start": m.window_start, "window_end": m.window_end,
            "outside_window_reason": m.outside_window_reason, "status": m.status,
        }))
        .emit(txn, actor)
        .await?;
    Ok(())
}
