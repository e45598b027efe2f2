//! Sending the outbox by SMTP (lettre) when `MOBILITY_SMTP_URL` is set: one message per
//! recipient, with a `Message-ID` and the `X-Request-Id` of the change that caused it,
//! retried after 1 min, 5 min, 30 min, 2 h and 6 h on a temporary failure, then `failed`
//! (at once on a permanent one). An attempt is claimed with a conditional update, so two
//! instances never send the same attempt.

use chrono::{DateTime, Duration, Utc};
use entity::enums::NotificationStatus;
use entity::notification;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// Waits after the 1st, 2nd, ... failed attempt; then `failed`.
pub const BACKOFF_SECONDS: &[i64] = &[60, 300, 1800, 7200, 21600];

const LEASE_SECONDS: i64 = 300;
const BATCH: u64 = 50;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed_attempts: usize,
}

/// Send what is due at `now` through `smtp_url` (`smtp://host:port`, `smtps://user:pass@host`,
/// `smtp://host?tls=required`, as lettre reads it), from `from`.
pub async fn send_due(
    db: &DatabaseConnection,
    smtp_url: &str,
    from: &str,
    now: DateTime<Utc>,
) -> crate::http::ApiResult<Round> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
        .map_err(|e| crate::http::ApiError::internal(format!("MOBILITY_SMTP_URL: {e}")))?
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    let from: Mailbox = from
        .parse()
        .map_err(|e| crate::http::ApiError::internal(format!("MOBILITY_MAIL_FROM: {e}")))?;
    let due = notification::Entity::find()
        .filter(notification::Column::Status.eq(NotificationStatus::Queued))
        .filter(
            Condition::any()
                .add(notification::Column::NextAttemptAt.is_null())
                .add(notification::Column::NextAttemptAt.lte(now)),
        )
        .order_by_asc(notification::Column::CreatedAt)
        .order_by_asc(notification::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut round = Round::default();
    for n in due {
        let claimed = notification::Entity::update_many()
            .col_expr(notification::Column::Attempts, Expr::value(n.attempts + 1))
            .col_expr(
                notification::Column::NextAttemptAt,
                Expr::value(now + Duration::seconds(LEASE_SECONDS)),
            )
            .filter(notification::Column::Id.eq(n.id))
            .filter(notification::Column::Status.eq(NotificationStatus::Queued))
            .filter(notification::Column::Attempts.eq(n.attempts))
            .exec(db)
            .await?
            .rows_affected;
        if claimed == 0 {
            continue;
        }
        let attempts = n.attempts + 1;
        let domain = from.email.domain().to_string();
        let message_id = format!("<{}@{}>", n.id, domain);
        let outcome = match build(&n, &from, &message_id) {
            Ok(m) => transport.send(m).await.map(|_| ()).map_err(|e| {
                let permanent = e.is_permanent();
                (e.to_string(), permanent)
            }),
            Err(e) => Err((e, true)),
        };
        let mut am: notification::ActiveModel = n.into();
        am.attempts = Set(attempts);
        match outcome {
            Ok(()) => {
                am.status = Set(NotificationStatus::Sent);
                am.sent_at = Set(Some(Utc::now()));
                am.message_id = Set(Some(message_id));
                am.next_attempt_at = Set(None);
                am.last_error = Set(None);
                round.sent += 1;
            }
            Err((error, permanent)) => {
                am.last_error = Set(Some(crate::http::error::clip(&error, 480)));
                match BACKOFF_SECONDS.get(attempts as usize - 1) {
                    Some(wait) if !permanent => {
                        am.next_attempt_at = Set(Some(now + Duration::seconds(*wait)))
                    }
                    _ => {
                        am.status = Set(NotificationStatus::Failed);
                        am.next_attempt_at = Set(None);
                    }
                }
                round.failed_attempts += 1;
            }
        }
        notification::Entity::update(am).exec(db).await?;
    }
    Ok(round)
}

/// The message as sent: plain text in UTF-8, and its attachment if it has one.
fn build(
    n: &notification::Model,
    from: &Mailbox,
    message_id: &str,
) -> Result<lettre::Message, String> {
    let to: Mailbox = n
        .recipient_email
        .parse()
        .map_err(|e| format!("recipient {}: {e}", n.recipient_email))?;
    let mut b = lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(n.subject.clone())
        .message_id(Some(message_id.to_string()));
    if let Some(rid) = &n.request_id {
        b = b.header(RequestId(rid.clone()));
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(n.body.clone());
    let built = match (&n.attachment, &n.attachment_name) {
        (Some(content), Some(name)) => {
            let ct = n
                .attachment_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            let ct = ContentType::parse(ct).map_err(|e| e.to_string())?;
            b.multipart(
                MultiPart::mixed()
                    .singlepart(text)
                    .singlepart(Attachment::new(name.clone()).body(content.clone(), ct)),
            )
        }
        _ => b.singlepart(text),
    };
    built.map_err(|e| e.to_string())
}

/// `X-Request-Id`: the request that caused the message.
#[derive(Debug, Clone)]
struct RequestId(String);

impl lettre::message::header::Header for RequestId {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("X-Request-Id")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(RequestId(s.to_string()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}
