//! Erasing a person (GDPR Art. 17): their personal fields are anonymised everywhere, aggregates
//! stay (an application's status and scores, attendance counts), and what an Erasmus+ audit may
//! ask for is kept until the retention period after the project ends, each kept kind listed
//! with its reason.

use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult};
use crate::storage::BlobStore;
use chrono::{Datelike, NaiveDate, Utc};
use entity::{
    agreement, agreement_evidence, agreement_signature, application, application_document,
    application_signature, audit_log, calendar_feed, cost, digital_story, dissemination_item,
    idempotency_key, mobility, notification, participant, participant_report, project,
    refresh_token, shared_document_version, story_media, travel_details, user, workshop,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// What stands in for an erased name or text.
pub const ERASED: &str = "[erased]";

/// How many records of one kind were anonymised or removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Erased {
    #[schema(example = "applications")]
    pub what: String,
    pub count: u64,
}

/// Records kept, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Kept {
    #[schema(example = "agreements")]
    pub what: String,
    pub count: u64,
    #[schema(
        example = "signed grant and learning agreements, which an Erasmus+ audit may ask for"
    )]
    pub why: String,
    /// Kept until this day (the project's end plus the retention period).
    pub until: NaiveDate,
}

/// The answer to an erasure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureReport {
    pub erased: Vec<Erased>,
    pub kept: Vec<Kept>,
}

fn placeholder_email(id: Uuid) -> String {
    format!("erased-{}@erased.invalid", id.simple())
}

