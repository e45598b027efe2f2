//! Background work the service does by itself, every `jobs_interval_seconds`: forget events
//! and finished webhook deliveries past the event retention, the text of e-mail sent longer ago
//! than the mail retention, and idempotency keys past 24 hours, queue and send webhook deliveries,
//! queue reminders and send the outbox by SMTP. Each step is safe to run on
//! several instances at once and after any restart: it works only from what the database
//! holds.

use crate::config::Settings;
use crate::http::ApiResult;
use crate::state::AppState;
use actix_web::web;
use chrono::{Duration, Utc};
use entity::{notification, webhook_delivery};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

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
    let logs = prune_logs(&state.db, &state.settings, now).await?;
    if logs != Default::default() {
        tracing::info!(
            ?logs,
            "removed delivery logs and e-mail text past their retention"
        );
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

/// What one round of log retention removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Delivered or failed webhook deliveries older than the event retention.
    pub webhook_deliveries: u64,
    /// Sent (or given-up) e-mail older than the mail retention whose subject, text and
    /// attachment went.
    pub mail_texts: u64,
}

/// What stands in for the text of an e-mail past its retention.
pub const MAIL_TEXT_REMOVED: &str = "[removed after the retention period]";

/// Forget finished webhook deliveries (their payloads included) past the event retention, and
/// the text of sent or given-up e-mail past the mail retention (counted from when it was
/// queued). A sent e-mail's row stays, so that a
/// reminder is still queued only once and the outbox still shows that it went.
pub async fn prune_logs(
    db: &sea_orm::DatabaseConnection,
    settings: &Settings,
    now: chrono::DateTime<Utc>,
) -> ApiResult<Pruned> {
    let deliveries = webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.is_in(["delivered", "failed"]))
        .filter(
            webhook_delivery::Column::CreatedAt
                .lt(now - Duration::days(settings.event_retention_days)),
        )
        .exec(db)
        .await?;
    let mails = notification::Entity::update_many()
        .col_expr(
            notification::Column::Subject,
            Expr::value(MAIL_TEXT_REMOVED),
        )
        .col_expr(notification::Column::Body, Expr::value(MAIL_TEXT_REMOVED))
        .col_expr(
            notification::Column::Attachment,
            Expr::value(Option::<String>::None),
        )
        .filter(notification::Column::Status.ne(entity::enums::NotificationStatus::Queued))
        .filter(
            notification::Column::CreatedAt.lt(now - Duration::days(settings.mail_retention_days)),
        )
        .filter(
            Condition::any()
                .add(notification::Column::Body.ne(MAIL_TEXT_REMOVED))
                .add(notification::Column::Attachment.is_not_null()),
        )
        .exec(db)
        .await?;
    Ok(Pruned {
        webhook_deliveries: deliveries.rows_affected,
        mail_texts: mails.rows_affected,
    })
}
