//! E-mail really sent: the outbox over SMTP to a server the test starts, in each recipient's
//! words and language, retried, and reminders queued once.

use super::applications::{body, create, fixture, sign_both};
use super::selection::{finalise, score, set_committee, set_places, submitted};
use mail_parser::MessageParser;
use mobility_api::notifications::{reminders, smtp};
use mobility_tests::*;
use serde_json::{Value, json};

const FROM: &str = "Erasmus+ ZSK <mobilnost@zsk.example>";

async fn mail_app(server: &SmtpServer) -> TestApp {
    let url = server.url.clone();
    spawn_app_with(move |s| {
        s.smtp_url = Some(url.into());
        s.mail_from = FROM.into();
        // The tests send the outbox themselves.
        s.jobs_interval_seconds = 3600;
    })
    .await
}

async fn send(
    app: &TestApp,
    server: &SmtpServer,
    at: chrono::DateTime<chrono::Utc>,
) -> smtp::Round {
    smtp::send_due(&app.db().await, &server.url, FROM, at)
        .await
        .unwrap()
}

/// The received messages for `to`, parsed: (subject, text body, the raw message).
fn to(server: &SmtpServer, to: &str) -> Vec<(String, String, String)> {
    server
        .received()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
        .map(|m| {
            let parsed = MessageParser::default().parse(m.data.as_bytes()).unwrap();
            (
                parsed.subject().unwrap_or_default().to_string(),
                parsed.body_text(0).unwrap_or_default().to_string(),
                m.data.clone(),
            )
        })
        .collect()
}

