//! The participant's Europass Mobility record.

use super::*;

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
    blobs: &dyn BlobStore,
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
                blobs,
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
    let out = change(&txn, blobs, user, a, r).await?;
    txn.commit().await?;
    Ok(out)
}
