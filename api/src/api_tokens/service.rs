//! Issuing, listing, revoking and checking API tokens.

use crate::audit::{self, Actor};
use crate::auth::tokens::{hash_refresh_token, new_secret};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::users::{self, service::NewUser};
use chrono::{DateTime, Duration, Utc};
use entity::enums::Role;
use entity::{api_token, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// Prefix of every API token (so that logs, scanners and the server tell them from JWTs).
pub const PREFIX: &str = "mob";

/// How a token is issued.
pub struct Issue {
    pub name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub expires_in_days: i64,
}

/// A new token: its record, its service-account user and the token itself (shown once).
pub struct Issued {
    pub token: api_token::Model,
    pub user: user::Model,
    pub secret: String,
}

/// Issue a token: a new service-account user of `role` (and organisation) and its token.
/// Admins issue any role; coordinators the roles they manage (libraries, participants, hosts).
pub async fn issue(db: &DatabaseConnection, caller: &AuthUser, r: Issue) -> ApiResult<Issued> {
    users::policy::may_create(caller, r.role)?;
    let actor = Actor::from(caller);
    let id = Uuid::now_v7();
    // The service account has a random password nobody knows: it signs in only by its token.
    let (unknown, _) = new_secret("pw");
    let hash = users::service::hash_new_password(unknown).await?;
    let (secret, token_hash) = new_secret(PREFIX);
    let txn = begin_write(db).await?;
    let account = users::service::insert(
        &txn,
        &actor,
        &NewUser {
            email: format!("api-token-{}@service.invalid", id.simple()),
            full_name: format!("API token: {}", r.name.trim()),
            role: r.role,
            organisation_id: r.organisation_id,
            password: String::new(),
            active: true,
        },
        hash,
    )
    .await?;
    let now = Utc::now();
    let token = api_token::ActiveModel {
        id: Set(id),
        user_id: Set(account.id),
        name: Set(r.name.trim().to_string()),
        token_hash: Set(token_hash),
        created_by: Set(caller.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(r.expires_in_days)),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &actor,
        "create",
        "api_token",
        id,
        &[
            "name".into(),
            "role".into(),
            "organisation_id".into(),
            "expires_at".into(),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(Issued {
        token,
        user: account,
        secret,
    })
}

/// The tokens `caller` may see, newest first: every token for admins, the ones they issued for
/// coordinators; with their service accounts.
pub async fn list(
    db: &DatabaseConnection,
    caller: &AuthUser,
) -> ApiResult<Vec<(api_token::Model, user::Model)>> {
    may_manage_tokens(caller)?;
    let mut q = api_token::Entity::find().find_also_related(user::Entity);
    if !caller.is_admin() {
        q = q.filter(api_token::Column::CreatedBy.eq(caller.id));
    }
    Ok(q.order_by_desc(api_token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(t, u)| u.map(|u| (t, u)))
        .collect())
}

fn may_manage_tokens(caller: &AuthUser) -> ApiResult<()> {
    if caller.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "API tokens are issued by admins and coordinators.",
        ))
    }
}

/// Revoke a token at once; its service account is deactivated. Admins, and the coordinator
/// who issued it (anyone else 404 `api_token.not_found`).
pub async fn revoke(db: &DatabaseConnection, caller: &AuthUser, id: Uuid) -> ApiResult<()> {
    may_manage_tokens(caller)?;
    let txn = begin_write(db).await?;
    let t = api_token::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .filter(|t| caller.is_admin() || t.created_by == caller.id)
        .filter(|t| t.revoked_at.is_none())
        .ok_or_else(|| ApiError::not_found("api_token"))?;
    let now = Utc::now();
    let mut am: api_token::ActiveModel = t.clone().into();
    am.revoked_at = Set(Some(now));
    am.update(&txn).await?;
    if let Some(u) = user::Entity::find_by_id(t.user_id).one(&txn).await? {
        let mut am: user::ActiveModel = u.into();
        am.active = Set(false);
        am.updated_at = Set(now);
        am.update(&txn).await?;
    }
    let actor = Actor::from(caller);
    audit::record(
        &txn,
        &actor,
        "revoke",
        "api_token",
        id,
        &["revoked_at".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Whether a bearer value is an API token (rather than an access token).
pub fn is_api_token(bearer: &str) -> bool {
    bearer.starts_with("mob_")
}

/// The service-account user a valid, unexpired, unrevoked token acts as; its last use is
/// noted (at most once a minute). `None` for any other token.
pub async fn user_for(
    db: &impl ConnectionTrait,
    bearer: &str,
    now: DateTime<Utc>,
) -> ApiResult<Option<Uuid>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash_refresh_token(bearer)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if t.revoked_at.is_some() || t.expires_at <= now {
        return Ok(None);
    }
    if t.last_used_at
        .is_none_or(|at| now - at > Duration::minutes(1))
    {
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(api_token::Column::Id.eq(t.id))
            .exec(db)
            .await?;
    }
    Ok(Some(t.user_id))
}
