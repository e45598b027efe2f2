use crate::enums::TravelMode;
use sea_orm::entity::prelude::*;

/// A participant's sustainability commitments as kept: travel, local transport, local food,
/// planning online.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sustainability_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub participant_id: Uuid,
    pub travel_mode: TravelMode,
    pub local_public_transport: bool,
    pub local_food: bool,
    pub planned_online: bool,
    pub notes: Option<String>,
    pub updated_by: Uuid,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::participant::Entity",
        from = "Column::ParticipantId",
        to = "super::participant::Column::Id"
    )]
    Participant,
}

impl ActiveModelBehavior for ActiveModel {}
