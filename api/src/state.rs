//! What every handler can reach.

use crate::auth::tokens::TokenService;
use crate::config::Settings;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub tokens: TokenService,
}
