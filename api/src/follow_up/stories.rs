//! Digital stories for the Kamra heritage portal, made from heritage workshops; contributors
//! are named only with their recorded consent and licence.

use super::access::staff_or_library;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError};
use crate::storage::BlobStore;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{Role, StoryStatus, WorkshopKind};
use entity::{digital_story, story_media, workshop};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::io::Write;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// (content type, file extension) recognised by content.
pub fn media_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if crate::pdf::is_pdf(bytes) {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.starts_with(b"ID3") || bytes.starts_with(&[0xFF, 0xFB]) {
        Some(("audio/mpeg", "mp3"))
    } else if bytes.starts_with(b"OggS") {
        Some(("audio/ogg", "ogg"))
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        Some(("audio/wav", "wav"))
    } else {
        None
    }
}

/// A person who contributed to the story.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contributor {
    pub name: String,
    /// When the person consented to be named and to the use of their contribution.
    pub consent_date: Option<NaiveDate>,
    /// What they consented to, e.g. "objava na portalu Kamra in Europeani".
    pub consent_scope: Option<String>,
    /// e.g. "CC BY-SA 4.0".
    pub licence: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"workshop_id": "0190f1c2-0000-7000-8000-000000000001", "title": "Mlini ob Krki", "summary": "Spomini na mline.", "text": "…", "language": "sl", "place": "Krško", "period": "1950–1970", "subjects": ["mlinarstvo", "reka Krka"]}))]
