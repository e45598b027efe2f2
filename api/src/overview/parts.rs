//! What the overview's parts share: names of organisations, a mobility by name, the meetings
//! ahead, the agreements waiting for signatures.

use super::dto::*;
use crate::agreements::content::parties;
use crate::http::ApiResult;
use crate::http::etag::etag;
use chrono::{DateTime, Utc};
use entity::enums::{AgreementStatus, Party};
use entity::{agreement, agreement_signature, meeting, mobility, participant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// At most this many meetings ahead are listed per mobility.
const NEXT_MEETINGS: usize = 5;

/// The mobility codes and library names `apps` show, one query each.
pub(super) async fn labels(
    db: &impl ConnectionTrait,
    apps: &[entity::application::Model],
) -> ApiResult<(HashMap<Uuid, String>, HashMap<Uuid, String>)> {
    let codes = mobility::Entity::find()
        .filter(mobility::Column::Id.is_in(apps.iter().map(|a| a.mobility_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.code))
        .collect();
    let libraries = names(db, apps.iter().map(|a| a.library_id).collect()).await?;
    Ok((codes, libraries))
}

pub(super) async fn names(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, String>> {
    crate::organisations::service::names(db, ids).await
}

pub(super) fn mobility_ref(
    m: &mobility::Model,
    today: chrono::NaiveDate,
    orgs: &HashMap<Uuid, String>,
) -> MobilityRef {
    MobilityRef {
        id: m.id,
        code: m.code.clone(),
        title: m.title.clone(),
        city: m.city.clone(),
        country: m.country.clone(),
        start_date: m.start_date,
        end_date: m.end_date,
        status: crate::mobilities::schedule::status_on(m, today),
        host_organisation_id: m.host_organisation_id,
        host_name: orgs
            .get(&m.host_organisation_id)
            .cloned()
            .unwrap_or_default(),
    }
}

/// The meetings ahead of `now` on each mobility, soonest first.
pub(super) async fn next_meetings(
    db: &impl ConnectionTrait,
    mobility_ids: Vec<Uuid>,
    now: DateTime<Utc>,
) -> ApiResult<HashMap<Uuid, Vec<MeetingRef>>> {
    let mut out: HashMap<Uuid, Vec<MeetingRef>> = HashMap::new();
    for m in meeting::Entity::find()
        .filter(meeting::Column::MobilityId.is_in(mobility_ids))
        .filter(meeting::Column::CancelledAt.is_null())
        .filter(meeting::Column::StartsAt.gte(now))
        .order_by_asc(meeting::Column::StartsAt)
        .all(db)
        .await?
    {
        let list = out.entry(m.mobility_id).or_default();
        if list.len() < NEXT_MEETINGS {
            list.push(MeetingRef {
                id: m.id,
                kind: m.kind,
                title: m.title,
                starts_at: m.starts_at,
                online_link: m.online_link,
            });
        }
    }
    Ok(out)
}

/// Agreements of `participants` not signed by every party, each with the parties missing
/// (only those waiting for `party`, when given).
pub(super) async fn unsigned(
    db: &impl ConnectionTrait,
    participants: &[&participant::Model],
    party: Option<Party>,
) -> ApiResult<Vec<AgreementToSign>> {
    let by_id: HashMap<Uuid, &participant::Model> =
        participants.iter().map(|p| (p.id, *p)).collect();
    let agreements = agreement::Entity::find()
        .filter(agreement::Column::ParticipantId.is_in(by_id.keys().copied().collect::<Vec<_>>()))
        .filter(
            agreement::Column::Status
                .is_in([AgreementStatus::Draft, AgreementStatus::AwaitingSignatures]),
        )
        .order_by_asc(agreement::Column::CreatedAt)
        .all(db)
        .await?;
    let mut signed: HashMap<Uuid, HashSet<Party>> = HashMap::new();
    for s in agreement_signature::Entity::find()
        .filter(
            agreement_signature::Column::AgreementId
                .is_in(agreements.iter().map(|a| a.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
    {
        signed.entry(s.agreement_id).or_default().insert(s.party);
    }
    Ok(agreements
        .into_iter()
        .filter_map(|a| {
            let done = signed.get(&a.id);
            let missing: Vec<Party> = parties(a.kind)
                .iter()
                .copied()
                .filter(|p| !done.is_some_and(|d| d.contains(p)))
                .collect();
            if missing.is_empty() || party.is_some_and(|p| !missing.contains(&p)) {
                return None;
            }
            let p = by_id.get(&a.participant_id)?;
            Some(AgreementToSign {
                agreement_id: a.id,
                participant_id: p.id,
                participant_name: p.full_name.clone(),
                kind: a.kind,
                version: a.version,
                etag: etag(a.id, a.updated_at),
                document_sha256: a.document_sha256,
                unsigned_parties: missing,
            })
        })
        .collect())
}
