//! Knowledge sharing's bodies and responses.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::DisseminationKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError, ValidationErrors};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "social_media_post", "date": "2026-03-26", "title": "Prvi dan v Dokk1", "url": "https://www.facebook.com/knjiznica/posts/1", "channel": "Facebook", "audience_size": 320}))]
pub struct DisseminationRequest {
    pub kind: DisseminationKind,
    pub date: NaiveDate,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: String,
    /// http or https only.
    #[schema(
        max_length = 2000,
        pattern = r"^https?://[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub url: Option<String>,
    pub channel: Option<String>,
    #[schema(minimum = 0)]
    pub audience_size: Option<i32>,
    /// Other participants the item belongs to as well (a joint article).
    #[serde(default)]
    pub also_participant_ids: Vec<Uuid>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDisseminationRequest {
    pub kind: Option<DisseminationKind>,
    pub date: Option<NaiveDate>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = r"^https?://[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$")]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<String>)]
    pub channel: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<i32>, minimum = 0)]
    pub audience_size: Option<Option<i32>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DisseminationDto {
    pub id: Uuid,
    pub kind: DisseminationKind,
    pub date: NaiveDate,
    pub title: String,
    pub url: Option<String>,
    pub channel: Option<String>,
    pub audience_size: Option<i32>,
    pub participant_ids: Vec<Uuid>,
    /// SHA-256 of the uploaded evidence, if any.
    pub evidence_sha256: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The rules of an item's title (1 to 500 characters, not blank), link (http or https, at most
/// 2,000 characters, no spaces) and audience (not negative), for whichever a body gives.
fn problems(
    title: Option<&str>,
    url: Option<&str>,
    audience: Option<i32>,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let error = |code: &'static str, message: &'static str| {
        ValidationError::new(code).with_message(message.into())
    };
    if title.is_some_and(|t| crate::http::checks::is_blank(t) || t.chars().count() > 500) {
        errors.add("title", error("length", "1 to 500 characters"));
    }
    if let Some(u) = url {
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && u.chars().count() <= 2000
            && u.split("://")
                .nth(1)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace));
        if !ok {
            errors.add("url", error("url", "must be an http or https URL"));
        }
    }
    if audience.is_some_and(|a| a < 0) {
        errors.add("audience_size", error("range", "must not be negative"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

impl Validate for DisseminationRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        problems(Some(&self.title), self.url.as_deref(), self.audience_size)
    }
}

impl Validate for UpdateDisseminationRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        problems(
            self.title.as_deref(),
            self.url.clone().flatten().as_deref(),
            self.audience_size.flatten(),
        )
    }
}
