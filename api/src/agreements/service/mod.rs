//! Agreements: creation from the mobility and participant, edits and versions, signatures.

use super::content::{self, AgreementContent, parties};
use super::policy;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use crate::render::Embedding;
use crate::storage::{BlobStore, sha256_hex};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{AgreementKind, AgreementSignatureMethod, AgreementStatus, Party};
use entity::{
    agreement, agreement_evidence, agreement_signature, mobility, organisation, participant,
    project,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyStatus {
    pub party: Party,
    pub signed: bool,
    pub method: Option<AgreementSignatureMethod>,
    pub signer_name: Option<String>,
    pub signer_user_id: Option<Uuid>,
    pub signed_at: Option<DateTime<Utc>>,
    /// What the uploaded PDF's digital signature says of its signer, where it can be read.
    pub pdf_signer_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementDto {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub kind: AgreementKind,
    pub version: i32,
    pub status: AgreementStatus,
    pub parties: Vec<PartyStatus>,
    pub content: AgreementContent,
    /// SHA-256 of this version's PDF (`GET /agreements/{id}/document`); signatures name it.
    pub document_sha256: String,
    /// A current grant agreement whose amounts the unit costs no longer give (rates entered or
    /// changed, the mobility's distance or days changed since): `amend` makes the version
    /// with the amounts as they are now, to be signed again.
    pub amounts_changed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateAgreementRequest {
    /// `grant` (ZSK, participant, library) or `learning` (ZSK, host, participant).
    pub kind: AgreementKind,
}

/// The fields people may change; the rest comes from the mobility and participant.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgreementRequest {
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub goals: Option<Vec<String>>,
    pub programme: Option<Vec<String>>,
    pub learning_outcomes: Option<Vec<String>>,
    pub mentor: Option<String>,
    pub special_conditions: Option<String>,
    pub objectives: Option<String>,
    pub activities: Option<String>,
    /// Europass: written by the host.
    pub skills_acquired: Option<String>,
    pub language: Option<String>,
}

impl UpdateAgreementRequest {
    /// Whether the change names only `skills_acquired` (all a host may write).
    pub fn only_skills(&self) -> bool {
        self.start_date.is_none()
            && self.end_date.is_none()
            && self.goals.is_none()
            && self.programme.is_none()
            && self.learning_outcomes.is_none()
            && self.mentor.is_none()
            && self.special_conditions.is_none()
            && self.objectives.is_none()
            && self.activities.is_none()
            && self.language.is_none()
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"party": "participant", "method": "in_app", "version": 1, "document_sha256": "…", "confirm": true}))]
pub struct SignAgreementRequest {
    pub party: Party,
    pub method: AgreementSignatureMethod,
    /// The version being signed. With `document_sha256`, or leave both out and send the
    /// agreement's `ETag` in `If-Match` to sign the version it names.
    #[schema(minimum = 1)]
    pub version: Option<i32>,
    /// The hash of the document being signed (with `version`).
    #[schema(max_length = 64)]
    pub document_sha256: Option<String>,
    /// An uploaded scan (`scanned_handwritten`) or digitally signed PDF (`qualified_electronic`).
    pub evidence_id: Option<Uuid>,
    /// `in_app`: the explicit confirmation.
    #[serde(default)]
    pub confirm: bool,
    /// Default: the caller's name.
    pub signer_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDto {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub has_pdf_signature: bool,
    /// The signer named by the certificate of the PDF's first verified signature.
    pub pdf_signer_name: Option<String>,
    /// Each digital signature in the PDF as verified on upload.
    pub pdf_signatures: Vec<crate::pdf_signature::SignatureCheck>,
    /// The upload is this version's PDF followed by what was added to it (signatures): a
    /// digital signature on it signed this agreement. Required for `qualified_electronic`.
    pub extends_document: bool,
    pub created_at: DateTime<Utc>,
}

impl From<agreement_evidence::Model> for EvidenceDto {
    fn from(e: agreement_evidence::Model) -> Self {
        Self {
            id: e.id,
            agreement_id: e.agreement_id,
            filename: e.filename,
            size: e.size,
            sha256: e.sha256,
            has_pdf_signature: e.has_pdf_signature,
            pdf_signer_name: e.pdf_signer_name,
            pdf_signatures: crate::pdf_signature::from_json(e.pdf_signatures.as_ref()),
            extends_document: e.extends_document,
            created_at: e.created_at,
        }
    }
}

fn content_of(a: &agreement::Model) -> ApiResult<AgreementContent> {
    serde_json::from_value(a.content.clone()).map_err(ApiError::internal)
}

/// The PDF of a version, and its hash.
pub fn render(
    a_id: Uuid,
    version: i32,
    kind: AgreementKind,
    c: &AgreementContent,
    dated: DateTime<Utc>,
    embedding: Embedding,
) -> ApiResult<(Vec<u8>, String)> {
    let doc = content::document(kind, c, format!("{a_id}-v{version}"), dated);
    let bytes = crate::render::render(&doc, embedding).map_err(ApiError::internal)?;
    let sha = sha256_hex(&bytes);
    Ok((bytes, sha))
}

/// Render a version's PDF off the async workers and keep its bytes in the blob store, where
/// downloads read them: the bytes people sign are the bytes kept, whatever the renderer does
/// later. Returns their SHA-256.
async fn render_stored(blobs: &dyn BlobStore, d: &write::Doc) -> ApiResult<String> {
    let (bytes, _) = render_blocking(
        d.id,
        d.version,
        d.kind,
        &d.content,
        d.dated,
        Embedding::Subset,
    )
    .await?;
    blobs.put(bytes).await.map_err(ApiError::internal)
}

async fn render_blocking(
    a_id: Uuid,
    version: i32,
    kind: AgreementKind,
    c: &AgreementContent,
    dated: DateTime<Utc>,
    embedding: Embedding,
) -> ApiResult<(Vec<u8>, String)> {
    let c = c.clone();
    crate::cpu::run_internal(move || render(a_id, version, kind, &c, dated, embedding)).await?
}

/// Keep the PDF of every version that has none stored yet (versions made before documents
/// were stored): rendered as such versions were made (the whole font embedded), or with the
/// font subset if that gives the recorded hash; if neither does, the renderer changed since,
/// and its current rendering is kept with a warning. Run at start-up, before anything serves
/// them; idempotent. Returns how many were stored.
pub async fn store_rendered(db: &DatabaseConnection, blobs: &dyn BlobStore) -> ApiResult<usize> {
    let mut stored = 0;
    for a in agreement::Entity::find().all(db).await? {
        if blobs
            .contains(&a.document_sha256)
            .await
            .map_err(ApiError::internal)?
        {
            continue;
        }
        let c = content_of(&a)?;
        let (mut bytes, mut sha) =
            render_blocking(a.id, a.version, a.kind, &c, a.created_at, Embedding::Whole).await?;
        if sha != a.document_sha256 {
            let subset =
                render_blocking(a.id, a.version, a.kind, &c, a.created_at, Embedding::Subset)
                    .await?;
            if subset.1 == a.document_sha256 {
                (bytes, sha) = subset;
            }
        }
        blobs.put(bytes).await.map_err(ApiError::internal)?;
        if sha != a.document_sha256 {
            tracing::warn!(agreement = %a.id, stored = %sha, recorded = %a.document_sha256,
                "a version rendered differently from its recorded hash; its current rendering is kept");
        }
        stored += 1;
    }
    Ok(stored)
}

struct Context {
    participant: participant::Model,
    mobility: mobility::Model,
    project: project::Model,
}

async fn context(db: &impl ConnectionTrait, p: participant::Model) -> ApiResult<Context> {
    let mobility = mobility::Entity::find_by_id(p.mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal("participant without mobility"))?;
    let project = project::Entity::find_by_id(mobility.project_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal("mobility without project"))?;
    Ok(Context {
        participant: p,
        mobility,
        project,
    })
}

async fn org_name(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<String> {
    Ok(organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

async fn initial_content(db: &impl ConnectionTrait, ctx: &Context) -> ApiResult<AgreementContent> {
    let m = &ctx.mobility;
    let strings = |v: &serde_json::Value| {
        serde_json::from_value::<Vec<String>>(v.clone()).unwrap_or_default()
    };
    Ok(AgreementContent {
        project_code: ctx.project.code.clone(),
        project_title: ctx.project.title.clone(),
        coordinator_name: org_name(db, ctx.project.applicant_id).await?,
        participant_name: ctx.participant.full_name.clone(),
        participant_email: ctx.participant.email.clone(),
        library_name: org_name(db, ctx.participant.library_id).await?,
        host_name: org_name(db, m.host_organisation_id).await?,
        mobility_code: m.code.clone(),
        mobility_title: m.title.clone(),
        city: m.city.clone(),
        country: m.country.clone(),
        start_date: m.start_date,
        end_date: m.end_date,
        planned_period: m.planned_period.clone(),
        programme_days: m.programme_days,
        travel_days: m.travel_days,
        goals: strings(&m.goals),
        programme: strings(&m.programme),
        learning_outcomes: content::learning_outcomes(),
        paid_by_project: content::paid_by_project(),
        paid_by_employer: content::paid_by_employer(),
        recognition: "Učni izidi se priznajo s potrdilom Europass mobilnost.".into(),
        obligations: content::obligations(m.follow_up),
        signatories: derived::signatories(db, ctx).await?,
        amounts: derived::amounts(db, ctx).await?,
        ..Default::default()
    })
}

/// Whether the unit costs now give the participant other amounts than this version names
/// (current grant agreements only).
async fn amounts_changed(db: &impl ConnectionTrait, a: &agreement::Model) -> ApiResult<bool> {
    if a.kind != AgreementKind::Grant || a.status == AgreementStatus::Superseded {
        return Ok(false);
    }
    let Some(p) = participant::Entity::find_by_id(a.participant_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let ctx = context(db, p).await?;
    Ok(derived::amounts(db, &ctx).await? != content_of(a)?.amounts)
}

pub async fn dto(db: &impl ConnectionTrait, a: agreement::Model) -> ApiResult<AgreementDto> {
    let mut out = dtos(db, vec![a]).await?;
    out.pop()
        .ok_or_else(|| ApiError::internal("an agreement without its response"))
}

/// The responses of several versions, their signatures and evidence read in one query each.
pub async fn dtos(
    db: &impl ConnectionTrait,
    versions: Vec<agreement::Model>,
) -> ApiResult<Vec<AgreementDto>> {
    let ids: Vec<Uuid> = versions.iter().map(|a| a.id).collect();
    let sigs = agreement_signature::Entity::find()
        .filter(agreement_signature::Column::AgreementId.is_in(ids.clone()))
        .all(db)
        .await?;
    let evidence = agreement_evidence::Entity::find()
        .filter(agreement_evidence::Column::AgreementId.is_in(ids))
        .all(db)
        .await?;
    let mut changed = std::collections::HashSet::new();
    for a in &versions {
        if amounts_changed(db, a).await? {
            changed.insert(a.id);
        }
    }
    versions
        .into_iter()
        .map(|a| {
            let parties = parties(a.kind)
                .iter()
                .map(|p| {
                    let s = sigs
                        .iter()
                        .find(|s| s.agreement_id == a.id && s.party == *p);
                    PartyStatus {
                        party: *p,
                        signed: s.is_some(),
                        method: s.map(|s| s.method),
                        signer_name: s.map(|s| s.signer_name.clone()),
                        signer_user_id: s.map(|s| s.signer_user_id),
                        signed_at: s.map(|s| s.signed_at),
                        pdf_signer_name: s
                            .filter(|s| s.method == AgreementSignatureMethod::QualifiedElectronic)
                            .and_then(|s| s.evidence_id)
                            .and_then(|e| evidence.iter().find(|x| x.id == e))
                            .and_then(|e| {
                                crate::pdf_signature::certificate_name_for(
                                    e.pdf_signatures.as_ref(),
                                    &s?.signer_name,
                                )
                            }),
                    }
                })
                .collect();
            Ok(AgreementDto {
                id: a.id,
                participant_id: a.participant_id,
                kind: a.kind,
                version: a.version,
                status: a.status,
                parties,
                content: content_of(&a)?,
                document_sha256: a.document_sha256,
                amounts_changed: changed.contains(&a.id),
                created_at: a.created_at,
                updated_at: a.updated_at,
            })
        })
        .collect()
}

async fn current(
    db: &impl ConnectionTrait,
    participant_id: Uuid,
    kind: AgreementKind,
) -> ApiResult<Option<agreement::Model>> {
    Ok(agreement::Entity::find()
        .filter(agreement::Column::ParticipantId.eq(participant_id))
        .filter(agreement::Column::Kind.eq(kind))
        .filter(agreement::Column::Status.ne(AgreementStatus::Superseded))
        .one(db)
        .await?)
}

mod derived;
mod europass;
mod signing;
mod versions;
mod write;
pub use europass::*;
pub use signing::*;
pub use versions::*;
