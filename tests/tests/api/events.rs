//! The event log: every change once, in commit order, to those who may see it.

use super::applications::{body, create, fixture, sign_both};
use mobility_api::audit::Actor;
use mobility_api::events::{Event, EventType, Scope};
use mobility_tests::*;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};
use serde_json::{Value, json};

/// One page of the feed for `token`, after `query`.
async fn feed(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/events?{query}"), Some(token))
        .await;
    assert_eq!(res.status(), 200, "GET /events?{query}");
    res.json().await.unwrap()
}

/// Every event after `after`, following `next_cursor` page by page (`limit` per page).
async fn drain(app: &TestApp, token: &str, after: &str, limit: u32) -> (Vec<Value>, String) {
    let mut cursor = after.to_string();
    let mut out = Vec::new();
    loop {
        let page = feed(app, token, &format!("after={cursor}&limit={limit}")).await;
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        cursor = page["next_cursor"].as_str().unwrap().to_string();
        if !page["has_more"].as_bool().unwrap() {
            return (out, cursor);
        }
    }
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

async fn head(app: &TestApp, token: &str) -> String {
    feed(app, token, "after=now").await["next_cursor"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_feed_carries_each_change_once_in_order_to_those_who_may_see_it() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let coordinator = &f.coordinator.token;
    let start = head(&app, coordinator).await;

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
    let id = draft["id"].as_str().unwrap();
    sign_both(&app, &f.library.token, id).await;
    let res = app
        .post(
            &format!("/api/v1/applications/{id}/submit"),
            Some(&f.library.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let other_id = app
        .create_org(
            &format!("Knjižnica {}", uuid::Uuid::now_v7().simple()),
            "member_library",
        )
        .await;
    let other = app.user("library", Some(&other_id)).await;
    let res = create(
        &app,
        &f,
        &other.token,
        &body(&f.mobility_ids[0], "ana@knjiznica.example"),
    )
    .await;
    assert_eq!(res.status(), 201);

    // The coordinator sees all five, in order, each once, paged two at a time.
    let (all, next) = drain(&app, coordinator, &start, 2).await;
    assert_eq!(
        types(&all),
        [
            "application.created",
            "application.signature_added",
            "application.signature_added",
            "application.submitted",
            "application.created"
        ]
    );
    let cursors: Vec<i64> = all
        .iter()
        .map(|e| e["cursor"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "{cursors:?}");
    assert_eq!(next, all.last().unwrap()["cursor"].as_str().unwrap());
    let project = app.zsk_project().await["id"].as_str().unwrap().to_string();
    for e in &all {
        assert_eq!(e["object_type"], "application");
        assert_eq!(e["project_id"], project.as_str());
    }
    assert_eq!(all[3]["object_id"], id);
    assert_eq!(all[3]["data"]["status"], "submitted");
    // Only what every reader of an application may see: no applicant, no note.
    let text = serde_json::to_string(&all).unwrap();
    for secret in [
        "maja@knjiznica.example",
        "Maja",
        "oddaljenem",
        "fewer_opportunities",
        "motivation",
    ] {
        assert!(!text.contains(secret), "an event carries `{secret}`");
    }
    // Nothing new: the same cursor again, no item.
    let again = feed(&app, coordinator, &format!("after={next}")).await;
    assert_eq!(again["items"], json!([]));
    assert_eq!(again["next_cursor"], next.as_str());

    // Each library its own; a host none of them.
    let (mine, _) = drain(&app, &f.library.token, &start, 100).await;
    assert_eq!(mine.len(), 4);
    assert!(mine.iter().all(|e| e["object_id"] == id));
    let (theirs, _) = drain(&app, &other.token, &start, 100).await;
    assert_eq!(types(&theirs), ["application.created"]);
    let host_org = app
        .create_org(&format!("Host {}", uuid::Uuid::now_v7().simple()), "host")
        .await;
    let host = app.user("host", Some(&host_org)).await;
    let (hosts, _) = drain(&app, &host.token, &start, 100).await;
    assert!(hosts.is_empty(), "{hosts:?}");

    // Filtered by type.
    let submitted = feed(
        &app,
        coordinator,
        &format!("after={start}&types=application.submitted,call.closed"),
    )
    .await;
    assert_eq!(
        types(submitted["items"].as_array().unwrap()),
        ["application.submitted"]
    );

    // Bad input is a 400 naming the parameter.
    for (query, field) in [
        ("after=", "after"),
        ("after=abc", "after"),
        ("after=-1", "after"),
        ("types=application.exploded", "types"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
    ] {
        let body = assert_problem(
            app.get(&format!("/api/v1/events?{query}"), Some(coordinator))
                .await,
            400,
            "request.invalid_query",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}");
    }
    assert_eq!(app.get("/api/v1/events", None).await.status(), 401);
}

#[tokio::test]
async fn an_expired_cursor_is_gone_and_now_is_the_head() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let coordinator = &f.coordinator.token;
    let res = create(
        &app,
        &f,
        &f.library.token,
        &body(&f.mobility_ids[0], "maja@knjiznica.example"),
    )
    .await;
    assert_eq!(res.status(), 201);
    let (first, head_before) = drain(&app, coordinator, "0", 100).await;
    assert!(!first.is_empty());
    let last = first.last().unwrap()["cursor"]
        .as_str()
        .unwrap()
        .to_string();

    // Retention removes everything that happened before now.
    let db = app.db().await;
    let removed = mobility_api::events::service::prune(
        &db,
        chrono::Utc::now() + chrono::Duration::seconds(1),
    )
    .await
    .unwrap();
    assert_eq!(removed as usize, first.len());
    // A cursor at the last removed event missed nothing; one before it did.
    let kept = feed(&app, coordinator, &format!("after={last}")).await;
    assert_eq!(kept["items"], json!([]));
    let gone = assert_problem(
        app.get("/api/v1/events?after=0", Some(coordinator)).await,
        410,
        "events.cursor_expired",
    )
    .await;
    assert!(gone["detail"].as_str().unwrap().contains("after=now"));
    // The head is still the head, and a script continues from it.
    let now = head(&app, coordinator).await;
    assert_eq!(now, head_before);
    let fresh = feed(&app, coordinator, &format!("after={now}")).await;
    assert_eq!(fresh["items"], json!([]));
    let lib2 = app
        .create_org(
            &format!("Knjižnica {}", uuid::Uuid::now_v7().simple()),
            "member_library",
        )
        .await;
    let other = app.user("library", Some(&lib2)).await;
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
    let (after, _) = drain(&app, coordinator, &now, 100).await;
    assert_eq!(types(&after), ["application.created"]);
}

/// On PostgreSQL a later writer must not commit an event before an earlier one that is still
/// open: the reader would move its cursor past the earlier event and never see it.
#[tokio::test]
async fn a_reader_never_passes_an_event_still_being_written() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let db = app.db().await;
    let start = head(&app, &f.coordinator.token).await;
    let actor = Actor::system("test");
    let first = db.begin().await.unwrap();
    Event::new(EventType::CallClosed, uuid::Uuid::now_v7(), Scope::Public)
        .emit(&first, &actor)
        .await
        .unwrap();
    let db2 = db.clone();
    let second = tokio::spawn(async move {
        let txn = db2.begin().await.unwrap();
        Event::new(
            EventType::CallPublished,
            uuid::Uuid::now_v7(),
            Scope::Public,
        )
        .emit(&txn, &Actor::system("test"))
        .await
        .unwrap();
        txn.commit().await.unwrap();
    });
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // Wait until the second writer is either done or waiting for the first.
        for _ in 0..2000 {
            let waiting = db
                .query_one_raw(Statement::from_string(
                    DatabaseBackend::Postgres,
                    "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get::<i64>("", "n")
                .unwrap();
            if waiting > 0 || second.is_finished() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // Neither event is readable while the first is open.
        let page = feed(&app, &f.coordinator.token, &format!("after={start}")).await;
        assert_eq!(
            page["items"],
            json!([]),
            "the reader saw a later event first"
        );
        assert_eq!(page["next_cursor"], start.as_str());
    }
    // (SQLite: the first transaction has not written yet, as SQLite allows one writer.)
    first.commit().await.unwrap();
    second.await.unwrap();
    let (events, _) = drain(&app, &f.coordinator.token, &start, 100).await;
    assert_eq!(types(&events), ["call.closed", "call.published"]);
}

/// Writers at once and a reader following the cursor: every event seen exactly once.
#[tokio::test]
async fn concurrent_writers_and_a_reader_by_cursor_see_every_event_once() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let start = head(&app, &f.coordinator.token).await;
    let mut libraries = Vec::new();
    for i in 0..8 {
        let org = app
            .create_org(
                &format!("Knjižnica Hkrati {i} {}", uuid::Uuid::now_v7().simple()),
                "member_library",
            )
            .await;
        libraries.push(app.user("library", Some(&org)).await);
    }
    let writers: Vec<_> = libraries
        .iter()
        .enumerate()
        .map(|(i, lib)| {
            let app = &app;
            let f = &f;
            async move {
                let res = create(
                    app,
                    f,
                    &lib.token,
                    &body(
                        &f.mobility_ids[i % 2],
                        &format!("hkrati{i}@knjiznica.example"),
                    ),
                )
                .await;
                assert_eq!(res.status(), 201);
                let v: Value = res.json().await.unwrap();
                v["id"].as_str().unwrap().to_string()
            }
        })
        .collect();
    let reader = async {
        let mut cursor = start.clone();
        let mut seen = Vec::new();
        for _ in 0..40 {
            let page = feed(
                &app,
                &f.coordinator.token,
                &format!("after={cursor}&limit=3"),
            )
            .await;
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["object_id"].as_str().unwrap().to_string()),
            );
            cursor = page["next_cursor"].as_str().unwrap().to_string();
            tokio::task::yield_now().await;
        }
        (seen, cursor)
    };
    let (created, (mut seen, cursor)) =
        tokio::join!(futures_util::future::join_all(writers), reader);
    let (rest, _) = drain(&app, &f.coordinator.token, &cursor, 100).await;
    seen.extend(
        rest.iter()
            .map(|e| e["object_id"].as_str().unwrap().to_string()),
    );
    let mut created = created;
    created.sort();
    seen.sort();
    assert_eq!(
        seen, created,
        "each created application's event exactly once"
    );
}

#[tokio::test]
async fn selection_withdrawal_and_meetings_are_events_for_those_taking_part() {
    use super::selection::{finalise, score, set_committee, set_places, submitted};
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let coordinator = f.coordinator.token.clone();
    set_places(&app, &f, 1, 1).await;
    let apps = submitted(&app, &f, &[false, false]).await;
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
    let start = head(&app, &coordinator).await;
    assert_eq!(finalise(&app, &f).await.status(), 200);
    let (decided, _) = drain(&app, &coordinator, &start, 100).await;
    assert_eq!(
        types(&decided),
        ["participant.selected", "selection.finalised"]
    );
    assert_eq!(decided[1]["object_id"], f.mobility_ids[0].as_str());
    assert_eq!(decided[1]["data"]["selected"], 1);
    assert_eq!(decided[1]["data"]["reserve"], 1);
    let pid = decided[0]["object_id"].as_str().unwrap().to_string();
    // The reserve's library sees the public decision, not the other library's participant.
    let (reserve_sees, _) = drain(&app, &apps[1].library.token, &start, 100).await;
    assert_eq!(types(&reserve_sees), ["selection.finalised"]);

    // A meeting scheduled, moved, changed without moving, cancelled.
    let mut after = head(&app, &coordinator).await;
    let mpath = format!("/api/v1/mobilities/{}/meetings", f.mobility_ids[0]);
    let m: Value = app
        .post(&mpath, Some(&coordinator), &json!({"kind": "coordinator_preparation", "title": "Pripravljalno srečanje", "starts_at": "2026-01-20T16:00:00Z", "duration_minutes": 90}))
        .await
        .json()
        .await
        .unwrap();
    let mid = m["id"].as_str().unwrap();
    let internal: Value = app
        .post(&mpath, Some(&coordinator), &json!({"kind": "internal", "title": "Ekipa", "starts_at": "2026-01-21T16:00:00Z", "duration_minutes": 30}))
        .await
        .json()
        .await
        .unwrap();
    let patch = |body: Value| {
        let app = &app;
        let coordinator = coordinator.clone();
        async move {
            app.patch(
                &format!("/api/v1/meetings/{mid}"),
                Some(&coordinator),
                &body,
                None,
            )
            .await
        }
    };
    assert_eq!(
        patch(json!({"starts_at": "2026-01-22T16:00:00Z"}))
            .await
            .status(),
        200
    );
    assert_eq!(
        patch(json!({"notes": "Prinesite zapiske."})).await.status(),
        200
    );
    let unchanged = patch(json!({"notes": "Prinesite zapiske."})).await;
    assert_eq!(unchanged.status(), 200);
    let res = app
        .post(
            &format!("/api/v1/meetings/{mid}/cancel"),
            Some(&coordinator),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cancelled: Value = res.json().await.unwrap();
    assert!(cancelled["cancelled_at"].is_string());
    let (meetings, next) = drain(&app, &coordinator, &after, 100).await;
    assert_eq!(
        types(&meetings),
        [
            "meeting.scheduled",
            "meeting.scheduled",
            "meeting.moved",
            "meeting.cancelled"
        ]
    );
    assert_eq!(meetings[2]["data"]["starts_at"], "2026-01-22T16:00:00Z");
    // The selected participant's library sees its mobility's meeting, not the internal one.
    let (library_sees, _) = drain(&app, &apps[0].library.token, &after, 100).await;
    assert_eq!(
        types(&library_sees),
        ["meeting.scheduled", "meeting.moved", "meeting.cancelled"]
    );
    assert!(
        library_sees
            .iter()
            .all(|e| e["object_id"] != internal["id"])
    );
    // A cancelled meeting is neither changed, cancelled again nor attended.
    assert_problem(
        patch(json!({"title": "Novo"})).await,
        409,
        "meeting.cancelled",
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/meetings/{mid}/cancel"),
            Some(&coordinator),
            &json!({}),
        )
        .await,
        409,
        "meeting.cancelled",
    )
    .await;
    let res = app
        .req(
            reqwest::Method::PUT,
            &format!("/api/v1/meetings/{mid}/attendance"),
            Some(&coordinator),
        )
        .json(&json!({"participant_id": pid, "attended": true}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 409, "meeting.cancelled").await;
    // Subscribed calendars show it cancelled, with the revision after three changes.
    let ics = app
        .get(
            &format!("/api/v1/mobilities/{}/calendar.ics", f.mobility_ids[0]),
            Some(&coordinator),
        )
        .await
        .text()
        .await
        .unwrap();
    let unfolded = ics.replace("\r\n ", "");
    let event = unfolded
        .split("BEGIN:VEVENT")
        .find(|e| e.contains(&format!("UID:meeting-{mid}@")))
        .expect("the meeting's event");
    assert!(event.contains("STATUS:CANCELLED"), "{event}");
    assert!(event.contains("SEQUENCE:3"), "{event}");

    // The participant withdraws; the reserve is promoted.
    after = next;
    let res = app
        .post(
            &format!("/api/v1/participants/{pid}/withdraw"),
            Some(&apps[0].library.token),
            &json!({"reason": "bolezen"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let (changes, _) = drain(&app, &coordinator, &after, 100).await;
    assert_eq!(
        types(&changes),
        ["participant.withdrawn", "participant.promoted"]
    );
    assert!(
        !serde_json::to_string(&changes).unwrap().contains("bolezen"),
        "no withdrawal reason in events"
    );
    let (promoted_sees, _) = drain(&app, &apps[1].library.token, &after, 100).await;
    assert_eq!(types(&promoted_sees), ["participant.promoted"]);
}
