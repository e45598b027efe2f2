//! Webhooks: signed deliveries from a durable queue, retried, logged, redelivered.

use super::applications::{body, create, fixture};
use base64::Engine;
use hmac::{Hmac, Mac};
use mobility_api::webhooks::delivery::{BACKOFF_SECONDS, run};
use mobility_tests::*;
use serde_json::{Value, json};

/// Verify a request as a receiver would (Standard Webhooks), from the secret alone.
fn verify(secret: &str, r: &Received) {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let id = &r.headers["webhook-id"];
    let ts = &r.headers["webhook-timestamp"];
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.{}", r.body).as_bytes());
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    assert_eq!(r.headers["webhook-signature"], expected, "signature");
    let age = chrono::Utc::now().timestamp() - ts.parse::<i64>().unwrap();
    assert!((0..300).contains(&age), "timestamp {ts}");
}

async fn register(app: &TestApp, token: &str, body: &Value) -> Value {
    let res = app.post("/api/v1/webhooks", Some(token), body).await;
    assert_eq!(res.status(), 201, "register webhook");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/webhooks/{}", v["id"].as_str().unwrap())
    );
    v
}

async fn deliveries(app: &TestApp, token: &str, endpoint: &str) -> Vec<Value> {
    let res = app
        .get(
            &format!("/api/v1/webhooks/{endpoint}/deliveries"),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    v["items"].as_array().unwrap().clone()
}

fn settings(s: &mut mobility_api::Settings) {
    // The receiver is on this machine; the tests drive the rounds themselves.
    s.webhook_allow_private_addresses = true;
    s.jobs_interval_seconds = 3600;
}

#[tokio::test]
async fn deliveries_are_signed_retried_after_a_500_and_survive_a_restart() {
    let app = spawn_app_with(settings).await;
    let f = fixture(&app).await;
    let receiver = Receiver::start().await;
    let hook = register(
        &app,
        &f.coordinator.token,
        &json!({"url": receiver.url, "event_types": ["application.created"], "description": "COBISS"}),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let hook_id = hook["id"].as_str().unwrap().to_string();
    assert_eq!(hook["event_types"], json!(["application.created"]));
    // The secret is shown once.
    let again: Value = app
        .get(
            &format!("/api/v1/webhooks/{hook_id}"),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(again.get("secret").is_none());

    let created: Value = create(
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
    receiver.answer(&[500]);
    let t0 = chrono::Utc::now();
    run(&db, true, t0).await.unwrap();
    let first = receiver.requests();
    assert_eq!(first.len(), 1, "one event of the subscribed type");
    verify(&secret, &first[0]);
    let payload: Value = serde_json::from_str(&first[0].body).unwrap();
    assert_eq!(payload["type"], "application.created");
    assert_eq!(payload["data"]["object_id"], created["id"]);
    assert_eq!(
        first[0].headers["webhook-id"],
        payload["data"]["id"].as_str().unwrap()
    );
    assert!(
        !first[0].body.contains("maja@"),
        "no personal data in a delivery"
    );
    let log = deliveries(&app, &f.coordinator.token, &hook_id).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["status"], "pending");
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[0]["response_status"], 500);
    assert_eq!(log[0]["event_type"], "application.created");

    // Not due yet: nothing is sent again.
    run(&db, true, t0 + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(receiver.requests().len(), 1);

    // A new server on the same database takes over the queue.
    let restarted = mobility_api::startup::Application::build(app.settings.clone())
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", restarted.port());
    tokio::spawn(restarted.run_until_stopped());
    let db2 = mobility_api::db::connect(&app.settings).await.unwrap();
    run(
        &db2,
        true,
        t0 + chrono::Duration::seconds(BACKOFF_SECONDS[0] + 1),
    )
    .await
    .unwrap();
    let all = receiver.requests();
    assert_eq!(all.len(), 2, "retried once");
    verify(&secret, &all[1]);
    assert_eq!(all[1].headers["webhook-id"], all[0].headers["webhook-id"]);
    assert_eq!(all[1].body, all[0].body);
    let log: Value = app
        .client
        .get(format!("{address}/api/v1/webhooks/{hook_id}/deliveries"))
        .bearer_auth(&f.coordinator.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let d = &log["items"][0];
    assert_eq!(d["status"], "delivered");
    assert_eq!(d["attempts"], 2);
    assert_eq!(d["response_status"], 200);

    // Redelivered by hand: the same message again.
    let res = app
        .post(
            &format!(
                "/api/v1/webhooks/{hook_id}/deliveries/{}/redeliver",
                d["id"].as_str().unwrap()
            ),
            Some(&f.coordinator.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 202);
    run(&db, true, chrono::Utc::now()).await.unwrap();
    let all = receiver.requests();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].headers["webhook-id"], all[0].headers["webhook-id"]);
    verify(&secret, &all[2]);
    let log = deliveries(&app, &f.coordinator.token, &hook_id).await;
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d["status"] == "delivered"));
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_retried_for_a_day_then_failed() {
    let app = spawn_app_with(settings).await;
    let f = fixture(&app).await;
    let receiver = Receiver::start().await;
    let hook = register(&app, &f.coordinator.token, &json!({"url": receiver.url})).await;
    let hook_id = hook["id"].as_str().unwrap();
    assert_eq!(
        create(
            &app,
            &f,
            &f.library.token,
            &body(&f.mobility_ids[0], "maja@knjiznica.example")
        )
        .await
        .status(),
        201
    );
    receiver.answer(&[503; 20]);
    let db = app.db().await;
    let mut t = chrono::Utc::now();
    run(&db, true, t).await.unwrap();
    for wait in BACKOFF_SECONDS {
        t += chrono::Duration::seconds(*wait);
        run(&db, true, t).await.unwrap();
    }
    assert_eq!(receiver.requests().len(), BACKOFF_SECONDS.len() + 1);
    let total: i64 = BACKOFF_SECONDS.iter().sum();
    assert!(total >= 24 * 3600, "retried for at least a day: {total} s");
    let log = deliveries(&app, &f.coordinator.token, hook_id).await;
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["attempts"], BACKOFF_SECONDS.len() as i64 + 1);
    assert_eq!(log[0]["response_status"], 503);
    assert!(log[0]["next_attempt_at"].is_null());
    // Nothing more is sent.
    run(&db, true, t + chrono::Duration::days(2)).await.unwrap();
    assert_eq!(receiver.requests().len(), BACKOFF_SECONDS.len() + 1);
}

#[tokio::test]
async fn a_library_endpoint_receives_its_own_library_and_owners_manage_their_endpoints() {
    let app = spawn_app_with(settings).await;
    let f = fixture(&app).await;
    let receiver = Receiver::start().await;
    let hook = register(&app, &f.library.token, &json!({"url": receiver.url})).await;
    let hook_id = hook["id"].as_str().unwrap().to_string();
    let other_org = app
        .create_org(
            &format!("Knjižnica {}", uuid::Uuid::now_v7().simple()),
            "member_library",
        )
        .await;
    let other = app.user("library", Some(&other_org)).await;
    assert_eq!(
        create(
            &app,
            &f,
            &other.token,
            &body(&f.mobility_ids[0], "ana@knjiznica.example")
        )
        .await
        .status(),
        201
    );
    let mine: Value = create(
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
    run(&db, true, chrono::Utc::now()).await.unwrap();
    let got = receiver.requests();
    assert_eq!(got.len(), 1, "only its own library's event");
    let payload: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(payload["data"]["object_id"], mine["id"]);

    // Owners and admins manage an endpoint; others do not see it.
    let path = format!("/api/v1/webhooks/{hook_id}");
    assert_problem(
        app.get(&path, Some(&f.coordinator.token)).await,
        404,
        "webhook.not_found",
    )
    .await;
    assert_problem(
        app.get(&path, Some(&other.token)).await,
        404,
        "webhook.not_found",
    )
    .await;
    let admin = app.admin_token().await;
    assert_eq!(app.get(&path, Some(&admin)).await.status(), 200);
    let listed: Value = app
        .get("/api/v1/webhooks", Some(&other.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    let committee = app.user("committee", None).await;
    assert_problem(
        app.post(
            "/api/v1/webhooks",
            Some(&committee.token),
            &json!({"url": receiver.url}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;

    // Paused: nothing sent; changes are audited; removed: gone.
    let res = app
        .patch(
            &path,
            Some(&f.library.token),
            &json!({"active": false, "event_types": ["application.submitted"]}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["active"], false);
    assert_eq!(v["event_types"], json!(["application.submitted"]));
    let p = assert_problem(
        app.patch(
            &path,
            Some(&f.library.token),
            &json!({"event_types": ["application.nope"]}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["event_types[0]"]);
    assert_eq!(
        app.delete(&path, Some(&f.library.token)).await.status(),
        204
    );
    assert_problem(
        app.get(&path, Some(&f.library.token)).await,
        404,
        "webhook.not_found",
    )
    .await;
}

#[tokio::test]
async fn webhooks_to_internal_addresses_are_refused_by_default() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator", None).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "http://10.0.0.7/x",
    ] {
        let p = assert_problem(
            app.post(
                "/api/v1/webhooks",
                Some(&coordinator.token),
                &json!({"url": url}),
            )
            .await,
            422,
            "validation.failed",
        )
        .await;
        assert_eq!(p["errors"][0]["code"], "internal_address", "{url}");
    }
    for url in [
        "ftp://example.org/x",
        "https://user:pw@example.org/x",
        "not a url",
    ] {
        let p = assert_problem(
            app.post(
                "/api/v1/webhooks",
                Some(&coordinator.token),
                &json!({"url": url}),
            )
            .await,
            422,
            "validation.failed",
        )
        .await;
        assert_eq!(problem_fields(&p), vec!["url"], "{url}");
    }
    let ok = app
        .post(
            "/api/v1/webhooks",
            Some(&coordinator.token),
            &json!({"url": "https://hooks.example.org/mobility"}),
        )
        .await;
    assert_eq!(ok.status(), 201);
}

#[tokio::test]
async fn finished_deliveries_and_old_mail_text_go_after_their_retention() {
    let app = spawn_app_with(settings).await;
    let f = fixture(&app).await;
    let receiver = Receiver::start().await;
    let hook = register(&app, &f.coordinator.token, &json!({"url": receiver.url})).await;
    let hook_id = hook["id"].as_str().unwrap();
    let db = app.db().await;
    let t = chrono::Utc::now();
    for (mobility, answer) in [(0, 200), (1, 503)] {
        let email = format!("oseba{mobility}@knjiznica.example");
        let res = create(
            &app,
            &f,
            &f.library.token,
            &body(&f.mobility_ids[mobility], &email),
        )
        .await;
        assert_eq!(res.status(), 201);
        receiver.answer(&[answer]);
        run(&db, true, t).await.unwrap();
    }
    let statuses = |log: Vec<Value>| {
        let mut s: Vec<String> = log
            .iter()
            .map(|d| d["status"].as_str().unwrap().to_string())
            .collect();
        s.sort();
        s
    };
    let log = deliveries(&app, &f.coordinator.token, hook_id).await;
    assert_eq!(statuses(log), ["delivered", "pending"]);

    // Two e-mails: one sent, one still waiting; one reminder-like with a key.
    use entity::notification;
    use mobility_api::notifications::service::{Message, queue};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let message = |to: &'static str, key: Option<&str>| Message {
        recipient_email: to,
        recipient_user_id: None,
        kind: "reminder",
        subject: format!("Opomnik za {to}"),
        body: "Spoštovani, ...".into(),
        object_type: "participant",
        object_id: uuid::Uuid::now_v7(),
        language: "sl",
        mandatory: false,
        dedup_key: key.map(str::to_string),
        request_id: None,
        attachment: None,
    };
    assert!(
        queue(&db, message("sent@knjiznica.example", Some("once")))
            .await
            .unwrap()
    );
    assert!(
        queue(&db, message("waiting@knjiznica.example", None))
            .await
            .unwrap()
    );
    let rows = notification::Entity::find().all(&db).await.unwrap();
    let sent = rows
        .iter()
        .find(|n| n.recipient_email == "sent@knjiznica.example")
        .unwrap();
    let mut active: notification::ActiveModel = sent.clone().into();
    active.status = Set(entity::enums::NotificationStatus::Sent);
    active.sent_at = Set(Some(t));
    active.update(&db).await.unwrap();

    let mut s = app.settings.clone();
    // Within the retention nothing goes.
    let pruned = mobility_api::jobs::prune_logs(&db, &s, t + chrono::Duration::days(30))
        .await
        .unwrap();
    assert_eq!(pruned, Default::default());
    s.mail_retention_days = 60;
    let pruned = mobility_api::jobs::prune_logs(&db, &s, t + chrono::Duration::days(91))
        .await
        .unwrap();
    assert_eq!(pruned.webhook_deliveries, 1);
    assert_eq!(pruned.mail_texts, 1);
    // The pending delivery stays and is still retried.
    let log = deliveries(&app, &f.coordinator.token, hook_id).await;
    assert_eq!(statuses(log), ["pending"]);
    let rows = notification::Entity::find().all(&db).await.unwrap();
    for n in &rows {
        if n.recipient_email == "sent@knjiznica.example" {
            assert_eq!(n.subject, mobility_api::jobs::MAIL_TEXT_REMOVED);
            assert_eq!(n.body, mobility_api::jobs::MAIL_TEXT_REMOVED);
        } else {
            assert_ne!(
                n.body,
                mobility_api::jobs::MAIL_TEXT_REMOVED,
                "queued: kept"
            );
        }
    }
    // The sent e-mail's row stays: its reminder is still not queued a second time.
    assert!(
        !queue(&db, message("sent@knjiznica.example", Some("once")))
            .await
            .unwrap()
    );
    // A second round finds nothing more.
    let again = mobility_api::jobs::prune_logs(&db, &s, t + chrono::Duration::days(91))
        .await
        .unwrap();
    assert_eq!(again, Default::default());
}
