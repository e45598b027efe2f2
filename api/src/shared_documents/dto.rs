//! What a shared document looks like on the wire, and what creating one or a version takes.

use crate::http::checks::{not_blank, web_url};
use chrono::{DateTime, Utc};
use entity::enums::SharedDocumentCategory;
use entity::{shared_document, shared_document_version};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A document shared with a project's participants and hosts, or with one mobility's.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedDocumentDto {
    pub id: Uuid,
    pub project_id: Uuid,
    /// The mobility it is shared with; `null` for the whole project.
    pub mobility_id: Option<Uuid>,
    #[schema(example = "DTFL priročnik")]
    pub title: String,
    pub category: SharedDocumentCategory,
    pub description: Option<String>,
    /// The newest version's number.
    pub current_version: i32,
    /// Every version, newest first.
    pub versions: Vec<SharedVersionDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One version: a link, or a file to download from `content_path`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedVersionDto {
    pub version: i32,
    /// A link version's address.
    pub url: Option<String>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    /// A file version's download, under `/api/v1`.
    #[schema(example = "/shared-documents/0190f1c2-0000-7000-8000-000000000001/content?version=2")]
    pub content_path: Option<String>,
    /// What changed in this version.
    pub note: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl SharedDocumentDto {
    pub fn new(
        d: shared_document::Model,
        mut versions: Vec<shared_document_version::Model>,
    ) -> Self {
        versions.sort_by_key(|v| std::cmp::Reverse(v.version));
        let id = d.id;
        Self {
            id,
            project_id: d.project_id,
            mobility_id: d.mobility_id,
            title: d.title,
            category: d.category,
            description: d.description,
            current_version: d.current_version,
            versions: versions
                .into_iter()
                .map(|v| SharedVersionDto {
                    version: v.version,
                    content_path: v
                        .sha256
                        .as_ref()
                        .map(|_| format!("/shared-documents/{id}/content?version={}", v.version)),
                    url: v.url,
                    filename: v.filename,
                    content_type: v.content_type,
                    size: v.size,
                    sha256: v.sha256,
                    note: v.note,
                    created_by: v.created_by,
                    created_at: v.created_at,
                })
                .collect(),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// A new shared document and its first version, as read from JSON or from a form's text
/// parts (documented as `SharedLinkRequest` and `SharedDocumentForm`).
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct SharedDocumentRequest {
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    pub title: String,
    pub category: SharedDocumentCategory,
    pub mobility_id: Option<Uuid>,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    pub description: Option<String>,
    #[validate(length(max = 2000), custom(function = web_url))]
    pub url: Option<String>,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    pub note: Option<String>,
}

/// A new version, as read from JSON or a form's text parts (documented as
/// `SharedLinkVersionRequest` and `SharedVersionForm`).
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct SharedVersionRequest {
    #[validate(length(max = 2000), custom(function = web_url))]
    pub url: Option<String>,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    pub note: Option<String>,
}

/// The form that creates a shared document with a file.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct SharedDocumentForm {
    /// PDF, Word, Excel, PowerPoint or OpenDocument file, PNG or JPEG; checked by its content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    pub category: SharedDocumentCategory,
    pub mobility_id: Option<Uuid>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// The form that adds a file version.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct SharedVersionForm {
    /// PDF, Word, Excel, PowerPoint or OpenDocument file, PNG or JPEG; checked by its content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Which documents a list shows.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SharedDocumentFilter {
    /// Only those shared with this mobility (project-wide ones are left out).
    pub mobility_id: Option<Uuid>,
}

/// Which version to download.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The version's number; the newest when left out.
    #[param(minimum = 1)]
    pub version: Option<i32>,
}

/// A new shared document as a link (the JSON body; the form takes the same fields with a file).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
#[schema(example = json!({"title": "DTFL priročnik", "category": "handbook", "url": "https://example.org/dtfl-handbook.pdf", "note": "Javna različica priročnika."}))]
pub struct SharedLinkRequest {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: String,
    pub category: SharedDocumentCategory,
    /// Share it with this mobility of the project only; leave out for the whole project.
    pub mobility_id: Option<Uuid>,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub description: Option<String>,
    /// The link: `http:` or `https:`.
    #[schema(
        max_length = 2000,
        pattern = r"^https?://[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$",
        example = "https://example.org/dtfl-handbook.pdf"
    )]
    pub url: String,
    /// About this version.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub note: Option<String>,
}

/// A new version as a link (the JSON body).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
#[schema(example = json!({"url": "https://example.org/dtfl-handbook-v2.pdf", "note": "Popravljeno 3. poglavje."}))]
pub struct SharedLinkVersionRequest {
    /// The link: `http:` or `https:`.
    #[schema(
        max_length = 2000,
        pattern = r"^https?://[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub url: String,
    /// What changed in this version.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub note: Option<String>,
}
