use sea_orm::entity::prelude::*;

/// An uploaded PDF carrying a party's signature (a scan or a digitally signed PDF).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_evidence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub filename: String,
    pub size: i64,
    pub sha256: String,
    pub has_pdf_signature: bool,
    pub pdf_signer_name: Option<String>,
    /// Each digital signature in the PDF as verified on upload (JSON list: certificate_name,
    /// verified, problem, signing_time); absent for uploads made before verification.
    pub pdf_signatures: Option<Json>,
    /// The upload is the agreement version's own PDF with something added after it (a
    /// signature, as signing tools add it): what a digital signature on it signed is this
    /// agreement.
    pub extends_document: bool,
    pub uploaded_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::agreement::Entity",
        from = "Column::AgreementId",
        to = "super::agreement::Column::Id"
    )]
    Agreement,
}

impl Related<super::agreement::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agreement.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
