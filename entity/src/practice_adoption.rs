#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "practice_adoptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub library_id: Uuid,
    pub mobility_id: Uuid,
    pub method: String,
    pub description: String,
    /// JSON array of {step, due}.
    pub plan: Json,
    pub status: AdoptionStatus,
    pub adopted_on: Option<Date>,
    pub first_regular_activity: Option<String>,
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
