use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "preparation_tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub participant_id: Uuid,
    /// `study_dtfl_toolkit`, `coordinator_meeting`, `language_support`, `host_meeting`,
    /// `sign_agreements`, `travel_details`.
    pub key: String,
    pub title: String,
    /// Closed by the system when it sees the task done (attendance, signatures, data given).
    pub automatic: bool,
    pub position: i32,
    pub done_at: Option<DateTimeUtc>,
    pub done_by: Option<Uuid>,
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

impl Related<super::participant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Participant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
