//! The two signatures (applicant and library director) and their voiding.

use super::*;
use crate::events::EventType;

pub fn signature_dto(
    s: application_signature::Model,
    pdf_signer_name: Option<String>,
) -> SignatureDto {
    SignatureDto {
        id: s.id,
        application_id: s.application_id,
        signer_role: s.signer_role,
        method: s.method,
        signer_name: s.signer_name,
        signer_position: s.signer_position,
        signed_at: s.signed_at,
        document_id: s.document_id,
        recorded_by: s.recorded_by,
        content_sha256: s.content_sha256,
        status: s.status,
        voided_at: s.voided_at,
        pdf_signer_name,
        created_at: s.created_at,
    }
}

pub async fn add_signature(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    app_id: Uuid,
    r: CreateSignatureRequest,
) -> ApiResult<SignatureDto> {
    let txn = begin_write(db).await?;
    let s = add_signature_in(&txn, clock, user, app_id, r).await?;
    txn.commit().await?;
    Ok(s)
}

/// [`add_signature`] within the caller's transaction.
pub async fn add_signature_in(
    txn: &DatabaseTransaction,
    clock: &dyn Clock,
    user: &AuthUser,
    app_id: Uuid,
    r: CreateSignatureRequest,
) -> ApiResult<SignatureDto> {
    let actor = Actor::from(user);
    let app = visible_for_update(txn, user, app_id).await?;
    policy::may_sign(user, &app, r.signer_role)?;
    if app.status != ApplicationStatus::Draft {
        return Err(locked(app.status));
    }
    let now = clock.now();
    let signed_at = r.signed_at.unwrap_or(now);
    if signed_at > now {
        return Err(ApiError::validation(vec![FieldError::new(
            "signed_at",
            "in_future",
            "must not be in the future",
        )]));
    }
    let document = match r.document_id {
        None => None,
        Some(doc_id) => Some(
            application_document::Entity::find_by_id(doc_id)
                .one(txn)
                .await?
                .filter(|d| d.application_id == app_id)
                .ok_or_else(|| {
                    ApiError::invalid_field(
                        "document_id",
                        "not_found",
                        "no such document of this application",
                    )
                })?,
        ),
    };
    let Some(doc) = document else {
        return Err(ApiError::unprocessable(
            "signature.document_required",
            match r.method {
                SignatureMethod::ScannedHandwritten => {
                    "A handwritten signature needs the uploaded scan (document_id)."
                }
                SignatureMethod::QualifiedElectronic => {
                    "A digital signature needs the uploaded, digitally signed PDF (document_id)."
                }
            },
        ));
    };
    if r.method == SignatureMethod::QualifiedElectronic && !doc.has_pdf_signature {
        return Err(ApiError::unprocessable(
            "signature.not_digitally_signed",
            "The document holds no digital signature (no signature dictionary with /ByteRange and /Contents).",
        ));
    }
    // A digital signature stands for the signer named only if a verified signature in the PDF
    // has a certificate naming them, and not the one standing for the other signer.
    let certificate_name = if r.method == SignatureMethod::QualifiedElectronic {
        let other = application_signature::Entity::find()
            .filter(application_signature::Column::ApplicationId.eq(app_id))
            .filter(application_signature::Column::Status.eq(SignatureStatus::Valid))
            .filter(application_signature::Column::Method.eq(SignatureMethod::QualifiedElectronic))
            .filter(application_signature::Column::DocumentId.eq(doc.id))
            .filter(application_signature::Column::SignerRole.ne(r.signer_role))
            .one(txn)
            .await?;
        Some(crate::pdf_signature::signature_for(
            &crate::pdf_signature::from_json(doc.pdf_signatures.as_ref()),
            &clean(&r.signer_name),
            other.as_ref().map(|o| o.signer_name.as_str()),
        )?)
    } else {
        None
    };
    // A new signature for a role replaces the earlier one of that role.
    void_signatures(txn, app_id, Some(r.signer_role), Utc::now()).await?;
    let s = application_signature::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(app_id),
        signer_role: Set(r.signer_role),
        method: Set(r.method),
        signer_name: Set(clean(&r.signer_name)),
        signer_position: Set(r
            .signer_position
            .map(|p| clean(&p))
            .filter(|p| !p.is_empty())),
        signed_at: Set(signed_at),
        document_id: Set(Some(doc.id)),
        recorded_by: Set(user.id),
        content_sha256: Set(app.content_sha256.clone()),
        status: Set(SignatureStatus::Valid),
        voided_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        &actor,
        "sign",
        "application",
        app_id,
        &[format!("signatures.{}", r.signer_role)],
    )
    .await?;
    let mut e = super::writing::event(EventType::SignatureAdded, &app);
    e = e.data(serde_json::json!({
        "status": app.status, "call_id": app.call_id, "mobility_id": app.mobility_id,
        "library_id": app.library_id, "signer_role": s.signer_role, "signature_id": s.id,
    }));
    e.emit(txn, &actor).await?;
    Ok(signature_dto(s, certificate_name))
}

pub async fn signatures(
    db: &DatabaseConnection,
    user: &AuthUser,
    app_id: Uuid,
) -> ApiResult<Vec<SignatureDto>> {
    visible(db, user, app_id).await?;
    let sigs = application_signature::Entity::find()
        .filter(application_signature::Column::ApplicationId.eq(app_id))
        .order_by_asc(application_signature::Column::CreatedAt)
        .order_by_asc(application_signature::Column::Id)
        .all(db)
        .await?;
    let docs: HashMap<Uuid, application_document::Model> = application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(app_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    Ok(sigs
        .into_iter()
        .map(|s| {
            let name = match (s.method, s.document_id.and_then(|d| docs.get(&d))) {
                (SignatureMethod::QualifiedElectronic, Some(d)) => {
                    crate::pdf_signature::certificate_name_for(
                        d.pdf_signatures.as_ref(),
                        &s.signer_name,
                    )
                }
                _ => None,
            };
            signature_dto(s, name)
        })
        .collect())
}
