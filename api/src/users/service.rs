//! Users: creation (API, command line, start-up), listing, changes, deletion.

use super::dto::{UpdateUserRequest, UserQuery};
use super::policy::UpdateRights;
use crate::audit::{self, Actor};
use crate::auth::{password, service::normalise_email, service::revoke_all_for_user};
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, FieldError, Page};
use chrono::Utc;
use entity::enums::{OrganisationKind, Role};
use entity::{organisation, user};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

pub struct NewUser {
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub password: String,
    pub active: bool,
}

async fn hash_password(pw: String) -> ApiResult<String> {
    actix_web::rt::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// The organisation a role needs: library users a member library, host users a host or partner.
async fn check_organisation(
    db: &impl ConnectionTrait,
    role: Role,
    organisation_id: Option<Uuid>,
) -> ApiResult<()> {
    let needed: Option<&[OrganisationKind]> = match role {
        Role::Library => Some(&[OrganisationKind::MemberLibrary]),
        Role::Host => Some(&[OrganisationKind::Host, OrganisationKind::Partner]),
        _ => None,
    };
    let org = match organisation_id {
        Some(id) => Some(
            organisation::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| {
                    ApiError::invalid_field("organisation_id", "not_found", "no such organisation")
                })?,
        ),
        None => None,
    };
    if let Some(kinds) = needed {
        match org {
            None => {
                return Err(ApiError::invalid_field(
                    "organisation_id",
                    "required",
                    format!("a `{role}` user needs an organisation"),
                ));
            }
            Some(o) if !kinds.contains(&o.kind) => {
                let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                return Err(ApiError::invalid_field(
                    "organisation_id",
                    "wrong_kind",
                    format!(
                        "a `{role}` user's organisation must be a {}, not a {}",
                        names.join(" or "),
                        o.kind
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn email_taken() -> ApiError {
    ApiError::conflict(
        "user.email_taken",
        "A user with this e-mail already exists.",
    )
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewUser,
) -> ApiResult<user::Model> {
    let hash = hash_password(new.password.clone()).await?;
    let txn = begin_write(db).await?;
    let model = insert(&txn, actor, &new, hash).await?;
    txn.commit().await?;
    Ok(model)
}

/// Insert a user whose password is already hashed, inside the caller's transaction; audited.
pub async fn insert(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    new: &NewUser,
    hash: String,
) -> ApiResult<user::Model> {
    let email = normalise_email(&new.email);
    check_organisation(txn, new.role, new.organisation_id).await?;
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(email_taken());
    }
    let now = Utc::now();
    let model = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        password_hash: Set(hash),
        full_name: Set(new.full_name.trim().to_string()),
        role: Set(new.role),
        organisation_id: Set(new.organisation_id),
        active: Set(new.active),
        last_login_at: Set(None),
        reminders: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => email_taken(),
        err => err,
    })?;
    let fields: Vec<String> = [
        "email",
        "full_name",
        "role",
        "organisation_id",
        "active",
        "password",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    audit::record(txn, actor, "create", "user", model.id, &fields).await?;
    Ok(model)
}

/// A password hash for `pw` (argon2id, off the async workers).
pub async fn hash_new_password(pw: String) -> ApiResult<String> {
    hash_password(pw).await
}

pub async fn get_model(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<user::Model> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))
}

pub async fn list(
    db: &DatabaseConnection,
    roles: Option<&[Role]>,
    q: UserQuery,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<user::Model>> {
    let mut query = user::Entity::find();
    if let Some(roles) = roles {
        query = query.filter(user::Column::Role.is_in(roles.iter().copied()));
    }
    if let Some(r) = q.role {
        query = query.filter(user::Column::Role.eq(r));
    }
    if let Some(o) = q.organisation_id {
        query = query.filter(user::Column::OrganisationId.eq(o));
    }
    if let Some(a) = q.active {
        query = query.filter(user::Column::Active.eq(a));
    }
    if let Some(text) = q.q.filter(|t| !t.trim().is_empty()) {
        let pattern = format!("%{}%", text.trim().to_lowercase());
        query = query.filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(user::Column::Email))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(Expr::col(user::Column::FullName))).like(pattern)),
        );
    }
    if let Some(t) = since.updated_since {
        query = query.filter(user::Column::UpdatedAt.gte(t));
    }
    let order = Sort::columns(
        q.sort.as_deref(),
        &[
            ("email", user::Column::Email),
            ("full_name", user::Column::FullName),
            ("role", user::Column::Role),
            ("created_at", user::Column::CreatedAt),
            ("updated_at", user::Column::UpdatedAt),
        ],
        &[(user::Column::Email, sea_orm::Order::Asc)],
    )?;
    let mut fetched = page
        .fetch(db, query, &order, user::Column::Id, |m| m.id)
        .await?;
    let items = fetched.take_items();
    Ok(fetched.with_items(items))
}

