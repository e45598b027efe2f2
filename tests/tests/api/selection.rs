//! Selection by the committee: scoring, conflicts, ranking, the decision, reserves.

use super::applications::{Fixture, body, create, fixture, sign_both};
use mobility_tests::*;
use serde_json::{Value, json};

pub struct Submitted {
    pub id: String,
    pub library_id: String,
    pub library: TestUser,
    pub library_name: String,
}

/// `n` submitted applications for the fixture's first mobility, each from a library of its
/// own; `fewer[i]` marks fewer opportunities. Submitted one after another (earlier first).
pub async fn submitted(app: &TestApp, f: &Fixture, fewer: &[bool]) -> Vec<Submitted> {
    let mut out = Vec::new();
    for (i, fo) in fewer.iter().enumerate() {
        let library_name = format!("Knjižnica Izbor {i:02} {}", uuid::Uuid::now_v7().simple());
        let library_id = app.create_org(&library_name, "member_library").await;
        let library = app.user("library", Some(&library_id)).await;
        let mut b = body(
            &f.mobility_ids[0],
            &format!(
                "kandidat{i}-{}@knjiznica.example",
                uuid::Uuid::now_v7().simple()
            ),
        );
        b["fewer_opportunities"] = json!(fo);
        b["applicant"]["full_name"] = json!(format!("Kandidat {i:02}"));
        let a: Value = create(app, f, &library.token, &b)
            .await
            .json()
            .await
            .unwrap();
        let id = a["id"].as_str().unwrap().to_string();
        sign_both(app, &library.token, &id).await;
        app.set_time(&format!("2025-11-04T10:{:02}:00Z", i % 60));
        let res = app
            .post(
                &format!("/api/v1/applications/{id}/submit"),
                Some(&library.token),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 200);
        out.push(Submitted {
            id,
            library_id,
            library,
            library_name,
        });
    }
    out
}

/// A final selection on the fixture's first mobility with one place per entry of `fewer`
/// (no reserves); returns the participants' ids in rank order and the applications.
/// Submitted applications, one per `fewer` entry, for `places` places, each scored by a
/// committee of one (the first highest): ready to finalise.
pub async fn scored(app: &TestApp, f: &Fixture, fewer: &[bool], places: i32) -> Vec<Submitted> {
    set_places(app, f, places, 0).await;
    let apps = submitted(app, f, fewer).await;
    let member = app.user("committee", None).await;
    set_committee(app, f, &[&member]).await;
    app.set_time("2025-11-10T08:00:00Z");
    for (i, s) in apps.iter().enumerate() {
        assert_eq!(
            score(app, &member, &s.id, 10 - i as i32, 5, 5, 3)
                .await
                .status(),
            201
        );
    }
    apps
}

pub async fn selected_with(
    app: &TestApp,
    f: &Fixture,
    fewer: &[bool],
) -> (Vec<String>, Vec<Submitted>) {
    let apps = scored(app, f, fewer, fewer.len() as i32).await;
    assert_eq!(finalise(app, f).await.status(), 200);
    let list: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut items: Vec<Value> = list["items"].as_array().unwrap().clone();
    items.sort_by_key(|p| {
        apps.iter()
            .position(|a| a.id == p["application_id"].as_str().unwrap())
    });
    (
        items
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect(),
        apps,
    )
}

