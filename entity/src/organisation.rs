use crate::enums::OrganisationKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
    pub country: String,
    pub city: Option<String>,
    /// Normalised `name + city`, unique: the same organisation is never stored twice.
    #[sea_orm(unique)]
    pub dedupe_key: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub erasmus_oid: Option<String>,
    pub director_name: Option<String>,
    pub director_email: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
