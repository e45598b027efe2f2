//! Building the overview from what is recorded: each kind of record is read once for all the
//! caller's objects, so a screen costs a fixed handful of queries per mobility or call.

use super::dto::*;
use super::parts::{labels, mobility_ref, names, next_meetings, unsigned};
use crate::clock::Clock;
use crate::http::{ApiResult, AuthUser};
use crate::obligations::dto::ObligationStatus;
use crate::obligations::service as obligations;
use chrono::{DateTime, Utc};
use entity::enums::{
    ApplicationStatus, MobilityStatus, ParticipantStatus, Party, Role, SignatureStatus, SignerRole,
};
use entity::{application, application_signature, mobility, participant, preparation_task};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

pub async fn build(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    user: &AuthUser,
) -> ApiResult<Overview> {
    let today = crate::clock::today(clock);
    let now = clock.now();
    let mut out = Overview {
        role: user.role,
        today,
        participations: Vec::new(),
        applications: Vec::new(),
        library_participants: Vec::new(),
        to_score: Vec::new(),
        calls: Vec::new(),
        mobilities: Vec::new(),
        shared_documents: Vec::new(),
    };
    match user.role {
        Role::Participant => {
            out.participations = participations(db, clock, user, now).await?;
            let named = Condition::all()
                .add(application::Column::ApplicantEmail.eq(user.email.to_lowercase()));
            out.applications = applications(db, named).await?;
        }
        Role::Library => {
            if let Some(library) = user.organisation_id {
                let own = Condition::all().add(application::Column::LibraryId.eq(library));
                out.applications = applications(db, own).await?;
                out.library_participants = library_participants(db, clock, library).await?;
            }
        }
        Role::Committee => out.to_score = super::staff::to_score(db, user, now).await?,
        Role::Coordinator | Role::Admin => {
            out.to_score = super::staff::to_score(db, user, now).await?;
            out.calls = super::staff::calls(db).await?;
            let all = mobility::Entity::find()
                .filter(mobility::Column::Status.ne(MobilityStatus::Cancelled))
                .order_by_asc(mobility::Column::Code)
                .all(db)
                .await?;
            out.mobilities = super::staff::mobilities(db, clock, all, None, now).await?;
        }
        Role::Host => {
            if let Some(org) = user.organisation_id {
                let hosted = mobility::Entity::find()
                    .filter(mobility::Column::HostOrganisationId.eq(org))
                    .filter(mobility::Column::Status.ne(MobilityStatus::Cancelled))
                    .order_by_asc(mobility::Column::Code)
                    .all(db)
                    .await?;
                out.mobilities =
                    super::staff::mobilities(db, clock, hosted, Some(Party::Host), now).await?;
            }
        }
        Role::Accountant => {}
    }
    out.shared_documents = crate::shared_documents::service::seen_by(db, user)
        .await?
        .into_iter()
        .map(|d| SharedDocumentRef {
            id: d.id,
            project_id: d.project_id,
            mobility_id: d.mobility_id,
            title: d.title,
            category: d.category,
            current_version: d.current_version,
            updated_at: d.updated_at,
        })
        .collect();
    Ok(out)
}

