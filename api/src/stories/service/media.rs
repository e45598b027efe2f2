//! A story's media: recognising their type, upload and licence.

use super::*;

/// (content type, file extension) recognised by content.
pub fn media_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
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

pub async fn add_media(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
    u: MediaUpload,
) -> ApiResult<story_media::Model> {
    let (s, w) = visible(db, user, id).await?;
    policy::may_change(user, &w)?;
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
    let bytes = if content_type == "application/pdf" {
        crate::pdf::require_pdf(u.bytes).await?
    } else {
        u.bytes
    };
    let size = bytes.len() as i64;
    let sha = blobs.put(bytes).await.map_err(ApiError::internal)?;
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
    policy::may_change(user, &w)?;
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
