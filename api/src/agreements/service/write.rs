//! Writing a version: plan it, render its PDF outside any transaction, then keep both.
//!
//! A PDF takes long to render, and on SQLite a write transaction holds the only write lock, so
//! no document is rendered inside one. An operation says what it would write as a [`Plan`]: it
//! is planned once against what the database holds, its document is rendered (off the async
//! workers) and stored, and it is planned again inside the write transaction. Only if both
//! plans agree is the rendering kept; if someone changed the agreement, participant or
//! mobility in between, the operation plans again (at most [`ATTEMPTS`] times, then 409
//! `agreement.busy`). A rendering that is not kept leaves only an unreferenced blob behind.

use super::*;
use crate::events::{Event, EventType, Scope};
use sea_orm::{DatabaseTransaction, TransactionTrait};

/// How often an operation plans again when the agreement keeps changing under it.
const ATTEMPTS: usize = 3;

/// The document of the version an operation writes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Doc {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub kind: AgreementKind,
    pub version: i32,
    pub content: AgreementContent,
    /// The date the document carries: when its version was made.
    pub dated: DateTime<Utc>,
}

/// What an operation would write.
#[derive(Debug, PartialEq)]
pub(super) enum Plan {
    /// Nothing: the version as it is.
    Unchanged(agreement::Model),
    Write {
        step: Step,
        doc: Box<Doc>,
    },
}

#[derive(Debug, PartialEq)]
pub(super) enum Step {
    /// Version 1 of a new agreement; `changed` names the fields a change made on top of its
    /// initial content (a Europass record opened together with a change).
    Create { changed: Vec<String> },
    /// A version nobody has signed, changed in place.
    InPlace {
        base: agreement::Model,
        fields: Vec<String>,
    },
    /// The current version superseded by version n+1.
    NewVersion {
        base: agreement::Model,
        fields: Vec<String>,
    },
}

/// Plan, render outside any transaction, plan again inside the write and keep the rendering
/// only if the plan still holds (see the module's head).
pub(super) async fn write_planned(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    plan: impl AsyncFn(&DatabaseTransaction) -> ApiResult<Plan>,
) -> ApiResult<agreement::Model> {
    for _ in 0..ATTEMPTS {
        let read = db.begin().await?;
        let first = plan(&read).await;
        read.rollback().await?;
        let (step, doc) = match first? {
            Plan::Unchanged(a) => return Ok(a),
            Plan::Write { step, doc } => (step, doc),
        };
        let sha = render_stored(blobs, &doc).await?;
        let txn = begin_write(db).await?;
        let again = plan(&txn).await?;
        if again != (Plan::Write { step, doc }) {
            // Changed meanwhile: the transaction rolls back as it drops; plan again.
            continue;
        }
        let Plan::Write { step, doc } = again else {
            unreachable!("equal to a Plan::Write")
        };
        let out = apply(&txn, user, step, &doc, sha).await?;
        txn.commit().await?;
        return Ok(out);
    }
    Err(ApiError::conflict(
        "agreement.busy",
        "The agreement kept changing while its document was prepared; try again.",
    ))
}

async fn apply(
    txn: &DatabaseTransaction,
    user: &AuthUser,
    step: Step,
    doc: &Doc,
    sha: String,
) -> ApiResult<agreement::Model> {
    let actor = Actor::from(user);
    let (out, kind) = match step {
        Step::Create { changed } => {
            let a = insert_version(txn, user, doc, sha).await?;
            let created = ["kind".to_string(), "content".to_string()];
            audit::record(txn, &actor, "create", "agreement", a.id, &created).await?;
            if !changed.is_empty() {
                audit::record(txn, &actor, "update", "agreement", a.id, &changed).await?;
            }
            (a, Some(EventType::AgreementIssued))
        }
        Step::InPlace { base, fields } => {
            let mut am: agreement::ActiveModel = base.into();
            am.content = Set(serde_json::to_value(&doc.content).map_err(ApiError::internal)?);
            am.document_sha256 = Set(sha);
            am.updated_at = Set(Utc::now());
            let m = am.update(txn).await?;
            audit::record(txn, &actor, "update", "agreement", m.id, &fields).await?;
            (m, None)
        }
        Step::NewVersion { base, fields } => {
            supersede(txn, &base).await?;
            let n = insert_version(txn, user, doc, sha).await?;
            audit::record(txn, &actor, "amend", "agreement", n.id, &fields).await?;
            (n, Some(EventType::AgreementAmended))
        }
    };
    refresh_contract(txn, out.participant_id, Some(user.id)).await?;
    if let Some(kind) = kind {
        event(kind, &out).emit(txn, &actor).await?;
        // Ready to sign: the participant (and the host, for a learning agreement) are told.
        if let Some(p) = entity::participant::Entity::find_by_id(out.participant_id)
            .one(txn)
            .await?
            && let Some(mob) = entity::mobility::Entity::find_by_id(p.mobility_id)
                .one(txn)
                .await?
        {
            crate::notifications::outcome::agreement_ready(
                txn,
                &out,
                &p,
                &mob,
                actor.request_id.clone(),
            )
            .await?;
        }
    }
    Ok(out)
}

/// The event for a change of `a`: ids, kind, version and status.
pub(super) fn event(t: EventType, a: &agreement::Model) -> Event {
    Event::new(t, a.id, Scope::Participant(a.participant_id))
        .participant(a.participant_id)
        .data(serde_json::json!({
            "participant_id": a.participant_id,
            "kind": a.kind,
            "version": a.version,
            "status": a.status,
        }))
}

/// Insert a new version whose document is stored under `sha`.
async fn insert_version(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    doc: &Doc,
    sha: String,
) -> ApiResult<agreement::Model> {
    agreement::ActiveModel {
        id: Set(doc.id),
        participant_id: Set(doc.participant_id),
        kind: Set(doc.kind),
        version: Set(doc.version),
        status: Set(AgreementStatus::Draft),
        content: Set(serde_json::to_value(&doc.content).map_err(ApiError::internal)?),
        document_sha256: Set(sha),
        created_by: Set(user.id),
        created_at: Set(doc.dated),
        updated_at: Set(doc.dated),
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

async fn supersede(txn: &impl ConnectionTrait, a: &agreement::Model) -> ApiResult<()> {
    let mut old: agreement::ActiveModel = a.clone().into();
    old.status = Set(AgreementStatus::Superseded);
    old.updated_at = Set(Utc::now());
    old.update(txn).await?;
    Ok(())
}
