use crate::enums::{ApplicationStatus, ReceivedVia};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub call_id: Uuid,
    pub mobility_id: Uuid,
    pub library_id: Uuid,
    pub applicant_full_name: String,
    pub applicant_email: String,
    pub applicant_job_title: String,
    pub applicant_adult_education_role: String,
    pub applicant_years_in_adult_education: Option<i32>,
    pub motivation: String,
    pub expected_use: String,
    pub language_skills: String,
    pub fewer_opportunities: bool,
    pub fewer_opportunities_note: Option<String>,
    pub status: ApplicationStatus,
    pub received_via: ReceivedVia,
    pub received_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawal_reason: Option<String>,
    /// Hex SHA-256 of the canonical content; signatures apply to one value of it.
    pub content_sha256: String,
    /// Place in the final ranking, once the selection is final.
    pub selection_rank: Option<i32>,
    /// Place on the reserve list, for applications kept in reserve.
    pub reserve_rank: Option<i32>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::call::Entity",
        from = "Column::CallId",
        to = "super::call::Column::Id"
    )]
    Call,
    #[sea_orm(
        belongs_to = "super::mobility::Entity",
        from = "Column::MobilityId",
        to = "super::mobility::Column::Id"
    )]
    Mobility,
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::LibraryId",
        to = "super::organisation::Column::Id"
    )]
    Library,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedBy",
        to = "super::user::Column::Id"
    )]
    CreatedBy,
}

impl Related<super::call::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Call.def()
    }
}

impl Related<super::mobility::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mobility.def()
    }
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Library.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CreatedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
