use sea_orm::entity::prelude::*;

/// An organisation visited during a mobility besides the host.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mobility_visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub mobility_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    pub description: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
