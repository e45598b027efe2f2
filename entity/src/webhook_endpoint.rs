use sea_orm::entity::prelude::*;

/// A URL that receives events as signed HTTP requests (Standard Webhooks).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who registered it: it receives the events this user may see.
    pub owner_id: Uuid,
    pub url: String,
    pub description: Option<String>,
    /// Event type names; empty: every type.
    pub event_types: Json,
    /// `whsec_` and the base64 signing key (needed to sign, so kept as is).
    pub secret: String,
    /// The last event handed to this endpoint (an event-log cursor).
    pub cursor: i64,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::OwnerId",
        to = "super::user::Column::Id"
    )]
    Owner,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
