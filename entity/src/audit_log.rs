use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub actor_id: Option<Uuid>,
    pub actor_email: Option<String>,
    /// `create`, `update`, `delete`, or the name of an action such as `publish`.
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    /// JSON array of the names of the fields that changed (never their secret values).
    pub changed_fields: Json,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
