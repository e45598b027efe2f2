//! Agreements: creation from the mobility and participant, edits and versions, signatures.

use super::content::{self, AgreementContent, parties};
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use crate::storage::{BlobStore, sha256_hex};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    AgreementKind, AgreementSignatureMethod, AgreementStatus, Party, Role, TeamFunction,
};
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

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"party": "participant", "method": "in_app", "version": 1, "document_sha256": "…", "confirm": true}))]
pub struct SignAgreementRequest {
    pub party: Party,
    pub method: AgreementSignatureMethod,
    /// The version being signed.
    pub version: i32,
    /// The hash of the document being signed.
    pub document_sha256: String,
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
    pub pdf_signer_name: Option<String>,
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
) -> ApiResult<(Vec<u8>, String)> {
    let doc = content::document(kind, c, format!("{a_id}-v{version}"), dated);
    let bytes = crate::render::render(&doc).map_err(ApiError::internal)?;
    let sha = sha256_hex(&bytes);
    Ok((bytes, sha))
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
        ..Default::default()
    })
}

pub async fn dto(db: &impl ConnectionTrait, a: agreement::Model) -> ApiResult<AgreementDto> {
    let sigs = agreement_signature::Entity::find()
        .filter(agreement_signature::Column::AgreementId.eq(a.id))
        .all(db)
        .await?;
    let evidence = agreement_evidence::Entity::find()
        .filter(agreement_evidence::Column::AgreementId.eq(a.id))
        .all(db)
        .await?;
    let parties = parties(a.kind)
        .iter()
        .map(|p| {
            let s = sigs.iter().find(|s| s.party == *p);
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
                    .and_then(|e| e.pdf_signer_name.clone()),
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
        created_at: a.created_at,
        updated_at: a.updated_at,
    })
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

async fn insert_version(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    participant_id: Uuid,
    kind: AgreementKind,
    version: i32,
    c: &AgreementContent,
) -> ApiResult<agreement::Model> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    let (_, sha) = render(id, version, kind, c, now)?;
    agreement::ActiveModel {
        id: Set(id),
        participant_id: Set(participant_id),
        kind: Set(kind),
        version: Set(version),
        status: Set(AgreementStatus::Draft),
        content: Set(serde_json::to_value(c).map_err(ApiError::internal)?),
        document_sha256: Set(sha),
        created_by: Set(user.id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => ApiError::conflict(
            "agreement.exists",
            "This agreement already exists; amend it for a new version.",
        ),
        err => err,
    })
}

pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
    kind: AgreementKind,
) -> ApiResult<agreement::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    if !user.is_staff() {
        return Err(ApiError::forbidden("Only coordinators issue agreements."));
    }
    if current(&txn, p.id, kind).await?.is_some() {
        return Err(ApiError::conflict(
            "agreement.exists",
            "This agreement already exists; amend it for a new version.",
        ));
    }
    let ctx = context(&txn, p).await?;
    let c = initial_content(&txn, &ctx).await?;
    let a = insert_version(&txn, user, ctx.participant.id, kind, 1, &c).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "agreement",
        a.id,
        &["kind".into(), "content".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(a)
}

pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<agreement::Model> {
    let a = agreement::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement"))?;
    if participants::access::visible(db, user, a.participant_id)
        .await
        .is_ok()
        || is_responsible_person(db, user, &a).await?
    {
        Ok(a)
    } else {
        Err(ApiError::not_found("agreement"))
    }
}

