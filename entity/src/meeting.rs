use crate::enums::MeetingKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub mobility_id: Uuid,
    pub kind: MeetingKind,
    pub title: String,
    pub starts_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub online_link: Option<String>,
    pub notes: Option<String>,
    /// The revision: 0 when scheduled, one more with each change (iCalendar `SEQUENCE`).
    pub sequence: i32,
    /// When the meeting was cancelled (it stays on record).
    pub cancelled_at: Option<DateTimeUtc>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::mobility::Entity",
        from = "Column::MobilityId",
        to = "super::mobility::Column::Id"
    )]
    Mobility,
}

impl Related<super::mobility::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mobility.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
