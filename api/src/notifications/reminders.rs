//! Reminders the service queues by itself (from the background work and `mobility reminders
//! run`): a signature still missing three days before a call's deadline, and obligations due
//! within seven days or overdue (with an `obligation.overdue` event). Each is queued at most
//! once, however often this runs, restarts, or runs on two instances at once: a unique key per
//! reminder (and per event) in the database.

use super::outcome;
use crate::audit::Actor;
use crate::clock::Clock;
use crate::events::{Event, EventType, Scope};
use crate::http::ApiResult;
use crate::obligations::dto::ObligationStatus;
use chrono::Duration;
use entity::enums::{
    ApplicationStatus, CallStatus, ParticipantStatus, SignatureStatus, SignerRole,
};
use entity::{application, application_signature, call, mobility, participant};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Days before a call's deadline from which a missing signature is reminded.
pub const SIGNATURE_DAYS: i64 = 3;
/// Days before an obligation's deadline from which it is reminded.
pub const OBLIGATION_DAYS: i64 = 7;

/// What one run queued.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    pub signature_missing: usize,
    pub obligation_due: usize,
    pub obligation_overdue: usize,
}

pub async fn run(db: &DatabaseConnection, clock: &dyn Clock) -> ApiResult<Queued> {
    let mut queued = Queued::default();
    let today = crate::clock::today(clock);

    // Signatures missing shortly before a deadline.
    let calls: Vec<call::Model> = call::Entity::find()
        .filter(call::Column::Status.eq(CallStatus::Open))
        .filter(call::Column::Deadline.gte(today))
        .filter(call::Column::Deadline.lte(today + Duration::days(SIGNATURE_DAYS)))
        .all(db)
        .await?;
    if !calls.is_empty() {
        let deadlines: HashMap<_, _> = calls.iter().map(|c| (c.id, c.deadline)).collect();
        let drafts = application::Entity::find()
            .filter(application::Column::Status.eq(ApplicationStatus::Draft))
            .filter(application::Column::CallId.is_in(deadlines.keys().copied()))
            .all(db)
            .await?;
        let signatures = application_signature::Entity::find()
            .filter(application_signature::Column::ApplicationId.is_in(drafts.iter().map(|a| a.id)))
            .filter(application_signature::Column::Status.eq(SignatureStatus::Valid))
            .all(db)
            .await?;
        let mobilities: HashMap<_, _> = mobility::Entity::find()
            .filter(mobility::Column::Id.is_in(drafts.iter().map(|a| a.mobility_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        for app in &drafts {
            let has = |role: SignerRole| {
                signatures.iter().any(|s| {
                    s.application_id == app.id
                        && s.signer_role == role
                        && s.content_sha256 == app.content_sha256
                })
            };
            let mut missing = Vec::new();
            if !has(SignerRole::Participant) {
                missing.push("kandidat");
            }
            if !has(SignerRole::LibraryDirector) {
                missing.push("direktor knjižnice");
            }
            let Some(mob) = mobilities.get(&app.mobility_id) else {
                continue;
            };
            if missing.is_empty() {
                continue;
            }
            let txn = crate::db::begin_write(db).await?;
            queued.signature_missing +=
                outcome::signature_missing(&txn, app, mob, deadlines[&app.call_id], &missing)
                    .await?;
            txn.commit().await?;
        }
    }

    // Obligations due soon or overdue, for those back from their mobility.
    let travelled = participant::Entity::find()
        .filter(participant::Column::Status.eq(ParticipantStatus::Travelled))
        .all(db)
        .await?;
    let system = Actor::system("system:reminders");
    for p in &travelled {
        let obligations = crate::obligations::service::compute(db, clock, p).await?;
        let txn = crate::db::begin_write(db).await?;
        for o in obligations {
            let Some(due) = o.due else { continue };
            match o.status {
                ObligationStatus::Overdue => {
                    if outcome::obligation_reminder(&txn, p, &o.title, &o.key, due, true, p.id)
                        .await?
                    {
                        queued.obligation_overdue += 1;
                    }
                    Event::new(EventType::ObligationOverdue, p.id, Scope::Participant(p.id))
                        .mobility(p.mobility_id)
                        .library(p.library_id)
                        .data(serde_json::json!({
                            "participant_id": p.id, "obligation": o.key, "due": due,
                        }))
                        .once(format!("obligation-overdue:{}:{}", p.id, o.key))
                        .emit(&txn, &system)
                        .await?;
                }
                ObligationStatus::Pending if due - today <= Duration::days(OBLIGATION_DAYS) => {
                    let queued_now =
                        outcome::obligation_reminder(&txn, p, &o.title, &o.key, due, false, p.id)
                            .await?;
                    queued.obligation_due += usize::from(queued_now);
                }
                _ => {}
            }
        }
        txn.commit().await?;
    }
    Ok(queued)
}
