//! Login, refresh-token rotation with reuse detection, logout.

use super::dto::TokenResponse;
use super::password;
use super::tokens::{TokenService, hash_refresh_token, new_refresh_token};
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult};
use chrono::{Duration, Utc};
use entity::{refresh_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, TransactionTrait,
};
use std::sync::OnceLock;
use uuid::Uuid;

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(
        "auth.invalid_credentials",
        "Unknown e-mail or wrong password.",
    )
}

fn invalid_refresh() -> ApiError {
    ApiError::unauthorized(
        "auth.invalid_refresh_token",
        "The refresh token is unknown, expired or already used; log in again.",
    )
}

/// A hash of a random password, verified against when the e-mail is unknown, so that an
/// unknown e-mail costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(&password::generate()).unwrap_or_default())
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn login(
    db: &DatabaseConnection,
    tokens: &TokenService,
    email: &str,
    pw: &str,
    request_id: Option<String>,
) -> ApiResult<TokenResponse> {
    let email = normalise_email(email);
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?;
    let hash = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let pw = pw.to_string();
    let ok = actix_web::rt::task::spawn_blocking(move || password::verify(&pw, &hash))
        .await
        .map_err(ApiError::internal)?;
    let user = match found {
        Some(u) if ok && u.active => u,
        _ => {
            tracing::info!(email = %email, "login refused");
            return Err(invalid_credentials());
        }
    };
    let txn = begin_write(db).await?;
    let (response, _) = issue_pair(&txn, tokens, &user, Uuid::now_v7()).await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    let actor = Actor {
        id: Some(user.id),
        email: Some(user.email.clone()),
        request_id,
    };
    audit::record(&txn, &actor, "login", "user", user.id, &[]).await?;
    txn.commit().await?;
    Ok(response)
}

async fn issue_pair(
    db: &impl ConnectionTrait,
    tokens: &TokenService,
    user: &user::Model,
    family_id: Uuid,
) -> ApiResult<(TokenResponse, Uuid)> {
    let access_token = tokens.issue(user.id, user.role, family_id)?;
    let (refresh, hash) = new_refresh_token();
    let now = Utc::now();
    let id = Uuid::now_v7();
    refresh_token::ActiveModel {
        id: Set(id),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(hash),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(tokens.refresh_ttl_days)),
        revoked_at: Set(None),
        replaced_by: Set(None),
    }
    .insert(db)
    .await?;
    let response = TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: tokens.access_ttl_seconds,
        refresh_token: refresh,
    };
    Ok((response, id))
}

/// Exchange a refresh token for a new pair. A token can be used once: presenting a spent
/// token again revokes every token of its login (someone else may hold a copy).
pub async fn refresh(
    db: &DatabaseConnection,
    tokens: &TokenService,
    token: &str,
) -> ApiResult<TokenResponse> {
    let hash = hash_refresh_token(token);
    let txn = begin_write(db).await?;
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash))
        .one(&txn)
        .await?
    else {
        return Err(invalid_refresh());
    };
    let now = Utc::now();
    if row.revoked_at.is_some() {
        revoke_family(&txn, row.family_id).await?;
        txn.commit().await?;
        tracing::warn!(user_id = %row.user_id, "spent refresh token presented again; its login is revoked");
        return Err(invalid_refresh());
    }
    if row.expires_at <= now {
        return Err(invalid_refresh());
    }
    let user = match user::Entity::find_by_id(row.user_id).one(&txn).await? {
        Some(u) if u.active => u,
        _ => return Err(invalid_refresh()),
    };
    let (pair, new_id) = issue_pair(&txn, tokens, &user, row.family_id).await?;
    // Spend the old token; the condition makes a concurrent second use lose.
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .col_expr(refresh_token::Column::ReplacedBy, Expr::value(new_id))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(invalid_refresh());
    }
    let actor = Actor {
        id: Some(user.id),
        email: Some(user.email.clone()),
        request_id: None,
    };
    audit::record(&txn, &actor, "refresh_token", "user", user.id, &[]).await?;
    txn.commit().await?;
    Ok(pair)
}

async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid) -> ApiResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the login `sid` has ended: one of its refresh tokens was revoked without being
/// replaced (a logout, a password change, a deactivation, a reuse of a spent token). As a
/// condition for the query that reads the caller, so that it costs no round trip of its own.
pub fn session_ended(sid: Uuid) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Query;
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(refresh_token::Entity)
            .and_where(refresh_token::Column::FamilyId.eq(sid))
            .and_where(refresh_token::Column::RevokedAt.is_not_null())
            .and_where(refresh_token::Column::ReplacedBy.is_null())
            .to_owned(),
    )
}

/// Revoke the login the refresh token belongs to, which ends its access tokens at once.
/// Unknown tokens are ignored.
pub async fn logout(db: &DatabaseConnection, token: &str) -> ApiResult<()> {
    let hash = hash_refresh_token(token);
    let txn = db.begin().await?;
    if let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash))
        .one(&txn)
        .await?
    {
        revoke_family(&txn, row.family_id).await?;
        let actor = Actor {
            id: Some(row.user_id),
            email: None,
            request_id: None,
        };
        audit::record(&txn, &actor, "logout", "user", row.user_id, &[]).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// End every login of a user (password change, deactivation, a new role), and with them
/// their access tokens; `except` keeps the login the change was made from.
pub async fn revoke_all_for_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    except: Option<Uuid>,
) -> ApiResult<()> {
    let mut update = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null());
    if let Some(keep) = except {
        update = update.filter(refresh_token::Column::FamilyId.ne(keep));
    }
    update.exec(db).await?;
    Ok(())
}

/// Warm the dummy hash at start-up so the first unknown-e-mail login is not faster or slower.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordHash;

    /// An unknown e-mail must cost what a wrong password costs: the login verifies against a
    /// dummy hash made with exactly the parameters of real ones.
    #[test]
    fn the_dummy_hash_has_the_cost_of_a_real_one() {
        let real_text = password::hash("some password").unwrap();
        let real = PasswordHash::new(&real_text).unwrap();
        let dummy = PasswordHash::new(dummy_hash()).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.algorithm.as_str(), "argon2id");
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert!(!password::verify("some password", dummy_hash()));
    }
}
