//! The digital stories' bodies and responses.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::StoryStatus;
use entity::story_media;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"workshop_id": "0190f1c2-0000-7000-8000-000000000001", "title": "Mlini ob Krki", "summary": "Spomini na mline.", "text": "…", "language": "sl", "place": "Krško", "period": "1950–1970", "subjects": ["mlinarstvo", "reka Krka"]}))]
pub struct CreateStoryRequest {
    pub workshop_id: Uuid,
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: String,
    #[schema(
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
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

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStoryRequest {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: Option<String>,
    #[schema(
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
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

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateMediaRequest {
    pub caption: Option<String>,
    pub creator: Option<String>,
    /// e.g. "CC BY-SA 4.0".
    pub licence: Option<String>,
}

/// A media file as uploaded, with its optional texts.
pub struct MediaUpload {
    pub filename: String,
    pub bytes: Vec<u8>,
    pub caption: Option<String>,
    pub creator: Option<String>,
    pub licence: Option<String>,
}

/// The rules of a story's title (1 to 300 characters, not blank), summary (not blank) and
/// language (an ISO 639-1 code), for whichever a body gives.
fn text_problems(
    title: Option<&str>,
    summary: Option<&str>,
    language: Option<&str>,
) -> Result<(), validator::ValidationErrors> {
    use validator::{ValidationError, ValidationErrors};
    let mut errors = ValidationErrors::new();
    let error = |code: &'static str, message: &'static str| {
        ValidationError::new(code).with_message(message.into())
    };
    if title.is_some_and(|t| crate::http::checks::is_blank(t) || t.chars().count() > 300) {
        errors.add("title", error("length", "1 to 300 characters"));
    }
    if summary.is_some_and(crate::http::checks::is_blank) {
        errors.add("summary", error("required", "is required"));
    }
    if language.is_some_and(|l| l.len() != 2 || !l.chars().all(|c| c.is_ascii_lowercase())) {
        errors.add("language", error("iso639", "an ISO 639-1 code such as sl"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

impl validator::Validate for CreateStoryRequest {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        text_problems(Some(&self.title), Some(&self.summary), Some(&self.language))
    }
}

impl validator::Validate for UpdateStoryRequest {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        text_problems(
            self.title.as_deref(),
            self.summary.as_deref(),
            self.language.as_deref(),
        )
    }
}
