//! Knowledge sharing: presentations, publications, posts. One item may belong to several
//! participants (a joint article counts for each).

use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError};
use crate::participants;
use crate::storage::BlobStore;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::DisseminationKind;
use entity::{dissemination_item, dissemination_participant, participant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "social_media_post", "date": "2026-03-26", "title": "Prvi dan v Dokk1", "url": "https://www.facebook.com/knjiznica/posts/1", "channel": "Facebook", "audience_size": 320}))]
pub struct DisseminationRequest {
    pub kind: DisseminationKind,
    pub date: NaiveDate,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub title: String,
    /// http or https only.
    #[schema(
        max_length = 2000,
        pattern = r"^https?://[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub url: Option<String>,
    pub channel: Option<String>,
    #[schema(minimum = 0)]
    pub audience_size: Option<i32>,
    /// Other participants the item belongs to as well (a joint article).
    #[serde(default)]
    pub also_participant_ids: Vec<Uuid>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateDisseminationRequest {
    pub kind: Option<DisseminationKind>,
    pub date: Option<NaiveDate>,
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = r"^https?://[^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$")]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<String>)]
    pub channel: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<i32>, minimum = 0)]
    pub audience_size: Option<Option<i32>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DisseminationDto {
    pub id: Uuid,
    pub kind: DisseminationKind,
    pub date: NaiveDate,
    pub title: String,
    pub url: Option<String>,
    pub channel: Option<String>,
    pub audience_size: Option<i32>,
    pub participant_ids: Vec<Uuid>,
    /// SHA-256 of the uploaded evidence, if any.
    pub evidence_sha256: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn check(title: Option<&str>, url: Option<&str>, audience: Option<i32>) -> ApiResult<()> {
    let mut errors = Vec::new();
    if let Some(t) = title
        && (crate::http::checks::is_blank(t) || t.chars().count() > 500)
    {
        errors.push(FieldError::new("title", "length", "1 to 500 characters"));
    }
    if let Some(u) = url {
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && u.chars().count() <= 2000
            && u.split("://")
                .nth(1)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace));
        if !ok {
            errors.push(FieldError::new(
                "url",
                "url",
                "must be an http or https URL",
            ));
        }
    }
    if audience.is_some_and(|a| a < 0) {
        errors.push(FieldError::new(
            "audience_size",
            "range",
            "must not be negative",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
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

fn may_record(user: &AuthUser, p: &participant::Model) -> bool {
    participants::access::is_self(user, p) || super::access::staff_or_library(user, p.library_id)
}

pub async fn create(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
    r: DisseminationRequest,
) -> ApiResult<dissemination_item::Model> {
    check(Some(&r.title), r.url.as_deref(), r.audience_size)?;
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    if !may_record(user, &p) {
        return Err(ApiError::forbidden(
            "The participant, their library or a coordinator records knowledge sharing.",
        ));
    }
    // Co-authors are participants of the same mobility (the items are agreed among them).
    let mut ids = vec![p.id];
    for (i, other) in r.also_participant_ids.iter().enumerate() {
        let o = participant::Entity::find_by_id(*other).one(&txn).await?;
        match o {
            Some(o) if o.id == p.id => {}
            Some(o) if o.mobility_id == p.mobility_id || user.is_staff() => ids.push(o.id),
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
    txn.commit().await?;
    Ok(m)
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Vec<dissemination_item::Model>> {
    participants::access::visible(db, user, participant_id).await?;
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

/// The item, if the user may see one of its participants; and whether they may change it.
pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(dissemination_item::Model, bool)> {
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
        .filter(participants::access::Scope::of(user).condition())
        .all(db)
        .await?;
    if seen.is_empty() {
        return Err(ApiError::not_found("dissemination"));
    }
    let may = seen.iter().any(|p| may_record(user, p));
    Ok((m, may))
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
    check(
        r.title.as_deref(),
        r.url.clone().flatten().as_deref(),
        r.audience_size.flatten(),
    )?;
    let txn = begin_write(db).await?;
    let (cur, may) = visible(&txn, user, id).await?;
    if !may {
        return Err(ApiError::forbidden("You may not change this item."));
    }
    check_etag(&cur)?;
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
) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    let (_, may) = visible(&txn, user, id).await?;
    if !may {
        return Err(ApiError::forbidden("You may not delete this item."));
    }
    let ps = participants_of(&txn, id).await?;
    dissemination_item::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    audit::record(&txn, &Actor::from(user), "delete", "dissemination", id, &[]).await?;
    for p in ps {
        participants::lifecycle::refresh_completion(&txn, clock, p).await?;
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
    let (cur, may) = visible(db, user, id).await?;
    if !may {
        return Err(ApiError::forbidden("You may not change this item."));
    }
    let Some((_, ext)) = super::stories::media_type(&bytes) else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "document.unsupported_type",
            "Evidence must be a PDF, JPEG, PNG, MP3, OGG or WAV file.",
        ));
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
