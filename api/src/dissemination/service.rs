//! Knowledge sharing: presentations, publications, posts. One item may belong to several
//! participants (a joint article counts for each). Who may see and change an item is asked of
//! `super::policy`.

use super::dto::{DisseminationDto, DisseminationRequest, UpdateDisseminationRequest};
use super::policy;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::events::{Event, EventType, Scope};
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use crate::storage::BlobStore;
use chrono::Utc;
use entity::enums::DisseminationKind;
use entity::{dissemination_item, dissemination_participant, mobility, participant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// Knowledge sharing is recorded once it has happened, and after the return: an item is not
/// dated in the future, and only a social-media post (the exception: posts during the
/// mobility) is dated before the mobility's last day.
async fn check_date(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    mobility_id: Uuid,
    kind: DisseminationKind,
    date: chrono::NaiveDate,
) -> ApiResult<()> {
    if date > crate::clock::today(clock) {
        return Err(ApiError::invalid_field(
            "date",
            "in_future",
            "record an item once it has happened: its date is not in the future",
        ));
    }
    if kind == DisseminationKind::SocialMediaPost {
        return Ok(());
    }
    let end = mobility::Entity::find_by_id(mobility_id)
        .one(db)
        .await?
        .and_then(|m| m.end_date);
    match end {
        Some(end) if date >= end => Ok(()),
        end => Err(ApiError::invalid_field(
            "date",
            "before_return",
            match end {
                Some(end) => format!(
                    "knowledge sharing comes after the mobility, which ends on {end}; posts during it are social_media_post"
                ),
                None => "knowledge sharing comes after the mobility, which has no dates yet".into(),
            },
        )),
    }
}

pub async fn dto(
    db: &impl ConnectionTrait,
    m: dissemination_item::Model,
) -> ApiResult<DisseminationDto> {
    let mut one = dtos(db, vec![m]).await?;
    one.pop()
        .ok_or_else(|| ApiError::internal("dissemination item without its response"))
}

/// The responses for `items`, their participants loaded in one query.
pub async fn dtos(
    db: &impl ConnectionTrait,
    items: Vec<dissemination_item::Model>,
) -> ApiResult<Vec<DisseminationDto>> {
    let mut links: std::collections::HashMap<Uuid, Vec<Uuid>> = std::collections::HashMap::new();
    for l in dissemination_participant::Entity::find()
        .filter(dissemination_participant::Column::ItemId.is_in(items.iter().map(|m| m.id)))
        .all(db)
        .await?
    {
        links.entry(l.item_id).or_default().push(l.participant_id);
    }
    Ok(items
        .into_iter()
        .map(|m| {
            let mut participant_ids = links.remove(&m.id).unwrap_or_default();
            participant_ids.sort();
            DisseminationDto {
                id: m.id,
                kind: m.kind,
                date: m.date,
                title: m.title,
                url: m.url,
                channel: m.channel,
                audience_size: m.audience_size,
                participant_ids,
                evidence_sha256: m.evidence_sha256,
                created_by: m.created_by,
                created_at: m.created_at,
                updated_at: m.updated_at,
            }
        })
        .collect())
}

/// The event for a change of item `m`, recorded for participant `first` (and `all`).
fn event(t: EventType, m: &dissemination_item::Model, first: Uuid, all: &[Uuid]) -> Event {
    Event::new(t, m.id, Scope::Participant(first))
        .participant(first)
        .data(serde_json::json!({
            "kind": m.kind,
            "date": m.date,
            "participant_ids": all,
        }))
}

pub async fn create(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
    r: DisseminationRequest,
) -> ApiResult<dissemination_item::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    policy::may_create(user, &p)?;
    check_date(&txn, clock, p.mobility_id, r.kind, r.date).await?;
    // Co-authors are participants of the same mobility (the items are agreed among them).
    let mut ids = vec![p.id];
    for (i, other) in r.also_participant_ids.iter().enumerate() {
        let o = participant::Entity::find_by_id(*other).one(&txn).await?;
        match o {
            Some(o) if o.id == p.id => {}
            Some(o) if policy::may_link(user, &p, &o) => ids.push(o.id),
            _ => {
                return Err(ApiError::invalid_field(
                    &format!("also_participant_ids[{i}]"),
                    "not_in_mobility",
                    "no participant of the same mobility with this id",
                ));
            }
        }
    }
    ids.sort();
    ids.dedup();
    let now = Utc::now();
    let m = dissemination_item::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(r.kind),
        date: Set(r.date),
        title: Set(r.title.trim().to_string()),
        url: Set(r.url),
        channel: Set(r
            .channel
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())),
        audience_size: Set(r.audience_size),
        evidence_sha256: Set(None),
        evidence_filename: Set(None),
        created_by: Set(user.id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for id in &ids {
        dissemination_participant::ActiveModel {
            item_id: Set(m.id),
            participant_id: Set(*id),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "dissemination",
        m.id,
        &[
            "kind".into(),
            "date".into(),
            "title".into(),
            "participant_ids".into(),
        ],
    )
    .await?;
    for id in &ids {
        participants::lifecycle::refresh_completion(&txn, clock, *id).await?;
    }
    event(EventType::DisseminationRecorded, &m, p.id, &ids)
        .emit(&txn, &Actor::from(user))
        .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Vec<dissemination_item::Model>> {
    policy::sees_list_of(db, user, participant_id).await?;
    let ids: Vec<Uuid> = dissemination_participant::Entity::find()
        .filter(dissemination_participant::Column::ParticipantId.eq(participant_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.item_id)
        .collect();
    Ok(dissemination_item::Entity::find()
        .filter(dissemination_item::Column::Id.is_in(ids))
        .order_by_asc(dissemination_item::Column::Date)
        .order_by_asc(dissemination_item::Column::Id)
        .all(db)
        .await?)
}

/// The item, if the user may see one of its participants ([`policy::sees`]); and those of its
/// participants the user sees, for [`policy::may_change`] and [`policy::may_delete`].
pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(dissemination_item::Model, Vec<participant::Model>)> {
    let m = dissemination_item::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("dissemination"))?;
    let linked = dissemination_participant::Entity::find()
        .filter(dissemination_participant::Column::ItemId.eq(id))
        .select_only()
        .column(dissemination_participant::Column::ParticipantId)
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let seen = participant::Entity::find()
        .filter(participant::Column::Id.is_in(linked))
        .filter(policy::scope(user))
        .all(db)
        .await?;
    policy::sees(&seen)?;
    Ok((m, seen))
}

async fn participants_of(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<Vec<Uuid>> {
    Ok(dissemination_participant::Entity::find()
        .filter(dissemination_participant::Column::ItemId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.participant_id)
        .collect())
}

pub async fn update(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    r: UpdateDisseminationRequest,
    check_etag: impl FnOnce(&dissemination_item::Model) -> ApiResult<()>,
) -> ApiResult<dissemination_item::Model> {
    let txn = begin_write(db).await?;
    let (cur, seen) = visible(&txn, user, id).await?;
    policy::may_change(user, &seen)?;
    check_etag(&cur)?;
    if (r.kind.is_some() || r.date.is_some())
        && let Some(p) = seen.first()
    {
        let kind = r.kind.unwrap_or(cur.kind);
        check_date(&txn, clock, p.mobility_id, kind, r.date.unwrap_or(cur.date)).await?;
    }
    let mut am: dissemination_item::ActiveModel = cur.into();
    let mut fields = Vec::new();
    if let Some(v) = r.kind {
        am.kind = Set(v);
        fields.push("kind".to_string());
    }
    if let Some(v) = r.date {
        am.date = Set(v);
        fields.push("date".into());
    }
    if let Some(v) = r.title {
        am.title = Set(v.trim().to_string());
        fields.push("title".into());
    }
    if let Some(v) = r.url {
        am.url = Set(v);
        fields.push("url".into());
    }
    if let Some(v) = r.channel {
        am.channel = Set(v);
        fields.push("channel".into());
    }
    if let Some(v) = r.audience_size {
        am.audience_size = Set(v);
        fields.push("audience_size".into());
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "dissemination",
        id,
        &fields,
    )
    .await?;
    for p in participants_of(&txn, id).await? {
        participants::lifecycle::refresh_completion(&txn, clock, p).await?;
    }
    txn.commit().await?;
    Ok(m)
}

pub async fn delete(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    check_etag: impl FnOnce(&dissemination_item::Model) -> ApiResult<()>,
) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    let (item, seen) = visible(&txn, user, id).await?;
    policy::may_delete(user, &seen)?;
    check_etag(&item)?;
    let ps = participants_of(&txn, id).await?;
    dissemination_item::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    audit::record(&txn, &Actor::from(user), "delete", "dissemination", id, &[]).await?;
    for p in &ps {
        participants::lifecycle::refresh_completion(&txn, clock, *p).await?;
    }
    if let Some(first) = ps.first() {
        event(EventType::DisseminationDeleted, &item, *first, &ps)
            .emit(&txn, &Actor::from(user))
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Attach an evidence document (a PDF or an image) to an item.
pub async fn add_evidence(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
    filename: &str,
    bytes: Vec<u8>,
) -> ApiResult<dissemination_item::Model> {
    let (cur, seen) = visible(db, user, id).await?;
    policy::may_change(user, &seen)?;
    let Some((content_type, ext)) = crate::stories::service::media_type(&bytes) else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "document.unsupported_type",
            "Evidence must be a PDF, JPEG, PNG, MP3, OGG or WAV file.",
        ));
    };
    let bytes = if content_type == "application/pdf" {
        crate::pdf::require_pdf(bytes).await?
    } else {
        bytes
    };
    let sha = blobs.put(bytes).await.map_err(ApiError::internal)?;
    let txn = begin_write(db).await?;
    let (cur, _) = visible(&txn, user, cur.id).await?;
    let mut am: dissemination_item::ActiveModel = cur.into();
    am.evidence_sha256 = Set(Some(sha));
    am.evidence_filename = Set(Some(crate::applications::service::sanitise_filename_with(
        filename, ext,
    )));
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "dissemination",
        id,
        &["evidence".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
