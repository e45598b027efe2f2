use crate::enums::{ActivityType, FollowUp, MobilityStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mobilities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub code: String,
    pub title: String,
    pub title_en: Option<String>,
    pub activity_type: ActivityType,
    pub host_organisation_id: Uuid,
    pub city: String,
    pub country: String,
    /// The planned period in words, as announced (e.g. "last week of March 2026").
    pub planned_period: Option<String>,
    pub window_start: Option<Date>,
    pub window_end: Option<Date>,
    /// Why the dates fall outside the announced window, given when they were set so.
    pub outside_window_reason: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub programme_days: i32,
    pub travel_days: i32,
    pub places: i32,
    /// Applicants kept in reserve after the selection (default 3).
    pub reserve_places: i32,
    pub distance_km: Option<i32>,
    pub green_travel: bool,
    pub follow_up: FollowUp,
    /// JSON array of strings.
    pub goals: Json,
    /// JSON array of strings.
    pub programme: Json,
    /// Obligation deadlines that differ from the defaults (JSON object).
    pub obligation_deadlines: Option<Json>,
    pub status: MobilityStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::project::Entity",
        from = "Column::ProjectId",
        to = "super::project::Column::Id"
    )]
    Project,
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::HostOrganisationId",
        to = "super::organisation::Column::Id"
    )]
    HostOrganisation,
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HostOrganisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
