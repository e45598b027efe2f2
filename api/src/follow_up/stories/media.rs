//! A story's media: upload and licence.

use super::*;

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