/// The project's responsible person signs for ZSK whatever their role.
async fn is_responsible_person(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
) -> ApiResult<bool> {
    let Some(p) = participant::Entity::find_by_id(a.participant_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let Some(m) = mobility::Entity::find_by_id(p.mobility_id).one(db).await? else {
        return Ok(false);
    };
    Ok(crate::projects::service::team_members_with(
        db,
        m.project_id,
        TeamFunction::ResponsiblePerson,
    )
    .await?
    .contains(&user.id))
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Vec<agreement::Model>> {
    participants::access::visible(db, user, participant_id).await?;
    Ok(agreement::Entity::find()
        .filter(agreement::Column::ParticipantId.eq(participant_id))
        .order_by_asc(agreement::Column::Kind)
        .order_by_asc(agreement::Column::Version)
        .all(db)
        .await?)
}

async fn is_host_user(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
) -> ApiResult<bool> {
    if user.role != Role::Host {
        return Ok(false);
    }
    let p = participant::Entity::find_by_id(a.participant_id)
        .one(db)
        .await?;
    let host = match p {
        Some(p) => mobility::Entity::find_by_id(p.mobility_id)
            .one(db)
            .await?
            .map(|m| m.host_organisation_id),
        None => None,
    };
    Ok(host.is_some() && user.organisation_id == host)
}

fn superseded() -> ApiError {
    ApiError::conflict(
        "agreement.superseded",
        "This version is superseded and read-only; work on the current version.",
    )
}

/// Apply a change: in place on a draft without signatures, otherwise as version n+1.
pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    r: UpdateAgreementRequest,
    check_etag: impl FnOnce(&agreement::Model) -> ApiResult<()>,
) -> ApiResult<agreement::Model> {
    let txn = begin_write(db).await?;
    let a = visible(&txn, user, id).await?;
    check_change_rights(&txn, user, &a, &r).await?;
    check_etag(&a)?;
    let out = change(&txn, user, a, r).await?;
    txn.commit().await?;
    Ok(out)
}

/// Coordinators change agreements; the host writes only the skills of the Europass record.
async fn check_change_rights(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
    r: &UpdateAgreementRequest,
) -> ApiResult<()> {
    let host = is_host_user(txn, user, a).await?;
    let only_skills = r.start_date.is_none()
        && r.end_date.is_none()
        && r.goals.is_none()
        && r.programme.is_none()
        && r.learning_outcomes.is_none()
        && r.mentor.is_none()
        && r.special_conditions.is_none()
        && r.objectives.is_none()
        && r.activities.is_none()
        && r.language.is_none();
    if user.is_staff() || (host && a.kind == AgreementKind::Europass && only_skills) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only coordinators change agreements (the host writes the skills of the Europass record).",
        ))
    }
}

async fn change(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    a: agreement::Model,
    r: UpdateAgreementRequest,
) -> ApiResult<agreement::Model> {
    if a.status == AgreementStatus::Superseded {
        return Err(superseded());
    }
    let before = content_of(&a)?;
    let mut c = before.clone();
    macro_rules! set {
        ($($f:ident),*) => { $( if let Some(v) = r.$f { c.$f = v.into(); } )* };
    }
    set!(goals, programme, learning_outcomes);
    macro_rules! set_opt {
        ($($f:ident),*) => { $( if let Some(v) = r.$f { c.$f = Some(v).filter(|x| !x.trim().is_empty()); } )* };
    }
    set_opt!(
        mentor,
        special_conditions,
        objectives,
        activities,
        skills_acquired,
        language
    );
    if let Some(d) = r.start_date {
        c.start_date = Some(d);
    }
    if let Some(d) = r.end_date {
        c.end_date = Some(d);
    }
    if let (Some(s), Some(e)) = (c.start_date, c.end_date)
        && e < s
    {
        return Err(ApiError::invalid_field(
            "end_date",
            "before_start",
            "must not be before start_date",
        ));
    }
    let fields = audit::service::changed_fields(
        &serde_json::to_value(&before).unwrap_or_default(),
        &serde_json::to_value(&c).unwrap_or_default(),
    );
    if fields.is_empty() {
        return Ok(a);
    }
    let signed_any = agreement_signature::Entity::find()
        .filter(agreement_signature::Column::AgreementId.eq(a.id))
        .one(txn)
        .await?
        .is_some();
    let out = if signed_any {
        // A change after a signature: version n+1; the old one is kept, read-only.
        supersede(txn, &a).await?;
        let n = insert_version(txn, user, a.participant_id, a.kind, a.version + 1, &c).await?;
        audit::record(txn, &Actor::from(user), "amend", "agreement", n.id, &fields).await?;
        n
    } else {
        let (_, sha) = render(a.id, a.version, a.kind, &c, a.created_at)?;
        let mut am: agreement::ActiveModel = a.clone().into();
        am.content = Set(serde_json::to_value(&c).map_err(ApiError::internal)?);
        am.document_sha256 = Set(sha);
        am.updated_at = Set(Utc::now());
        let m = am.update(txn).await?;
        audit::record(
            txn,
            &Actor::from(user),
            "update",
            "agreement",
            m.id,
            &fields,
        )
        .await?;
        m
    };
    refresh_contract(txn, out.participant_id, Some(user.id)).await?;
    Ok(out)
}

async fn supersede(txn: &impl ConnectionTrait, a: &agreement::Model) -> ApiResult<()> {
    let mut old: agreement::ActiveModel = a.clone().into();
    old.status = Set(AgreementStatus::Superseded);
    old.updated_at = Set(Utc::now());
    old.update(txn).await?;
    Ok(())
}

