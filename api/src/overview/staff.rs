//! The overview's parts for those who run the selection and the project: applications to
//! score, calls, and mobilities with what is outstanding on them.

use super::dto::*;
use super::parts::{labels, mobility_ref, names, next_meetings, unsigned};
use crate::clock::Clock;
use crate::http::{ApiResult, AuthUser};
use crate::obligations::dto::ObligationStatus;
use crate::obligations::service as obligations;
use chrono::{DateTime, Utc};
use entity::enums::{
    ApplicationStatus, CallStatus, ParticipantStatus, Party, SignatureStatus, SignerRole,
};
use entity::{
    application, application_score, application_signature, call, call_committee_member,
    call_mobility, conflict_of_interest, mobility, mobility_selection, participant,
};
use sea_orm::sea_query::{ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Submitted applications of the calls the caller sits on, scoring open (the deadline past)
/// and the selection not final, that the caller has neither scored nor declared a conflict on,
/// and that are not from the caller's own library.
pub(super) async fn to_score(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    now: DateTime<Utc>,
) -> ApiResult<Vec<ToScore>> {
    let calls: Vec<Uuid> = call_committee_member::Entity::find()
        .filter(call_committee_member::Column::UserId.eq(user.id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.call_id)
        .collect();
    let open: Vec<call::Model> = call::Entity::find()
        .filter(call::Column::Id.is_in(calls))
        .all(db)
        .await?
        .into_iter()
        .filter(|c| {
            crate::applications::service::after_deadline(
                c.deadline,
                chrono_tz::Europe::Ljubljana,
                now,
            )
        })
        .collect();
    let final_pairs: HashSet<(Uuid, Uuid)> = mobility_selection::Entity::find()
        .filter(
            mobility_selection::Column::CallId.is_in(open.iter().map(|c| c.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.call_id, s.mobility_id))
        .collect();
    let mut query = application::Entity::find()
        .filter(application::Column::CallId.is_in(open.iter().map(|c| c.id).collect::<Vec<_>>()))
        .filter(application::Column::Status.eq(ApplicationStatus::Submitted))
        .filter(
            application::Column::Id.not_in_subquery(
                Query::select()
                    .column(application_score::Column::ApplicationId)
                    .from(application_score::Entity)
                    .and_where(application_score::Column::MemberId.eq(user.id))
                    .to_owned(),
            ),
        )
        .filter(
            application::Column::Id.not_in_subquery(
                Query::select()
                    .column(conflict_of_interest::Column::ApplicationId)
                    .from(conflict_of_interest::Entity)
                    .and_where(conflict_of_interest::Column::MemberId.eq(user.id))
                    .to_owned(),
            ),
        );
    if let Some(own) = user.organisation_id {
        query = query.filter(application::Column::LibraryId.ne(own));
    }
    let apps: Vec<application::Model> = query
        .order_by_asc(application::Column::SubmittedAt)
        .all(db)
        .await?
        .into_iter()
        .filter(|a| !final_pairs.contains(&(a.call_id, a.mobility_id)))
        .collect();
    let (codes, libraries) = labels(db, &apps).await?;
    Ok(apps
        .into_iter()
        .map(|a| ToScore {
            application_id: a.id,
            call_id: a.call_id,
            mobility_id: a.mobility_id,
            mobility_code: codes.get(&a.mobility_id).cloned().unwrap_or_default(),
            library_name: libraries.get(&a.library_id).cloned().unwrap_or_default(),
            submitted_at: a.submitted_at,
        })
        .collect())
}

/// Published calls with a mobility whose selection is not final.
pub(super) async fn calls(db: &impl ConnectionTrait) -> ApiResult<Vec<CallAttention>> {
    let calls = call::Entity::find()
        .filter(call::Column::Status.ne(CallStatus::Draft))
        .order_by_asc(call::Column::Deadline)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for c in calls {
        let mobilities: Vec<Uuid> = call_mobility::Entity::find()
            .filter(call_mobility::Column::CallId.eq(c.id))
            .all(db)
            .await?
            .into_iter()
            .map(|cm| cm.mobility_id)
            .collect();
        let finalised: HashSet<Uuid> = mobility_selection::Entity::find()
            .filter(mobility_selection::Column::CallId.eq(c.id))
            .all(db)
            .await?
            .into_iter()
            .map(|s| s.mobility_id)
            .collect();
        let pending: Vec<Uuid> = mobilities
            .into_iter()
            .filter(|m| !finalised.contains(m))
            .collect();
        if pending.is_empty() {
            continue;
        }
        let count = |status: ApplicationStatus| {
            application::Entity::find()
                .filter(application::Column::CallId.eq(c.id))
                .filter(application::Column::Status.eq(status))
                .count(db)
        };
        let drafts = count(ApplicationStatus::Draft).await?;
        let submitted = count(ApplicationStatus::Submitted).await?;
        let unscored = application::Entity::find()
            .filter(application::Column::CallId.eq(c.id))
            .filter(application::Column::Status.eq(ApplicationStatus::Submitted))
            .filter(
                application::Column::Id.not_in_subquery(
                    Query::select()
                        .column(application_score::Column::ApplicationId)
                        .from(application_score::Entity)
                        .to_owned(),
                ),
            )
            .count(db)
            .await?;
        // Drafts whose current content carries both signatures.
        let signed_drafts: Vec<(Uuid, SignerRole)> = application_signature::Entity::find()
            .inner_join(application::Entity)
            .filter(application::Column::CallId.eq(c.id))
            .filter(application::Column::Status.eq(ApplicationStatus::Draft))
            .filter(application_signature::Column::Status.eq(SignatureStatus::Valid))
            .filter(
                sea_orm::sea_query::Expr::col((
                    application_signature::Entity,
                    application_signature::Column::ContentSha256,
                ))
                .equals((application::Entity, application::Column::ContentSha256)),
            )
            .select_only()
            .column(application_signature::Column::ApplicationId)
            .column(application_signature::Column::SignerRole)
            .into_tuple()
            .all(db)
            .await?;
        let mut roles: HashMap<Uuid, HashSet<SignerRole>> = HashMap::new();
        for (id, role) in signed_drafts {
            roles.entry(id).or_default().insert(role);
        }
        let complete = roles.values().filter(|r| r.len() >= 2).count() as u64;
        out.push(CallAttention {
            call_id: c.id,
            title: c.title,
            status: c.status,
            deadline: c.deadline,
            drafts,
            drafts_missing_signatures: drafts.saturating_sub(complete),
            submitted,
            unscored,
            selection_pending: pending,
        });
    }
    Ok(out)
}

pub(super) async fn mobilities(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    list: Vec<mobility::Model>,
    party: Option<Party>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<MobilityAttention>> {
    let today = crate::clock::today(clock);
    let ids: Vec<Uuid> = list.iter().map(|m| m.id).collect();
    let ps = participant::Entity::find()
        .filter(participant::Column::MobilityId.is_in(ids.clone()))
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .order_by_asc(participant::Column::CreatedAt)
        .all(db)
        .await?;
    let refs: Vec<&participant::Model> = ps.iter().collect();
    let mut unsigned_all = unsigned(db, &refs, party).await?;
    let mut meetings = next_meetings(db, ids, now).await?;
    let orgs = names(db, list.iter().map(|m| m.host_organisation_id).collect()).await?;
    let mut out = Vec::new();
    for m in list {
        let of_m: Vec<participant::Model> = ps
            .iter()
            .filter(|p| p.mobility_id == m.id)
            .cloned()
            .collect();
        let mut overdue = Vec::new();
        if party.is_none() && !of_m.is_empty() {
            let mut all = obligations::compute_all(db, clock, &m, &of_m).await?;
            for p in &of_m {
                let keys: Vec<String> = all
                    .remove(&p.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|o| o.status == ObligationStatus::Overdue)
                    .map(|o| o.key)
                    .collect();
                if !keys.is_empty() {
                    overdue.push(OverdueParticipant {
                        participant_id: p.id,
                        full_name: p.full_name.clone(),
                        obligations: keys,
                    });
                }
            }
        }
        let of_ids: HashSet<Uuid> = of_m.iter().map(|p| p.id).collect();
        let (mine, rest): (Vec<AgreementToSign>, Vec<AgreementToSign>) = unsigned_all
            .into_iter()
            .partition(|a| of_ids.contains(&a.participant_id));
        unsigned_all = rest;
        out.push(MobilityAttention {
            mobility: mobility_ref(&m, today, &orgs),
            participants: of_m.len() as u64,
            unsigned_agreements: mine,
            overdue,
            next_meetings: meetings.remove(&m.id).unwrap_or_default(),
        });
    }
    Ok(out)
}
