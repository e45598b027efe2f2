use sea_orm::entity::prelude::*;

/// An uploaded PDF belonging to an application; the bytes live in the blob store by SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub application_id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Whether the PDF holds a digital signature (a signature dictionary with /ByteRange and /Contents).
    pub has_pdf_signature: bool,
    /// The signer the first verified signature's certificate names.
    pub pdf_signer_name: Option<String>,
    /// The signing time the PDF's signature states (`/M`), as written there.
    pub pdf_signing_time: Option<String>,
    /// Each digital signature in the PDF as verified on upload (JSON list: certificate_name,
    /// verified, problem, signing_time); absent for uploads made before verification.
    pub pdf_signatures: Option<Json>,
    pub uploaded_by: Uuid,
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
        belongs_to = "super::user::Entity",
        from = "Column::UploadedBy",
        to = "super::user::Column::Id"
    )]
    UploadedBy,
}

impl Related<super::application::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Application.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UploadedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