/// Erase the person with `email`. `None` when nothing is held about them.
pub async fn erase(
    db: &sea_orm::DatabaseConnection,
    blobs: &dyn BlobStore,
    actor: &Actor,
    email: &str,
    contributor: Option<&str>,
    retention_years: u32,
    today: NaiveDate,
) -> ApiResult<Option<ErasureReport>> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Ok(None);
    }
    let txn = begin_write(db).await?;
    let users = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .all(&txn)
        .await?;
    let user_ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    // Nobody erases themselves. (The caller is an active admin who is not erased, so an
    // active admin always stays.)
    if users.iter().any(|u| Some(u.id) == actor.id) {
        return Err(crate::users::service::self_change());
    }
    let participants = participant::Entity::find()
        .filter(
            Condition::any()
                .add(participant::Column::Email.eq(&email))
                .add(participant::Column::UserId.is_in(user_ids.clone())),
        )
        .all(&txn)
        .await?;
    let applications = application::Entity::find()
        .filter(application::Column::ApplicantEmail.eq(&email))
        .all(&txn)
        .await?;
    let mails = notification::Entity::find()
        .filter(notification::Column::RecipientEmail.eq(&email))
        .count(&txn)
        .await?;
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::ActorEmail.eq(&email))
        .count(&txn)
        .await?;
    let contributions = match contributor {
        Some(name) => super::contributions(&txn, name).await?,
        None => Vec::new(),
    };
    if users.is_empty()
        && contributions.is_empty()
        && participants.is_empty()
        && applications.is_empty()
        && mails == 0
        && audited == 0
    {
        return Ok(None);
    }

    // Retention: the latest end of a project the person took part in, plus the period.
    let mut until: Option<NaiveDate> = None;
    for p in &participants {
        if let Some(m) = mobility::Entity::find_by_id(p.mobility_id)
            .one(&txn)
            .await?
            && let Some(pr) = project::Entity::find_by_id(m.project_id).one(&txn).await?
        {
            let end = pr
                .end_date
                .with_year(pr.end_date.year() + retention_years as i32)
                .unwrap_or(pr.end_date);
            until = until.max(Some(end));
        }
    }
    let retained = until.filter(|u| *u >= today);
    let mut erased = Vec::new();
    let mut kept = Vec::new();
    let mut note = |what: &str, count: u64| {
        if count > 0 {
            erased.push(Erased {
                what: what.into(),
                count,
            });
        }
    };

    // Accounts: anonymised, closed, every login and feed ended.
    for u in &users {
        user::Entity::update_many()
            .col_expr(user::Column::Email, Expr::value(placeholder_email(u.id)))
            .col_expr(user::Column::FullName, Expr::value(ERASED))
            .col_expr(user::Column::Active, Expr::value(false))
            .col_expr(user::Column::PasswordHash, Expr::value("!"))
            .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(user::Column::Id.eq(u.id))
            .exec(&txn)
            .await?;
    }
    note("users", users.len() as u64);
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.is_in(user_ids.clone()))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let feeds = calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::UserId.is_in(user_ids.clone()))
        .exec(&txn)
        .await?;
    note("calendar_feeds", feeds.rows_affected);
    let keys = idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::UserId.is_in(user_ids.clone()))
        .exec(&txn)
        .await?;
    note("stored_responses", keys.rows_affected);

    // Participations: travel details always go; the rest is kept while an audit may ask.
    let participant_ids: Vec<Uuid> = participants.iter().map(|p| p.id).collect();
    let mut removed_files = Vec::new();
    let travel = travel_details::Entity::delete_many()
        .filter(travel_details::Column::ParticipantId.is_in(participant_ids.clone()))
        .exec(&txn)
        .await?;
    note("travel_details", travel.rows_affected);
    // The sustainability record keeps its figures (the indicators count them), not the words.
    entity::sustainability_record::Entity::update_many()
        .col_expr(
            entity::sustainability_record::Column::Notes,
            Expr::value(Option::<String>::None),
        )
        .filter(entity::sustainability_record::Column::ParticipantId.is_in(participant_ids.clone()))
        .exec(&txn)
        .await?;
    for p in &participants {
        let mut update = participant::Entity::update_many()
            .col_expr(
                participant::Column::Email,
                Expr::value(placeholder_email(p.id)),
            )
            .col_expr(
                participant::Column::WithdrawalReason,
                Expr::value(p.withdrawal_reason.as_ref().map(|_| ERASED)),
            )
            .col_expr(participant::Column::UpdatedAt, Expr::value(Utc::now()));
        if retained.is_none() {
            update = update.col_expr(participant::Column::FullName, Expr::value(ERASED));
        }
        update
            .filter(participant::Column::Id.eq(p.id))
            .exec(&txn)
            .await?;
    }
    note("participants", participants.len() as u64);
    if let Some(until) = retained {
        let agreements = agreement::Entity::find()
            .filter(agreement::Column::ParticipantId.is_in(participant_ids.clone()))
            .count(&txn)
            .await?;
        let costs = cost::Entity::find()
            .filter(cost::Column::ParticipantId.is_in(participant_ids.clone()))
            .count(&txn)
            .await?;
        let reports = participant_report::Entity::find()
            .filter(participant_report::Column::ParticipantId.is_in(participant_ids.clone()))
            .count(&txn)
            .await?;
        for (what, count, why) in [
            (
                "participant_names",
                participants.len() as u64,
                "the name of the grant's recipient, which the agreements and costs refer to",
            ),
            (
                "agreements",
                agreements,
                "signed grant and learning agreements with their signatures and evidence, which an Erasmus+ audit may ask for",
            ),
            (
                "costs",
                costs,
                "the costs paid for the mobility, which the grant's accounts rest on",
            ),
            (
                "reports",
                reports,
                "the participant report the Erasmus+ final report rests on",
            ),
        ] {
            if count > 0 {
                kept.push(Kept {
                    what: what.into(),
                    count,
                    why: why.into(),
                    until,
                });
            }
        }
    } else if !participant_ids.is_empty() {
        // Past the retention nothing needs keeping: the agreements lose the person's fields
        // (their amounts and dates stay for the project's figures), signatures their signer's
        // name, scans are deleted, and the report loses its text.
        let agreements = agreement::Entity::find()
            .filter(agreement::Column::ParticipantId.is_in(participant_ids.clone()))
            .all(&txn)
            .await?;
        let agreement_ids: Vec<Uuid> = agreements.iter().map(|a| a.id).collect();
        for a in &agreements {
            let mut content = a.content.clone();
            for (field, value) in [
                ("participant_name", serde_json::json!(ERASED)),
                (
                    "participant_email",
                    serde_json::json!(placeholder_email(a.participant_id)),
                ),
                ("special_conditions", serde_json::Value::Null),
                ("skills_acquired", serde_json::Value::Null),
                ("mentor", serde_json::Value::Null),
            ] {
                if let Some(slot) = content.get_mut(field) {
                    *slot = value;
                }
            }
            // The participant signs as themself: their signature block names them too.
            if let Some(list) = content
                .get_mut("signatories")
                .and_then(|v| v.as_array_mut())
            {
                for s in list.iter_mut().filter(|s| s["party"] == "participant") {
                    s["name"] = serde_json::json!(ERASED);
                    s["organisation"] = serde_json::json!(ERASED);
                }
            }
            agreement::Entity::update_many()
                .col_expr(agreement::Column::Content, Expr::value(content))
                .col_expr(agreement::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(agreement::Column::Id.eq(a.id))
                .exec(&txn)
                .await?;
        }
        note("agreements", agreements.len() as u64);
        agreement_signature::Entity::update_many()
            .col_expr(agreement_signature::Column::SignerName, Expr::value(ERASED))
            .col_expr(
                agreement_signature::Column::EvidenceId,
                Expr::value(Option::<Uuid>::None),
            )
            .filter(agreement_signature::Column::AgreementId.is_in(agreement_ids.clone()))
            .exec(&txn)
            .await?;
        let scans = agreement_evidence::Entity::find()
            .filter(agreement_evidence::Column::AgreementId.is_in(agreement_ids.clone()))
            .all(&txn)
            .await?;
        agreement_evidence::Entity::delete_many()
            .filter(agreement_evidence::Column::AgreementId.is_in(agreement_ids))
            .exec(&txn)
            .await?;
        note("agreement_evidence", scans.len() as u64);
        removed_files.extend(scans.into_iter().map(|e| e.sha256));
        let reports = participant_report::Entity::update_many()
            .col_expr(
                participant_report::Column::GoalsAchieved,
                Expr::value(ERASED),
            )
            .col_expr(participant_report::Column::Results, Expr::value(ERASED))
            .col_expr(participant_report::Column::Impacts, Expr::value(ERASED))
            .col_expr(participant_report::Column::NewIdeas, Expr::value(ERASED))
            .col_expr(
                participant_report::Column::TransferPossibilities,
                Expr::value(ERASED),
            )
            .col_expr(
                participant_report::Column::Report,
                Expr::value(Option::<String>::None),
            )
            .filter(participant_report::Column::ParticipantId.is_in(participant_ids.clone()))
            .exec(&txn)
            .await?;
        note("reports", reports.rows_affected);
    }

    // Applications: those behind a kept participation stay as the selection's record; the
    // others lose every personal field and their documents, keeping status and scores.
    let kept_apps: Vec<Uuid> = if retained.is_some() {
        participants.iter().map(|p| p.application_id).collect()
    } else {
        Vec::new()
    };
    let mut anonymised = 0;
    for a in applications.iter().filter(|a| !kept_apps.contains(&a.id)) {
        application::Entity::update_many()
            .col_expr(application::Column::ApplicantFullName, Expr::value(ERASED))
            .col_expr(
                application::Column::ApplicantEmail,
                Expr::value(placeholder_email(a.id)),
            )
            .col_expr(application::Column::ApplicantJobTitle, Expr::value(ERASED))
            .col_expr(
                application::Column::ApplicantAdultEducationRole,
                Expr::value(ERASED),
            )
            .col_expr(
                application::Column::ApplicantYearsInAdultEducation,
                Expr::value(Option::<i32>::None),
            )
            .col_expr(application::Column::Motivation, Expr::value(ERASED))
            .col_expr(application::Column::ExpectedUse, Expr::value(ERASED))
            .col_expr(application::Column::LanguageSkills, Expr::value(ERASED))
            .col_expr(
                application::Column::FewerOpportunitiesNote,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                application::Column::WithdrawalReason,
                Expr::value(a.withdrawal_reason.as_ref().map(|_| ERASED)),
            )
            .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(application::Column::Id.eq(a.id))
            .exec(&txn)
            .await?;
        application_signature::Entity::update_many()
            .col_expr(
                application_signature::Column::SignerName,
                Expr::value(ERASED),
            )
            .filter(application_signature::Column::ApplicationId.eq(a.id))
            .exec(&txn)
            .await?;
        let docs = application_document::Entity::find()
            .filter(application_document::Column::ApplicationId.eq(a.id))
            .all(&txn)
            .await?;
        // A signature refers to its document; the reference goes with the document.
        application_signature::Entity::update_many()
            .col_expr(
                application_signature::Column::DocumentId,
                Expr::value(Option::<Uuid>::None),
            )
            .filter(application_signature::Column::ApplicationId.eq(a.id))
            .exec(&txn)
            .await?;
        application_document::Entity::delete_many()
            .filter(application_document::Column::ApplicationId.eq(a.id))
            .exec(&txn)
            .await?;
        removed_files.extend(docs.into_iter().map(|d| d.sha256));
        anonymised += 1;
    }
    note("applications", anonymised);
    if let Some(until) = retained
        && !kept_apps.is_empty()
    {
        kept.push(Kept {
            what: "applications".into(),
            count: applications
                .iter()
                .filter(|a| kept_apps.contains(&a.id))
                .count() as u64,
            why: "the application a participant was selected on, the selection's record".into(),
            until,
        });
    }

    // Story contributions: the name goes from each list; consent and licence stay as the
    // record of what was agreed.
    for c in &contributions {
        let mut list = c.story.contributors.clone();
        for i in &c.entries {
            list[*i]["name"] = serde_json::Value::from(ERASED);
        }
        digital_story::Entity::update_many()
            .col_expr(digital_story::Column::Contributors, Expr::value(list))
            .col_expr(digital_story::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(digital_story::Column::Id.eq(c.story.id))
            .exec(&txn)
            .await?;
    }
    note(
        "story_contributors",
        contributions.iter().map(|c| c.entries.len() as u64).sum(),
    );

    // E-mail sent to them: the text goes; that something was sent stays.
    let mail = notification::Entity::update_many()
        .col_expr(
            notification::Column::RecipientEmail,
            Expr::value("erased@erased.invalid"),
        )
        .col_expr(notification::Column::Subject, Expr::value(ERASED))
        .col_expr(notification::Column::Body, Expr::value(ERASED))
        .col_expr(
            notification::Column::Attachment,
            Expr::value(Option::<String>::None),
        )
        .filter(notification::Column::RecipientEmail.eq(&email))
        .exec(&txn)
        .await?;
    note("email_sent", mail.rows_affected);
    // The audit log keeps what was done, no longer by whom in words.
    let audit_rows = audit_log::Entity::update_many()
        .col_expr(
            audit_log::Column::ActorEmail,
            Expr::value("erased@erased.invalid"),
        )
        .filter(
            Condition::any()
                .add(audit_log::Column::ActorEmail.eq(&email))
                .add(audit_log::Column::ActorId.is_in(user_ids)),
        )
        .exec(&txn)
        .await?;
    note("audit_entries", audit_rows.rows_affected);

    let subject = super::subject_ref(&email);
    let fields: Vec<String> = erased.iter().map(|e| e.what.clone()).collect();
    audit::record(&txn, actor, "erase", "personal_data", &subject, &fields).await?;
    txn.commit().await?;

    // Files go once no record names them any more (the same bytes may have come twice).
    for sha in removed_files {
        let still = application_document::Entity::find()
            .filter(application_document::Column::Sha256.eq(sha.clone()))
            .count(db)
            .await?
            + agreement_evidence::Entity::find()
                .filter(agreement_evidence::Column::Sha256.eq(sha.clone()))
                .count(db)
                .await?
            + story_media::Entity::find()
                .filter(story_media::Column::Sha256.eq(sha.clone()))
                .count(db)
                .await?
            + dissemination_item::Entity::find()
                .filter(dissemination_item::Column::EvidenceSha256.eq(sha.clone()))
                .count(db)
                .await?
            + workshop::Entity::find()
                .filter(workshop::Column::PlannedContentSha256.eq(sha.clone()))
                .count(db)
                .await?
            + shared_document_version::Entity::find()
                .filter(shared_document_version::Column::Sha256.eq(sha.clone()))
                .count(db)
                .await?
            + agreement::Entity::find()
                .filter(agreement::Column::DocumentSha256.eq(sha.clone()))
                .count(db)
                .await?;
        if still == 0 {
            blobs.remove(&sha).await.map_err(ApiError::internal)?;
        }
    }
    Ok(Some(ErasureReport { erased, kept }))
}
