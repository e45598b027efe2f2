//! What every handler can reach.

use crate::auth::tokens::TokenService;
use crate::clock::Clock;
use crate::config::Settings;
use crate::storage::BlobStore;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub tokens: TokenService,
    /// The time business rules see (deadlines); replaceable in tests.
    pub clock: Arc<dyn Clock>,
    /// Uploaded files.
    pub blobs: Arc<dyn BlobStore>,
    /// Failed logins per account and per client address.
    pub throttle: Arc<crate::auth::throttle::LoginThrottle>,
}
