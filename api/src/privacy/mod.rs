//! Data-subject requests: everything the service holds about one person (GDPR Art. 15 and 20),
//! found by their e-mail address, as one JSON document with the files they provided; and
//! erasure (Art. 17, [`erase`]).
//!
//! A person is found as a user (by e-mail), as the applicant an application names, and as the
//! participant a selection made of them (by e-mail or linked account). What is exported: the
//! user record (never the password hash), their applications with the documents uploaded to
//! them and the signatures recorded on them, their participations with travel details,
//! agreements (with signatures and evidence), costs, dissemination items, meeting attendance,
//! report and questionnaire answers, the e-mail sent to them, the audit entries of what they
//! did, and their API tokens and calendar feeds (metadata, never the secret). Events and
//! webhook deliveries carry ids only and are not copied.
//!
//! Contributors to digital stories (older adults at the workshops) have no account or address:
//! a request may name one (`contributor_name`), found in every story's contributor list.

pub mod erase;
pub mod export;
pub mod routes;

/// How the audit log names the person a request was about: part of the SHA-256 of the
/// address, so that the log links the export and the erasure without holding the address.
pub fn subject_ref(email: &str) -> String {
    let hash = crate::storage::sha256_hex(email.trim().to_lowercase().as_bytes());
    hash[..32].to_string()
}

/// A digital story that names a contributor, and which entries of its list are them.
pub struct Contribution {
    pub story: entity::digital_story::Model,
    pub entries: Vec<usize>,
}

/// A contributor's name as compared: trimmed, case and inner spacing ignored.
fn comparable(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The stories whose contributors include `name`.
pub async fn contributions(
    db: &impl sea_orm::ConnectionTrait,
    name: &str,
) -> crate::http::ApiResult<Vec<Contribution>> {
    use sea_orm::EntityTrait;
    let wanted = comparable(name);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let stories = entity::digital_story::Entity::find().all(db).await?;
    Ok(stories
        .into_iter()
        .filter_map(|story| {
            let entries: Vec<usize> = story
                .contributors
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .filter(|(_, c)| c["name"].as_str().map(comparable).as_deref() == Some(&wanted))
                .map(|(i, _)| i)
                .collect();
            (!entries.is_empty()).then_some(Contribution { story, entries })
        })
        .collect())
}
