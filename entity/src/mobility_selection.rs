#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mobility_selections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub mobility_id: Uuid,
    pub call_id: Uuid,
    pub finalised_by: Uuid,
    pub finalised_at: DateTimeUtc,
    pub justification: String,
    pub after_selection_due: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::mobility::Entity",
        from = "Column::MobilityId",
        to = "super::mobility::Column::Id"
    )]
    Mobility,
    #[sea_orm(
        belongs_to = "super::call::Entity",
        from = "Column::CallId",
        to = "super::call::Column::Id"
    )]
    Call,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::FinalisedBy",
        to = "super::user::Column::Id"
    )]
    FinalisedBy,
}

impl Related<super::mobility::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mobility.def()
    }
}

impl Related<super::call::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Call.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FinalisedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
