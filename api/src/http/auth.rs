//! The `AuthUser` extractor: a valid bearer token of an active user, or 401.

use crate::http::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use entity::enums::Role;
use entity::user;
use sea_orm::{EntityTrait, QueryFilter};
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub request_id: Option<String>,
    /// The login the access token belongs to (none for API tokens and work done on a user's
    /// behalf).
    pub session: Option<Uuid>,
}

impl From<&entity::user::Model> for AuthUser {
    /// The user as a caller, for work done on their behalf (a calendar feed, a webhook).
    fn from(u: &entity::user::Model) -> Self {
        AuthUser {
            id: u.id,
            email: u.email.clone(),
            full_name: u.full_name.clone(),
            role: u.role,
            organisation_id: u.organisation_id,
            request_id: None,
            session: None,
        }
    }
}

impl AuthUser {
    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    /// Admin, or one of `roles`; otherwise 403.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if self.is_admin() || roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "The role `{}` may not do this.",
                self.role
            )))
        }
    }
    /// Admin or coordinator: the people who run the project.
    pub fn is_staff(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Coordinator)
    }
}

/// The caller if a bearer token was sent (it must then be valid), or nobody.
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

pub fn request_id(req: &HttpRequest) -> Option<String> {
    super::request_id::get(req)
}

/// What a bearer token is: an access token (a JWT) or an API token.
enum Credential {
    Access(crate::auth::tokens::Claims),
    ApiToken(String),
}

/// The bearer credential: an access token's claims, checked (signature, expiry, issuer,
/// audience) without the database, or an API token to look up; `None` when none was sent.
fn credential(req: &HttpRequest) -> Result<Option<Credential>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        ApiError::unauthorized("auth.invalid_token", "Malformed Authorization header.")
    })?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::unauthorized(
                "auth.invalid_token",
                "The Authorization header must be `Bearer <access token>`.",
            )
        })?;
    if crate::api_tokens::service::is_api_token(token) {
        return Ok(Some(Credential::ApiToken(token.to_string())));
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    state
        .tokens
        .verify(token)
        .map(|c| Some(Credential::Access(c)))
}

async fn authenticate(req: HttpRequest) -> Result<Option<AuthUser>, ApiError> {
    let (user_id, sid) = match credential(&req)? {
        Some(Credential::Access(claims)) => (claims.sub, claims.sid),
        Some(Credential::ApiToken(token)) => {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("application state missing"))?;
            let user_id =
                crate::api_tokens::service::user_for(&state.db, &token, chrono::Utc::now())
                    .await?
                    .ok_or_else(|| {
                        ApiError::unauthorized(
                            "auth.invalid_token",
                            "The API token is unknown, expired or revoked.",
                        )
                    })?;
            (user_id, None)
        }
        None => return Ok(None),
    };
    user_of(req, user_id, sid).await.map(Some)
}

/// The active user a verified token names, if the login it was issued for has not ended: one
/// query, the check of the login folded into the read of the user.
async fn user_of(
    req: HttpRequest,
    user_id: uuid::Uuid,
    sid: Option<uuid::Uuid>,
) -> Result<AuthUser, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let mut query = user::Entity::find_by_id(user_id);
    if let Some(sid) = sid {
        query = query.filter(sea_orm::sea_query::ExprTrait::not(
            crate::auth::service::session_ended(sid),
        ));
    }
    let found = query.one(&state.db).await?;
    let u = match found {
        Some(u) if u.active => u,
        _ => {
            return Err(ApiError::unauthorized(
                "auth.invalid_token",
                "The token's user does not exist or is inactive, or its login has ended.",
            ));
        }
    };
    Ok(AuthUser {
        id: u.id,
        email: u.email,
        full_name: u.full_name,
        role: u.role,
        organisation_id: u.organisation_id,
        request_id: request_id(&req),
        session: sid,
    })
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await?.ok_or_else(missing_token) })
    }
}

fn missing_token() -> ApiError {
    ApiError::unauthorized(
        "auth.missing_token",
        "This endpoint needs a bearer token: POST /api/v1/auth/login.",
    )
}

/// The roles that may call an operation at all (admins always may). Each capability's
/// `policy.rs` names its gates; the ones many share are here.
pub trait Gate {
    const ROLES: &'static [Role];
}

/// Admins and coordinators: the people who run the project.
pub struct Staff;
impl Gate for Staff {
    const ROLES: &'static [Role] = &[Role::Coordinator];
}

/// Admins only.
pub struct Admins;
impl Gate for Admins {
    const ROLES: &'static [Role] = &[];
}

/// The caller, known to hold a role of `G` (or to be an admin). As a handler's argument ahead
/// of its body, it answers 401/403 before the body is read, so a caller who may not use an
/// operation never learns its validation rules.
pub struct Gated<G: Gate> {
    pub user: AuthUser,
    gate: std::marker::PhantomData<G>,
}

impl<G: Gate> std::ops::Deref for Gated<G> {
    type Target = AuthUser;
    fn deref(&self) -> &AuthUser {
        &self.user
    }
}

impl<G: Gate + 'static> FromRequest for Gated<G> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Decided here, before any future runs: the body extractor's future may complete (with
        // a 422) before the database has answered who the caller is. The token's role decides
        // now; the stored role decides again below (a role changed since the token was issued).
        let credential = match credential(req) {
            Ok(None) => Err(missing_token()),
            Ok(Some(Credential::Access(c)))
                if c.role != Role::Admin && !G::ROLES.contains(&c.role) =>
            {
                Err(ApiError::forbidden(format!(
                    "The role `{}` may not do this.",
                    c.role
                )))
            }
            Ok(Some(c)) => Ok(c),
            Err(e) => Err(e),
        };
        let credential = match credential {
            Ok(c) => c,
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        // The token is verified once; the user is then read as for any caller (an API token's
        // role is known only from the database, so it is checked there).
        let req = req.clone();
        Box::pin(async move {
            let user = match credential {
                Credential::Access(claims) => user_of(req, claims.sub, claims.sid).await?,
                Credential::ApiToken(_) => authenticate(req).await?.ok_or_else(missing_token)?,
            };
            user.require(G::ROLES)?;
            Ok(Gated {
                user,
                gate: std::marker::PhantomData,
            })
        })
    }
}

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeAuthUser(authenticate(req).await?)) })
    }
}
