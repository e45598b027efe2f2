//! Issuing agreements and their versions: create, read, change, amend.

use super::write::{Doc, Plan, Step, write_planned};
use super::*;
pub use crate::agreements::policy::visible;

pub async fn create(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    participant_id: Uuid,
    kind: AgreementKind,
) -> ApiResult<agreement::Model> {
    let (id, now) = (Uuid::now_v7(), Utc::now());
    write_planned(db, blobs, user, async |c| -> ApiResult<Plan> {
        let p = participants::access::visible(c, user, participant_id).await?;
        policy::may_issue(user)?;
        if current(c, p.id, kind).await?.is_some() {
            return Err(ApiError::conflict(
                "agreement.exists",
                "This agreement already exists; amend it for a new version.",
            ));
        }
        let ctx = context(c, p).await?;
        let content = initial_content(c, &ctx).await?;
        let doc = Doc {
            id,
            participant_id: ctx.participant.id,
            kind,
            version: 1,
            content,
            dated: now,
        };
        let changed = Vec::new();
        Ok(Plan::Write {
            step: Step::Create { changed },
            doc: Box::new(doc),
        })
    })
    .await
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

pub(super) fn superseded() -> ApiError {
    ApiError::conflict(
        "agreement.superseded",
        "This version is superseded and read-only; work on the current version.",
    )
}

/// Apply a change: in place on a draft without signatures, otherwise as version n+1.
pub async fn update(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
    r: UpdateAgreementRequest,
    check_etag: impl Fn(&agreement::Model) -> ApiResult<()>,
) -> ApiResult<agreement::Model> {
    let (new_id, now) = (Uuid::now_v7(), Utc::now());
    write_planned(db, blobs, user, async |c| -> ApiResult<Plan> {
        let a = visible(c, user, id).await?;
        policy::may_change(c, user, &a, r.only_skills()).await?;
        check_etag(&a)?;
        plan_change(c, a, &r, new_id, now).await
    })
    .await
}

/// The content of `a` with the change applied, and the fields it changes.
pub(super) fn changed_content(
    before: &AgreementContent,
    r: &UpdateAgreementRequest,
) -> ApiResult<(AgreementContent, Vec<String>)> {
    let mut c = before.clone();
    macro_rules! set {
        ($($f:ident),*) => { $( if let Some(v) = &r.$f { c.$f = v.clone().into(); } )* };
    }
    set!(goals, programme, learning_outcomes);
    macro_rules! set_opt {
        ($($f:ident),*) => { $( if let Some(v) = &r.$f { c.$f = Some(v.clone()).filter(|x| !x.trim().is_empty()); } )* };
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
        &serde_json::to_value(before).unwrap_or_default(),
        &serde_json::to_value(&c).unwrap_or_default(),
    );
    Ok((c, fields))
}

/// A change of version `a`: nothing if it changes nothing, in place if nobody has signed `a`,
/// otherwise version n+1 (`new_id`, dated `now`).
pub(super) async fn plan_change(
    c: &impl ConnectionTrait,
    a: agreement::Model,
    r: &UpdateAgreementRequest,
    new_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<Plan> {
    if a.status == AgreementStatus::Superseded {
        return Err(superseded());
    }
    let (content, fields) = changed_content(&content_of(&a)?, r)?;
    if fields.is_empty() {
        return Ok(Plan::Unchanged(a));
    }
    let signed_any = agreement_signature::Entity::find()
        .filter(agreement_signature::Column::AgreementId.eq(a.id))
        .one(c)
        .await?
        .is_some();
    let (id, version, dated) = if signed_any {
        (new_id, a.version + 1, now)
    } else {
        (a.id, a.version, a.created_at)
    };
    let doc = Doc {
        id,
        participant_id: a.participant_id,
        kind: a.kind,
        version,
        content,
        dated,
    };
    let step = if signed_any {
        // A change after a signature: version n+1; the old one is kept, read-only.
        Step::NewVersion { base: a, fields }
    } else {
        Step::InPlace { base: a, fields }
    };
    Ok(Plan::Write {
        step,
        doc: Box::new(doc),
    })
}

pub async fn amend(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<agreement::Model> {
    let (new_id, now) = (Uuid::now_v7(), Utc::now());
    write_planned(db, blobs, user, async |c| -> ApiResult<Plan> {
        let a = visible(c, user, id).await?;
        policy::may_amend(user)?;
        if a.status == AgreementStatus::Superseded {
            return Err(superseded());
        }
        // The signatories and amounts as recorded now: changed rates make new amounts.
        let before = content_of(&a)?;
        let mut content = before.clone();
        let p = participant::Entity::find_by_id(a.participant_id)
            .one(c)
            .await?
            .ok_or_else(|| ApiError::internal("agreement without participant"))?;
        super::derived::refresh(c, &context(c, p).await?, &mut content).await?;
        let mut fields = vec!["version".to_string()];
        fields.extend(audit::service::changed_fields(
            &serde_json::to_value(&before).unwrap_or_default(),
            &serde_json::to_value(&content).unwrap_or_default(),
        ));
        let doc = Doc {
            id: new_id,
            participant_id: a.participant_id,
            kind: a.kind,
            version: a.version + 1,
            content,
            dated: now,
        };
        Ok(Plan::Write {
            step: Step::NewVersion { base: a, fields },
            doc: Box::new(doc),
        })
    })
    .await
}

/// Both current agreements signed: the `sign_agreements` task closes (the participant is
/// then `contracted`); a new unsigned version reopens it.
pub(super) async fn refresh_contract(
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