async fn emails_of_library(app: &TestApp, library_id: &str) -> Vec<String> {
    let admin = app.admin_token().await;
    let users: Value = app
        .get(
            &format!("/api/v1/users?organisation_id={library_id}"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    users["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_selection_outcome_reaches_each_person_in_their_own_words() {
    let server = SmtpServer::start().await;
    let app = mail_app(&server).await;
    let f = fixture(&app).await;
    set_places(&app, &f, 1, 1).await;
    let apps = submitted(&app, &f, &[false, false, false]).await;
    let member = app.user("committee", None).await;
    set_committee(&app, &f, &[&member]).await;
    app.set_time("2025-11-10T08:00:00Z");
    for (i, s) in apps.iter().enumerate() {
        assert_eq!(
            score(&app, &member, &s.id, 10 - i as i32, 5, 5, 3)
                .await
                .status(),
            201
        );
    }
    assert_eq!(finalise(&app, &f).await.status(), 200);
    let round = send(&app, &server, chrono::Utc::now()).await;
    assert_eq!(round.failed_attempts, 0);
    let all = server.received();
    assert!(
        all.iter().all(|m| m.to.len() == 1),
        "one message per recipient"
    );
    assert!(all.iter().all(|m| m.from == "mobilnost@zsk.example"));

    let mut applicant_emails = Vec::new();
    for s in &apps {
        let a: Value = app
            .get(
                &format!("/api/v1/applications/{}", s.id),
                Some(&f.coordinator.token),
            )
            .await
            .json()
            .await
            .unwrap();
        applicant_emails.push(a["applicant"]["email"].as_str().unwrap().to_string());
    }
    for (i, (mine, library_words)) in [
        ("vaša prijava je bila izbrana", "je bila izbrana"),
        ("vaša prijava je na rezervnem seznamu", "kot 1. rezerva"),
        ("vaša prijava za mobilnost", "žal ni bila izbrana"),
    ]
    .iter()
    .enumerate()
    {
        let email = applicant_emails[i].clone();
        let got = to(&server, &email);
        let outcome: Vec<_> = got
            .iter()
            .filter(|(s, _, _)| s.starts_with("Izbor udeležencev"))
            .collect();
        assert_eq!(outcome.len(), 1, "{email}: {got:?}");
        assert!(outcome[0].1.contains(mine), "{}", outcome[0].1);
        assert!(outcome[0].1.contains(&format!("Kandidat {i:02}")));
        // The submission was confirmed too.
        assert!(
            got.iter()
                .any(|(s, b, _)| s.starts_with("Prijava oddana") && b.contains("vaša prijava"))
        );
        // The library reads about its candidate, not about "your application".
        for lib in emails_of_library(&app, &apps[i].library_id).await {
            let got = to(&server, &lib);
            let outcome: Vec<_> = got
                .iter()
                .filter(|(s, _, _)| s.starts_with("Izbor udeležencev"))
                .collect();
            assert_eq!(outcome.len(), 1, "{lib}");
            let text = &outcome[0].1;
            assert!(
                text.contains(&format!(
                    "prijava vaše knjižnice (kandidat: Kandidat {i:02})"
                )),
                "{text}"
            );
            assert!(text.contains(library_words), "{text}");
            assert!(!text.contains("vaša prijava"), "{text}");
        }
    }
    // Each message has a Message-ID, kept in the outbox, which shows it sent.
    let outbox: Value = app
        .get(
            "/api/v1/notifications/outbox?per_page=100",
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = outbox["items"].as_array().unwrap();
    assert_eq!(items.len(), all.len());
    for n in items {
        assert_eq!(n["status"], "sent");
        assert_eq!(n["language"], "sl");
        let id = n["message_id"].as_str().unwrap();
        assert!(id.ends_with("@zsk.example>"), "{id}");
        assert!(
            all.iter()
                .any(|m| m.data.contains(&format!("Message-ID: {id}"))),
            "{id}"
        );
    }
    // Nothing is sent twice.
    send(
        &app,
        &server,
        chrono::Utc::now() + chrono::Duration::days(1),
    )
    .await;
    assert_eq!(server.received().len(), all.len());
}

#[tokio::test]
async fn a_refused_message_is_retried_and_reminders_go_out_once_to_who_wants_them() {
    let server = SmtpServer::start().await;
    let app = mail_app(&server).await;
    let f = fixture(&app).await;
    // A second responsible person of the library, who switches reminders off.
    let quiet = app.user("library", Some(&f.library_id)).await;
    let me: Value = app
        .get(&format!("/api/v1/users/{}", quiet.id), Some(&quiet.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["reminders"], true);
    let res = app
        .patch(
            &format!("/api/v1/users/{}", quiet.id),
            Some(&quiet.token),
            &json!({"reminders": false}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["reminders"], false);

    // A draft without signatures, four days before the deadline (7 November 2025): no reminder.
    let draft: Value = create(
        &app,
        &f,
        &f.library.token,
        &body(&f.mobility_ids[0], "maja@knjiznica.example"),
    )
    .await
    .json()
    .await
    .unwrap();
    let db = app.db().await;
    app.set_time("2025-11-03T10:00:00Z");
    let q = reminders::run(&db, app.clock.as_ref()).await.unwrap();
    assert_eq!(q.signature_missing, 0);
    // Three days before: one reminder, to the one who wants reminders, however often it runs.
    // (Two runs at once, as two instances would: still one.)
    app.set_time("2025-11-04T07:00:00Z");
    let other = app.db().await;
    let (a, b) = tokio::join!(
        reminders::run(&db, app.clock.as_ref()),
        reminders::run(&other, app.clock.as_ref())
    );
    assert_eq!(
        a.unwrap().signature_missing + b.unwrap().signature_missing,
        1
    );
    assert_eq!(
        reminders::run(&db, app.clock.as_ref())
            .await
            .unwrap()
            .signature_missing,
        0
    );
    let outbox: Value = app
        .get(
            "/api/v1/notifications/outbox?kind=reminder.signature_missing",
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = outbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["recipient_email"], f.library.email.as_str());
    assert_eq!(items[0]["mandatory"], false);
    assert_eq!(items[0]["object_id"], draft["id"]);

    // The server refuses the first attempt for a while: queued again, then sent.
    server.refuse_next(1);
    let t0 = chrono::Utc::now();
    let round = send(&app, &server, t0).await;
    assert_eq!((round.sent, round.failed_attempts), (0, 1));
    let outbox: Value = app
        .get("/api/v1/notifications/outbox", Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    let n = &outbox["items"][0];
    assert_eq!(n["status"], "queued");
    assert_eq!(n["attempts"], 1);
    assert!(n["last_error"].as_str().unwrap().contains("451"), "{n}");
    assert_eq!(
        send(&app, &server, t0 + chrono::Duration::seconds(1))
            .await
            .sent,
        0,
        "not before its time"
    );
    let round = send(
        &app,
        &server,
        t0 + chrono::Duration::seconds(smtp::BACKOFF_SECONDS[0] + 1),
    )
    .await;
    assert_eq!(round.sent, 1);
    let got = to(&server, &f.library.email);
    assert_eq!(got.len(), 1);
    assert!(got[0].1.contains("manjka podpis"), "{}", got[0].1);
    assert!(got[0].1.contains("kandidat"));

    // What a person must receive goes to both, reminders or not: the submission's confirmation.
    sign_both(&app, &f.library.token, draft["id"].as_str().unwrap()).await;
    let res = app
        .req(
            reqwest::Method::POST,
            &format!(
                "/api/v1/applications/{}/submit",
                draft["id"].as_str().unwrap()
            ),
            Some(&f.library.token),
        )
        .header("X-Request-Id", "cobiss-sync-4711")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    send(&app, &server, chrono::Utc::now()).await;
    // The change's request id travels in the message's headers.
    assert!(
        to(&server, &quiet.email)[0]
            .2
            .contains("X-Request-Id: cobiss-sync-4711")
    );
    assert_eq!(
        to(&server, &quiet.email).len(),
        1,
        "the confirmation reaches the user without reminders"
    );
    assert!(to(&server, &quiet.email)[0].0.starts_with("Prijava oddana"));
}

#[tokio::test]
async fn a_refused_message_ends_failed_after_its_retries() {
    let server = SmtpServer::start().await;
    let app = mail_app(&server).await;
    let f = fixture(&app).await;
    let a: Value = create(
        &app,
        &f,
        &f.library.token,
        &body(&f.mobility_ids[0], "maja@knjiznica.example"),
    )
    .await
    .json()
    .await
    .unwrap();
    sign_both(&app, &f.library.token, a["id"].as_str().unwrap()).await;
    assert_eq!(
        app.post(
            &format!("/api/v1/applications/{}/submit", a["id"].as_str().unwrap()),
            Some(&f.library.token),
            &json!({})
        )
        .await
        .status(),
        200
    );
    server.refuse_next(1000);
    let mut t = chrono::Utc::now();
    send(&app, &server, t).await;
    for wait in smtp::BACKOFF_SECONDS {
        t += chrono::Duration::seconds(*wait + 1);
        send(&app, &server, t).await;
    }
    let outbox: Value = app
        .get("/api/v1/notifications/outbox", Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    for n in outbox["items"].as_array().unwrap() {
        assert_eq!(n["status"], "failed", "{n}");
        assert_eq!(n["attempts"], smtp::BACKOFF_SECONDS.len() as i64 + 1);
    }
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_meeting_invitation_carries_its_calendar_event_and_the_host_reads_english() {
    use super::selection::selected_with;
    let server = SmtpServer::start().await;
    let app = mail_app(&server).await;
    let f = fixture(&app).await;
    let (_pids, apps) = selected_with(&app, &f, &[false]).await;
    let mobility: Value = app
        .get(&format!("/api/v1/mobilities/{}", f.mobility_ids[0]), None)
        .await
        .json()
        .await
        .unwrap();
    let host_org = mobility["host_organisation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let _host = app.user("host", Some(&host_org)).await;
    let res = app
        .post(
            &format!("/api/v1/mobilities/{}/meetings", f.mobility_ids[0]),
            Some(&f.coordinator.token),
            &json!({"kind": "host_preparation", "title": "Spoznavno srečanje", "starts_at": "2026-02-25T09:00:00Z", "duration_minutes": 60, "online_link": "https://zoom.example/j/1"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let meeting: Value = res.json().await.unwrap();
    send(&app, &server, chrono::Utc::now()).await;
    let mails = server.received();
    let invitations: Vec<_> = mails
        .iter()
        .map(|m| MessageParser::default().parse(m.data.as_bytes()).unwrap())
        .filter(|p| {
            let s = p.subject().unwrap_or_default();
            s.starts_with("Srečanje") || s.starts_with("Meeting")
        })
        .collect();
    let participant_email: Value = app
        .get(
            &format!("/api/v1/applications/{}", apps[0].id),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let participant_email = participant_email["applicant"]["email"]
        .as_str()
        .unwrap()
        .to_string();
    let sl: Vec<_> = invitations
        .iter()
        .filter(|p| p.subject().unwrap().starts_with("Srečanje"))
        .collect();
    let en: Vec<_> = invitations
        .iter()
        .filter(|p| p.subject().unwrap().starts_with("Meeting"))
        .collect();
    assert_eq!(sl.len(), 1, "the participant");
    assert!(!en.is_empty(), "the host");
    assert!(
        sl[0]
            .to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .eq_ignore_ascii_case(&participant_email)
    );
    assert!(
        sl[0]
            .body_text(0)
            .unwrap()
            .contains("srečanje »Spoznavno srečanje«")
    );
    assert!(en[0].body_text(0).unwrap().contains("Dear colleagues"));
    for p in sl.iter().chain(en.iter()) {
        let ics = p.attachments().next().expect("an .ics attachment");
        let text = String::from_utf8(ics.contents().to_vec()).unwrap();
        assert!(
            text.contains(&format!("UID:meeting-{}@", meeting["id"].as_str().unwrap())),
            "{text}"
        );
        assert!(text.contains("BEGIN:VCALENDAR"));
    }
    // Moved: a new invitation with the next SEQUENCE.
    let res = app
        .patch(
            &format!("/api/v1/meetings/{}", meeting["id"].as_str().unwrap()),
            Some(&f.coordinator.token),
            &json!({"starts_at": "2026-02-26T09:00:00Z"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    send(&app, &server, chrono::Utc::now()).await;
    let moved: Vec<_> = server.received()[mails.len()..]
        .iter()
        .map(|m| {
            MessageParser::default()
                .parse(m.data.as_bytes())
                .unwrap()
                .attachments()
                .next()
                .map(|a| String::from_utf8(a.contents().to_vec()).unwrap())
                .unwrap_or_default()
        })
        .collect();
    assert!(!moved.is_empty());
    assert!(
        moved.iter().all(|ics| ics.contains("SEQUENCE:1")),
        "{moved:?}"
    );
}

#[tokio::test]
async fn the_committee_is_asked_to_score_and_agreements_are_announced_for_signature() {
    use super::selection::selected_with;
    let server = SmtpServer::start().await;
    let app = mail_app(&server).await;
    let f = fixture(&app).await;
    let (pids, apps) = selected_with(&app, &f, &[false]).await;
    // The call is closed: each committee member gets one request to score.
    let committee: Value = app
        .get(
            &format!("/api/v1/calls/{}/committee", f.call_id),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/calls/{}/close", f.call_id),
            Some(&f.coordinator.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Learning agreement: the participant (Slovenian) and the host (English).
    let mobility: Value = app
        .get(&format!("/api/v1/mobilities/{}", f.mobility_ids[0]), None)
        .await
        .json()
        .await
        .unwrap();
    let host_org = mobility["host_organisation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let _host = app.user("host", Some(&host_org)).await;
    let res = app
        .post(
            &format!("/api/v1/participants/{}/agreements", pids[0]),
            Some(&f.coordinator.token),
            &json!({"kind": "learning"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    send(&app, &server, chrono::Utc::now()).await;
    let parsed: Vec<_> = server
        .received()
        .iter()
        .map(|m| {
            (
                m.to[0].clone(),
                MessageParser::default().parse(m.data.as_bytes()).unwrap(),
            )
        })
        .map(|(to, p)| {
            (
                to,
                p.subject().unwrap_or_default().to_string(),
                p.body_text(0).unwrap_or_default().to_string(),
            )
        })
        .collect();
    let scoring: Vec<_> = parsed
        .iter()
        .filter(|(_, s, _)| s.starts_with("Ocenjevanje prijav"))
        .collect();
    assert_eq!(scoring.len(), 1, "{parsed:?}");
    assert!(committee.to_string().contains(&scoring[0].0), "{committee}");
    assert!(scoring[0].2.contains("Kot član komisije"));
    let a: Value = app
        .get(
            &format!("/api/v1/applications/{}", apps[0].id),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let participant = a["applicant"]["email"].as_str().unwrap();
    let sl: Vec<_> = parsed
        .iter()
        .filter(|(_, s, _)| s.starts_with("Za podpis: učni sporazum"))
        .collect();
    assert_eq!(sl.len(), 1);
    assert!(sl[0].0.eq_ignore_ascii_case(participant));
    let en: Vec<_> = parsed
        .iter()
        .filter(|(_, s, _)| s.starts_with("For signature: learning agreement"))
        .collect();
    assert!(!en.is_empty(), "{parsed:?}");
    assert!(en[0].2.contains("is ready for your signature"));
}
