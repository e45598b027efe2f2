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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
