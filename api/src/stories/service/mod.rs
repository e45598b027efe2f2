//! Digital stories for the Kamra heritage portal, made from heritage workshops; contributors
//! are named only with their recorded consent and licence. Here the responses and the checks
//! on a story's text; `authoring` (create, read, edit), `media` (upload and licence),
//! `publication` (submit, publish, the Kamra package). Who may see and change a story is
//! asked of `super::policy`.

use super::dto::{
    Contributor, CreateStoryRequest, MediaDto, MediaUpload, StoryDto, UpdateMediaRequest,
    UpdateStoryRequest,
};
use super::policy;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::storage::BlobStore;
use chrono::Utc;
use entity::enums::{StoryStatus, WorkshopKind};
use entity::{digital_story, story_media, workshop};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::io::Write;
use uuid::Uuid;

async fn workshop_of(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<workshop::Model> {
    workshop::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("workshop"))
}

pub async fn dto(db: &impl ConnectionTrait, s: digital_story::Model) -> ApiResult<StoryDto> {
    let mut one = dtos(db, vec![s]).await?;
    one.pop()
        .ok_or_else(|| ApiError::internal("story without its response"))
}

/// The responses for `stories`: their workshops and media loaded in one query each.
pub async fn dtos(
    db: &impl ConnectionTrait,
    stories: Vec<digital_story::Model>,
) -> ApiResult<Vec<StoryDto>> {
    let libraries: std::collections::HashMap<Uuid, Uuid> = workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(stories.iter().map(|s| s.workshop_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.library_id))
        .collect();
    let mut media: std::collections::HashMap<Uuid, Vec<MediaDto>> =
        std::collections::HashMap::new();
    for m in story_media::Entity::find()
        .filter(story_media::Column::StoryId.is_in(stories.iter().map(|s| s.id)))
        .order_by_asc(story_media::Column::CreatedAt)
        .order_by_asc(story_media::Column::Id)
        .all(db)
        .await?
    {
        media.entry(m.story_id).or_default().push(MediaDto::from(m));
    }
    stories
        .into_iter()
        .map(|s| {
            let library_id = *libraries
                .get(&s.workshop_id)
                .ok_or_else(|| ApiError::not_found("workshop"))?;
            Ok(StoryDto {
                id: s.id,
                workshop_id: s.workshop_id,
                library_id,
                media: media.remove(&s.id).unwrap_or_default(),
                title: s.title,
                summary: s.summary,
                text: s.text,
                language: s.language,
                place: s.place,
                period: s.period,
                subjects: serde_json::from_value(s.subjects).unwrap_or_default(),
                contributors: serde_json::from_value(s.contributors).unwrap_or_default(),
                status: s.status,
                kamra_url: s.kamra_url,
                created_at: s.created_at,
                updated_at: s.updated_at,
            })
        })
        .collect()
}

mod authoring;
mod media;
mod publication;
pub use authoring::*;
pub use media::*;
pub use publication::*;