fn json_of(m: &user::Model) -> serde_json::Value {
    serde_json::json!({
        "email": m.email, "full_name": m.full_name, "role": m.role, "organisation_id": m.organisation_id,
        "active": m.active, "password_hash": m.password_hash, "reminders": m.reminders,
    })
}

async fn count_active_admins(db: &impl ConnectionTrait) -> ApiResult<u64> {
    Ok(user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::Active.eq(true))
        .count(db)
        .await?)
}

fn last_admin() -> ApiError {
    ApiError::conflict(
        "user.last_admin",
        "This is the last active admin; create another admin first.",
    )
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    patch: UpdateUserRequest,
    rights: UpdateRights,
    check_etag: impl FnOnce(&user::Model) -> ApiResult<()>,
) -> ApiResult<user::Model> {
    let new_hash = match &patch.password {
        Some(pw) => Some(hash_password(pw.clone()).await?),
        None => None,
    };
    let txn = begin_write(db).await?;
    let current = get_model(&txn, id).await?;
    check_etag(&current)?;

    let admin_only = patch.email.is_some()
        || patch.role.is_some()
        || patch.organisation_id.is_some()
        || patch.active.is_some();
    if admin_only {
        rights.may_change_account()?;
    }
    let own = actor.id == Some(id);
    if own && (patch.role.is_some_and(|r| r != current.role) || patch.active == Some(false)) {
        return Err(self_change());
    }
    if (patch.password.is_some() && (own || !rights.manage))
        || (own
            && patch
                .email
                .as_deref()
                .is_some_and(|e| normalise_email(e) != current.email))
    {
        // Users changing their own password or e-mail prove they know the current password.
        let current_pw = patch.current_password.clone().unwrap_or_default();
        let hash = current.password_hash.clone();
        let ok = actix_web::rt::task::spawn_blocking(move || password::verify(&current_pw, &hash))
            .await
            .map_err(ApiError::internal)?;
        if !ok {
            return Err(ApiError::validation(vec![FieldError::new(
                "current_password",
                "mismatch",
                "the current password is wrong",
            )]));
        }
    }
    if let Some(role) = patch.role {
        rights.may_assign(role)?;
    }

    let role = patch.role.unwrap_or(current.role);
    let org = patch.organisation_id.unwrap_or(current.organisation_id);
    if patch.role.is_some() || patch.organisation_id.is_some() {
        check_organisation(&txn, role, org).await?;
    }
    let active = patch.active.unwrap_or(current.active);
    if current.role == Role::Admin
        && current.active
        && (role != Role::Admin || !active)
        && count_active_admins(&txn).await? <= 1
    {
        return Err(last_admin());
    }
    let email = patch
        .email
        .as_deref()
        .map(normalise_email)
        .unwrap_or_else(|| current.email.clone());
    if email != current.email
        && user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .one(&txn)
            .await?
            .is_some()
    {
        return Err(email_taken());
    }

    let before = json_of(&current);
    let mut am: user::ActiveModel = current.clone().into();
    am.email = Set(email);
    if let Some(n) = &patch.full_name {
        am.full_name = Set(n.trim().to_string());
    }
    am.role = Set(role);
    am.organisation_id = Set(org);
    am.active = Set(active);
    if let Some(r) = patch.reminders {
        am.reminders = Set(r);
    }
    if let Some(h) = new_hash {
        am.password_hash = Set(h);
    }
    am.updated_at = Set(Utc::now());
    let updated = am.update(&txn).await?;
    let fields = audit::service::changed_fields(&before, &json_of(&updated));
    if fields
        .iter()
        .any(|f| f == "password" || f == "active" || f == "role")
    {
        revoke_all_for_user(&txn, id, rights.own_session).await?;
    }
    audit::record(&txn, actor, "update", "user", id, &fields).await?;
    txn.commit().await?;
    Ok(updated)
}

