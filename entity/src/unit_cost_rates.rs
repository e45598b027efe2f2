use sea_orm::entity::prelude::*;

/// The Erasmus+ unit costs of one call year, as a JSON document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_cost_rates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub call_year: i32,
    pub rates: Json,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