pub async fn amend(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<agreement::Model> {
    let txn = begin_write(db).await?;
    let a = visible(&txn, user, id).await?;
    if !user.is_staff() {
        return Err(ApiError::forbidden("Only coordinators amend agreements."));
    }
    if a.status == AgreementStatus::Superseded {
        return Err(superseded());
    }
    let c = content_of(&a)?;
    supersede(&txn, &a).await?;
    let n = insert_version(&txn, user, a.participant_id, a.kind, a.version + 1, &c).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "amend",
        "agreement",
        n.id,
        &["version".into()],
    )
    .await?;
    refresh_contract(&txn, n.participant_id, Some(user.id)).await?;
    txn.commit().await?;
    Ok(n)
}

/// Both current agreements signed: the `sign_agreements` task closes (the participant is
/// then `contracted`); a new unsigned version reopens it.
async fn refresh_contract(
    db: &impl ConnectionTrait,
    participant_id: Uuid,
    by: Option<Uuid>,
) -> ApiResult<()> {
    let mut both = true;
    for kind in [AgreementKind::Grant, AgreementKind::Learning] {
        both &= current(db, participant_id, kind)
            .await?
            .is_some_and(|a| a.status == AgreementStatus::Signed);
    }
    participants::lifecycle::automatic_task(
        db,
        participant_id,
        crate::preparation::checklist::SIGN_AGREEMENTS,
        both,
        by,
    )
    .await
}

pub async fn document(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(agreement::Model, Vec<u8>)> {
    let a = visible(db, user, id).await?;
    let c = content_of(&a)?;
    let (bytes, sha) = render(a.id, a.version, a.kind, &c, a.created_at)?;
    if sha != a.document_sha256 {
        tracing::warn!(agreement = %a.id, "the rendered document differs from the stored hash (the renderer changed)");
    }
    Ok((a, bytes))
}

/// May `user` sign for `party`?
async fn may_sign(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
    party: Party,
) -> ApiResult<bool> {
    let p = participant::Entity::find_by_id(a.participant_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement"))?;
    let m = mobility::Entity::find_by_id(p.mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement"))?;
    Ok(match party {
        Party::Participant => {
            user.role == Role::Participant
                && (p.user_id == Some(user.id) || p.email.eq_ignore_ascii_case(&user.email))
        }
        Party::Library => user.role == Role::Library && user.organisation_id == Some(p.library_id),
        Party::Host => {
            user.role == Role::Host && user.organisation_id == Some(m.host_organisation_id)
        }
        Party::Zsk => {
            user.is_staff()
                || crate::projects::service::team_members_with(
                    db,
                    m.project_id,
                    TeamFunction::ResponsiblePerson,
                )
                .await?
                .contains(&user.id)
        }
    })
}

pub async fn add_evidence(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
    filename: &str,
    bytes: Vec<u8>,
) -> ApiResult<agreement_evidence::Model> {
    let a = visible(db, user, id).await?;
    let mut may = false;
    for party in parties(a.kind) {
        may |= may_sign(db, user, &a, *party).await?;
    }
    if !may {
        return Err(ApiError::forbidden(
            "Only a party to this agreement uploads signed copies.",
        ));
    }
    if !crate::pdf::is_pdf(&bytes) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "document.not_pdf",
            "Only PDF files are accepted (the content is not a PDF, whatever its name).",
        ));
    }
    let sig = crate::pdf::find_signature(&bytes);
    let size = bytes.len() as i64;
    let sha = blobs.put(bytes).await.map_err(ApiError::internal)?;
    let txn = begin_write(db).await?;
    let e = agreement_evidence::ActiveModel {
        id: Set(Uuid::now_v7()),
        agreement_id: Set(a.id),
        filename: Set(crate::applications::service::sanitise_filename(filename)),
        size: Set(size),
        sha256: Set(sha),
        has_pdf_signature: Set(sig.is_some()),
        pdf_signer_name: Set(sig.and_then(|s| s.signer_name)),
        uploaded_by: Set(user.id),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "agreement_evidence",
        e.id,
        &["agreement_id".into(), "sha256".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(e)
}

pub async fn sign(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    r: SignAgreementRequest,
) -> ApiResult<agreement::Model> {
    let txn = begin_write(db).await?;
    // Serialise signing of this agreement (PostgreSQL row lock; SQLite holds the write lock).
    agreement::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let a = visible(&txn, user, id).await?;
    if !parties(a.kind).contains(&r.party) {
        return Err(ApiError::unprocessable(
            "agreement.unknown_party",
            format!("`{}` is not a party to a {} agreement.", r.party, a.kind),
        ));
    }
    if !may_sign(&txn, user, &a, r.party).await? {
        return Err(ApiError::forbidden(format!(
            "You may not sign for the party `{}`.",
            r.party
        )));
    }
    if a.status == AgreementStatus::Superseded
        || r.version != a.version
        || r.document_sha256 != a.document_sha256
    {
        return Err(ApiError::conflict(
            "agreement.stale_version",
            format!(
                "The current version is {} with document {}; sign that one.",
                a.version, a.document_sha256
            ),
        ));
    }
    if agreement_signature::Entity::find()
        .filter(agreement_signature::Column::AgreementId.eq(a.id))
        .filter(agreement_signature::Column::Party.eq(r.party))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict(
            "agreement.already_signed",
            "This party has already signed this version.",
        ));
    }
    let evidence = match r.evidence_id {
        Some(eid) => Some(
            agreement_evidence::Entity::find_by_id(eid)
                .one(&txn)
                .await?
                .filter(|e| e.agreement_id == a.id)
                .ok_or_else(|| {
                    ApiError::invalid_field(
                        "evidence_id",
                        "not_found",
                        "no such upload for this agreement",
                    )
                })?,
        ),
        None => None,
    };
    match r.method {
        AgreementSignatureMethod::InApp if !r.confirm => {
            return Err(ApiError::unprocessable(
                "agreement.confirmation_required",
                "Signing in the application needs the explicit confirmation `confirm: true`.",
            ));
        }
        AgreementSignatureMethod::ScannedHandwritten
        | AgreementSignatureMethod::QualifiedElectronic
            if evidence.is_none() =>
        {
            return Err(ApiError::unprocessable(
                "signature.document_required",
                "This method needs the uploaded, signed PDF (evidence_id).",
            ));
        }
        AgreementSignatureMethod::QualifiedElectronic
            if !evidence.as_ref().is_some_and(|e| e.has_pdf_signature) =>
        {
            return Err(ApiError::unprocessable(
                "signature.not_digitally_signed",
                "The upload holds no digital signature (no signature dictionary with /ByteRange and /Contents).",
            ));
        }
        _ => {}
    }
    agreement_signature::ActiveModel {
        id: Set(Uuid::now_v7()),
        agreement_id: Set(a.id),
        party: Set(r.party),
        method: Set(r.method),
        version: Set(a.version),
        document_sha256: Set(a.document_sha256.clone()),
        signer_user_id: Set(user.id),
        signer_name: Set(r
            .signer_name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| user.full_name.clone())),
        evidence_id: Set(evidence.map(|e| e.id)),
        signed_at: Set(clock.now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => ApiError::conflict(
            "agreement.already_signed",
            "This party has already signed this version.",
        ),
        err => err,
    })?;
    let signed = agreement_signature::Entity::find()
        .filter(agreement_signature::Column::AgreementId.eq(a.id))
        .all(&txn)
        .await?;
    let all = parties(a.kind)
        .iter()
        .all(|p| signed.iter().any(|s| s.party == *p));
    let mut am: agreement::ActiveModel = a.clone().into();
    am.status = Set(if all {
        AgreementStatus::Signed
    } else {
        AgreementStatus::AwaitingSignatures
    });
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "sign",
        "agreement",
        a.id,
        &[format!("signatures.{}", r.party)],
    )
    .await?;
    if a.kind != AgreementKind::Europass {
        refresh_contract(&txn, a.participant_id, Some(user.id)).await?;
    }
    txn.commit().await?;
    Ok(m)
}

