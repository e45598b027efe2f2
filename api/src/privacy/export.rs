//! Collecting what the service holds about one person.

use crate::http::{ApiError, ApiResult};
use crate::storage::BlobStore;
use entity::{
    agreement, agreement_evidence, agreement_signature, application, application_document,
    application_signature, audit_log, calendar_feed, cost, dissemination_item,
    dissemination_participant, meeting_attendance, notification, participant, participant_report,
    questionnaire_response, travel_details, user,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{Map, Value, json};
use std::io::Write;
use uuid::Uuid;

/// A file the person provided, to go into the export beside the JSON.
pub struct ProvidedFile {
    pub path: String,
    pub sha256: String,
}

/// What was found about a person: the JSON document and the files it names.
pub struct Found {
    pub document: Value,
    pub files: Vec<ProvidedFile>,
    /// Whether anything at all was found.
    pub any: bool,
}

fn without(mut rows: Vec<Value>, fields: &[&str]) -> Vec<Value> {
    for r in &mut rows {
        if let Some(o) = r.as_object_mut() {
            for f in fields {
                o.remove(*f);
            }
        }
    }
    rows
}

fn ids(rows: &[Value]) -> Vec<Uuid> {
    rows.iter()
        .filter_map(|r| r["id"].as_str().and_then(|s| s.parse().ok()))
        .collect()
}

/// Everything held about the person with `email` (compared lower-cased), and as the story
/// contributor named `contributor`, if given.
pub async fn collect(
    db: &impl ConnectionTrait,
    email: &str,
    contributor: Option<&str>,
) -> ApiResult<Found> {
    let email = email.trim().to_lowercase();
    let users = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .into_json()
        .all(db)
        .await?;
    let users = without(users, &["password_hash"]);
    let user_ids = ids(&users);

    let applications = application::Entity::find()
        .filter(application::Column::ApplicantEmail.eq(&email))
        .into_json()
        .all(db)
        .await?;
    let application_ids = ids(&applications);
    let documents = application_document::Entity::find()
        .filter(
            Condition::any()
                .add(application_document::Column::ApplicationId.is_in(application_ids.clone()))
                .add(application_document::Column::UploadedBy.is_in(user_ids.clone())),
        )
        .into_json()
        .all(db)
        .await?;
    let application_signatures = application_signature::Entity::find()
        .filter(application_signature::Column::ApplicationId.is_in(application_ids.clone()))
        .into_json()
        .all(db)
        .await?;

    let participants = participant::Entity::find()
        .filter(
            Condition::any()
                .add(participant::Column::Email.eq(&email))
                .add(participant::Column::UserId.is_in(user_ids.clone())),
        )
        .into_json()
        .all(db)
        .await?;
    let participant_ids = ids(&participants);
    let travel = travel_details::Entity::find()
        .filter(travel_details::Column::ParticipantId.is_in(participant_ids.clone()))
        .into_json()
        .all(db)
        .await?;
    let agreements = agreement::Entity::find()
        .filter(agreement::Column::ParticipantId.is_in(participant_ids.clone()))
        .into_json()
        .all(db)
        .await?;
    let agreement_ids = ids(&agreements);
    let agreement_signatures = agreement_signature::Entity::find()
        .filter(agreement_signature::Column::AgreementId.is_in(agreement_ids.clone()))
        .into_json()
        .all(db)
        .await?;
    let evidence = agreement_evidence::Entity::find()
        .filter(
            Condition::any()
                .add(agreement_evidence::Column::AgreementId.is_in(agreement_ids))
                .add(agreement_evidence::Column::UploadedBy.is_in(user_ids.clone())),
        )
        .into_json()
        .all(db)
        .await?;
    let costs = cost::Entity::find()
        .filter(cost::Column::ParticipantId.is_in(participant_ids.clone()))
        .into_json()
        .all(db)
        .await?;
    let item_ids: Vec<Uuid> = dissemination_participant::Entity::find()
        .filter(dissemination_participant::Column::ParticipantId.is_in(participant_ids.clone()))
        .select_only()
        .column(dissemination_participant::Column::ItemId)
        .into_tuple()
        .all(db)
        .await?;
    let dissemination = dissemination_item::Entity::find()
        .filter(dissemination_item::Column::Id.is_in(item_ids))
        .into_json()
        .all(db)
        .await?;
    let attendance = meeting_attendance::Entity::find()
        .filter(meeting_attendance::Column::ParticipantId.is_in(participant_ids.clone()))
        .into_json()
        .all(db)
        .await?;
    let reports = participant_report::Entity::find()
        .filter(participant_report::Column::ParticipantId.is_in(participant_ids.clone()))
        .into_json()
        .all(db)
        .await?;
    let sustainability = entity::sustainability_record::Entity::find()
        .filter(entity::sustainability_record::Column::ParticipantId.is_in(participant_ids.clone()))
        .into_json()
        .all(db)
        .await?;
    let answers = questionnaire_response::Entity::find()
        .filter(questionnaire_response::Column::ParticipantId.is_in(participant_ids))
        .into_json()
        .all(db)
        .await?;
    let mail = notification::Entity::find()
        .filter(
            Condition::any()
                .add(notification::Column::RecipientEmail.eq(&email))
                .add(notification::Column::RecipientUserId.is_in(user_ids.clone())),
        )
        .into_json()
        .all(db)
        .await?;
    let mail = without(mail, &["attachment"]);
    let audit = audit_log::Entity::find()
        .filter(
            Condition::any()
                .add(audit_log::Column::ActorId.is_in(user_ids.clone()))
                .add(audit_log::Column::ActorEmail.eq(&email)),
        )
        .into_json()
        .all(db)
        .await?;
    let feeds = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::UserId.is_in(user_ids))
        .into_json()
        .all(db)
        .await?;
    let feeds = without(feeds, &["token_hash"]);
    let mut contributions = Vec::new();
    if let Some(name) = contributor {
        for c in super::contributions(db, name).await? {
            for i in c.entries {
                contributions.push(json!({
                    "story_id": c.story.id,
                    "story_title": c.story.title,
                    "workshop_id": c.story.workshop_id,
                    "status": c.story.status,
                    "kamra_url": c.story.kamra_url,
                    "contributor": c.story.contributors[i],
                }));
            }
        }
    }

    let mut files = Vec::new();
    let mut name_files = |rows: Vec<Value>, folder: &str| -> Vec<Value> {
        rows.into_iter()
            .map(|mut r| {
                if let (Some(sha), Some(name)) = (r["sha256"].as_str(), r["filename"].as_str()) {
                    let path = format!("files/{folder}/{}-{name}", &sha[..12.min(sha.len())]);
                    files.push(ProvidedFile {
                        path: path.clone(),
                        sha256: sha.to_string(),
                    });
                    r["file"] = json!(path);
                }
                r
            })
            .collect()
    };
    let documents = name_files(documents, "application-documents");
    let evidence = name_files(evidence, "agreement-evidence");

    let sections: Vec<(&str, Vec<Value>)> = vec![
        ("users", users),
        ("applications", applications),
        ("application_documents", documents),
        ("application_signatures", application_signatures),
        ("participants", participants),
        ("travel_details", travel),
        ("agreements", agreements),
        ("agreement_signatures", agreement_signatures),
        ("agreement_evidence", evidence),
        ("costs", costs),
        ("dissemination", dissemination),
        ("meeting_attendance", attendance),
        ("reports", reports),
        ("questionnaire_answers", answers),
        ("sustainability", sustainability),
        ("email_sent", mail),
        ("audit_log", audit),
        ("calendar_feeds", feeds),
        ("story_contributions", contributions),
    ];
    let any = sections.iter().any(|(_, rows)| !rows.is_empty());
    let mut held = Map::new();
    for (name, rows) in sections {
        held.insert(name.to_string(), Value::Array(rows));
    }
    Ok(Found {
        document: json!({
            "email": email,
            "contributor_name": contributor,
            "exported_at": chrono::Utc::now(),
            "held": held,
            "not_copied": "Events and webhook deliveries carry ids only; the secrets of tokens and feeds are kept hashed and are not personal data to return.",
        }),
        files,
        any,
    })
}

/// The export as a ZIP: `personal-data.json` and the files under `files/`.
pub async fn zip(found: Found, blobs: &dyn BlobStore) -> ApiResult<Vec<u8>> {
    let mut contents = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for f in &found.files {
        // The same file under the same name (uploaded twice) goes in once.
        if !seen.insert(f.path.clone()) {
            continue;
        }
        let bytes = blobs.get(&f.sha256).await.map_err(ApiError::internal)?;
        contents.push((f.path.clone(), bytes));
    }
    let json = serde_json::to_vec_pretty(&found.document).map_err(ApiError::internal)?;
    crate::cpu::run_internal(move || -> zip::result::ZipResult<Vec<u8>> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("personal-data.json", deflated)?;
        zip.write_all(&json)?;
        for (path, bytes) in contents {
            zip.start_file(path, deflated)?;
            zip.write_all(&bytes)?;
        }
        zip.finish()?;
        Ok(buf.into_inner())
    })
    .await?
    .map_err(ApiError::internal)
}
