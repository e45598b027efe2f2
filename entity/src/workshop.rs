#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshops")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub library_id: Uuid,
    pub mobility_id: Uuid,
    pub kind: WorkshopKind,
    pub title: String,
    pub planned_content: Option<String>,
    pub planned_content_sha256: Option<String>,
    pub planned_on: Option<Date>,
    pub held_on: Option<Date>,
    /// JSON array of participant ids.
    pub facilitators: Json,
    pub attendees_count: Option<i32>,
    pub attendees_profile: Option<Json>,
    pub report: Option<Json>,
    pub status: WorkshopStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::LibraryId",
        to = "super::organisation::Column::Id"
    )]
    Library,
    #[sea_orm(
        belongs_to = "super::mobility::Entity",
        from = "Column::MobilityId",
        to = "super::mobility::Column::Id"
    )]
    Mobility,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Library.def()
    }
}

impl Related<super::mobility::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mobility.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
