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
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
