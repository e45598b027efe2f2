use crate::enums::{AgreementSignatureMethod, Party};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_signatures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub party: Party,
    pub method: AgreementSignatureMethod,
    /// The version signed.
    pub version: i32,
    /// The hash of the document signed.
    pub document_sha256: String,
    pub signer_user_id: Uuid,
    pub signer_name: String,
    pub evidence_id: Option<Uuid>,
    pub signed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::agreement::Entity",
        from = "Column::AgreementId",
        to = "super::agreement::Column::Id"
    )]
    Agreement,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::SignerUserId",
        to = "super::user::Column::Id"
    )]
    SignerUser,
    #[sea_orm(
        belongs_to = "super::agreement_evidence::Entity",
        from = "Column::EvidenceId",
        to = "super::agreement_evidence::Column::Id"
    )]
    Evidence,
}

impl Related<super::agreement::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agreement.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SignerUser.def()
    }
}

impl Related<super::agreement_evidence::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Evidence.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
