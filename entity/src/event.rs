use sea_orm::entity::prelude::*;

/// One state change a client cares about, in commit order (`seq` is the cursor).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    #[sea_orm(unique)]
    pub id: Uuid,
    /// `application.submitted`, `meeting.moved`, ...
    pub event_type: String,
    pub occurred_at: DateTimeUtc,
    pub object_type: String,
    pub object_id: Uuid,
    pub project_id: Option<Uuid>,
    /// The member library the change concerns, if one: its users see the event.
    pub library_id: Option<Uuid>,
    /// Who else sees it: `public` (every signed-in user), `staff`, or the object whose
    /// readers see it (`application`, `participant`, `cost`, `mobility`) named by `scope_id`.
    pub scope: String,
    pub scope_id: Option<Uuid>,
    /// Fields every reader of the object may see (ids, statuses, dates).
    pub data: Json,
    /// Set for events the service raises by itself (an obligation overdue), so that each is
    /// raised once.
    #[sea_orm(unique)]
    pub dedup_key: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
