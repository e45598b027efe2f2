//! Issuing agreements and their versions: create, read, change, amend.

use super::*;

pub async fn create(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
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
    let a = insert_version(&txn, blobs, user, ctx.participant.id, kind, 1, &c).await?;
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
pub(super) async fn is_responsible_person(
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

pub(super) async fn is_host_user(
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
    check_etag: impl FnOnce(&agreement::Model) -> ApiResult<()>,
) -> ApiResult<agreement::Model> {
    let txn = begin_write(db).await?;
    let a = visible(&txn, user, id).await?;
    check_change_rights(&txn, user, &a, &r).await?;
    check_etag(&a)?;
    let out = change(&txn, blobs, user, a, r).await?;
    txn.commit().await?;
    Ok(out)
}

/// Coordinators change agreements; the host writes only the skills of the Europass record.
pub(super) async fn check_change_rights(
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

pub(super) async fn change(
    txn: &impl ConnectionTrait,
    blobs: &dyn BlobStore,
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
        let n = insert_version(
            txn,
            blobs,
            user,
            a.participant_id,
            a.kind,
            a.version + 1,
            &c,
        )
        .await?;
        audit::record(txn, &Actor::from(user), "amend", "agreement", n.id, &fields).await?;
        n
    } else {
        let sha = render_stored(blobs, a.id, a.version, a.kind, &c, a.created_at).await?;
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

pub(super) async fn supersede(txn: &impl ConnectionTrait, a: &agreement::Model) -> ApiResult<()> {
    let mut old: agreement::ActiveModel = a.clone().into();
    old.status = Set(AgreementStatus::Superseded);
    old.updated_at = Set(Utc::now());
    old.update(txn).await?;
    Ok(())
}

pub async fn amend(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
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
    let n = insert_version(
        &txn,
        blobs,
        user,
        a.participant_id,
        a.kind,
        a.version + 1,
        &c,
    )
    .await?;
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