// ---------------------------------------------------------------- Europass

pub async fn europass(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<agreement::Model> {
    participants::access::visible(db, user, participant_id).await?;
    current(db, participant_id, AgreementKind::Europass)
        .await?
        .ok_or_else(|| ApiError::not_found("europass"))
}

/// Create the Europass record (coordinators) or change it (coordinators; the host writes
/// the skills acquired).
pub async fn put_europass(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
    r: UpdateAgreementRequest,
) -> ApiResult<agreement::Model> {
    // One transaction: a record is never left created but unchanged by a refused change.
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    let a = match current(&txn, p.id, AgreementKind::Europass).await? {
        Some(a) => a,
        None => {
            if !user.is_staff() {
                return Err(ApiError::forbidden(
                    "A coordinator opens the Europass record.",
                ));
            }
            let ctx = context(&txn, p).await?;
            let c = initial_content(&txn, &ctx).await?;
            let a = insert_version(
                &txn,
                user,
                ctx.participant.id,
                AgreementKind::Europass,
                1,
                &c,
            )
            .await?;
            audit::record(
                &txn,
                &Actor::from(user),
                "create",
                "agreement",
                a.id,
                &["kind".into(), "content".into()],
            )
            .await?;
            a
        }
    };
    check_change_rights(&txn, user, &a, &r).await?;
    let out = change(&txn, user, a, r).await?;
    txn.commit().await?;
    Ok(out)
}
