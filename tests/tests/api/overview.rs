//! `GET /api/v1/me/overview`: one call per screen, for each role.

use super::applications::{body, create, fixture};
use super::preparation::{participant_user, selected};
use super::selection::{score, set_committee, submitted};
use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn overview(app: &TestApp, token: &str) -> Value {
    let res = app.get("/api/v1/me/overview", Some(token)).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_participant_and_her_library_see_what_to_do_and_sign_from_it() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let pid = &pids[0];
    let me = participant_user(&app, &f, pid).await;
    let res = app
        .post(
            &format!("/api/v1/participants/{pid}/agreements"),
            Some(&f.coordinator.token),
            &json!({"kind": "grant"}),
        )
        .await;
    assert_eq!(res.status(), 201);
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

    let o = overview(&app, &me).await;
    assert_eq!(o["role"], "participant");
    let part = &o["participations"][0];
    assert_eq!(part["participant_id"], pid.as_str());
    assert_eq!(part["library_name"], apps[0].library_name.as_str());
    assert!(!part["mobility"]["host_name"].as_str().unwrap().is_empty());
    assert!(part["mobility"]["code"].is_string());
    assert_eq!(part["next_meetings"][0]["id"], meeting["id"]);
    let tasks: Vec<&str> = part["open_tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert!(tasks.contains(&"travel_details"), "{tasks:?}");
    let to_sign = &part["agreements_to_sign"][0];
    assert_eq!(to_sign["kind"], "grant");
    assert!(o["calls"].as_array().unwrap().is_empty());

    // She signs from the overview alone, by the ETag it gives.
    let res = app
        .req(
            Method::POST,
            &format!(
                "/api/v1/agreements/{}/signatures",
                to_sign["agreement_id"].as_str().unwrap()
            ),
            Some(&me),
        )
        .header("If-Match", to_sign["etag"].as_str().unwrap())
        .json(&json!({"party": "participant", "method": "in_app", "confirm": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let o = overview(&app, &me).await;
    assert_eq!(o["participations"][0]["agreements_to_sign"], json!([]));

    // Her library: the participant, with the grant the library still signs.
    let lib = overview(&app, &apps[0].library.token).await;
    let lp = &lib["library_participants"][0];
    assert_eq!(lp["participant_id"], pid.as_str());
    assert_eq!(
        lp["agreements_to_sign"][0]["unsigned_parties"],
        json!(["zsk", "library"])
    );
    // A draft names what it lacks.
    app.set_time("2025-11-03T10:00:00Z");
    let res = create(
        &app,
        &f,
        &apps[0].library.token,
        &body(&f.mobility_ids[1], "ana@knjiznica.example"),
    )
    .await;
    assert_eq!(res.status(), 201);
    let lib = overview(&app, &apps[0].library.token).await;
    let draft = lib["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["status"] == "draft")
        .unwrap();
    assert_eq!(
        draft["missing"],
        json!(["participant_signature", "director_signature"])
    );
    assert_eq!(draft["library_name"], apps[0].library_name.as_str());

    // The coordinators: the mobility with its participant and the grant still to sign.
    let c = overview(&app, &f.coordinator.token).await;
    let m = c["mobilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mobility"]["id"] == f.mobility_ids[0].as_str())
        .unwrap();
    assert_eq!(m["participants"], 1);
    assert_eq!(m["unsigned_agreements"][0]["participant_id"], pid.as_str());
    assert_eq!(
        m["unsigned_agreements"][0]["participant_name"],
        lp["full_name"]
    );
}

#[tokio::test]
async fn the_committee_sees_what_to_score_and_coordinators_where_calls_stand() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let apps = submitted(&app, &f, &[false, false]).await;
    let member = app.user("committee", None).await;
    set_committee(&app, &f, &[&member]).await;
    // Before the deadline nothing is to score.
    assert_eq!(overview(&app, &member.token).await["to_score"], json!([]));
    app.set_time("2025-11-10T08:00:00Z");
    let o = overview(&app, &member.token).await;
    let ids: Vec<&str> = o["to_score"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["application_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [apps[0].id.as_str(), apps[1].id.as_str()]);
    assert_eq!(
        o["to_score"][0]["library_name"],
        apps[0].library_name.as_str()
    );
    assert_eq!(
        score(&app, &member, &apps[0].id, 8, 4, 4, 2).await.status(),
        201
    );
    let o = overview(&app, &member.token).await;
    assert_eq!(o["to_score"].as_array().unwrap().len(), 1);

    let c = overview(&app, &f.coordinator.token).await;
    let call = c["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["call_id"] == f.call_id.as_str())
        .unwrap();
    assert_eq!(call["submitted"], 2);
    assert_eq!(call["unscored"], 1);
    assert!(
        call["selection_pending"]
            .as_array()
            .unwrap()
            .contains(&json!(f.mobility_ids[0]))
    );
    assert!(!c["mobilities"].as_array().unwrap().is_empty());
    assert_eq!(app.get("/api/v1/me/overview", None).await.status(), 401);
}
