//! The participant's Europass Mobility record.

use super::write::{Doc, Plan, Step, write_planned};
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
/// the skills acquired). A record opened together with a change is written once: version 1
/// with the change applied.
pub async fn put_europass(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    participant_id: Uuid,
    r: UpdateAgreementRequest,
) -> ApiResult<agreement::Model> {
    let (new_id, now) = (Uuid::now_v7(), Utc::now());
    write_planned(db, blobs, user, async |c| -> ApiResult<Plan> {
        let p = participants::access::visible(c, user, participant_id).await?;
        if let Some(a) = current(c, p.id, AgreementKind::Europass).await? {
            policy::may_change(c, user, &a, r.only_skills()).await?;
            return plan_change(c, a, &r, new_id, now).await;
        }
        policy::may_open_europass(user)?;
        let ctx = context(c, p).await?;
        let (content, changed) = changed_content(&initial_content(c, &ctx).await?, &r)?;
        let doc = Doc {
            id: new_id,
            participant_id: ctx.participant.id,
            kind: AgreementKind::Europass,
            version: 1,
            content,
            dated: now,
        };
        Ok(Plan::Write {
            step: Step::Create { changed },
            doc: Box::new(doc),
        })
    })
    .await
}