pub struct CreateStoryRequest {
    pub workshop_id: Uuid,
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub title: String,
    #[schema(
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub summary: String,
    pub text: String,
    /// ISO 639-1, e.g. "sl".
    #[schema(pattern = "^[a-z]{2}$")]
    pub language: String,
    pub place: Option<String>,
    pub period: Option<String>,
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub contributors: Vec<Contributor>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateStoryRequest {
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub title: Option<String>,
    #[schema(
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub summary: Option<String>,
    pub text: Option<String>,
    #[schema(pattern = "^[a-z]{2}$")]
    pub language: Option<String>,
    pub place: Option<String>,
    pub period: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub contributors: Option<Vec<Contributor>>,
}

#[derive(Debug, Serialize, ToSchema, Clone)]
pub struct MediaDto {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub caption: Option<String>,
    pub creator: Option<String>,
    pub licence: Option<String>,
}

impl From<story_media::Model> for MediaDto {
    fn from(m: story_media::Model) -> Self {
        Self {
            id: m.id,
            filename: m.filename,
            content_type: m.content_type,
            size: m.size,
            sha256: m.sha256,
            caption: m.caption,
            creator: m.creator,
            licence: m.licence,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoryDto {
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub library_id: Uuid,
    pub title: String,
    pub summary: String,
    pub text: String,
    pub language: String,
    pub place: Option<String>,
    pub period: Option<String>,
    pub subjects: Vec<String>,
    pub contributors: Vec<Contributor>,
    pub media: Vec<MediaDto>,
    pub status: StoryStatus,
    /// The story on kamra.si, once published.
    pub kamra_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The story's https address on kamra.si.
    #[schema(
        max_length = 2000,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*https://([^/?#\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+\.)?[kK][aA][mM][rR][aA]\.[sS][iI]([/?#][^\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*)?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$",
        example = "https://www.kamra.si/digitalne-zbirke/item/mlin-na-krki.html"
    )]
    pub kamra_url: String,
}

async fn workshop_of(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<workshop::Model> {
    workshop::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("workshop"))
}

pub async fn dto(db: &impl ConnectionTrait, s: digital_story::Model) -> ApiResult<StoryDto> {
    let w = workshop_of(db, s.workshop_id).await?;
    let media = story_media::Entity::find()
        .filter(story_media::Column::StoryId.eq(s.id))
        .order_by_asc(story_media::Column::CreatedAt)
        .order_by_asc(story_media::Column::Id)
        .all(db)
        .await?;
    Ok(StoryDto {
        id: s.id,
        workshop_id: s.workshop_id,
        library_id: w.library_id,
        title: s.title,
        summary: s.summary,
        text: s.text,
        language: s.language,
        place: s.place,
        period: s.period,
        subjects: serde_json::from_value(s.subjects).unwrap_or_default(),
        contributors: serde_json::from_value(s.contributors).unwrap_or_default(),
        media: media.into_iter().map(MediaDto::from).collect(),
        status: s.status,
        kamra_url: s.kamra_url,
        created_at: s.created_at,
        updated_at: s.updated_at,
    })
}

fn check_text(title: Option<&str>, summary: Option<&str>, language: Option<&str>) -> ApiResult<()> {
    let mut errors = Vec::new();
    if title.is_some_and(|t| crate::http::checks::is_blank(t) || t.chars().count() > 300) {
        errors.push(FieldError::new("title", "length", "1 to 300 characters"));
    }
    if summary.is_some_and(crate::http::checks::is_blank) {
        errors.push(FieldError::new("summary", "required", "is required"));
    }
    if language.is_some_and(|l| l.len() != 2 || !l.chars().all(|c| c.is_ascii_lowercase())) {
        errors.push(FieldError::new(
            "language",
            "iso639",
            "an ISO 639-1 code such as sl",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn may_edit(user: &AuthUser, library_id: Uuid) -> bool {
    staff_or_library(user, library_id)
        || (user.role == Role::Participant && user.organisation_id == Some(library_id))
}

pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    r: CreateStoryRequest,
) -> ApiResult<digital_story::Model> {
    check_text(Some(&r.title), Some(&r.summary), Some(&r.language))?;
    let txn = begin_write(db).await?;
    let w = workshop_of(&txn, r.workshop_id).await?;
    if !super::access::sees_library_records(user, w.library_id) {
        return Err(ApiError::not_found("workshop"));
    }
    if !may_edit(user, w.library_id) {
        return Err(ApiError::forbidden(
            "The library, its participants and coordinators write digital stories.",
        ));
    }
    if w.kind != WorkshopKind::CulturalHeritage {
        return Err(ApiError::unprocessable(
            "story.not_heritage_workshop",
            "Digital stories come from cultural-heritage workshops.",
        ));
    }
    let now = Utc::now();
    let s = digital_story::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(w.id),
        title: Set(r.title.trim().to_string()),
        summary: Set(r.summary),
        text: Set(r.text),
        language: Set(r.language),
        place: Set(r.place),
        period: Set(r.period),
        subjects: Set(serde_json::json!(r.subjects)),
        contributors: Set(serde_json::to_value(&r.contributors).map_err(ApiError::internal)?),
        status: Set(StoryStatus::Draft),
        kamra_url: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "digital_story",
        s.id,
        &["title".into(), "contributors".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}

pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(digital_story::Model, workshop::Model)> {
    let s = digital_story::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("digital_story"))?;
    let w = workshop_of(db, s.workshop_id).await?;
    if super::access::sees_library_records(user, w.library_id) {
        Ok((s, w))
    } else {
        Err(ApiError::not_found("digital_story"))
    }
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    status: Option<StoryStatus>,
) -> ApiResult<Vec<digital_story::Model>> {
    let mut q = digital_story::Entity::find();
    if let Some(s) = status {
        q = q.filter(digital_story::Column::Status.eq(s));
    }
    let all = q
        .order_by_asc(digital_story::Column::CreatedAt)
        .order_by_asc(digital_story::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for s in all {
        let w = workshop_of(db, s.workshop_id).await?;
        if super::access::sees_library_records(user, w.library_id) {
            out.push(s);
        }
    }
    Ok(out)
}

pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    r: UpdateStoryRequest,
    check_etag: impl FnOnce(&digital_story::Model) -> ApiResult<()>,
) -> ApiResult<digital_story::Model> {
    check_text(
        r.title.as_deref(),
        r.summary.as_deref(),
        r.language.as_deref(),
    )?;
    let txn = begin_write(db).await?;
    let (cur, w) = visible(&txn, user, id).await?;
    if !may_edit(user, w.library_id) {
        return Err(ApiError::forbidden("You may not change this story."));
    }
    check_etag(&cur)?;
    if cur.status == StoryStatus::Published {
        return Err(ApiError::conflict(
            "story.published",
            "A published story is kept as published.",
        ));
    }
    let mut am: digital_story::ActiveModel = cur.clone().into();
    let mut fields = Vec::new();
    macro_rules! set {
        ($($f:ident),*) => { $( if let Some(v) = r.$f { am.$f = Set(v.into()); fields.push(stringify!($f).to_string()); } )* };
    }
    set!(title, summary, text, language, place, period);
    if let Some(v) = r.subjects {
        am.subjects = Set(serde_json::json!(v));
        fields.push("subjects".into());
    }
    if let Some(v) = r.contributors {
        am.contributors = Set(serde_json::to_value(v).map_err(ApiError::internal)?);
        fields.push("contributors".into());
    }
    // Changed after submission: back to draft, to be checked again.
    if cur.status == StoryStatus::Submitted {
        am.status = Set(StoryStatus::Draft);
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "digital_story",
        id,
        &fields,
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub struct MediaUpload {
    pub filename: String,
    pub bytes: Vec<u8>,
    pub caption: Option<String>,
    pub creator: Option<String>,
    pub licence: Option<String>,
}

pub async fn add_media(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
    u: MediaUpload,
) -> ApiResult<story_media::Model> {
    let (s, w) = visible(db, user, id).await?;
    if !may_edit(user, w.library_id) {
        return Err(ApiError::forbidden("You may not change this story."));
    }
    if s.status == StoryStatus::Published {
        return Err(ApiError::conflict(
            "story.published",
            "A published story is kept as published.",
        ));
    }
    let Some((content_type, ext)) = media_type(&u.bytes) else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "document.unsupported_type",
            "Media must be images (JPEG, PNG), audio (MP3, OGG, WAV) or PDF, checked by content.",
        ));
    };
    let size = u.bytes.len() as i64;
    let sha = blobs.put(u.bytes).await.map_err(ApiError::internal)?;
    let txn = begin_write(db).await?;
    let (s, _) = visible(&txn, user, s.id).await?;
    if s.status == StoryStatus::Published {
        return Err(ApiError::conflict(
            "story.published",
            "A published story is kept as published.",
        ));
    }
    let clean = |v: Option<String>| v.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    let m = story_media::ActiveModel {
        id: Set(Uuid::now_v7()),
        story_id: Set(s.id),
        filename: Set(crate::applications::service::sanitise_filename_with(
            &u.filename,
            ext,
        )),
        content_type: Set(content_type.into()),
        size: Set(size),
        sha256: Set(sha),
        caption: Set(clean(u.caption)),
        creator: Set(clean(u.creator)),
        licence: Set(clean(u.licence)),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    if s.status == StoryStatus::Submitted {
        let mut am: digital_story::ActiveModel = s.clone().into();
        am.status = Set(StoryStatus::Draft);
        am.updated_at = Set(Utc::now());
        am.update(&txn).await?;
    }
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "story_media",
        m.id,
        &["story_id".into(), "licence".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateMediaRequest {
    pub caption: Option<String>,
    pub creator: Option<String>,
    /// e.g. "CC BY-SA 4.0".
    pub licence: Option<String>,
}

/// Change a media item's caption, creator or licence.
pub async fn update_media(
    db: &DatabaseConnection,
    user: &AuthUser,
    story_id: Uuid,
    media_id: Uuid,
    r: UpdateMediaRequest,
) -> ApiResult<story_media::Model> {
    let txn = begin_write(db).await?;
    let (s, w) = visible(&txn, user, story_id).await?;
    if !may_edit(user, w.library_id) {
        return Err(ApiError::forbidden("You may not change this story."));
    }
    if s.status == StoryStatus::Published {
        return Err(ApiError::conflict(
            "story.published",
            "A published story is kept as published.",
        ));
    }
    let m = story_media::Entity::find_by_id(media_id)
        .one(&txn)
        .await?
        .filter(|m| m.story_id == s.id)
        .ok_or_else(|| ApiError::not_found("media"))?;
    let clean = |v: String| Some(v.trim().to_string()).filter(|x| !x.is_empty());
    let mut am: story_media::ActiveModel = m.into();
    let mut fields = Vec::new();
    if let Some(v) = r.caption {
        am.caption = Set(clean(v));
        fields.push("caption".to_string());
    }
    if let Some(v) = r.creator {
        am.creator = Set(clean(v));
        fields.push("creator".into());
    }
    if let Some(v) = r.licence {
        am.licence = Set(clean(v));
        fields.push("licence".into());
    }
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "story_media",
        media_id,
        &fields,
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Submit for publication: every named contributor has consent and a licence, every media
/// item a licence.
pub async fn submit(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<digital_story::Model> {
    let txn = begin_write(db).await?;
    let (s, w) = visible(&txn, user, id).await?;
    if !may_edit(user, w.library_id) {
        return Err(ApiError::forbidden("You may not submit this story."));
    }
    if s.status != StoryStatus::Draft {
        return Err(ApiError::conflict(
            "story.invalid_transition",
            format!("Only a draft is submitted; this story is {}.", s.status),
        ));
    }
    let contributors: Vec<Contributor> =
        serde_json::from_value(s.contributors.clone()).unwrap_or_default();
    let missing: Vec<String> = contributors
        .iter()
        .filter(|c| {
            c.consent_date.is_none()
                || c.consent_scope
                    .as_deref()
                    .is_none_or(|x| x.trim().is_empty())
                || c.licence.as_deref().is_none_or(|x| x.trim().is_empty())
        })
        .map(|c| c.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::unprocessable(
            "story.consent_missing",
            format!(
                "Consent (date and scope) or licence missing for: {}.",
                missing.join(", ")
            ),
        ));
    }
    let media = story_media::Entity::find()
        .filter(story_media::Column::StoryId.eq(s.id))
        .all(&txn)
        .await?;
    let unlicensed: Vec<String> = media
        .iter()
        .filter(|m| m.licence.is_none())
        .map(|m| m.filename.clone())
        .collect();
    if !unlicensed.is_empty() {
        return Err(ApiError::unprocessable(
            "story.media_licence_missing",
            format!("Licence missing for: {}.", unlicensed.join(", ")),
        ));
    }
    let mut am: digital_story::ActiveModel = s.into();
    am.status = Set(StoryStatus::Submitted);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "submit",
        "digital_story",
        id,
        &["status".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// An https address on kamra.si.
pub fn is_kamra_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    (host == "kamra.si" || host.ends_with(".kamra.si")) && !rest.contains(char::is_whitespace)
}

pub async fn publish(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    kamra_url: String,
) -> ApiResult<digital_story::Model> {
    if !is_kamra_url(kamra_url.trim()) {
        return Err(ApiError::invalid_field(
            "kamra_url",
            "kamra_url",
            "the story's https address on kamra.si",
        ));
    }
    let txn = begin_write(db).await?;
    let (s, w) = visible(&txn, user, id).await?;
    if !may_edit(user, w.library_id) {
        return Err(ApiError::forbidden("You may not publish this story."));
    }
    if s.status != StoryStatus::Submitted {
        return Err(ApiError::conflict(
            "story.invalid_transition",
            format!(
                "Only a submitted story is published; this one is {}.",
                s.status
            ),
        ));
    }
    let mut am: digital_story::ActiveModel = s.into();
    am.status = Set(StoryStatus::Published);
    am.kamra_url = Set(Some(kamra_url.trim().to_string()));
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "publish",
        "digital_story",
        id,
        &["status".into(), "kamra_url".into()],
    )
    .await?;
    super::workshops::refresh_library(&txn, clock, w.library_id, w.mobility_id).await?;
    txn.commit().await?;
    Ok(m)
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Dublin Core metadata of the story.
pub fn dublin_core(d: &StoryDto) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n",
    );
    let mut el = |name: &str, value: &str| {
        out.push_str(&format!("  <dc:{name}>{}</dc:{name}>\n", xml(value)))
    };
    el("title", &d.title);
    el("description", &d.summary);
    el("creator", &d.library_id.to_string());
    for c in &d.contributors {
        el("contributor", &c.name);
    }
    for s in &d.subjects {
        el("subject", s);
    }
    for c in [&d.place, &d.period].into_iter().flatten() {
        el("coverage", c);
    }
    el("date", &d.updated_at.date_naive().to_string());
    el("language", &d.language);
    let mut rights: Vec<String> = d
        .contributors
        .iter()
        .filter_map(|c| c.licence.clone())
        .chain(d.media.iter().filter_map(|m| m.licence.clone()))
        .collect();
    rights.sort();
    rights.dedup();
    for r in rights {
        el("rights", &r);
    }
    el(
        "identifier",
        &d.kamra_url
            .clone()
            .unwrap_or_else(|| format!("urn:uuid:{}", d.id)),
    );
    out.push_str("</metadata>\n");
    out
}

/// The hand-over package for Kamra: media, `story.json`, `dublin-core.xml`, in a ZIP.
pub async fn kamra_package(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(StoryDto, Vec<u8>)> {
    let (s, _) = visible(db, user, id).await?;
    let mut d = dto(db, s).await?;
    // The creator is the library, by name.
    let library = entity::organisation::Entity::find_by_id(d.library_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for m in &d.media {
        files.push((
            format!("media/{}", m.filename),
            blobs.get(&m.sha256).await.map_err(ApiError::internal)?,
        ));
    }
    let json = serde_json::to_vec_pretty(&d).map_err(ApiError::internal)?;
    let dc = dublin_core(&d).replace(
        &format!("<dc:creator>{}</dc:creator>", d.library_id),
        &format!("<dc:creator>{}</dc:creator>", xml(&library)),
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("story.json", opts)
            .map_err(ApiError::internal)?;
        zip.write_all(&json).map_err(ApiError::internal)?;
        zip.start_file("dublin-core.xml", opts)
            .map_err(ApiError::internal)?;
        zip.write_all(dc.as_bytes()).map_err(ApiError::internal)?;
        for (name, bytes) in files {
            zip.start_file(name, opts).map_err(ApiError::internal)?;
            zip.write_all(&bytes).map_err(ApiError::internal)?;
        }
        zip.finish().map_err(ApiError::internal)?;
    }
    d.media.sort_by(|a, b| a.filename.cmp(&b.filename));
    Ok((d, buf.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kamra_urls_are_https_on_kamra_si() {
        assert!(is_kamra_url(
            "https://www.kamra.si/digitalne-zgodbe/item/mlini.html"
        ));
        assert!(is_kamra_url("https://kamra.si/x"));
        assert!(!is_kamra_url("http://www.kamra.si/x"));
        assert!(!is_kamra_url("https://kamra.si.evil.example/x"));
        assert!(!is_kamra_url("https://notkamra.si/x"));
    }

    #[test]
    fn media_is_recognised_by_content() {
        assert_eq!(media_type(b"%PDF-1.4"), Some(("application/pdf", "pdf")));
        assert_eq!(
            media_type(b"\x89PNG\r\n\x1a\n...."),
            Some(("image/png", "png"))
        );
        assert_eq!(
            media_type(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(("image/jpeg", "jpg"))
        );
        assert_eq!(media_type(b"GIF89a"), None);
    }
}
