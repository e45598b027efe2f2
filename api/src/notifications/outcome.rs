//! The messages the process sends, each to the right person in the right words: the
//! applicant ("your application"), the library's responsible person ("your library's
//! application, candidate ..."), the committee, the participant, the host (in English).

use super::mail::{self, Attachment, Lang, Mail, Recipient, greeting, signature};
use crate::http::ApiResult;
use entity::{application, call, mobility};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// Where an application stands after the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Selected {
        rank: u32,
    },
    Reserve {
        place: i32,
    },
    Rejected {
        rank: u32,
    },
    /// Promoted from the reserve list into a freed place.
    Promoted,
}

impl Outcome {
    pub fn kind(self) -> &'static str {
        match self {
            Outcome::Selected { .. } => "selection.selected",
            Outcome::Reserve { .. } => "selection.reserve",
            Outcome::Rejected { .. } => "selection.rejected",
            Outcome::Promoted => "selection.promoted",
        }
    }
}

/// The selection outcome, to the applicant and to their library. Always sent.
pub async fn notify_outcome(
    db: &impl ConnectionTrait,
    app: &application::Model,
    mob: &mobility::Model,
    outcome: Outcome,
    request_id: Option<String>,
) -> ApiResult<()> {
    let subject = format!("Izbor udeležencev: {} ({})", mob.title, mob.code);
    let what = match outcome {
        Outcome::Selected { rank } => format!(
            "je bila izbrana za mobilnost {} (uvrstitev: {rank}).",
            mob.title
        ),
        Outcome::Reserve { place } => format!(
            "je na rezervnem seznamu za mobilnost {} kot {place}. rezerva; če se sprosti mesto, vas obvestimo.",
            mob.title
        ),
        Outcome::Rejected { rank } => format!(
            "za mobilnost {} žal ni bila izbrana (uvrstitev: {rank}).",
            mob.title
        ),
        Outcome::Promoted => format!(
            "je bila z rezervnega seznama izbrana za sproščeno mesto na mobilnosti {}.",
            mob.title
        ),
    };
    let applicant = mail::person(db, &app.applicant_email).await?;
    let to_applicant = format!(
        "{}\n\nvaša prijava {what}{}",
        greeting(Lang::Sl, Some(&app.applicant_full_name)),
        signature(Lang::Sl)
    );
    let to_library = format!(
        "{}\n\nprijava vaše knjižnice (kandidat: {}) {what}{}",
        greeting(Lang::Sl, None),
        app.applicant_full_name,
        signature(Lang::Sl)
    );
    let base = |body: String| Mail {
        kind: outcome.kind(),
        subject: subject.clone(),
        body,
        object_type: "application",
        object_id: app.id,
        mandatory: true,
        once: None,
        attachment: None,
        request_id: request_id.clone(),
    };
    mail::send(db, &applicant, base(to_applicant)).await?;
    for r in mail::library(db, app.library_id).await? {
        if r.email.eq_ignore_ascii_case(&app.applicant_email) {
            continue;
        }
        mail::send(db, &r, base(to_library.clone())).await?;
    }
    Ok(())
}

/// An application was submitted: a confirmation to the applicant and the library.
pub async fn application_received(
    db: &impl ConnectionTrait,
    app: &application::Model,
    mob: &mobility::Model,
    request_id: Option<String>,
) -> ApiResult<()> {
    let subject = format!("Prijava oddana: {} ({})", mob.title, mob.code);
    let applicant = mail::person(db, &app.applicant_email).await?;
    let mail = |body: String| Mail {
        kind: "application.received",
        subject: subject.clone(),
        body,
        object_type: "application",
        object_id: app.id,
        mandatory: true,
        once: None,
        attachment: None,
        request_id: request_id.clone(),
    };
    mail::send(
        db,
        &applicant,
        mail(format!(
            "{}\n\nvaša prijava na mobilnost {} je bila oddana in jo bomo obravnavali po roku poziva.{}",
            greeting(Lang::Sl, Some(&app.applicant_full_name)),
            mob.title,
            signature(Lang::Sl)
        )),
    )
    .await?;
    for r in mail::library(db, app.library_id).await? {
        if r.email.eq_ignore_ascii_case(&app.applicant_email) {
            continue;
        }
        mail::send(
            db,
            &r,
            mail(format!(
                "{}\n\nprijava vaše knjižnice (kandidat: {}) na mobilnost {} je bila oddana.{}",
                greeting(Lang::Sl, None),
                app.applicant_full_name,
                mob.title,
                signature(Lang::Sl)
            )),
        )
        .await?;
    }
    Ok(())
}

