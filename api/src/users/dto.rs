use crate::http::double_option;
use chrono::{DateTime, Utc};
use entity::enums::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// A user of the system.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: Uuid,
    #[schema(example = "director@knjiznica.si")]
    pub email: String,
    #[schema(example = "Ana Novak")]
    pub full_name: String,
    pub role: Role,
    /// The member library or host organisation the user acts for.
    pub organisation_id: Option<Uuid>,
    pub active: bool,
    /// Whether the user gets reminders (a missing signature, obligations due or overdue);
    /// messages they must receive (the selection outcome, agreements, invitations) are sent
    /// regardless.
    pub reminders: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entity::user::Model> for UserDto {
    fn from(m: entity::user::Model) -> Self {
        Self {
            id: m.id,
            email: m.email,
            full_name: m.full_name,
            role: m.role,
            organisation_id: m.organisation_id,
            active: m.active,
            reminders: m.reminders,
            last_login_at: m.last_login_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "director@knjiznica.si", "full_name": "Ana Novak", "role": "library", "organisation_id": "0190f1c2-0000-7000-8000-000000000001", "password": "a long secret passphrase"}))]
pub struct CreateUserRequest {
    #[validate(email, length(max = 320))]
    #[schema(max_length = 320, format = Email)]
    pub email: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    pub role: Role,
    /// Required for `library` (a member library) and `host` (a host or partner) users.
    pub organisation_id: Option<Uuid>,
    /// At least 12 characters.
    #[validate(length(min = 12, max = 1024))]
    #[schema(min_length = 12, max_length = 1024)]
    #[schema(format = Password)]
    pub password: String,
    /// Default true.
    pub active: Option<bool>,
}

/// Only the fields that change. A user may change their own `full_name` and `password`
/// (with `current_password`); the rest is for admins and coordinators.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[validate(email, length(max = 320))]
    #[schema(max_length = 320, format = Email)]
    pub email: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    pub role: Option<Role>,
    /// `null` detaches the user from their organisation.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub organisation_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
    #[validate(length(min = 12, max = 1024))]
    #[schema(min_length = 12, max_length = 1024)]
    #[schema(format = Password)]
    pub password: Option<String>,
    /// `false` stops reminders to this user (users switch their own).
    pub reminders: Option<bool>,
    /// Needed when users change their own password.
    #[schema(format = Password)]
    pub current_password: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub role: Option<Role>,
    pub organisation_id: Option<Uuid>,
    pub active: Option<bool>,
    /// Case-insensitive part of the e-mail or name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Sort by `email`, `full_name`, `role`, `created_at`, `updated_at`; `-` first for descending (default `email`).
    #[param(
        pattern = "^-?(email|full_name|role|created_at|updated_at)$",
        example = "-updated_at"
    )]
    pub sort: Option<String>,
}
