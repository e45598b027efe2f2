#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "participants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub mobility_id: Uuid,
    #[sea_orm(unique)]
    pub application_id: Uuid,
    pub library_id: Uuid,
    pub user_id: Option<Uuid>,
    pub full_name: String,
    pub email: String,
    pub status: ParticipantStatus,
    /// The place on the reserve list this participant was promoted from.
    pub reserve_rank: Option<i32>,
    /// When the participant came back from the mobility (status `travelled`).
    pub returned_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawal_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
