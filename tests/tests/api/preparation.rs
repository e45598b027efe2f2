//! Preparation: tasks, travel details, meetings and calendars.

use super::applications::{Fixture, fixture};
use super::selection::{Submitted, selected_with};
use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

/// Participants on the fixture's first mobility (DTFL track), `n` of them.
pub async fn selected(app: &TestApp, f: &Fixture, n: usize) -> (Vec<String>, Vec<Submitted>) {
    selected_with(app, f, &vec![false; n]).await
}

/// A participant user for the participant (same e-mail as the application's applicant), linked.
pub async fn participant_user(app: &TestApp, f: &Fixture, pid: &str) -> String {
    let p: Value = app
        .get(
            &format!("/api/v1/participants/{pid}"),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let email = p["email"].as_str().unwrap();
    let admin = app.admin_token().await;
    let u: Value = app.post("/api/v1/users", Some(&admin), &json!({"email": email, "full_name": p["full_name"], "role": "participant", "organisation_id": p["library_id"], "password": PASSWORD})).await.json().await.unwrap();
    let res = app
        .patch(
            &format!("/api/v1/participants/{pid}"),
            Some(&f.coordinator.token),
            &json!({"user_id": u["id"]}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    app.login(email, PASSWORD).await
}

fn keys(tasks: &Value) -> Vec<&str> {
    tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn tasks_follow_the_track_and_manual_ones_are_closed_by_hand() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let tasks: Value = app
        .get(
            &format!("/api/v1/participants/{}/tasks", pids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        keys(&tasks),
        vec![
            "study_dtfl_toolkit",
            "coordinator_meeting",
            "language_support",
            "host_meeting",
            "sign_agreements",
            "travel_details"
        ]
    );
    assert!(
        tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["done"] == false)
    );

    let study = tasks["items"][0]["id"].as_str().unwrap();
    let res = app
        .patch(
            &format!("/api/v1/tasks/{study}"),
            Some(&me),
            &json!({"done": true}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["done"], true);
    assert!(t["done_at"].is_string());
    let meeting_task = tasks["items"][1]["id"].as_str().unwrap();
    assert_problem(
        app.patch(
            &format!("/api/v1/tasks/{meeting_task}"),
            Some(&me),
            &json!({"done": true}),
            None,
        )
        .await,
        409,
        "task.automatic",
    )
    .await;
    assert_problem(
        app.patch(
            &format!("/api/v1/tasks/{study}"),
            Some(&apps[0].library.token),
            &json!({"done": false}),
            None,
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    let stranger = app.user("participant", None).await;
    assert_problem(
        app.patch(
            &format!("/api/v1/tasks/{study}"),
            Some(&stranger.token),
            &json!({"done": false}),
            None,
        )
        .await,
        404,
        "task.not_found",
    )
    .await;
    let res = app
        .patch(
            &format!("/api/v1/tasks/{study}"),
            Some(&f.coordinator.token),
            &json!({"done": false}),
            None,
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["done"], false);
}

#[tokio::test]
async fn the_heritage_track_has_no_toolkit_task() {
    let app = spawn_app().await;
    let mut f = fixture(&app).await;
    f.mobility_ids.swap(0, 1);
    let (pids, _) = selected(&app, &f, 1).await;
    let tasks: Value = app
        .get(
            &format!("/api/v1/participants/{}/tasks", pids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        keys(&tasks),
        vec![
            "coordinator_meeting",
            "language_support",
            "host_meeting",
            "sign_agreements",
            "travel_details"
        ]
    );
}

#[tokio::test]
async fn travel_details_are_private_and_close_their_task() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let path = format!("/api/v1/participants/{}/travel-details", pids[0]);
    assert_problem(
        app.get(&path, Some(&me)).await,
        404,
        "travel_details.not_found",
    )
    .await;
    let body = json!({"name_as_in_passport": "MAJA KOVAČ", "date_of_birth": "1980-04-12", "phone": "+386 41 123 456"});
    let res = app
        .req(Method::PUT, &path, Some(&me))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let got: Value = app
        .get(&path, Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["name_as_in_passport"], "MAJA KOVAČ");
    // The library, the committee and the accountant do not see them.
    assert_problem(
        app.get(&path, Some(&apps[0].library.token)).await,
        404,
        "travel_details.not_found",
    )
    .await;
    let accountant = app.user("accountant", None).await;
    assert_problem(
        app.get(&path, Some(&accountant.token)).await,
        404,
        "travel_details.not_found",
    )
    .await;
    let p = assert_problem(
        app.req(Method::PUT, &path, Some(&me))
            .json(&json!({"name_as_in_passport": "", "date_of_birth": "1980-04-12", "phone": "1"}))
            .send()
            .await
            .unwrap(),
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["name_as_in_passport", "phone"]);
    let tasks: Value = app
        .get(
            &format!("/api/v1/participants/{}/tasks", pids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    let travel = tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "travel_details")
        .unwrap();
    assert_eq!(travel["done"], true);
    // The audit log names the fields, never the values.
    let admin = app.admin_token().await;
    let log = app
        .get(
            &format!(
                "/api/v1/audit-log?object_type=travel_details&object_id={}",
                pids[0]
            ),
            Some(&admin),
        )
        .await
        .text()
        .await
        .unwrap();
    // (The date as given: "1980" alone can turn up inside an id or a timestamp.)
    assert!(
        !log.contains("KOVAČ")
            && !log.contains("1980-04-12")
            && !log.contains("123 456")
            && log.contains("date_of_birth")
    );
}

#[tokio::test]
async fn meetings_default_to_a_month_before_and_attendance_closes_tasks() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 2).await;
    let mpath = format!("/api/v1/mobilities/{}/meetings", f.mobility_ids[0]);
    let host_meeting = json!({"kind": "host_preparation", "title": "Srečanje z Dokk1", "duration_minutes": 60, "online_link": "https://zoom.example/j/1"});
    let p = assert_problem(
        app.post(&mpath, Some(&f.coordinator.token), &host_meeting)
            .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["starts_at"]);
    app.patch(
        &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
        Some(&f.coordinator.token),
        &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
        None,
    )
    .await;
    let res = app
        .post(&mpath, Some(&f.coordinator.token), &host_meeting)
        .await;
    assert_eq!(res.status(), 201);
    let hm: Value = res.json().await.unwrap();
    // 25 February 2026, 10:00 in Ljubljana (CET) = 09:00 UTC.
    assert_eq!(hm["starts_at"], "2026-02-25T09:00:00Z");
    let cm: Value = app.post(&mpath, Some(&f.coordinator.token), &json!({"kind": "coordinator_preparation", "title": "Pripravljalno srečanje", "starts_at": "2026-01-20T16:00:00Z", "duration_minutes": 90, "online_link": "https://zoom.example/j/2"})).await.json().await.unwrap();
    assert_problem(app.post(&mpath, Some(&apps[0].library.token), &json!({"kind": "internal", "title": "x", "starts_at": "2026-01-01T10:00:00Z", "duration_minutes": 30})).await, 403, "auth.forbidden").await;

    let att = |meeting: &Value, pid: &str, attended: bool| {
        let url = format!(
            "/api/v1/meetings/{}/attendance",
            meeting["id"].as_str().unwrap()
        );
        let body = json!({"participant_id": pid, "attended": attended});
        let token = f.coordinator.token.clone();
        let app = &app;
        async move {
            app.req(Method::PUT, &url, Some(&token))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(att(&cm, &pids[0], true).await.status(), 200);
    assert_eq!(att(&hm, &pids[0], true).await.status(), 200);
    assert_eq!(att(&hm, &pids[1], false).await.status(), 200);
    let task = |tasks: &Value, key: &str| {
        tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == key)
            .unwrap()["done"]
            .clone()
    };
    let t0: Value = app
        .get(
            &format!("/api/v1/participants/{}/tasks", pids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(task(&t0, "coordinator_meeting"), true);
    assert_eq!(task(&t0, "host_meeting"), true);
    let t1: Value = app
        .get(
            &format!("/api/v1/participants/{}/tasks", pids[1]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(task(&t1, "host_meeting"), false);
    // Correcting the record reopens the task.
    assert_eq!(att(&hm, &pids[0], false).await.status(), 200);
    let t0: Value = app
        .get(
            &format!("/api/v1/participants/{}/tasks", pids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(task(&t0, "host_meeting"), false);
    let m: Value = app
        .get(
            &format!("/api/v1/meetings/{}", hm["id"].as_str().unwrap()),
            Some(&apps[1].library.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["attendance"].as_array().unwrap().len(), 2);
    let outsider_org = app.create_org("Knjižnica Zunaj", "member_library").await;
    let outsider = app.user("library", Some(&outsider_org)).await;
    assert_problem(
        app.get(
            &format!("/api/v1/meetings/{}", hm["id"].as_str().unwrap()),
            Some(&outsider.token),
        )
        .await,
        404,
        "meeting.not_found",
    )
    .await;
}

#[tokio::test]
async fn calendars_are_valid_icalendar_in_ljubljana_time() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    app.patch(
        &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
        Some(&f.coordinator.token),
        &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
        None,
    )
    .await;
    let mpath = format!("/api/v1/mobilities/{}/meetings", f.mobility_ids[0]);
    app.post(&mpath, Some(&f.coordinator.token), &json!({"kind": "host_preparation", "title": "Srečanje z gostitelji, Aarhus; DTFL", "duration_minutes": 60, "online_link": "https://zoom.example/j/1"})).await;
    app.post(&mpath, Some(&f.coordinator.token), &json!({"kind": "internal", "title": "Interni sestanek ekipe", "starts_at": "2026-01-05T09:00:00Z", "duration_minutes": 30})).await;

    let res = app
        .get(
            &format!("/api/v1/participants/{}/calendar.ics", pids[0]),
            Some(&f.coordinator.token),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = res.text().await.unwrap();
    assert!(text.contains("\r\n"), "CRLF line endings");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("parses");
    assert!(parser.next().is_none());
    let prop = |props: &Vec<ical::property::Property>, name: &str| {
        props.iter().find(|p| p.name == name).cloned()
    };
    assert_eq!(
        prop(&cal.properties, "VERSION").unwrap().value.as_deref(),
        Some("2.0")
    );
    assert_eq!(cal.timezones.len(), 1);
    assert_eq!(
        prop(&cal.timezones[0].properties, "TZID")
            .unwrap()
            .value
            .as_deref(),
        Some("Europe/Ljubljana")
    );
    assert_eq!(
        cal.events.len(),
        2,
        "the mobility and the host meeting; internal meetings are not in a participant's calendar"
    );
    let mobility = &cal.events[0];
    let start = prop(&mobility.properties, "DTSTART").unwrap();
    assert_eq!(start.value.as_deref(), Some("20260325"));
    assert!(
        start
            .params
            .unwrap()
            .iter()
            .any(|(k, v)| k == "VALUE" && v == &vec!["DATE".to_string()])
    );
    assert_eq!(
        prop(&mobility.properties, "DTEND")
            .unwrap()
            .value
            .as_deref(),
        Some("20260330")
    );
    let meeting = &cal.events[1];
    let start = prop(&meeting.properties, "DTSTART").unwrap();
    assert_eq!(start.value.as_deref(), Some("20260225T100000"));
    assert!(
        start
            .params
            .unwrap()
            .iter()
            .any(|(k, v)| k == "TZID" && v == &vec!["Europe/Ljubljana".to_string()])
    );
    assert_eq!(
        prop(&meeting.properties, "URL").unwrap().value.as_deref(),
        Some("https://zoom.example/j/1")
    );
    assert_eq!(
        prop(&meeting.properties, "SUMMARY")
            .unwrap()
            .value
            .as_deref(),
        Some("Srečanje z gostitelji\\, Aarhus\\; DTFL")
    );
    assert!(
        prop(&meeting.properties, "UID").is_some()
            && prop(&meeting.properties, "DTSTAMP").is_some()
    );

    let staff = app
        .get(
            &format!("/api/v1/mobilities/{}/calendar.ics", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .text()
        .await
        .unwrap();
    let cal = ical::IcalParser::new(std::io::BufReader::new(staff.as_bytes()))
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(cal.events.len(), 3);
    assert_problem(
        app.get(
            &format!("/api/v1/participants/{}/calendar.ics", pids[0]),
            None,
        )
        .await,
        401,
        "auth.missing_token",
    )
    .await;
}

/// The VEVENTs of a calendar as (UID, SEQUENCE, DTSTART, SUMMARY).
fn events(text: &str) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for cal in ical::IcalParser::new(std::io::BufReader::new(text.as_bytes())) {
        for e in cal.expect("a valid calendar").events {
            let get = |name: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            out.push((get("UID"), get("SEQUENCE"), get("DTSTART"), get("SUMMARY")));
        }
    }
    out
}

/// A user creates a personal feed URL that a calendar application fetches without a login; a
/// moved meeting keeps its UID and gets a higher SEQUENCE; internal meetings are in staff
/// calendars only; a feed is its owner's to revoke, and a revoked one stops at once.
#[tokio::test]
async fn a_personal_calendar_feed_works_without_a_login_and_updates_moved_meetings() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let m = &f.mobility_ids[0];
    let meeting: Value = app
        .post(
            &format!("/api/v1/mobilities/{m}/meetings"),
            Some(&f.coordinator.token),
            &json!({"kind": "evaluation", "title": "Evalvacija", "starts_at": "2026-04-02T14:00:00Z", "duration_minutes": 60}),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/mobilities/{m}/meetings"),
            Some(&f.coordinator.token),
            &json!({"kind": "internal", "title": "Notranje", "starts_at": "2026-04-03T09:00:00Z", "duration_minutes": 30}),
        )
        .await;
    assert_eq!(res.status(), 201);

    let res = app
        .req(Method::POST, "/api/v1/calendar-feeds", Some(&me))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let feed: Value = res.json().await.unwrap();
    let token = feed["token"].as_str().unwrap();
    let url = feed["url"].as_str().unwrap();
    assert!(url.ends_with(&format!("/calendar/{token}.ics")), "{url}");
    assert_eq!(location, url);
    let listed: Value = app
        .get("/api/v1/calendar-feeds", Some(&me))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["id"], feed["id"]);
    assert!(
        !listed.to_string().contains(token),
        "the token is shown once"
    );

    let path = format!("/calendar/{token}.ics");
    let res = app.get(&path, None).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let before = events(&res.text().await.unwrap());
    let uid = format!("meeting-{}@mobility-api", meeting["id"].as_str().unwrap());
    let mine: Vec<_> = before.iter().filter(|e| e.0 == uid).collect();
    assert_eq!(mine.len(), 1, "{before:?}");
    assert_eq!(mine[0].1, "0");
    assert!(
        before.iter().all(|e| e.3 != "Notranje"),
        "no internal meetings for a participant"
    );

    let res = app
        .patch(
            &format!("/api/v1/meetings/{}", meeting["id"].as_str().unwrap()),
            Some(&f.coordinator.token),
            &json!({"starts_at": "2026-04-03T14:00:00Z"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let after = events(&app.get(&path, None).await.text().await.unwrap());
    let moved: Vec<_> = after.iter().filter(|e| e.0 == uid).collect();
    assert_eq!(moved.len(), 1, "moved, not duplicated: {after:?}");
    assert_eq!(moved[0].1, "1");
    assert_ne!(moved[0].2, mine[0].2);
    assert_eq!(after.len(), before.len());

    // A coordinator's feed has the internal meeting too.
    let res = app
        .req(
            Method::POST,
            "/api/v1/calendar-feeds",
            Some(&f.coordinator.token),
        )
        .send()
        .await
        .unwrap();
    let theirs: Value = res.json().await.unwrap();
    let staff = events(
        &app.get(
            &format!("/calendar/{}.ics", theirs["token"].as_str().unwrap()),
            None,
        )
        .await
        .text()
        .await
        .unwrap(),
    );
    assert!(staff.iter().any(|e| e.3 == "Notranje"));

    // Only its owner revokes a feed; a revoked or unknown token is 404.
    let revoke = format!("/api/v1/calendar-feeds/{}", feed["id"].as_str().unwrap());
    let res = app
        .req(Method::DELETE, &revoke, Some(&f.coordinator.token))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "calendar_feed.not_found").await;
    let res = app
        .req(Method::DELETE, &revoke, Some(&me))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_problem(app.get(&path, None).await, 404, "calendar_feed.not_found").await;
    assert_problem(
        app.get("/calendar/cal_unknown.ics", None).await,
        404,
        "calendar_feed.not_found",
    )
    .await;
}

/// Attendance for a whole meeting in one request, all or nothing.
#[tokio::test]
async fn the_attendance_of_many_is_recorded_in_one_request_or_not_at_all() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 2).await;
    let meeting: Value = app
        .post(
            &format!("/api/v1/mobilities/{}/meetings", f.mobility_ids[0]),
            Some(&f.coordinator.token),
            &json!({"kind": "coordinator_preparation", "title": "Pripravljalno srečanje", "starts_at": "2026-01-20T16:00:00Z", "duration_minutes": 90}),
        )
        .await
        .json()
        .await
        .unwrap();
    let url = format!(
        "/api/v1/meetings/{}/attendance-list",
        meeting["id"].as_str().unwrap()
    );
    let put = |body: Value| {
        let (app, url, token) = (&app, &url, f.coordinator.token.clone());
        async move {
            app.req(Method::PUT, url, Some(&token))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = put(json!({"entries": [{"participant_id": pids[0], "attended": true}, {"participant_id": pids[1], "attended": true}]})).await;
    assert_eq!(res.status(), 200);
    let m: Value = res.json().await.unwrap();
    assert_eq!(m["attendance"].as_array().unwrap().len(), 2);
    for pid in &pids {
        let tasks: Value = app
            .get(
                &format!("/api/v1/participants/{pid}/tasks"),
                Some(&f.coordinator.token),
            )
            .await
            .json()
            .await
            .unwrap();
        let done = tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == "coordinator_meeting")
            .unwrap()["done"]
            .clone();
        assert_eq!(done, true, "{pid}");
    }
    // One bad entry refuses the list; what was recorded stays.
    let stranger = uuid::Uuid::now_v7().to_string();
    let p = assert_problem(
        put(json!({"entries": [{"participant_id": pids[0], "attended": false}, {"participant_id": stranger, "attended": true}]})).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["entries[1].participant_id"]);
    let p = assert_problem(
        put(json!({"entries": [{"participant_id": pids[1], "attended": false}, {"participant_id": pids[1], "attended": true}]})).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "duplicate");
    let m: Value = app
        .get(
            &format!("/api/v1/meetings/{}", meeting["id"].as_str().unwrap()),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        m["attendance"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["attended"] == true),
        "{m}"
    );
    assert_problem(put(json!({"entries": []})).await, 422, "validation.failed").await;
}