pub async fn set_places(app: &TestApp, f: &Fixture, places: i32, reserve: i32) {
    let res = app
        .patch(
            &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
            Some(&f.coordinator.token),
            &json!({"places": places, "reserve_places": reserve}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
}

/// Put `user` on the project team as a committee member (once).
pub async fn join_team(app: &TestApp, user: &TestUser) {
    let zsk = app.zsk_project().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            &format!("/api/v1/projects/{}/team", zsk["id"].as_str().unwrap()),
            Some(&admin),
            &json!({"user_id": user.id, "function": "committee_member"}),
        )
        .await;
    assert!(
        matches!(res.status().as_u16(), 201 | 409),
        "join the team: {}",
        res.status()
    );
}

/// The call's committee: `members`, each put on the project team first.
pub async fn set_committee(app: &TestApp, f: &Fixture, members: &[&TestUser]) {
    for m in members {
        join_team(app, m).await;
    }
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let res = app
        .req(
            reqwest::Method::PUT,
            &format!("/api/v1/calls/{}/committee", f.call_id),
            Some(&f.coordinator.token),
        )
        .json(&json!({"user_ids": ids}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

pub async fn score(
    app: &TestApp,
    member: &TestUser,
    app_id: &str,
    m: i32,
    r: i32,
    t: i32,
    l: i32,
) -> reqwest::Response {
    app.req(reqwest::Method::PUT, &format!("/api/v1/applications/{app_id}/scores/me"), Some(&member.token))
        .json(&json!({"scores": {"motivation": m, "relevance": r, "transfer": t, "language": l}, "comment": "ocena"}))
        .send()
        .await
        .unwrap()
}

fn ranking_path(f: &Fixture) -> String {
    format!("/api/v1/mobilities/{}/ranking", f.mobility_ids[0])
}

pub async fn finalise(app: &TestApp, f: &Fixture) -> reqwest::Response {
    app.post(
        &format!(
            "/api/v1/mobilities/{}/selection/finalise?call_id={}",
            f.mobility_ids[0], f.call_id
        ),
        Some(&f.coordinator.token),
        &json!({"justification": "Izbrane so najbolje ocenjene prijave po merilih poziva."}),
    )
    .await
}

#[tokio::test]
async fn the_committee_is_formed_from_the_project_team() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/calls/{}/committee", f.call_id);
    let member = app.user("committee", None).await;
    let participant = app.user("participant", None).await;
    let res = app
        .req(reqwest::Method::PUT, &path, Some(&f.coordinator.token))
        .json(&json!({"user_ids": [member.id, participant.id]}))
        .send()
        .await
        .unwrap();
    // The committee is formed from the project team: neither is on it.
    let p = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(problem_fields(&p), vec!["user_ids[0]", "user_ids[1]"]);
    assert_eq!(p["errors"][0]["code"], "not_team_member");
    // On the team, the committee user may sit; the participant still may not.
    join_team(&app, &member).await;
    let res = app
        .req(reqwest::Method::PUT, &path, Some(&f.coordinator.token))
        .json(&json!({"user_ids": [member.id, participant.id]}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(problem_fields(&p), vec!["user_ids[1]"]);
    assert_eq!(p["errors"][0]["code"], "not_team_member");
    // A coordinator on the project team as committee_member may sit on the committee.
    let zsk = app.zsk_project().await;
    let admin = app.admin_token().await;
    app.post(
        &format!("/api/v1/projects/{}/team", zsk["id"].as_str().unwrap()),
        Some(&admin),
        &json!({"user_id": f.coordinator.id, "function": "committee_member"}),
    )
    .await;
    // An accountant in the team cannot score (they do not read applications): refused.
    let accountant = app.user("accountant", None).await;
    app.post(
        &format!("/api/v1/projects/{}/team", zsk["id"].as_str().unwrap()),
        Some(&admin),
        &json!({"user_id": accountant.id, "function": "committee_member"}),
    )
    .await;
    let res = app
        .req(reqwest::Method::PUT, &path, Some(&f.coordinator.token))
        .json(&json!({"user_ids": [accountant.id]}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(p["errors"][0]["code"], "not_committee");
    set_committee(&app, &f, &[&member, &f.coordinator]).await;
    let list: Value = app
        .get(&path, Some(&member.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["members"].as_array().unwrap().len(), 2);
    let res = app
        .req(reqwest::Method::PUT, &path, Some(&member.token))
        .json(&json!({"user_ids": []}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 403, "auth.forbidden").await;
    assert_problem(
        app.get(&path, Some(&f.library.token)).await,
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn criteria_have_defaults_and_lock_at_the_first_score() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/calls/{}/criteria", f.call_id);
    let defaults: Value = app
        .get(&path, Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    let keys: Vec<&str> = defaults["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec!["motivation", "relevance", "transfer", "language"]
    );

    let put = |b: Value| {
        app.req(reqwest::Method::PUT, &path, Some(&f.coordinator.token))
            .json(&json!({"criteria": b}))
            .send()
    };
    let bad = json!([{"key": "a", "title": "A", "max_points": 0, "weight": 1}, {"key": "a", "title": "B", "max_points": 5, "weight": 1}, {"key": "Bad Key", "title": "C", "max_points": 5, "weight": 1}]);
    let p = assert_problem(put(bad).await.unwrap(), 422, "validation.failed").await;
    assert_eq!(
        problem_fields(&p),
        vec![
            "criteria[0].max_points",
            "criteria[1].key",
            "criteria[2].key"
        ]
    );
    let mine = json!([{"key": "motivation", "title": "Motivacija", "max_points": 10, "weight": 3}, {"key": "relevance", "title": "Ustreznost", "max_points": 10, "weight": 2}, {"key": "transfer", "title": "Prenos", "max_points": 10, "weight": 3}, {"key": "language", "title": "Jezik", "max_points": 5, "weight": 1}]);
    assert_eq!(put(mine.clone()).await.unwrap().status(), 200);
    let settings_path = format!("/api/v1/calls/{}/selection-settings", f.call_id);
    let res = app.req(reqwest::Method::PUT, &settings_path, Some(&f.coordinator.token)).json(&json!({"quorum": null, "fewer_opportunities_bonus": 2, "fewer_opportunities_first_in_ties": true})).send().await.unwrap();
    assert_eq!(res.status(), 200);

    let apps = submitted(&app, &f, &[false]).await;
    let member = app.user("committee", None).await;
    set_committee(&app, &f, &[&member]).await;
    app.set_time("2025-11-10T08:00:00Z");
    assert_eq!(
        score(&app, &member, &apps[0].id, 5, 5, 5, 3).await.status(),
        201
    );
    assert_problem(put(mine).await.unwrap(), 409, "selection.criteria_locked").await;
    let res = app.req(reqwest::Method::PUT, &settings_path, Some(&f.coordinator.token)).json(&json!({"quorum": 1, "fewer_opportunities_bonus": 0, "fewer_opportunities_first_in_ties": true})).send().await.unwrap();
    assert_problem(res, 409, "selection.criteria_locked").await;
}

#[tokio::test]
async fn scoring_rules_deadline_membership_ranges_and_conflicts() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let apps = submitted(&app, &f, &[false, false]).await;
    let member = app.user("committee", None).await;
    let outsider = app.user("committee", None).await;
    // A member who works in the first applicant's library.
    let colleague = app.user("committee", Some(&apps[0].library_id)).await;
    set_committee(&app, &f, &[&member, &colleague]).await;
    let draft: Value = create(
        &app,
        &f,
        &f.library.token,
        &body(&f.mobility_ids[0], "osnutek@k.example"),
    )
    .await
    .json()
    .await
    .unwrap();

    // Still 7 November in Ljubljana.
    app.set_time("2025-11-07T22:00:00Z");
    assert_problem(
        score(&app, &member, &apps[0].id, 5, 5, 5, 3).await,
        409,
        "selection.scoring_not_open",
    )
    .await;
    app.set_time("2025-11-08T08:00:00Z");
    assert_problem(
        score(&app, &outsider, &apps[0].id, 5, 5, 5, 3).await,
        403,
        "selection.not_committee_member",
    )
    .await;
    assert_problem(
        score(&app, &member, draft["id"].as_str().unwrap(), 5, 5, 5, 3).await,
        404,
        "application.not_found",
    )
    .await;
    assert_problem(
        score(&app, &colleague, &apps[0].id, 5, 5, 5, 3).await,
        403,
        "selection.conflict_of_interest",
    )
    .await;

    let res = app
        .req(
            reqwest::Method::PUT,
            &format!("/api/v1/applications/{}/scores/me", apps[0].id),
            Some(&member.token),
        )
        .json(&json!({"scores": {"motivation": 11, "relevance": -1, "language": 3, "charm": 2}}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "validation.failed").await;
    let errors: Vec<(String, String)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            ("scores.charm".into(), "unknown".into()),
            ("scores.motivation".into(), "range".into()),
            ("scores.relevance".into(), "range".into()),
            ("scores.transfer".into(), "required".into()),
        ]
    );
    assert_eq!(
        score(&app, &member, &apps[0].id, 5, 5, 5, 3).await.status(),
        201
    );
    let res = score(&app, &member, &apps[0].id, 6, 5, 5, 3).await;
    assert_eq!(res.status(), 200);
    let mine: Value = app
        .get(
            &format!("/api/v1/applications/{}/scores/me", apps[0].id),
            Some(&member.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["scores"]["motivation"], 6);

    // Declaring a conflict removes the member's score and takes them out of the quorum.
    let res = app
        .post(
            &format!("/api/v1/applications/{}/conflict-of-interest", apps[0].id),
            Some(&member.token),
            &json!({"reason": "sorodnik"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_problem(
        app.get(
            &format!("/api/v1/applications/{}/scores/me", apps[0].id),
            Some(&member.token),
        )
        .await,
        404,
        "score.not_found",
    )
    .await;
    assert_problem(
        score(&app, &member, &apps[0].id, 5, 5, 5, 3).await,
        403,
        "selection.conflict_of_interest",
    )
    .await;
    let ranking: Value = app
        .get(&ranking_path(&f), Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    let entry = ranking["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["application_id"] == apps[0].id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        entry["quorum"], 0,
        "both members have a conflict with the first application"
    );
    let entry = ranking["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["application_id"] == apps[1].id.as_str())
        .unwrap()
        .clone();
    assert_eq!(entry["quorum"], 2);
    assert_eq!(entry["score_count"], 0);
}

#[tokio::test]
async fn the_ranking_weights_averages_and_breaks_ties_by_fewer_opportunities_then_submission() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // 0: no fewer opportunities, submitted first; 1 and 2: fewer opportunities; 3: a lower score.
    let apps = submitted(&app, &f, &[false, true, true, false]).await;
    let a = app.user("committee", None).await;
    let b = app.user("committee", None).await;
    set_committee(&app, &f, &[&a, &b]).await;
    app.set_time("2025-11-10T08:00:00Z");
    for s in &apps[..3] {
        assert_eq!(score(&app, &a, &s.id, 8, 6, 7, 4).await.status(), 201);
        assert_eq!(score(&app, &b, &s.id, 6, 6, 9, 2).await.status(), 201);
    }
    assert_eq!(score(&app, &a, &apps[3].id, 2, 2, 2, 2).await.status(), 201);

    // b has not scored the fourth yet: no ranking for b.
    assert_problem(
        app.get(&ranking_path(&f), Some(&b.token)).await,
        403,
        "selection.scoring_incomplete",
    )
    .await;
    let r: Value = app
        .get(&ranking_path(&f), Some(&a.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["complete"], false);
    assert_eq!(score(&app, &b, &apps[3].id, 2, 2, 2, 0).await.status(), 201);
    let r: Value = app
        .get(&ranking_path(&f), Some(&b.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["complete"], true);
    let order: Vec<&str> = r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["application_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        vec![
            apps[1].id.as_str(),
            apps[2].id.as_str(),
            apps[0].id.as_str(),
            apps[3].id.as_str()
        ]
    );
    let top = &r["entries"][0];
    assert_eq!(top["rank"], 1);
    assert_eq!(top["score_count"], 2);
    assert_eq!(top["quorum"], 2);
    // motivation (8+6)/2=7 ×3, relevance 6 ×2, transfer 8 ×3, language 3 ×1 = 21+12+24+3 = 60.
    assert_eq!(top["weighted_total"], 60.0);
    assert_eq!(
        top["averages"][0],
        json!({"key": "motivation", "average": 7.0})
    );
    // (2,2,2,2) and (2,2,2,0): 2×3 + 2×2 + 2×3 + 1×1 = 17.
    assert_eq!(r["entries"][3]["weighted_total"], 17.0);

    // Applicants do not see the ranking or others' scores.
    assert_problem(
        app.get(&ranking_path(&f), Some(&apps[0].library.token))
            .await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_problem(
        app.get(
            &format!("/api/v1/applications/{}/scores/me", apps[0].id),
            Some(&apps[0].library.token),
        )
        .await,
        403,
        "selection.not_committee_member",
    )
    .await;
}

#[tokio::test]
async fn finalising_selects_keeps_reserves_rejects_and_notifies() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    set_places(&app, &f, 2, 1).await;
    let apps = submitted(&app, &f, &[false, false, false, false]).await;
    let a = app.user("committee", None).await;
    set_committee(&app, &f, &[&a]).await;
    app.set_time("2025-11-10T08:00:00Z");
    for (i, s) in apps.iter().enumerate().take(3) {
        assert_eq!(
            score(&app, &a, &s.id, 10 - i as i32, 5, 5, 3)
                .await
                .status(),
            201
        );
    }
    assert_problem(finalise(&app, &f).await, 409, "selection.incomplete").await;
    assert_eq!(score(&app, &a, &apps[3].id, 1, 1, 1, 1).await.status(), 201);
    let short = app
        .post(
            &format!(
                "/api/v1/mobilities/{}/selection/finalise",
                f.mobility_ids[0]
            ),
            Some(&f.coordinator.token),
            &json!({"justification": "kratko"}),
        )
        .await;
    assert_problem(short, 422, "validation.failed").await;
    assert_problem(
        app.post(
            &format!(
                "/api/v1/mobilities/{}/selection/finalise",
                f.mobility_ids[0]
            ),
            Some(&a.token),
            &json!({"justification": "Odločitev komisije po merilih."}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;

    app.set_time("2025-12-02T08:00:00Z");
    let res = finalise(&app, &f).await;
    assert_eq!(res.status(), 200);
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["selected"], json!([apps[0].id, apps[1].id]));
    assert_eq!(d["reserve"], json!([apps[2].id]));
    assert_eq!(d["rejected"], json!([apps[3].id]));
    // The participants it made, named with their libraries: nothing to match by hand.
    let made = d["participants"].as_array().unwrap();
    assert_eq!(made.len(), 2);
    for (p, a) in made.iter().zip(&apps[..2]) {
        assert_eq!(p["application_id"], a.id.as_str());
        assert_eq!(p["library_id"], a.library_id.as_str());
        assert_eq!(p["library_name"], a.library_name.as_str());
        assert!(p["full_name"].as_str().unwrap().starts_with("Kandidat"));
        assert_eq!(p["status"], "selected");
        let got = app
            .get(
                &format!(
                    "/api/v1/participants/{}",
                    p["participant_id"].as_str().unwrap()
                ),
                Some(&f.coordinator.token),
            )
            .await;
        assert_eq!(got.status(), 200);
    }
    assert_eq!(
        d["after_selection_due"], true,
        "selection was due on 30 November"
    );
    assert_problem(finalise(&app, &f).await, 409, "selection.already_final").await;
    assert_problem(
        score(&app, &a, &apps[0].id, 1, 1, 1, 1).await,
        409,
        "selection.final",
    )
    .await;

    // Each applicant sees their own outcome and rank.
    let mine: Value = app
        .get(
            &format!("/api/v1/applications/{}", apps[2].id),
            Some(&apps[2].library.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["status"], "reserve");
    assert_eq!(mine["selection_rank"], 3);
    assert_eq!(mine["reserve_rank"], 1);
    let mine: Value = app
        .get(
            &format!("/api/v1/applications/{}", apps[3].id),
            Some(&apps[3].library.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["status"], "rejected");
    assert_eq!(
        mine["history"].as_array().unwrap().last().unwrap()["to"],
        "rejected"
    );

    let parts: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(parts["total"], 2);
    assert!(
        parts["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "selected")
    );
    let own: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&apps[0].library.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["total"], 1);

    assert_problem(
        app.get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&a.token),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    let admin = app.admin_token().await;
    let outbox: Value = app
        .get("/api/v1/notifications/outbox?per_page=200", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    // One to each applicant and one to each library (its users, as the libraries have no e-mail).
    assert_eq!(
        kinds.iter().filter(|k| **k == "selection.selected").count(),
        4
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "selection.reserve").count(),
        2
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "selection.rejected").count(),
        2
    );
    assert_problem(
        app.get("/api/v1/notifications/outbox", Some(&a.token))
            .await,
        403,
        "auth.forbidden",
    )
    .await;

    let record: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/selection-record", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(record["committee"][0]["user_id"], a.id.as_str());
    assert_eq!(record["criteria"].as_array().unwrap().len(), 4);
    assert_eq!(record["scores"].as_array().unwrap().len(), 4);
    assert_eq!(record["ranking"].as_array().unwrap().len(), 4);
    assert_eq!(
        record["decision"]["justification"],
        "Izbrane so najbolje ocenjene prijave po merilih poziva."
    );
    assert_eq!(record["deadline"], "2025-11-07");
    assert_eq!(record["selection_due"], "2025-11-30");
    let csv = app
        .get(
            &format!(
                "/api/v1/mobilities/{}/selection-record.csv",
                f.mobility_ids[0]
            ),
            Some(&f.coordinator.token),
        )
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(
        lines[1].starts_with("1;")
            && lines[1].contains("Kandidat 00")
            && lines[1].contains(";selected;")
    );
    assert_problem(
        app.get(
            &format!("/api/v1/mobilities/{}/selection-record", f.mobility_ids[0]),
            Some(&a.token),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
}

/// One place and two reserves on the first mobility, three applications scored in order
/// (the first best), not yet finalised.
async fn one_place_two_reserves(app: &TestApp, f: &Fixture) -> Vec<Submitted> {
    set_places(app, f, 1, 2).await;
    let apps = submitted(app, f, &[false, false, false]).await;
    let a = app.user("committee", None).await;
    set_committee(app, f, &[&a]).await;
    app.set_time("2025-11-10T08:00:00Z");
    for (i, s) in apps.iter().enumerate() {
        assert_eq!(
            score(app, &a, &s.id, 10 - i as i32, 5, 5, 3).await.status(),
            201
        );
    }
    apps
}

#[tokio::test]
async fn a_withdrawal_promotes_the_first_reserve() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let apps = one_place_two_reserves(&app, &f).await;
    let d: Value = finalise(&app, &f).await.json().await.unwrap();
    assert_eq!(d["after_selection_due"], false);
    let parts: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let pid = parts["items"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/participants/{pid}/withdraw");

    let p = assert_problem(
        app.post(&path, Some(&apps[0].library.token), &json!({"reason": ""}))
            .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["reason"]);
    assert_problem(
        app.post(&path, Some(&apps[1].library.token), &json!({"reason": "x"}))
            .await,
        404,
        "participant.not_found",
    )
    .await;
    let res = app
        .post(
            &path,
            Some(&apps[0].library.token),
            &json!({"reason": "bolezen"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["withdrawn"]["status"], "withdrawn");
    assert_eq!(out["promoted"]["application_id"], apps[1].id.as_str());
    assert_eq!(out["promoted"]["reserve_rank"], 1);
    assert_problem(
        app.post(
            &path,
            Some(&f.coordinator.token),
            &json!({"reason": "spet"}),
        )
        .await,
        409,
        "participant.already_withdrawn",
    )
    .await;
    let promoted: Value = app
        .get(
            &format!("/api/v1/applications/{}", apps[1].id),
            Some(&apps[1].library.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(promoted["status"], "selected");
    let admin = app.admin_token().await;
    let outbox: Value = app
        .get(
            "/api/v1/notifications/outbox?kind=selection.promoted",
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outbox["total"], 2, "the applicant and the library");

    // Once the mobility has started, nobody withdraws here.
    let res = app
        .patch(
            &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
            Some(&f.coordinator.token),
            &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    app.set_time("2026-03-25T06:00:00Z");
    let second = out["promoted"]["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/api/v1/participants/{second}/withdraw"),
            Some(&f.coordinator.token),
            &json!({"reason": "x"}),
        )
        .await;
    assert_problem(res, 409, "participant.mobility_started").await;
}

#[tokio::test]
async fn twenty_concurrent_withdrawals_never_overfill_and_never_promote_twice() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    set_places(&app, &f, 5, 5).await;
    let apps = submitted(&app, &f, &[false; 12]).await;
    let a = app.user("committee", None).await;
    set_committee(&app, &f, &[&a]).await;
    app.set_time("2025-11-10T08:00:00Z");
    for (i, s) in apps.iter().enumerate() {
        assert_eq!(
            score(&app, &a, &s.id, 10 - (i as i32 % 10), 5, 5, 3)
                .await
                .status(),
            201
        );
    }
    assert_eq!(finalise(&app, &f).await.status(), 200);
    let parts: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<String> = parts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 5);

    // Each of the five is withdrawn four times at once: 20 requests.
    let requests = (0..20).map(|i| {
        let url = app.url(&format!("/api/v1/participants/{}/withdraw", ids[i % 5]));
        let client = app.client.clone();
        let token = f.coordinator.token.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"reason": format!("razlog {i}")}))
                .send()
                .await
                .unwrap()
        }
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut ok = 0;
    let mut promoted = Vec::new();
    for res in responses {
        match res.status().as_u16() {
            200 => {
                ok += 1;
                let out: Value = res.json().await.unwrap();
                if let Some(p) = out["promoted"]["application_id"].as_str() {
                    promoted.push(p.to_string());
                }
            }
            409 => assert_eq!(
                res.json::<Value>().await.unwrap()["code"],
                "participant.already_withdrawn"
            ),
            other => panic!("unexpected {other}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!(ok, 5, "each participant withdraws once");
    let mut unique = promoted.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), promoted.len(), "no reserve promoted twice");
    assert_eq!(promoted.len(), 5, "all five reserves promoted");
    let all: Value = app
        .get(
            &format!(
                "/api/v1/mobilities/{}/participants?per_page=200",
                f.mobility_ids[0]
            ),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let active = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] != "withdrawn")
        .count();
    assert_eq!(active, 5, "never more than the places");

    // Withdrawing the promoted ones now: no reserve is left, places stay free.
    let second_round: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["status"] != "withdrawn")
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    let requests = second_round.iter().map(|id| {
        let url = app.url(&format!("/api/v1/participants/{id}/withdraw"));
        let client = app.client.clone();
        let token = f.coordinator.token.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"reason": "drugi krog"}))
                .send()
                .await
                .unwrap()
        }
    });
    for res in futures_util::future::join_all(requests).await {
        let out: Value = res.json().await.unwrap();
        assert!(out["promoted"].is_null());
    }
}

#[tokio::test]
async fn a_failure_half_way_through_finalising_leaves_nothing_behind() {
    use sea_orm::{ConnectionTrait, DbBackend};
    let app = spawn_app().await;
    let f = fixture(&app).await;
    set_places(&app, &f, 1, 1).await;
    let apps = submitted(&app, &f, &[false, false, false]).await;
    let a = app.user("committee", None).await;
    set_committee(&app, &f, &[&a]).await;
    app.set_time("2025-11-10T08:00:00Z");
    for (i, s) in apps.iter().enumerate() {
        assert_eq!(
            score(&app, &a, &s.id, 9 - i as i32, 5, 5, 3).await.status(),
            201
        );
    }
    // Make the database refuse participants, so finalising fails after it has already
    // changed the applications' statuses inside its transaction.
    let db = app.db().await;
    let (create, drop) = match db.get_database_backend() {
        DbBackend::Postgres => (
            vec![
                "CREATE FUNCTION refuse_participant() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END; $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_participant BEFORE INSERT ON participants FOR EACH ROW EXECUTE FUNCTION refuse_participant()",
            ],
            vec![
                "DROP TRIGGER refuse_participant ON participants",
                "DROP FUNCTION refuse_participant()",
            ],
        ),
        _ => (
            vec![
                "CREATE TRIGGER refuse_participant BEFORE INSERT ON participants BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            ],
            vec!["DROP TRIGGER refuse_participant"],
        ),
    };
    for sql in create {
        db.execute_unprepared(sql).await.unwrap();
    }
    let res = finalise(&app, &f).await;
    assert_problem(res, 500, "internal").await;
    for s in &apps {
        let mine: Value = app
            .get(
                &format!("/api/v1/applications/{}", s.id),
                Some(&f.coordinator.token),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            mine["status"], "submitted",
            "nothing of the failed decision remains"
        );
        assert!(mine["selection_rank"].is_null());
    }
    let admin = app.admin_token().await;
    let outbox: Value = app
        .get("/api/v1/notifications/outbox?per_page=100", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    // Only the submissions' confirmations: no message of the failed decision.
    let kinds: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(!kinds.is_empty());
    assert!(
        kinds.iter().all(|k| *k == "application.received"),
        "{kinds:?}"
    );
    for sql in drop {
        db.execute_unprepared(sql).await.unwrap();
    }
    let d: Value = finalise(&app, &f).await.json().await.unwrap();
    assert_eq!(d["selected"], json!([apps[0].id]));
}

#[tokio::test]
async fn a_call_without_a_committee_cannot_be_decided() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    submitted(&app, &f, &[false]).await;
    app.set_time("2025-11-10T08:00:00Z");
    assert_problem(finalise(&app, &f).await, 409, "selection.no_committee").await;
}

/// The selection's lists and aggregates, and the project-wide ones that grow with it, run as
/// many SQL statements for four applications (and participants) as for one: two services,
/// the same steps, one with four times the rows.
#[tokio::test]
async fn selection_lists_and_aggregates_run_as_many_statements_for_four_applications_as_for_one() {
    let mut runs: Vec<Vec<(String, u64)>> = Vec::new();
    for n in [1usize, 4] {
        let app = spawn_app().await;
        let f = fixture(&app).await;
        let (_, apps) = selected_with(&app, &f, &vec![false; n]).await;
        for a in &apps {
            let res = app.post("/api/v1/practice-adoptions", Some(&a.library.token), &json!({"mobility_id": f.mobility_ids[0], "method": "dtfl", "description": "Mesečne delavnice", "plan": [{"step": "Pilot", "due": "2026-05-01"}]})).await;
            assert_eq!(res.status(), 201);
        }
        let project = app.zsk_project().await["id"].as_str().unwrap().to_string();
        let admin = app.admin_token().await;
        let m = &f.mobility_ids[0];
        let c = &f.call_id;
        let paths = [
            format!("/api/v1/mobilities/{m}/participants"),
            format!("/api/v1/mobilities/{m}/ranking"),
            format!("/api/v1/mobilities/{m}/selection-record"),
            format!("/api/v1/mobilities/{m}/selection-record.csv"),
            format!("/api/v1/applications?call_id={c}"),
            format!("/api/v1/calls/{c}/applications.csv"),
            format!("/api/v1/mobilities/{m}/progress"),
            format!("/api/v1/mobilities/{m}/evaluation"),
            format!("/api/v1/projects/{project}/indicators"),
            format!("/api/v1/projects/{project}/budget"),
            format!("/api/v1/projects/{project}/exports/participants.csv"),
            "/api/v1/organisations?kind=member_library".to_string(),
            "/api/v1/notifications/outbox".to_string(),
            "/api/v1/practice-adoptions".to_string(),
            format!("/api/v1/practice-adoptions?mobility_id={m}&sort=-updated_at"),
            "/api/v1/users".to_string(),
            "/api/v1/audit-log".to_string(),
            format!("/api/v1/projects/{project}/calls"),
            format!("/api/v1/projects/{project}/mobilities"),
            format!("/api/v1/projects/{project}/team"),
        ];
        let mut counts = Vec::new();
        for p in paths {
            let (statements, status) = app.statements_of_get(&p, Some(&admin)).await;
            assert_eq!(status, 200, "{p}");
            let shape = p
                .replace(m.as_str(), "{mobility}")
                .replace(c.as_str(), "{call}");
            counts.push((shape.replace(project.as_str(), "{project}"), statements));
        }
        runs.push(counts);
    }
    let grown: Vec<String> = runs[0]
        .iter()
        .zip(&runs[1])
        .filter(|((_, a), (_, b))| b > a)
        .map(|((p, a), (_, b))| format!("{p}: {a} -> {b}"))
        .collect();
    assert!(grown.is_empty(), "statements grow with the rows: {grown:?}");
}

/// An application's documents and signatures, and a call's committee, criteria and settings,
/// run as many SQL statements for four rows (two signatures) as for one.
#[tokio::test]
async fn application_and_committee_lists_run_as_many_statements_for_more_rows_as_for_one() {
    use super::applications::{draft, scan_pdf, sign, upload};
    let mut runs: Vec<Vec<(String, u64)>> = Vec::new();
    for n in [1usize, 4] {
        let app = spawn_app().await;
        let f = fixture(&app).await;
        let a = draft(&app, &f).await;
        let id = a["id"].as_str().unwrap();
        let mut documents = Vec::new();
        for i in 0..n {
            let res = upload(
                &app,
                &f.library.token,
                id,
                &format!("priloga-{i}.pdf"),
                scan_pdf(&format!("{id}-{i}")),
            )
            .await;
            assert_eq!(res.status(), 201);
            let doc: Value = res.json().await.unwrap();
            documents.push(doc["id"].as_str().unwrap().to_string());
        }
        let roles: &[&str] = if n == 1 {
            &["participant"]
        } else {
            &["participant", "library_director"]
        };
        for role in roles {
            let res = sign(
                &app,
                &f.library.token,
                id,
                role,
                "scanned_handwritten",
                Some(&documents[0]),
            )
            .await;
            assert_eq!(res.status(), 201);
        }
        let mut members = Vec::new();
        for _ in 0..n {
            members.push(app.user("committee", None).await);
        }
        set_committee(&app, &f, &members.iter().collect::<Vec<_>>()).await;
        let c = &f.call_id;
        let paths = [
            format!("/api/v1/applications/{id}/documents"),
            format!("/api/v1/applications/{id}/signatures"),
            format!("/api/v1/calls/{c}/committee"),
            format!("/api/v1/calls/{c}/criteria"),
            format!("/api/v1/calls/{c}/selection-settings"),
        ];
        let mut counts = Vec::new();
        for p in paths {
            let (statements, status) = app.statements_of_get(&p, Some(&f.coordinator.token)).await;
            assert_eq!(status, 200, "{p}");
            counts.push((
                p.replace(id, "{application}").replace(c.as_str(), "{call}"),
                statements,
            ));
        }
        runs.push(counts);
    }
    let grown: Vec<String> = runs[0]
        .iter()
        .zip(&runs[1])
        .filter(|((_, a), (_, b))| b > a)
        .map(|((p, a), (_, b))| format!("{p}: {a} -> {b}"))
        .collect();
    assert!(grown.is_empty(), "statements grow with the rows: {grown:?}");
}

/// A reserve who can no longer travel steps back, and is never promoted: the next one is.
#[tokio::test]
async fn a_reserve_steps_back_and_the_next_reserve_is_promoted() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let apps = one_place_two_reserves(&app, &f).await;
    assert_eq!(finalise(&app, &f).await.status(), 200);
    let reserve = format!("/api/v1/applications/{}", apps[1].id);
    let before: Value = app
        .get(&reserve, Some(&apps[1].library.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before["status"], "reserve");
    let res = app
        .post(
            &format!("{reserve}/withdraw"),
            Some(&apps[1].library.token),
            &json!({"reason": "Kandidatka v tem času ne more odpotovati."}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["status"], "withdrawn");
    // The coordinator may step a reserve back too; a withdrawn one is final.
    assert_problem(
        app.post(
            &format!("{reserve}/withdraw"),
            Some(&f.coordinator.token),
            &json!({}),
        )
        .await,
        409,
        "application.withdraw_not_allowed",
    )
    .await;

    let parts: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let pid = parts["items"][0]["id"].as_str().unwrap();
    let out: Value = app
        .post(
            &format!("/api/v1/participants/{pid}/withdraw"),
            Some(&f.coordinator.token),
            &json!({"reason": "bolezen"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["promoted"]["application_id"], apps[2].id.as_str());
    assert_eq!(out["promoted"]["reserve_rank"], 2);
    // Named with their library, as every participant is.
    assert_eq!(
        out["promoted"]["library_name"],
        apps[2].library_name.as_str()
    );
    assert_eq!(
        out["withdrawn"]["library_name"],
        apps[0].library_name.as_str()
    );
    let ranking: Value = app
        .get(
            &format!(
                "/api/v1/mobilities/{}/ranking?call_id={}",
                f.mobility_ids[0], f.call_id
            ),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    for e in ranking["entries"].as_array().unwrap() {
        let a = apps
            .iter()
            .find(|a| a.id == e["application_id"].as_str().unwrap())
            .unwrap();
        assert_eq!(e["library_name"], a.library_name.as_str());
    }
    let listed: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    for p in listed["items"].as_array().unwrap() {
        let a = apps
            .iter()
            .find(|a| a.id == p["application_id"].as_str().unwrap())
            .unwrap();
        assert_eq!(p["library_name"], a.library_name.as_str());
    }
}
