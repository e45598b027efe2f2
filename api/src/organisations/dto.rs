use crate::http::checks::{country_code, not_blank};
use crate::http::double_option;
use chrono::{DateTime, Utc};
use entity::enums::OrganisationKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// An organisation. `director_name` and `director_email` are shown to admins, coordinators
/// and the organisation's own users only.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDto {
    pub id: Uuid,
    #[schema(example = "Mestna knjižnica Ljubljana")]
    pub name: String,
    pub kind: OrganisationKind,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "SI")]
    pub country: String,
    #[schema(example = "Ljubljana")]
    pub city: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// Erasmus+ Organisation ID (E1234567).
    pub erasmus_oid: Option<String>,
    pub director_name: Option<String>,
    pub director_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OrganisationDto {
    pub fn new(m: entity::organisation::Model, show_contacts: bool) -> Self {
        Self {
            id: m.id,
            name: m.name,
            kind: m.kind,
            country: m.country,
            city: m.city,
            email: m.email,
            website: m.website,
            erasmus_oid: m.erasmus_oid,
            director_name: m.director_name.filter(|_| show_contacts),
            director_email: m.director_email.filter(|_| show_contacts),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Knjižnica Kočevje", "kind": "member_library", "country": "SI", "city": "Kočevje"}))]
pub struct CreateOrganisationRequest {
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub name: String,
    pub kind: OrganisationKind,
    #[validate(custom(function = country_code))]
    #[schema(pattern = "^[A-Z]{2}$", max_length = 2)]
    pub country: String,
    /// Unknown cities may be left out; name and city together identify an organisation.
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub city: Option<String>,
    #[validate(email)]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[validate(custom(function = "crate::http::checks::web_url"), length(max = 2048))]
    #[schema(
        max_length = 2048,
        pattern = r"^https?://[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub website: Option<String>,
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub erasmus_oid: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub director_name: Option<String>,
    #[validate(email)]
    #[schema(format = Email, max_length = 254)]
    pub director_email: Option<String>,
}

/// Only the fields that change; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisationRequest {
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
    #[validate(custom(function = country_code))]
    #[schema(pattern = "^[A-Z]{2}$", max_length = 2)]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub erasmus_oid: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub director_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub director_email: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    pub kind: Option<OrganisationKind>,
    #[param(max_length = 200, example = "SI")]
    pub country: Option<String>,
    #[param(max_length = 200)]
    pub city: Option<String>,
    /// Case-insensitive part of the name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Sort by `name`, `city`, `country`, `created_at`, `updated_at`; `-` first for descending (default `name`).
    #[param(
        pattern = "^-?(name|city|country|created_at|updated_at)$",
        example = "-updated_at"
    )]
    pub sort: Option<String>,
}

/// What happened to one data row of an import.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportRowStatus {
    Created,
    Duplicate,
    Error,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowResult {
    /// Line number in the file (the header is line 1).
    #[schema(example = 2)]
    pub line: u64,
    pub status: ImportRowStatus,
    /// The created organisation, or the existing one for a duplicate.
    pub id: Option<Uuid>,
    #[schema(example = "Knjižnica Kočevje")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::http::FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub created: u64,
    pub duplicates: u64,
    pub errors: u64,
    pub rows: Vec<ImportRowResult>,
}
