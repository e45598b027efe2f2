//! Personal calendar feeds: each user may create secret URLs (`/calendar/{token}.ics`) that a
//! calendar application subscribes to without a login, and revoke them. A feed holds the
//! mobilities the user takes part in (`mobilities::policy::takes_part`: all of them for
//! admins, coordinators and the accountant; the hosted ones for a host; those with a
//! participant the user sees for libraries and participants) with their meetings (`internal`
//! ones only for admins and coordinators). Only a hash of the token is kept; it is shown once.

use super::calendar::Feed;
use super::ics::Calendar;
use super::policy;
use crate::audit::{self, Actor};
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::storage::sha256_hex;
use chrono::Utc;
use entity::{calendar_feed, meeting, mobility, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

/// A new feed and its token (shown this once).
pub struct NewFeed {
    pub feed: calendar_feed::Model,
    pub token: String,
}

pub async fn create(db: &DatabaseConnection, user: &AuthUser) -> ApiResult<NewFeed> {
    let (token, token_hash) = crate::auth::tokens::new_secret("cal");
    let txn = crate::db::begin_write(db).await?;
    let feed = calendar_feed::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        token_hash: Set(token_hash),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "calendar_feed",
        feed.id,
        &[],
    )
    .await?;
    txn.commit().await?;
    Ok(NewFeed { feed, token })
}

/// The caller's feeds that still work, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
) -> ApiResult<Vec<calendar_feed::Model>> {
    Ok(calendar_feed::Entity::find()
        .filter(calendar_feed::Column::UserId.eq(user.id))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .order_by_asc(calendar_feed::Column::CreatedAt)
        .order_by_asc(calendar_feed::Column::Id)
        .all(db)
        .await?)
}

/// Revoke one of the caller's feeds (404 `calendar_feed.not_found` for anyone else's).
pub async fn revoke(db: &DatabaseConnection, user: &AuthUser, id: Uuid) -> ApiResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let feed = calendar_feed::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|f| f.revoked_at.is_none())
        .ok_or_else(|| ApiError::not_found("calendar_feed"))?;
    policy::owns_feed(user, &feed)?;
    let mut am: calendar_feed::ActiveModel = feed.into();
    am.revoked_at = Set(Some(Utc::now()));
    am.update(&txn).await?;
    audit::record(&txn, &Actor::from(user), "revoke", "calendar_feed", id, &[]).await?;
    txn.commit().await?;
    Ok(())
}

/// The calendar behind a token: 404 `calendar_feed.not_found` for an unknown or revoked token,
/// or one of a user who is no longer active.
pub async fn calendar(db: &DatabaseConnection, token: &str) -> ApiResult<Feed> {
    let not_found = || ApiError::not_found("calendar_feed");
    let feed = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(sha256_hex(token.as_bytes())))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let u = user::Entity::find_by_id(feed.user_id)
        .one(db)
        .await?
        .filter(|u| u.active)
        .ok_or_else(not_found)?;
    let viewer = AuthUser::from(&u);
    let mobilities = mobility::Entity::find()
        .filter(crate::mobilities::policy::taken_part_in(&viewer))
        .order_by_asc(mobility::Column::StartDate)
        .order_by_asc(mobility::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = mobilities.iter().map(|m| m.id).collect();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::MobilityId.is_in(ids))
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?;
    let mut cal = Calendar::new(&format!("Erasmus+ – {}", u.full_name));
    for m in &mobilities {
        cal.mobility(m);
    }
    for x in meetings
        .iter()
        .filter(|x| policy::calendar_shows(&viewer, x.kind))
    {
        cal.meeting(x);
    }
    // Calendar applications poll often: the last use is noted at most once a minute.
    let now = Utc::now();
    if feed
        .last_used_at
        .is_none_or(|at| now - at > chrono::Duration::minutes(1))
    {
        let mut am: calendar_feed::ActiveModel = feed.into();
        am.last_used_at = Set(Some(now));
        am.update(db).await?;
    }
    Ok(Feed {
        body: cal.finish(),
        name: "erasmus-mobility".into(),
    })
}
