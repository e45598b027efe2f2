//! Background work the service does by itself, every `jobs_interval_seconds`: forget events
//! past their retention and idempotency keys past 24 hours, queue and send webhook deliveries,
//! queue reminders and send the outbox by SMTP. Each step is safe to run on
//! several instances at once and after any restart: it works only from what the database
//! holds.

use crate::http::ApiResult;
use crate::state::AppState;
use actix_web::web;
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Run [`tick`] now and then every `jobs_interval_seconds` until the runtime stops.
pub fn spawn(state: web::Data<AppState>) {
    let every = std::time::Duration::from_secs(state.settings.jobs_interval_seconds);
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        let mut reminded: Option<std::time::Instant> = None;
        loop {
            interval.tick().await;
            // Reminders read every returned participant's obligations: hourly is enough (each
            // is queued once whenever it runs).
            let remind = reminded.is_none_or(|at| at.elapsed() >= REMINDERS_EVERY);
            if remind {
                reminded = Some(std::time::Instant::now());
            }
            if let Err(e) = tick(&state, remind).await {
                tracing::warn!(error = %e, "background work failed; it runs again later");
            }
        }
    });
}

/// How often reminders are looked for.
const REMINDERS_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// One round of background work (`remind`: look for reminders too).
pub async fn tick(state: &AppState, remind: bool) -> ApiResult<()> {
    let now = Utc::now();
    let pruned = crate::events::service::prune(
        &state.db,
        now - Duration::days(state.settings.event_retention_days),
    )
    .await?;
    if pruned > 0 {
        tracing::info!(events = pruned, "removed events past their retention");
    }
    let round = crate::webhooks::delivery::run(
        &state.db,
        state.settings.webhook_allow_private_addresses,
        now,
    )
    .await?;
    if round != Default::default() {
        tracing::info!(
            queued = round.queued,
            delivered = round.delivered,
            failed_attempts = round.failed_attempts,
            "webhook deliveries"
        );
    }
    if remind {
        let reminders =
            crate::notifications::reminders::run(&state.db, state.clock.as_ref()).await?;
        if reminders != Default::default() {
            tracing::info!(?reminders, "reminders queued");
        }
    }
    if let Some(url) = &state.settings.smtp_url {
        use secrecy::ExposeSecret;
        let round = crate::notifications::smtp::send_due(
            &state.db,
            url.expose_secret(),
            &state.settings.mail_from,
            now,
        )
        .await?;
        if round != Default::default() {
            tracing::info!(
                sent = round.sent,
                failed_attempts = round.failed_attempts,
                "e-mail"
            );
        }
    }
    entity::idempotency_key::Entity::delete_many()
        .filter(
            entity::idempotency_key::Column::CreatedAt
                .lt(now - Duration::hours(crate::http::idempotency::TTL_HOURS)),
        )
        .exec(&state.db)
        .await?;
    Ok(())
}
