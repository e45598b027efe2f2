use sea_orm::entity::prelude::*;

/// One version of a shared document: an uploaded file (bytes in the blob store by SHA-256) or
/// a link (e.g. the public DTFL handbook).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shared_document_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub document_id: Uuid,
    pub version: i32,
    /// A link version's address.
    pub url: Option<String>,
    /// A file version's name, type, size and hash.
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    /// What changed in this version.
    pub note: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::shared_document::Entity",
        from = "Column::DocumentId",
        to = "super::shared_document::Column::Id"
    )]
    Document,
}

impl Related<super::shared_document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
