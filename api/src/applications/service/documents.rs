//! The signed application PDF: upload, checks, download.

use super::*;

/// Keep a file name safe to store and to send back: no path, no control, quoting,
/// bidirectional or zero-width characters, at most 150 characters, ending in `.pdf`.
pub fn sanitise_filename(name: &str) -> String {
    sanitise_filename_with(name, "pdf")
}

/// As [`sanitise_filename`], ending in `.{ext}`.
pub fn sanitise_filename_with(name: &str, ext: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    // Bidirectional controls and zero-width characters are dropped: a name must read as it is
    // (`invoice\u{202e}fdp.exe` is not `invoiceexe.pdf`).
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
        })
        .map(|c| {
            if c.is_control()
                || matches!(
                    c,
                    '"' | '\'' | ';' | ':' | '*' | '?' | '<' | '>' | '|' | '%'
                )
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    let mut out: String = cleaned.chars().take(150).collect();
    if out.is_empty() {
        out = "document".into();
    }
    if !out.to_lowercase().ends_with(&format!(".{ext}")) {
        out.push('.');
        out.push_str(ext);
    }
    out
}

/// Store an uploaded PDF for the application; the same bytes twice give the same document.
pub async fn add_document(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    app_id: Uuid,
    filename: &str,
    bytes: Vec<u8>,
) -> ApiResult<(application_document::Model, bool)> {
    let app = visible(db, user, app_id).await?;
    policy::may_upload(user, &app)?;
    if app.status != ApplicationStatus::Draft {
        return Err(locked(app.status));
    }
    let stored = store_pdf(blobs, filename, bytes).await?;
    let txn = begin_write(db).await?;
    let out = add_stored_document(&txn, user, app_id, stored).await?;
    txn.commit().await?;
    Ok(out)
}

/// An uploaded PDF read (its signatures verified) and kept in the blob store, not yet
/// recorded.
pub struct StoredPdf {
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub signatures: Vec<crate::pdf::PdfSignature>,
}

/// Read an upload as a PDF and keep its bytes: 415 `document.not_pdf`, 422
/// `document.too_complex`.
pub async fn store_pdf(
    blobs: &dyn BlobStore,
    filename: &str,
    bytes: Vec<u8>,
) -> ApiResult<StoredPdf> {
    let (bytes, signatures) = crate::pdf::inspect(bytes).await?;
    let size = bytes.len() as i64;
    let sha256 = blobs.put(bytes).await.map_err(ApiError::internal)?;
    Ok(StoredPdf {
        filename: sanitise_filename(filename),
        size,
        sha256,
        signatures,
    })
}

/// Record a stored PDF as a document of a draft application, within the caller's
/// transaction; the same bytes twice give the same document (`false`: not new).
pub async fn add_stored_document(
    txn: &DatabaseTransaction,
    user: &AuthUser,
    app_id: Uuid,
    stored: StoredPdf,
) -> ApiResult<(application_document::Model, bool)> {
    let StoredPdf {
        filename,
        size,
        sha256: sha,
        signatures,
    } = stored;
    // Checked again inside the transaction: it may have been submitted meanwhile.
    let app = get_for_update(txn, app_id).await?;
    if app.status != ApplicationStatus::Draft {
        return Err(locked(app.status));
    }
    if let Some(existing) = application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(app_id))
        .filter(application_document::Column::Sha256.eq(sha.clone()))
        .one(txn)
        .await?
    {
        return Ok((existing, false));
    }
    let m = application_document::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(app_id),
        filename: Set(filename),
        content_type: Set("application/pdf".into()),
        size: Set(size),
        sha256: Set(sha),
        has_pdf_signature: Set(!signatures.is_empty()),
        pdf_signer_name: Set(crate::pdf_signature::first_verified_name(&signatures)),
        pdf_signing_time: Set(signatures.first().and_then(|s| s.signing_time.clone())),
        pdf_signatures: Set(Some(crate::pdf_signature::to_json(&signatures))),
        uploaded_by: Set(user.id),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        &Actor::from(user),
        "create",
        "application_document",
        m.id,
        &["application_id".into(), "filename".into(), "sha256".into()],
    )
    .await?;
    Ok((m, true))
}

pub async fn documents(
    db: &DatabaseConnection,
    user: &AuthUser,
    app_id: Uuid,
) -> ApiResult<Vec<application_document::Model>> {
    visible(db, user, app_id).await?;
    Ok(application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(app_id))
        .order_by_asc(application_document::Column::CreatedAt)
        .order_by_asc(application_document::Column::Id)
        .all(db)
        .await?)
}

/// A document and its bytes, for a user who may see its application.
pub async fn document_content(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(application_document::Model, Vec<u8>)> {
    let doc = application_document::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    let app = get_model(db, doc.application_id).await?;
    if !policy::can_see(user, &app) {
        return Err(ApiError::not_found("document"));
    }
    let bytes = blobs.get(&doc.sha256).await.map_err(ApiError::internal)?;
    Ok((doc, bytes))
}
