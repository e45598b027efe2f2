//! Access tokens: HS256 JWTs with `exp`, `iat`, `iss`, `aud`, `sub`, `role` and `sid` (the
//! login they belong to, so that ending the login ends them), validated strictly. Refresh
//! tokens: random, stored only as SHA-256.

use crate::config::Settings;
use crate::http::ApiError;
use base64::Engine;
use chrono::Utc;
use entity::enums::Role;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub role: Role,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// The login (refresh-token family) the token was issued for: a logout, a password
    /// change or a reuse of a spent refresh token ends it, and with it this token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
}

pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    pub access_ttl_seconds: i64,
    pub refresh_ttl_days: i64,
}

impl TokenService {
    pub fn new(secret: &[u8], settings: &Settings) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_audience(&[settings.jwt_audience.as_str()]);
        validation.set_issuer(&[settings.jwt_issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        validation.validate_exp = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            access_ttl_seconds: settings.access_token_ttl_seconds,
            refresh_ttl_days: settings.refresh_token_ttl_days,
        }
    }

    pub fn issue(&self, user_id: Uuid, role: Role, sid: Uuid) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            role,
            iat: now,
            exp: now + self.access_ttl_seconds,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sid: Some(sid),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::unauthorized(
                    "auth.token_expired",
                    "The access token has expired; refresh it.",
                ),
                _ => ApiError::unauthorized("auth.invalid_token", "The access token is not valid."),
            })
    }
}

/// A new refresh token (to hand out once) and its hash (to store).
pub fn new_refresh_token() -> (String, String) {
    new_secret("rt")
}

/// A new secret token, `<prefix>_` and 32 random bytes (base64url), with its hex SHA-256 (the
/// only form kept): refresh tokens, calendar feeds, API tokens.
pub fn new_secret(prefix: &str) -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!(
        "{prefix}_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let hash = hash_refresh_token(&token);
    (token, hash)
}

pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(secret: &[u8]) -> TokenService {
        TokenService::new(secret, &Settings::default())
    }

    #[test]
    fn issued_tokens_verify_and_foreign_ones_do_not() {
        let s = service(&[7u8; 32]);
        let id = Uuid::now_v7();
        let sid = Uuid::now_v7();
        let t = s.issue(id, Role::Coordinator, sid).unwrap();
        let c = s.verify(&t).unwrap();
        assert_eq!(c.sub, id);
        assert_eq!(c.sid, Some(sid));
        assert_eq!(c.role, Role::Coordinator);
        let other = service(&[8u8; 32]);
        assert_eq!(other.verify(&t).unwrap_err().code, "auth.invalid_token");
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, ha) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a), ha);
        assert_ne!(a, ha);
    }
}