async fn participations(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    user: &AuthUser,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Participation>> {
    let mine = participant::Entity::find()
        .filter(
            Condition::any()
                .add(participant::Column::UserId.eq(user.id))
                .add(participant::Column::Email.eq(user.email.to_lowercase())),
        )
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .order_by_asc(participant::Column::CreatedAt)
        .all(db)
        .await?;
    let mobility_ids: Vec<Uuid> = mine.iter().map(|p| p.mobility_id).collect();
    let mobilities: HashMap<Uuid, mobility::Model> = mobility::Entity::find()
        .filter(mobility::Column::Id.is_in(mobility_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let orgs = names(
        db,
        mine.iter()
            .map(|p| p.library_id)
            .chain(mobilities.values().map(|m| m.host_organisation_id))
            .collect(),
    )
    .await?;
    let mut meetings = next_meetings(db, mobility_ids, now).await?;
    let mut tasks: HashMap<Uuid, Vec<TaskRef>> = HashMap::new();
    for t in preparation_task::Entity::find()
        .filter(
            preparation_task::Column::ParticipantId
                .is_in(mine.iter().map(|p| p.id).collect::<Vec<_>>()),
        )
        .filter(preparation_task::Column::DoneAt.is_null())
        .order_by_asc(preparation_task::Column::Position)
        .all(db)
        .await?
    {
        tasks.entry(t.participant_id).or_default().push(TaskRef {
            id: t.id,
            key: t.key,
            title: t.title,
        });
    }
    let refs: Vec<&participant::Model> = mine.iter().collect();
    let to_sign = unsigned(db, &refs, Some(Party::Participant)).await?;
    let today = crate::clock::today(clock);
    let mut out = Vec::new();
    for p in &mine {
        let Some(m) = mobilities.get(&p.mobility_id) else {
            continue;
        };
        let open: Vec<ObligationRef> =
            obligations::compute_all(db, clock, m, std::slice::from_ref(p))
                .await?
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|o| o.status != ObligationStatus::Met)
                .map(|o| ObligationRef {
                    key: o.key,
                    title: o.title,
                    status: o.status,
                    due: o.due,
                })
                .collect();
        out.push(Participation {
            participant_id: p.id,
            status: p.status,
            library_id: p.library_id,
            library_name: orgs.get(&p.library_id).cloned().unwrap_or_default(),
            mobility: mobility_ref(m, today, &orgs),
            next_meetings: meetings.remove(&m.id).unwrap_or_default(),
            open_tasks: tasks.remove(&p.id).unwrap_or_default(),
            obligations: open,
            agreements_to_sign: to_sign
                .iter()
                .filter(|a| a.participant_id == p.id)
                .cloned()
                .collect(),
        });
    }
    Ok(out)
}

/// Applications in play (draft, submitted, reserve) matching `which`, drafts with what they
/// lack.
async fn applications(
    db: &impl ConnectionTrait,
    which: Condition,
) -> ApiResult<Vec<ApplicationAttention>> {
    let apps = application::Entity::find()
        .filter(which)
        .filter(application::Column::Status.is_in([
            ApplicationStatus::Draft,
            ApplicationStatus::Submitted,
            ApplicationStatus::Reserve,
        ]))
        .order_by_asc(application::Column::CreatedAt)
        .all(db)
        .await?;
    let drafts: Vec<Uuid> = apps
        .iter()
        .filter(|a| a.status == ApplicationStatus::Draft)
        .map(|a| a.id)
        .collect();
    let signatures = application_signature::Entity::find()
        .filter(application_signature::Column::ApplicationId.is_in(drafts))
        .filter(application_signature::Column::Status.eq(SignatureStatus::Valid))
        .all(db)
        .await?;
    let (codes, libraries) = labels(db, &apps).await?;
    Ok(apps
        .into_iter()
        .map(|a| {
            let mut missing = Vec::new();
            if a.status == ApplicationStatus::Draft {
                let has = |role: SignerRole| {
                    signatures.iter().any(|s| {
                        s.application_id == a.id
                            && s.signer_role == role
                            && s.content_sha256 == a.content_sha256
                    })
                };
                if !has(SignerRole::Participant) {
                    missing.push("participant_signature".to_string());
                }
                if !has(SignerRole::LibraryDirector) {
                    missing.push("director_signature".to_string());
                }
            }
            ApplicationAttention {
                application_id: a.id,
                status: a.status,
                call_id: a.call_id,
                mobility_id: a.mobility_id,
                mobility_code: codes.get(&a.mobility_id).cloned().unwrap_or_default(),
                library_id: a.library_id,
                library_name: libraries.get(&a.library_id).cloned().unwrap_or_default(),
                applicant_full_name: a.applicant_full_name,
                missing,
            }
        })
        .collect())
}

async fn library_participants(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    library: Uuid,
) -> ApiResult<Vec<LibraryParticipant>> {
    let ps = participant::Entity::find()
        .filter(participant::Column::LibraryId.eq(library))
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .order_by_asc(participant::Column::CreatedAt)
        .all(db)
        .await?;
    let mobilities = mobility::Entity::find()
        .filter(mobility::Column::Id.is_in(ps.iter().map(|p| p.mobility_id).collect::<Vec<_>>()))
        .all(db)
        .await?;
    let refs: Vec<&participant::Model> = ps.iter().collect();
    let to_sign = unsigned(db, &refs, Some(Party::Library)).await?;
    let mut overdue: HashMap<Uuid, Vec<String>> = HashMap::new();
    for m in &mobilities {
        let of_m: Vec<participant::Model> = ps
            .iter()
            .filter(|p| p.mobility_id == m.id)
            .cloned()
            .collect();
        for (pid, list) in obligations::compute_all(db, clock, m, &of_m).await? {
            overdue.insert(
                pid,
                list.into_iter()
                    .filter(|o| o.status == ObligationStatus::Overdue)
                    .map(|o| o.key)
                    .collect(),
            );
        }
    }
    let codes: HashMap<Uuid, String> = mobilities.iter().map(|m| (m.id, m.code.clone())).collect();
    Ok(ps
        .into_iter()
        .map(|p| LibraryParticipant {
            participant_id: p.id,
            mobility_code: codes.get(&p.mobility_id).cloned().unwrap_or_default(),
            overdue: overdue.remove(&p.id).unwrap_or_default(),
            agreements_to_sign: to_sign
                .iter()
                .filter(|a| a.participant_id == p.id)
                .cloned()
                .collect(),
            full_name: p.full_name,
            status: p.status,
            mobility_id: p.mobility_id,
        })
        .collect())
}
