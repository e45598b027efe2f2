#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "questionnaires")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub mobility_id: Uuid,
    pub questions: Json,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::mobility::Entity",
        from = "Column::MobilityId",
        to = "super::mobility::Column::Id"
    )]
    Mobility,
}

impl Related<super::mobility::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mobility.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
