//! The agreement PDF, evidence of signatures, and signing.

use super::*;

/// The version's PDF: the bytes stored when it was made (the ones signed), never rendered
/// again.
pub async fn document(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(agreement::Model, Vec<u8>)> {
    let a = visible(db, user, id).await?;
    let bytes = blobs
        .get(&a.document_sha256)
        .await
        .map_err(ApiError::internal)?;
    Ok((a, bytes))
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
    policy::may_add_evidence(db, user, &a, parties(a.kind)).await?;
    let original = blobs
        .get(&a.document_sha256)
        .await
        .map_err(ApiError::internal)?;
    let extends_document = bytes.len() > original.len() && bytes.starts_with(&original);
    let (bytes, signatures) = crate::pdf::inspect(bytes).await?;
    let size = bytes.len() as i64;
    let sha = blobs.put(bytes).await.map_err(ApiError::internal)?;
    let txn = begin_write(db).await?;
    let e = agreement_evidence::ActiveModel {
        id: Set(Uuid::now_v7()),
        agreement_id: Set(a.id),
        filename: Set(crate::applications::service::sanitise_filename(filename)),
        size: Set(size),
        sha256: Set(sha),
        has_pdf_signature: Set(!signatures.is_empty()),
        pdf_signer_name: Set(crate::pdf_signature::first_verified_name(&signatures)),
        pdf_signatures: Set(Some(crate::pdf_signature::to_json(&signatures))),
        extends_document: Set(extends_document),
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
    if_match: &crate::http::IfMatch,
) -> ApiResult<agreement::Model> {
    let txn = begin_write(db).await?;
    // Serialise signing of this agreement (PostgreSQL row lock; SQLite holds the write lock).
    agreement::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let a = visible(&txn, user, id).await?;
    // The version signed is named by the body (version and hash) or by the ETag in If-Match.
    match (r.version, &r.document_sha256) {
        (Some(_), Some(_)) => {}
        (None, None) if if_match.0.is_some() => {}
        (version, _) => {
            return Err(ApiError::invalid_field(
                if version.is_none() {
                    "version"
                } else {
                    "document_sha256"
                },
                "required",
                "name the version signed: version with document_sha256, or the agreement's ETag in If-Match",
            ));
        }
    }
    if_match.check(&crate::http::etag::etag(a.id, a.updated_at))?;
    if !parties(a.kind).contains(&r.party) {
        return Err(ApiError::unprocessable(
            "agreement.unknown_party",
            format!("`{}` is not a party to a {} agreement.", r.party, a.kind),
        ));
    }
    policy::may_sign(&txn, user, &a, r.party).await?;
    if a.status == AgreementStatus::Superseded
        || r.version.is_some_and(|v| v != a.version)
        || r.document_sha256
            .as_ref()
            .is_some_and(|h| *h != a.document_sha256)
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
    let signer_name = r
        .signer_name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| user.full_name.clone());
    if r.method == AgreementSignatureMethod::QualifiedElectronic
        && let Some(ev) = &evidence
    {
        if !ev.extends_document {
            return Err(ApiError::unprocessable(
                "signature.other_document",
                "The digitally signed PDF is not this version's document: sign the PDF of GET /agreements/{id}/document and upload it as it comes from the signing tool.",
            ));
        }
        // The same upload may carry another party's signature: it must be a different one.
        let other = agreement_signature::Entity::find()
            .filter(agreement_signature::Column::AgreementId.eq(a.id))
            .filter(agreement_signature::Column::EvidenceId.eq(ev.id))
            .filter(
                agreement_signature::Column::Method
                    .eq(AgreementSignatureMethod::QualifiedElectronic),
            )
            .one(&txn)
            .await?;
        crate::pdf_signature::signature_for(
            &crate::pdf_signature::from_json(ev.pdf_signatures.as_ref()),
            &signer_name,
            other.as_ref().map(|o| o.signer_name.as_str()),
        )?;
    }
    agreement_signature::ActiveModel {
        id: Set(Uuid::now_v7()),
        agreement_id: Set(a.id),
        party: Set(r.party),
        method: Set(r.method),
        version: Set(a.version),
        document_sha256: Set(a.document_sha256.clone()),
        signer_user_id: Set(user.id),
        signer_name: Set(signer_name),
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
    let actor = Actor::from(user);
    audit::record(
        &txn,
        &actor,
        "sign",
        "agreement",
        a.id,
        &[format!("signatures.{}", r.party)],
    )
    .await?;
    if a.kind != AgreementKind::Europass {
        refresh_contract(&txn, a.participant_id, Some(user.id)).await?;
    }
    let mut e = super::write::event(crate::events::EventType::AgreementSigned, &m);
    e = e.data(serde_json::json!({
        "participant_id": m.participant_id, "kind": m.kind, "version": m.version,
        "status": m.status, "party": r.party,
    }));
    e.emit(&txn, &actor).await?;
    txn.commit().await?;
    Ok(m)
}

// ---------------------------------------------------------------- Europass
