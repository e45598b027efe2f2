//! Writing events (inside the transaction of the change) and reading them back by cursor.
//!
//! Commit order: on SQLite writers are serialised by the database. On PostgreSQL a sequence
//! value is taken when a row is inserted, not when its transaction commits, so two writers can
//! commit out of order and a reader could pass a cursor over an event that appears later. Every
//! writer therefore takes one transaction-scoped advisory lock before it inserts its first
//! event and keeps it until it commits: sequence values are handed out, and made visible, in
//! one order. Callers emit events last in their transaction, so the lock is held briefly.

use super::{EventType, policy};
use crate::audit::Actor;
use crate::http::{ApiError, ApiResult, AuthUser};
use chrono::{DateTime, Utc};
use entity::{event, service_state};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use serde_json::Value;
use uuid::Uuid;

/// Key of the advisory lock that orders event writers on PostgreSQL.
const WRITER_LOCK: i64 = 0x6d6f_6269_6576; // "mobiev"

/// `service_state` key: the highest `seq` removed by retention.
const PRUNED_THROUGH: &str = "events_pruned_through";

/// Who, besides admins and coordinators, sees an event (see [`policy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every signed-in user (a published call).
    Public,
    /// Admins and coordinators only.
    Staff,
    /// Admins, coordinators and the users of the event's library.
    Library,
    /// Those who see this application.
    Application(Uuid),
    /// Those who see this participant.
    Participant(Uuid),
    /// Those who read this participant's costs.
    Cost(Uuid),
    /// Those who take part in this mobility.
    Mobility(Uuid),
}

impl Scope {
    fn parts(self) -> (&'static str, Option<Uuid>) {
        match self {
            Scope::Public => ("public", None),
            Scope::Staff => ("staff", None),
            Scope::Library => ("library", None),
            Scope::Application(id) => ("application", Some(id)),
            Scope::Participant(id) => ("participant", Some(id)),
            Scope::Cost(id) => ("cost", Some(id)),
            Scope::Mobility(id) => ("mobility", Some(id)),
        }
    }
}

/// An event about to be written.
#[derive(Debug, Clone)]
pub struct Event {
    event_type: EventType,
    object_id: Uuid,
    project_id: Option<Uuid>,
    project_of_mobility: Option<Uuid>,
    of_participant: Option<Uuid>,
    library_id: Option<Uuid>,
    scope: Scope,
    data: Value,
    dedup_key: Option<String>,
}

impl Event {
    pub fn new(event_type: EventType, object_id: Uuid, scope: Scope) -> Self {
        Event {
            event_type,
            object_id,
            project_id: None,
            project_of_mobility: None,
            of_participant: None,
            library_id: None,
            scope,
            data: Value::Object(Default::default()),
            dedup_key: None,
        }
    }

    pub fn project(mut self, project_id: Uuid) -> Self {
        self.project_id = Some(project_id);
        self
    }

    /// The project is the mobility's (looked up when the event is written).
    pub fn mobility(mut self, mobility_id: Uuid) -> Self {
        self.project_of_mobility = Some(mobility_id);
        self
    }

    /// The change concerns this participant: the event is about their library and project
    /// (looked up when the event is written).
    pub fn participant(mut self, participant_id: Uuid) -> Self {
        self.of_participant = Some(participant_id);
        self
    }

    /// The member library the change concerns: its users see the event.
    pub fn library(mut self, library_id: Uuid) -> Self {
        self.library_id = Some(library_id);
        self
    }

    /// Fields every reader of the object may see (ids, statuses, dates; never a restricted
    /// field).
    pub fn data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }

    /// Raise the event at most once for this key.
    pub fn once(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    /// Write the event inside the change's transaction (`txn` is always a transaction; call it
    /// last in the transaction). Returns whether it was written (an event raised
    /// [`once`](Self::once) is written only the first time).
    pub async fn emit(mut self, txn: &impl ConnectionTrait, actor: &Actor) -> ApiResult<bool> {
        if txn.get_database_backend() == DatabaseBackend::Postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_advisory_xact_lock($1)",
                [WRITER_LOCK.into()],
            ))
            .await?;
        }
        if let Some(pid) = self.of_participant
            && let Some(p) = entity::participant::Entity::find_by_id(pid)
                .one(txn)
                .await?
        {
            self.library_id = self.library_id.or(Some(p.library_id));
            self.project_of_mobility = self.project_of_mobility.or(Some(p.mobility_id));
        }
        let project_id = match (self.project_id, self.project_of_mobility) {
            (Some(p), _) => Some(p),
            (None, Some(m)) => {
                entity::mobility::Entity::find_by_id(m)
                    .select_only()
                    .column(entity::mobility::Column::ProjectId)
                    .into_tuple::<Uuid>()
                    .one(txn)
                    .await?
            }
            (None, None) => None,
        };
        let (scope, scope_id) = self.scope.parts();
        let row = event::ActiveModel {
            seq: sea_orm::ActiveValue::NotSet,
            id: Set(Uuid::now_v7()),
            event_type: Set(self.event_type.name().to_string()),
            occurred_at: Set(Utc::now()),
            object_type: Set(self.event_type.object_type().to_string()),
            object_id: Set(self.object_id),
            project_id: Set(project_id),
            library_id: Set(self.library_id),
            scope: Set(scope.to_string()),
            scope_id: Set(scope_id),
            data: Set(self.data),
            dedup_key: Set(self.dedup_key.clone()),
            request_id: Set(actor.request_id.clone()),
        };
        let mut insert = event::Entity::insert(row);
        if self.dedup_key.is_some() {
            insert = insert.on_conflict(
                OnConflict::column(event::Column::DedupKey)
                    .do_nothing()
                    .to_owned(),
            );
        }
        let written = insert.exec_without_returning(txn).await?;
        Ok(written > 0)
    }
}

