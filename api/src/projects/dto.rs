use crate::http::checks::{not_blank, time_zone};
use crate::http::double_option;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{PartnerRole, ProjectStatus, Role, TeamFunction};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// An Erasmus+ project.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDto {
    pub id: Uuid,
    /// The project number.
    #[schema(example = "2025-1-SI01-KA122-ADU-000337358")]
    pub code: String,
    #[schema(example = "Erasmus+, Key Action 1")]
    pub programme: String,
    #[schema(example = "KA122-ADU")]
    pub action_type: String,
    #[schema(example = "Knjižnice gradijo skupnost znanja")]
    pub title: String,
    #[schema(example = "Libraries Build a Community of Knowledge")]
    pub title_en: Option<String>,
    pub description: Option<String>,
    /// The beneficiary organisation.
    pub applicant_id: Uuid,
    #[schema(example = "2025-10-01")]
    pub start_date: NaiveDate,
    #[schema(example = "2027-03-31")]
    pub end_date: NaiveDate,
    /// The time zone of all the project's dates.
    #[schema(example = "Europe/Ljubljana")]
    pub timezone: String,
    pub status: ProjectStatus,
    /// Partner organisations and their role in the project.
    pub partners: Vec<PartnerDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entity::project::Model> for ProjectDto {
    fn from(m: entity::project::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            programme: m.programme,
            action_type: m.action_type,
            title: m.title,
            title_en: m.title_en,
            description: m.description,
            applicant_id: m.applicant_id,
            start_date: m.start_date,
            end_date: m.end_date,
            timezone: m.timezone,
            status: m.status,
            partners: Vec::new(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A partner organisation of a project, with its role.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerDto {
    pub id: Uuid,
    pub project_id: Uuid,
    pub organisation_id: Uuid,
    #[schema(example = "Mestna knjižnica Ljubljana, Center za mednarodno sodelovanje")]
    pub organisation_name: String,
    pub role: PartnerRole,
    #[schema(example = "svetuje pri pripravi mobilnosti v tujini")]
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Linking a partner organisation to a project.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "0190f1c2-0000-7000-8000-000000000001", "role": "cooperation_partner", "description": "svetuje pri pripravi mobilnosti v tujini"}))]
pub struct AddPartnerRequest {
    pub organisation_id: Uuid,
    pub role: PartnerRole,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "2026-1-SI01-KA122-ADU-000000001", "programme": "Erasmus+, Key Action 1", "action_type": "KA122-ADU", "title": "Nov projekt", "applicant_id": "0190f1c2-0000-7000-8000-000000000001", "start_date": "2026-09-01", "end_date": "2027-11-30"}))]
pub struct CreateProjectRequest {
    #[validate(length(min = 1, max = 100), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub code: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub programme: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub action_type: String,
    #[validate(length(min = 1, max = 500), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: String,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title_en: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    pub applicant_id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Default `Europe/Ljubljana`.
    #[validate(custom(function = time_zone))]
    #[schema(pattern = "^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$", max_length = 64)]
    pub timezone: Option<String>,
    /// Default `planned`.
    pub status: Option<ProjectStatus>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateProjectRequest {
    #[validate(length(min = 1, max = 100), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub code: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub programme: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub action_type: Option<String>,
    #[validate(length(min = 1, max = 500), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub title_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub applicant_id: Option<Uuid>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[validate(custom(function = time_zone))]
    #[schema(pattern = "^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$", max_length = 64)]
    pub timezone: Option<String>,
    pub status: Option<ProjectStatus>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    pub status: Option<ProjectStatus>,
    #[param(max_length = 200)]
    pub code: Option<String>,
    /// Sort by `code`, `start_date`, `created_at`, `updated_at`; `-` first for descending (default `start_date`).
    #[param(
        pattern = "^-?(code|start_date|created_at|updated_at)$",
        example = "-updated_at"
    )]
    pub sort: Option<String>,
}

/// A member of a project's team.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamMemberDto {
    pub id: Uuid,
    pub project_id: Uuid,
    pub user_id: Uuid,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    pub function: TeamFunction,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AddTeamMemberRequest {
    /// A user with role admin, coordinator, committee or accountant.
    pub user_id: Uuid,
    pub function: TeamFunction,
}
