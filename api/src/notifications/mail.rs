//! Who gets which message, in which language and words: each message is queued in the outbox
//! (inside the transaction of the change that causes it) and sent by [`super::smtp`].
//!
//! Slovenian for the member libraries, participants, the committee and ZSK; English for the
//! hosts abroad. The applicant reads "your application", the library's responsible person
//! "your library's application (candidate ...)". Reminders (a missing signature, obligations
//! due or overdue) respect each user's `reminders` switch; what a person must receive (the
//! selection outcome, agreements, invitations) is always queued.

use super::service::{Message, queue};
use crate::http::ApiResult;
use entity::enums::Role;
use entity::{organisation, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The language of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Sl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sl => "sl",
            Lang::En => "en",
        }
    }
}

/// One recipient: an address, the user behind it (if any), the language.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub email: String,
    pub user_id: Option<Uuid>,
    pub lang: Lang,
}

pub use super::service::Attachment;

/// A message to queue.
#[derive(Debug, Clone)]
pub struct Mail {
    pub kind: &'static str,
    pub subject: String,
    pub body: String,
    pub object_type: &'static str,
    pub object_id: Uuid,
    /// `false` for reminders, which a user may switch off.
    pub mandatory: bool,
    /// Queue at most once for this key (a reminder).
    pub once: Option<String>,
    pub attachment: Option<Attachment>,
    pub request_id: Option<String>,
}

/// Queue `mail` for `to` (inside the caller's transaction): nothing for a reminder to a user
/// who switched reminders off, or one already queued under the same key. Whether it was queued.
pub async fn send(db: &impl ConnectionTrait, to: &Recipient, mail: Mail) -> ApiResult<bool> {
    if !mail.mandatory
        && let Some(uid) = to.user_id
        && user::Entity::find_by_id(uid)
            .one(db)
            .await?
            .is_some_and(|u| !u.reminders)
    {
        return Ok(false);
    }
    queue(
        db,
        Message {
            recipient_email: &to.email,
            recipient_user_id: to.user_id,
            kind: mail.kind,
            subject: mail.subject,
            body: mail.body,
            object_type: mail.object_type,
            object_id: mail.object_id,
            language: to.lang.code(),
            mandatory: mail.mandatory,
            dedup_key: mail
                .once
                .map(|k| format!("{k}:{}", to.email.to_lowercase())),
            request_id: mail.request_id,
            attachment: mail.attachment,
        },
    )
    .await
}

/// The user with this e-mail address, if there is one.
pub async fn user_id_of(db: &impl ConnectionTrait, email: &str) -> ApiResult<Option<Uuid>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.to_lowercase()))
        .one(db)
        .await?
        .map(|u| u.id))
}

/// A person by e-mail (an applicant, a participant): Slovenian.
pub async fn person(db: &impl ConnectionTrait, email: &str) -> ApiResult<Recipient> {
    Ok(Recipient {
        email: email.to_lowercase(),
        user_id: user_id_of(db, email).await?,
        lang: Lang::Sl,
    })
}

/// A member library's responsible person: its e-mail, else its director's, else its library
/// users'. Slovenian.
pub async fn library(db: &impl ConnectionTrait, library_id: Uuid) -> ApiResult<Vec<Recipient>> {
    organisation_contacts(db, library_id, Role::Library, Lang::Sl).await
}

/// A host organisation's contact: its e-mail, else its director's, else its host users'.
/// English.
pub async fn host(db: &impl ConnectionTrait, host_id: Uuid) -> ApiResult<Vec<Recipient>> {
    organisation_contacts(db, host_id, Role::Host, Lang::En).await
}

async fn organisation_contacts(
    db: &impl ConnectionTrait,
    org_id: Uuid,
    role: Role,
    lang: Lang,
) -> ApiResult<Vec<Recipient>> {
    let org = organisation::Entity::find_by_id(org_id).one(db).await?;
    if let Some(e) = org.and_then(|o| o.email.or(o.director_email)) {
        return Ok(vec![Recipient {
            user_id: user_id_of(db, &e).await?,
            email: e.to_lowercase(),
            lang,
        }]);
    }
    Ok(user::Entity::find()
        .filter(user::Column::OrganisationId.eq(org_id))
        .filter(user::Column::Role.eq(role))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| Recipient {
            email: u.email,
            user_id: Some(u.id),
            lang,
        })
        .collect())
}

/// The greeting line of a message.
pub fn greeting(lang: Lang, name: Option<&str>) -> String {
    match (lang, name) {
        (Lang::Sl, Some(n)) => format!("Spoštovani, {n},"),
        (Lang::Sl, None) => "Spoštovani,".into(),
        (Lang::En, Some(n)) => format!("Dear {n},"),
        (Lang::En, None) => "Dear colleagues,".into(),
    }
}

/// The closing lines of a message.
pub fn signature(lang: Lang) -> &'static str {
    match lang {
        Lang::Sl => {
            "\n\nLep pozdrav,\nprojektna skupina\n\nTo sporočilo je bilo poslano samodejno."
        }
        Lang::En => "\n\nKind regards,\nthe project team\n\nThis message was sent automatically.",
    }
}