/// Where a reader starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// From the oldest event kept.
    Start,
    /// After this cursor.
    Seq(i64),
    /// From now on: only the current head is answered.
    Now,
}

impl After {
    pub fn parse(value: Option<&str>) -> ApiResult<After> {
        match value {
            None => Ok(After::Start),
            Some("now") => Ok(After::Now),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0 && v.bytes().all(|b| b.is_ascii_digit()))
                .map(After::Seq)
                .ok_or_else(|| {
                    ApiError::invalid_query(vec![crate::http::error::FieldError::new(
                        "after",
                        "invalid",
                        "`after` is a cursor from an earlier answer, or `now`.",
                    )])
                }),
        }
    }
}

/// One answer of the feed.
pub struct FeedPage {
    pub items: Vec<event::Model>,
    /// The cursor to send as `after` next time.
    pub next_cursor: i64,
    /// Whether more events are already waiting.
    pub has_more: bool,
}

/// The events `user` may see after `after`, oldest first, at most `limit`.
pub async fn feed(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    after: After,
    types: &[EventType],
    limit: u64,
) -> ApiResult<FeedPage> {
    // The head first: every event up to it is committed (see the module's note), so the page
    // below cannot skip one that commits later.
    let head: i64 = event::Entity::find()
        .select_only()
        .column_as(event::Column::Seq.max(), "head")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0);
    // When retention has removed every event, the head is the last one removed.
    let pruned = pruned_through(db).await?;
    let head = head.max(pruned);
    let from = match after {
        After::Now => {
            return Ok(FeedPage {
                items: Vec::new(),
                next_cursor: head,
                has_more: false,
            });
        }
        After::Start => 0,
        After::Seq(n) => {
            if n < pruned {
                return Err(ApiError::new(
                    actix_web::http::StatusCode::GONE,
                    "events.cursor_expired",
                    "Events after this cursor are no longer kept; list the objects again and \
                     continue from `after=now`.",
                ));
            }
            n
        }
    };
    let mut q = event::Entity::find()
        .filter(event::Column::Seq.gt(from))
        .filter(event::Column::Seq.lte(head))
        .filter(policy::visible_to(user));
    if !types.is_empty() {
        q = q.filter(event::Column::EventType.is_in(types.iter().map(|t| t.name())));
    }
    let mut items = q
        .order_by_asc(event::Column::Seq)
        .limit(limit + 1)
        .all(db)
        .await?;
    let has_more = items.len() as u64 > limit;
    items.truncate(limit as usize);
    let next_cursor = if has_more {
        items.last().map_or(from, |e| e.seq)
    } else {
        head.max(from)
    };
    Ok(FeedPage {
        items,
        next_cursor,
        has_more,
    })
}

async fn pruned_through(db: &impl ConnectionTrait) -> ApiResult<i64> {
    Ok(service_state::Entity::find_by_id(PRUNED_THROUGH)
        .one(db)
        .await?
        .and_then(|s| s.value.parse().ok())
        .unwrap_or(0))
}

/// Remove events that occurred before `before`; a cursor below the last removed one is then
/// answered 410 `events.cursor_expired`. Returns how many were removed.
pub async fn prune(db: &sea_orm::DatabaseConnection, before: DateTime<Utc>) -> ApiResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    let last: Option<i64> = event::Entity::find()
        .select_only()
        .column_as(event::Column::Seq.max(), "last")
        .filter(event::Column::OccurredAt.lt(before))
        .into_tuple::<Option<i64>>()
        .one(&txn)
        .await?
        .flatten();
    let Some(last) = last else {
        return Ok(0);
    };
    let removed = event::Entity::delete_many()
        .filter(event::Column::Seq.lte(last))
        .exec(&txn)
        .await?
        .rows_affected;
    service_state::Entity::insert(service_state::ActiveModel {
        key: Set(PRUNED_THROUGH.to_string()),
        value: Set(last.to_string()),
    })
    .on_conflict(
        OnConflict::column(service_state::Column::Key)
            .update_column(service_state::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(removed)
}