/// The call closed: each committee member is asked to score. Always sent.
pub async fn committee_scoring(
    db: &impl ConnectionTrait,
    c: &call::Model,
    members: &[entity::user::Model],
    request_id: Option<String>,
) -> ApiResult<()> {
    let due = c
        .selection_due
        .map(|d| format!(" do {}", d.format("%-d. %-m. %Y")))
        .unwrap_or_default();
    for m in members {
        let r = Recipient {
            email: m.email.clone(),
            user_id: Some(m.id),
            lang: Lang::Sl,
        };
        mail::send(
            db,
            &r,
            Mail {
                kind: "committee.scoring_open",
                subject: format!("Ocenjevanje prijav: {}", c.title),
                body: format!(
                    "{}\n\npoziv {} je zaprt. Kot član komisije prosimo, ocenite oddane prijave{due}.{}",
                    greeting(Lang::Sl, Some(&m.full_name)),
                    c.title,
                    signature(Lang::Sl)
                ),
                object_type: "call",
                object_id: c.id,
                mandatory: true,
                once: Some(format!("committee-scoring:{}", c.id)),
                attachment: None,
                request_id: request_id.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

/// A grant or learning agreement is ready to sign: to the participant, and for a learning
/// agreement to the host (in English). Always sent.
pub async fn agreement_ready(
    db: &impl ConnectionTrait,
    agreement: &entity::agreement::Model,
    participant: &entity::participant::Model,
    mob: &mobility::Model,
    request_id: Option<String>,
) -> ApiResult<()> {
    use entity::enums::AgreementKind;
    let (sl, en) = match agreement.kind {
        AgreementKind::Grant => ("sporazum o dodelitvi sredstev", None),
        AgreementKind::Learning => ("učni sporazum", Some("learning agreement")),
        AgreementKind::Europass => return Ok(()),
    };
    let mail = |subject: String, body: String| Mail {
        kind: "agreement.ready",
        subject,
        body,
        object_type: "agreement",
        object_id: agreement.id,
        mandatory: true,
        once: None,
        attachment: None,
        request_id: request_id.clone(),
    };
    let p = mail::person(db, &participant.email).await?;
    mail::send(
        db,
        &p,
        mail(
            format!("Za podpis: {sl} ({})", mob.title),
            format!(
                "{}\n\n{sl} za mobilnost {} (različica {}) je pripravljen za podpis. Najdete ga v aplikaciji med svojimi sporazumi.{}",
                greeting(Lang::Sl, Some(&participant.full_name)),
                mob.title,
                agreement.version,
                signature(Lang::Sl)
            ),
        ),
    )
    .await?;
    if let Some(en) = en {
        for r in mail::host(db, mob.host_organisation_id).await? {
            mail::send(
                db,
                &r,
                mail(
                    format!("For signature: {en} ({})", mob.title_en.as_deref().unwrap_or(&mob.title)),
                    format!(
                        "{}\n\nthe {en} for {} ({}, {}) is ready for your signature (version {}).{}",
                        greeting(Lang::En, None),
                        participant.full_name,
                        mob.city,
                        mob.country,
                        agreement.version,
                        signature(Lang::En)
                    ),
                ),
            )
            .await?;
        }
    }
    Ok(())
}

/// A meeting scheduled or moved: an invitation with its `.ics` to the mobility's active
/// participants, and for a meeting with the host to the host (in English). Internal meetings
/// invite nobody.
pub async fn meeting_invitation(
    db: &impl ConnectionTrait,
    m: &entity::meeting::Model,
    mob: &mobility::Model,
    participants: &[entity::participant::Model],
    moved: bool,
    request_id: Option<String>,
) -> ApiResult<()> {
    use entity::enums::MeetingKind;
    if m.kind == MeetingKind::Internal {
        return Ok(());
    }
    let mut cal = crate::preparation::ics::Calendar::new(&m.title);
    cal.meeting(m);
    let ics = Attachment {
        name: "srecanje.ics".into(),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        content: cal.finish(),
    };
    let when = m
        .starts_at
        .with_timezone(&chrono_tz::Europe::Ljubljana)
        .format("%-d. %-m. %Y ob %H:%M");
    let link = m.online_link.clone().unwrap_or_default();
    let (kind, verb) = if moved {
        ("meeting.moved", "je prestavljeno na")
    } else {
        ("meeting.invitation", "bo")
    };
    for p in participants {
        let r = mail::person(db, &p.email).await?;
        mail::send(
            db,
            &r,
            Mail {
                kind,
                subject: format!("Srečanje: {} ({})", m.title, mob.title),
                body: format!(
                    "{}\n\nsrečanje »{}« {verb} {when} ({} min). {link}\nV priponki je dogodek za vaš koledar.{}",
                    greeting(Lang::Sl, Some(&p.full_name)),
                    m.title,
                    m.duration_minutes,
                    signature(Lang::Sl)
                ),
                object_type: "meeting",
                object_id: m.id,
                mandatory: true,
                once: None,
                attachment: Some(Attachment {
                    name: ics.name.clone(),
                    content_type: ics.content_type.clone(),
                    content: ics.content.clone(),
                }),
                request_id: request_id.clone(),
            },
        )
        .await?;
    }
    if m.kind == MeetingKind::HostPreparation {
        let when = m.starts_at.format("%-d %B %Y, %H:%M UTC");
        for r in mail::host(db, mob.host_organisation_id).await? {
            mail::send(
                db,
                &r,
                Mail {
                    kind,
                    subject: format!("Meeting: {}", m.title),
                    body: format!(
                        "{}\n\nthe preparation meeting \"{}\" with our participants {} {when} ({} min). {link}\nThe attached file adds it to your calendar.{}",
                        greeting(Lang::En, None),
                        m.title,
                        if moved { "has moved to" } else { "is on" },
                        m.duration_minutes,
                        signature(Lang::En)
                    ),
                    object_type: "meeting",
                    object_id: m.id,
                    mandatory: true,
                    once: None,
                    attachment: Some(Attachment {
                        name: "meeting.ics".into(),
                        content_type: ics.content_type.clone(),
                        content: ics.content.clone(),
                    }),
                    request_id: request_id.clone(),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Reminder: an application still misses a signature, three days (or fewer) before the
/// deadline. Once per application and recipient; to the library's responsible person.
pub async fn signature_missing(
    db: &impl ConnectionTrait,
    app: &application::Model,
    mob: &mobility::Model,
    deadline: chrono::NaiveDate,
    missing: &[&str],
) -> ApiResult<usize> {
    let mut n = 0;
    for r in mail::library(db, app.library_id).await? {
        let queued = mail::send(
            db,
            &r,
            Mail {
                kind: "reminder.signature_missing",
                subject: format!("Opomnik: prijavi manjka podpis ({})", mob.title),
                body: format!(
                    "{}\n\nprijavi vaše knjižnice (kandidat: {}) na mobilnost {} manjka podpis: {}. Rok za oddajo je {}.{}",
                    greeting(Lang::Sl, None),
                    app.applicant_full_name,
                    mob.title,
                    missing.join(", "),
                    deadline.format("%-d. %-m. %Y"),
                    signature(Lang::Sl)
                ),
                object_type: "application",
                object_id: app.id,
                mandatory: false,
                once: Some(format!("signature-missing:{}", app.id)),
                attachment: None,
                request_id: None,
            },
        )
        .await?;
        n += usize::from(queued);
    }
    Ok(n)
}

/// Reminder: an obligation is due within seven days, or overdue. Once per participant,
/// obligation and stage; to the participant.
pub async fn obligation_reminder(
    db: &impl ConnectionTrait,
    p: &entity::participant::Model,
    title: &str,
    key: &str,
    due: chrono::NaiveDate,
    overdue: bool,
    object_id: Uuid,
) -> ApiResult<bool> {
    let r = mail::person(db, &p.email).await?;
    let (kind, subject, line) = if overdue {
        (
            "reminder.obligation_overdue",
            format!("Zamujena obveznost: {title}"),
            format!(
                "rok za obveznost »{title}« je potekel {}. Prosimo, uredite jo čim prej.",
                due.format("%-d. %-m. %Y")
            ),
        )
    } else {
        (
            "reminder.obligation_due",
            format!("Opomnik: {title}"),
            format!(
                "rok za obveznost »{title}« je {}.",
                due.format("%-d. %-m. %Y")
            ),
        )
    };
    mail::send(
        db,
        &r,
        Mail {
            kind,
            subject,
            body: format!(
                "{}\n\n{line}{}",
                greeting(Lang::Sl, Some(&p.full_name)),
                signature(Lang::Sl)
            ),
            object_type: "participant",
            object_id,
            mandatory: false,
            once: Some(format!("{kind}:{}:{key}", p.id)),
            attachment: None,
            request_id: None,
        },
    )
    .await
}