/// 403 `user.self_change`: nobody deactivates, demotes or deletes their own account, so that
/// nobody locks themselves out by mistake; another admin does it.
pub fn self_change() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::FORBIDDEN,
        "user.self_change",
        "You cannot deactivate, demote or delete your own account; another admin can.",
    )
}

pub async fn delete(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    check: impl FnOnce(&user::Model) -> ApiResult<()>,
) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    let current = get_model(&txn, id).await?;
    check(&current)?;
    if actor.id == Some(id) {
        return Err(self_change());
    }
    if current.role == Role::Admin && current.active && count_active_admins(&txn).await? <= 1 {
        return Err(last_admin());
    }
    user::Entity::delete_by_id(id).exec(&txn).await.map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.in_use" => ApiError::conflict(
            "user.in_use",
            "The user is referred to by other records (e.g. a project team); deactivate them instead.",
        ),
        err => err,
    })?;
    audit::record(&txn, actor, "delete", "user", id, &[]).await?;
    txn.commit().await?;
    Ok(())
}

/// The configured admin (`MOBILITY_ADMIN_EMAIL`) is created whenever no account has that
/// address, also on a database that already has admins (e.g. from `seed --demo` run before the
/// first `serve`); an account with that address that is not an active admin is left as it is
/// and said so in the log. A database left without any admin (no admin configured, or the
/// configured address taken by another account) gets `admin@localhost` with a random
/// password written to `<data dir>/initial-admin-password` (mode 0600).
pub async fn ensure_admin(
    db: &DatabaseConnection,
    settings: &crate::config::Settings,
) -> anyhow::Result<()> {
    let mut configured = match (&settings.admin_email, &settings.admin_password) {
        (Some(e), Some(p)) => Some((e.trim().to_lowercase(), p)),
        _ => None,
    };
    if let Some((email, _)) = &configured {
        let existing = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?;
        match existing {
            Some(u) if u.role == Role::Admin && u.active => return Ok(()),
            Some(u) => {
                tracing::warn!(
                    email = %email,
                    role = %u.role,
                    active = u.active,
                    "MOBILITY_ADMIN_EMAIL names an existing account that is not an active admin; it is left as it is (an admin can change it)"
                );
                configured = None;
            }
            None => {}
        }
    }
    if configured.is_none() {
        let admins = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin))
            .count(db)
            .await?;
        if admins > 0 {
            return Ok(());
        }
    }
    let actor = Actor::system("system:start-up");
    let (email, pw, generated) = match configured {
        Some((e, p)) => (
            e,
            secrecy::ExposeSecret::expose_secret(p).to_string(),
            false,
        ),
        None => ("admin@localhost".to_string(), password::generate(), true),
    };
    let new = NewUser {
        email: email.clone(),
        full_name: "Administrator".into(),
        role: Role::Admin,
        organisation_id: None,
        password: pw.clone(),
        active: true,
    };
    create(db, &actor, new)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create the first admin: {e}"))?;
    if generated {
        std::fs::create_dir_all(&settings.data_dir)?;
        let path = settings.data_dir.join("initial-admin-password");
        crate::fsutil::write_private(&path, format!("{pw}\n").as_bytes())?;
        tracing::warn!(
            email = %email,
            path = %path.display(),
            "created the first admin; the password is in this file (readable only by this user): log in and change it"
        );
    } else {
        tracing::info!(email = %email, "created the first admin from MOBILITY_ADMIN_EMAIL");
    }
    Ok(())
}
