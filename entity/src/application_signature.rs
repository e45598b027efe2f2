use crate::enums::{SignatureMethod, SignatureStatus, SignerRole};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_signatures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub signer_role: SignerRole,
    pub method: SignatureMethod,
    pub signer_name: String,
    pub signer_position: Option<String>,
    pub signed_at: DateTimeUtc,
    pub document_id: Option<Uuid>,
    pub recorded_by: Uuid,
    /// The application content this signature applies to.
    pub content_sha256: String,
    pub status: SignatureStatus,
    pub voided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::application::Entity",
        from = "Column::ApplicationId",
        to = "super::application::Column::Id"
    )]
    Application,
    #[sea_orm(
        belongs_to = "super::application_document::Entity",
        from = "Column::DocumentId",
        to = "super::application_document::Column::Id"
    )]
    Document,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::RecordedBy",
        to = "super::user::Column::Id"
    )]
    RecordedBy,
}

impl Related<super::application::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Application.def()
    }
}

impl Related<super::application_document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RecordedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
