//! Digital stories for the Kamra heritage portal, made from heritage workshops; contributors
//! are named only with their recorded consent and licence.

use super::access::staff_or_library;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError};
use crate::storage::BlobStore;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{Role, StoryStatus, WorkshopKind};
use entity::{digital_story, story_media, workshop};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::io::Write;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// (content type, file extension) recognised by content.
pub fn media_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if crate::pdf::is_pdf(bytes) {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.starts_with(b"ID3") || bytes.starts_with(&[0xFF, 0xFB]) {
        Some(("audio/mpeg", "mp3"))
    } else if bytes.starts_with(b"OggS") {
        Some(("audio/ogg", "ogg"))
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        Some(("audio/wav", "wav"))
    } else {
        None
    }
}

/// A person who contributed to the story.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contributor {
    pub name: String,
    /// When the person consented to be named and to the use of their contribution.
    pub consent_date: Option<NaiveDate>,
    /// What they consented to, e.g. "objava na portalu Kamra in Europeani".
    pub consent_scope: Option<String>,
    /// e.g. "CC BY-SA 4.0".
    pub licence: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"workshop_id": "0190f1c2-0000-7000-8000-000000000001", "title": "Mlini ob Krki", "summary": "Spomini na mline.", "text": "…", "language": "sl", "place": "Krško", "period": "1950–1970", "subjects": ["mlinarstvo", "reka Krka"]}))]
pub struct CreateStoryRequest {
    pub workshop_id: Uuid,
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub title: String,
    #[schema(
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub summary: String,
    pub text: String,
    /// ISO 639-1, e.g. "sl".
    #[schema(pattern = "^[a-z]{2}$")]
    pub language: String,
    pub place: Option<String>,
    pub period: Option<String>,
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub contributors: Vec<Contributor>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateStoryRequest {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub title: Option<String>,
    #[schema(
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub summary: Option<String>,
    pub text: Option<String>,
    #[schema(pattern = "^[a-z]{2}$")]
    pub language: Option<String>,
    pub place: Option<String>,
    pub period: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub contributors: Option<Vec<Contributor>>,
}

#[derive(Debug, Serialize, ToSchema, Clone)]
pub struct MediaDto {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub caption: Option<String>,
    pub creator: Option<String>,
    pub licence: Option<String>,
}

impl From<story_media::Model> for MediaDto {
    fn from(m: story_media::Model) -> Self {
        Self {
            id: m.id,
            filename: m.filename,
            content_type: m.content_type,
            size: m.size,
            sha256: m.sha256,
            caption: m.caption,
            creator: m.creator,
            licence: m.licence,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoryDto {
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub library_id: Uuid,
    pub title: String,
    pub summary: String,
    pub text: String,
    pub language: String,
    pub place: Option<String>,
    pub period: Option<String>,
    pub subjects: Vec<String>,
    pub contributors: Vec<Contributor>,
    pub media: Vec<MediaDto>,
    pub status: StoryStatus,
    /// The story on kamra.si, once published.
    pub kamra_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The story's https address on kamra.si.
    #[schema(
        max_length = 2000,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*https://([^/?#\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+\.)?[kK][aA][mM][rR][aA]\.[sS][iI]([/?#][^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$",
        example = "https://www.kamra.si/digitalne-zbirke/item/mlin-na-krki.html"
    )]
    pub kamra_url: String,
}

async fn workshop_of(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<workshop::Model> {
    workshop::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("workshop"))
}

pub async fn dto(db: &impl ConnectionTrait, s: digital_story::Model) -> ApiResult<StoryDto> {
    let mut one = dtos(db, vec![s]).await?;
    one.pop()
        .ok_or_else(|| ApiError::internal("story without its response"))
}

/// The responses for `stories`: their workshops and media loaded in one query each.
pub async fn dtos(
    db: &impl ConnectionTrait,
    stories: Vec<digital_story::Model>,
) -> ApiResult<Vec<StoryDto>> {
    let libraries: std::collections::HashMap<Uuid, Uuid> = workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(stories.iter().map(|s| s.workshop_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.library_id))
        .collect();
    let mut media: std::collections::HashMap<Uuid, Vec<MediaDto>> =
        std::collections::HashMap::new();
    for m in story_media::Entity::find()
        .filter(story_media::Column::StoryId.is_in(stories.iter().map(|s| s.id)))
        .order_by_asc(story_media::Column::CreatedAt)
        .order_by_asc(story_media::Column::Id)
        .all(db)
        .await?
    {
        media.entry(m.story_id).or_default().push(MediaDto::from(m));
    }
    stories
        .into_iter()
        .map(|s| {
            let library_id = *libraries
                .get(&s.workshop_id)
                .ok_or_else(|| ApiError::not_found("workshop"))?;
            Ok(StoryDto {
                id: s.id,
                workshop_id: s.workshop_id,
                library_id,
                media: media.remove(&s.id).unwrap_or_default(),
                title: s.title,
                summary: s.summary,
                text: s.text,
                language: s.language,
                place: s.place,
                period: s.period,
                subjects: serde_json::from_value(s.subjects).unwrap_or_default(),
                contributors: serde_json::from_value(s.contributors).unwrap_or_default(),
                status: s.status,
                kamra_url: s.kamra_url,
                created_at: s.created_at,
                updated_at: s.updated_at,
            })
        })
        .collect()
}

fn check_text(title: Option<&str>, summary: Option<&str>, language: Option<&str>) -> ApiResult<()> {
    let mut errors = Vec::new();
    if title.is_some_and(|t| crate::http::checks::is_blank(t) || t.chars().count() > 300) {
        errors.push(FieldError::new("title", "length", "1 to 300 characters"));
    }
    if summary.is_some_and(crate::http::checks::is_blank) {
        errors.push(FieldError::new("summary", "required", "is required"));
    }
    if language.is_some_and(|l| l.len() != 2 || !l.chars().all(|c| c.is_ascii_lowercase())) {
        errors.push(FieldError::new(
            "language",
            "iso639",
            "an ISO 639-1 code such as sl",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn may_edit(user: &AuthUser, library_id: Uuid) -> bool {
    staff_or_library(user, library_id)
        || (user.role == Role::Participant && user.organisation_id == Some(library_id))
}

mod authoring;
mod media;
mod publication;
pub use authoring::*;
pub use media::*;
pub use publication::*;
