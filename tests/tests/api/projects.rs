use mobility_tests::*;
use serde_json::{Value, json};

#[tokio::test]
async fn anonymous_callers_read_projects_and_mobilities_but_change_nothing() {
    let app = spawn_app().await;
    let list: Value = app
        .get("/api/v1/projects", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    let p = &list["items"][0];
    let id = p["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/projects/{id}"), None)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&format!("/api/v1/projects/{id}/mobilities"), None)
            .await
            .status(),
        200
    );
    let res = app.post("/api/v1/projects", None, &json!({})).await;
    assert_problem(res, 401, "auth.missing_token").await;
    assert_problem(
        app.get(&format!("/api/v1/projects/{id}/team"), None).await,
        401,
        "auth.missing_token",
    )
    .await;
    assert_problem(
        app.get("/api/v1/audit-log", None).await,
        401,
        "auth.missing_token",
    )
    .await;
}

#[tokio::test]
async fn projects_are_created_validated_and_changed_by_staff() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator", None).await;
    let zsk = app.zsk_project().await;
    let applicant = zsk["applicant_id"].as_str().unwrap();
    let body = json!({"code": "2026-1-SI01-KA122-ADU-000000001", "programme": "Erasmus+, Key Action 1", "action_type": "KA122-ADU", "title": "Nov projekt", "applicant_id": applicant, "start_date": "2026-09-01", "end_date": "2027-11-30"});
    let res = app
        .post("/api/v1/projects", Some(&coordinator.token), &body)
        .await;
    assert_eq!(res.status(), 201);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], "planned");
    assert_eq!(p["timezone"], "Europe/Ljubljana");
    assert_problem(
        app.post("/api/v1/projects", Some(&coordinator.token), &body)
            .await,
        409,
        "project.code_taken",
    )
    .await;

    let mut bad = body.clone();
    bad["code"] = json!("other");
    bad["end_date"] = json!("2026-01-01");
    let problem = assert_problem(
        app.post("/api/v1/projects", Some(&coordinator.token), &bad)
            .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["end_date"]);
    bad["end_date"] = json!("2027-01-01");
    bad["timezone"] = json!("Mars/Olympus");
    let problem = assert_problem(
        app.post("/api/v1/projects", Some(&coordinator.token), &bad)
            .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["timezone"]);

    let library = app.user("committee", None).await;
    assert_problem(
        app.post("/api/v1/projects", Some(&library.token), &body)
            .await,
        403,
        "auth.forbidden",
    )
    .await;

    let path = format!("/api/v1/projects/{}", p["id"].as_str().unwrap());
    let res = app
        .patch(
            &path,
            Some(&coordinator.token),
            &json!({"status": "active", "title_en": "A new project"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["status"], "active");
    let res = app
        .patch(
            &path,
            Some(&coordinator.token),
            &json!({"end_date": "2020-01-01"}),
            None,
        )
        .await;
    assert_problem(res, 422, "validation.failed").await;
}

#[tokio::test]
async fn the_project_team_holds_staff_with_their_function() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let zsk = app.zsk_project().await;
    let team = format!("/api/v1/projects/{}/team", zsk["id"].as_str().unwrap());
    let responsible = app.user("coordinator", None).await;
    let res = app
        .post(
            &team,
            Some(&admin),
            &json!({"user_id": responsible.id, "function": "responsible_person"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let member: Value = res.json().await.unwrap();
    assert_eq!(member["function"], "responsible_person");
    assert_eq!(member["email"], responsible.email);
    assert_problem(
        app.post(
            &team,
            Some(&admin),
            &json!({"user_id": responsible.id, "function": "responsible_person"}),
        )
        .await,
        409,
        "team.duplicate",
    )
    .await;
    assert_eq!(
        app.post(
            &team,
            Some(&admin),
            &json!({"user_id": responsible.id, "function": "committee_member"})
        )
        .await
        .status(),
        201
    );

    let participant = app.user("participant", None).await;
    let body = assert_problem(
        app.post(
            &team,
            Some(&admin),
            &json!({"user_id": participant.id, "function": "committee_member"}),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "role_not_allowed");
    assert_problem(
        app.post(
            &team,
            Some(&participant.token),
            &json!({"user_id": participant.id, "function": "coordinator"}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;

    let list: Value = app
        .get(&team, Some(&participant.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
    let res = app
        .delete(
            &format!("{team}/{}", member["id"].as_str().unwrap()),
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(
        app.delete(
            &format!("{team}/{}", member["id"].as_str().unwrap()),
            Some(&admin),
        )
        .await,
        404,
        "team_member.not_found",
    )
    .await;
}

#[tokio::test]
async fn mobilities_are_created_with_a_host_and_validated() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator", None).await;
    let zsk = app.zsk_project().await;
    let path = format!(
        "/api/v1/projects/{}/mobilities",
        zsk["id"].as_str().unwrap()
    );
    let host = app
        .create_org("Helsinki Central Library Oodi", "host")
        .await;
    let library = app
        .create_org("Knjižnica Ni Gostiteljica", "member_library")
        .await;
    let visited = app.create_org("Tampere City Library", "partner").await;
    let body = json!({"code": "JS3", "title": "Sledenje na delovnem mestu 3", "activity_type": "job_shadowing", "host_organisation_id": host, "city": "Helsinki", "country": "FI", "programme_days": 3, "travel_days": 2, "places": 8, "follow_up": "dtfl_workshop", "goals": ["Spoznati Oodi"], "programme": ["Ogled"], "visited_organisations": [{"organisation_id": visited, "description": "ogled"}], "window_start": "2026-09-01", "window_end": "2026-09-15"});
    let res = app.post(&path, Some(&coordinator.token), &body).await;
    assert_eq!(res.status(), 201);
    let m: Value = res.json().await.unwrap();
    assert_eq!(m["status"], "planned");
    assert_eq!(
        m["visited_organisations"][0]["organisation_id"],
        visited.as_str()
    );
    assert_problem(
        app.post(&path, Some(&coordinator.token), &body).await,
        409,
        "mobility.code_taken",
    )
    .await;

    let mut bad = body.clone();
    bad["code"] = json!("JS4");
    bad["host_organisation_id"] = json!(library);
    let problem = assert_problem(
        app.post(&path, Some(&coordinator.token), &bad).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "wrong_kind");
    bad["host_organisation_id"] = json!(host);
    bad["places"] = json!(0);
    bad["travel_days"] = json!(9);
    bad["window_end"] = json!("2026-08-01");
    let problem = assert_problem(
        app.post(&path, Some(&coordinator.token), &bad).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["places", "travel_days"]);

    let mpath = format!("/api/v1/mobilities/{}", m["id"].as_str().unwrap());
    let etag = app
        .get(&mpath, None)
        .await
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let res = app.patch(&mpath, Some(&coordinator.token), &json!({"start_date": "2026-09-07", "end_date": "2026-09-11", "visited_organisations": []}), Some(&etag)).await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["start_date"], "2026-09-07");
    assert_eq!(changed["visited_organisations"], json!([]));
    assert_problem(
        app.patch(
            &mpath,
            Some(&coordinator.token),
            &json!({"places": 9}),
            Some(&etag),
        )
        .await,
        412,
        "request.precondition_failed",
    )
    .await;
    assert_problem(
        app.patch(
            &mpath,
            Some(&coordinator.token),
            &json!({"end_date": "2026-09-01"}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    let participant = app.user("participant", None).await;
    assert_problem(
        app.patch(
            &mpath,
            Some(&participant.token),
            &json!({"places": 9}),
            None,
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
}

/// Whether the project's mobilities with `status` include `id`.
async fn listed(app: &TestApp, project: &str, id: &str, status: &str) -> bool {
    let v: Value = app
        .get(
            &format!("/api/v1/projects/{project}/mobilities?status={status}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    v["items"].as_array().unwrap().iter().any(|x| x["id"] == id)
}

/// Dates outside the announced window are set only with the reason that confirms them (kept,
/// audited, in the event feed); the status follows the dates, a cancellation stands.
#[tokio::test]
async fn dates_outside_the_window_need_a_reason_and_the_status_follows_the_dates() {
    let app = spawn_app().await;
    app.set_time("2026-02-01T10:00:00Z");
    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap();
    let list: Value = app
        .get(&format!("/api/v1/projects/{pid}/mobilities"), None)
        .await
        .json()
        .await
        .unwrap();
    // Pasvalys, announced for the first half of May.
    let m = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["window_start"] == "2026-05-01")
        .unwrap()
        .clone();
    let path = format!("/api/v1/mobilities/{}", m["id"].as_str().unwrap());
    let coordinator = app.user("coordinator", None).await.token;
    let june = json!({"start_date": "2026-06-01", "end_date": "2026-06-05"});
    let p = assert_problem(
        app.patch(&path, Some(&coordinator), &june, None).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "end_date");
    assert_eq!(p["errors"][0]["code"], "outside_window");
    let reason = "Gostitelj nas lahko sprejme šele v začetku junija.";
    let mut confirmed = june.clone();
    confirmed["outside_window_reason"] = json!(reason);
    let res = app.patch(&path, Some(&coordinator), &confirmed, None).await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.unwrap();
    assert_eq!(moved["start_date"], "2026-06-01");
    assert_eq!(moved["outside_window_reason"], reason);
    // Another change keeps the confirmed dates and their reason.
    let res = app
        .patch(&path, Some(&coordinator), &json!({"places": 9}), None)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["outside_window_reason"],
        reason
    );
    let admin = app.admin_token().await;
    let log: Value = app
        .get(
            &format!(
                "/api/v1/audit-log?object_type=mobility&object_id={}",
                m["id"].as_str().unwrap()
            ),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["changed_fields"]
                .as_array()
                .unwrap()
                .contains(&json!("outside_window_reason"))),
        "{log}"
    );
    let events: Value = app
        .get(
            "/api/v1/events?after=0&types=mobility.rescheduled",
            Some(&coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{events}");
    assert_eq!(items[0]["data"]["outside_window_reason"], reason);
    assert_eq!(items[0]["data"]["start_date"], "2026-06-01");
    // Back within the window: no reason is taken, none is kept.
    let p = assert_problem(
        app.patch(
            &path,
            Some(&coordinator),
            &json!({"start_date": "2026-05-04", "end_date": "2026-05-08", "outside_window_reason": reason}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "not_outside");
    let res = app
        .patch(
            &path,
            Some(&coordinator),
            &json!({"start_date": "2026-05-04", "end_date": "2026-05-08", "status": "confirmed"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.json::<Value>().await.unwrap()["outside_window_reason"].is_null());

    // The status follows the dates.
    let id = m["id"].as_str().unwrap().to_string();
    let filtered = |status: &'static str| listed(&app, pid, &id, status);
    for (now, status) in [
        ("2026-05-03T10:00:00Z", "confirmed"),
        ("2026-05-04T06:00:00Z", "in_progress"),
        ("2026-05-08T21:00:00Z", "in_progress"),
        ("2026-05-09T06:00:00Z", "completed"),
    ] {
        app.set_time(now);
        let got: Value = app.get(&path, None).await.json().await.unwrap();
        assert_eq!(got["status"], status, "on {now}");
        assert!(filtered(status).await, "listed as {status} on {now}");
        for other in [
            "planned",
            "confirmed",
            "in_progress",
            "completed",
            "cancelled",
        ] {
            if other != status {
                assert!(!filtered(other).await, "not {other} on {now}");
            }
        }
    }
    // Not set by hand; a cancellation stands whatever the dates.
    let p = assert_problem(
        app.patch(
            &path,
            Some(&coordinator),
            &json!({"status": "in_progress"}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "follows_dates");
    let res = app
        .patch(
            &path,
            Some(&coordinator),
            &json!({"status": "cancelled"}),
            None,
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "cancelled");
    assert!(filtered("cancelled").await);
    assert!(!filtered("completed").await);
}

/// Partner organisations are linked to the project with their role and shown on it.
#[tokio::test]
async fn partners_are_linked_with_their_role_and_shown_on_the_project() {
    let app = spawn_app().await;
    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap();
    let coordinator = app.user("coordinator", None).await.token;
    let centre = app
        .create_org(
            "Mestna knjižnica Ljubljana, Center za mednarodno sodelovanje",
            "partner",
        )
        .await;
    let before = app.get(&format!("/api/v1/projects/{pid}"), None).await;
    let tag_before = before.headers()["etag"].to_str().unwrap().to_string();
    let path = format!("/api/v1/projects/{pid}/partners");
    let link = json!({"organisation_id": centre, "role": "cooperation_partner", "description": "svetuje pri pripravi mobilnosti v tujini"});
    let committee = app.user("committee", None).await.token;
    assert_problem(
        app.post(&path, Some(&committee), &link).await,
        403,
        "auth.forbidden",
    )
    .await;
    let res = app.post(&path, Some(&coordinator), &link).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let partner: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!(
            "/api/v1/projects/{pid}/partners/{}",
            partner["id"].as_str().unwrap()
        )
    );
    assert_problem(
        app.post(&path, Some(&coordinator), &link).await,
        409,
        "partner.duplicate",
    )
    .await;
    let p = assert_problem(
        app.post(
            &path,
            Some(&coordinator),
            &json!({"organisation_id": uuid::Uuid::now_v7(), "role": "associated_partner"}),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["organisation_id"]);

    // Shown on the project, to anyone; the project's ETag moved.
    let res = app.get(&format!("/api/v1/projects/{pid}"), None).await;
    assert_ne!(res.headers()["etag"].to_str().unwrap(), tag_before);
    let project: Value = res.json().await.unwrap();
    assert_eq!(project["partners"][0]["organisation_id"], centre.as_str());
    assert_eq!(project["partners"][0]["role"], "cooperation_partner");
    assert!(
        project["partners"][0]["organisation_name"]
            .as_str()
            .unwrap()
            .contains("Center za mednarodno")
    );
    let list: Value = app
        .get("/api/v1/projects", None)
        .await
        .json()
        .await
        .unwrap();
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pid)
        .unwrap();
    assert_eq!(listed["partners"], project["partners"]);

    let one = format!("{path}/{}", partner["id"].as_str().unwrap());
    assert_eq!(app.delete(&one, Some(&coordinator)).await.status(), 204);
    assert_problem(
        app.delete(&one, Some(&coordinator)).await,
        404,
        "partner.not_found",
    )
    .await;
    let project: Value = app
        .get(&format!("/api/v1/projects/{pid}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(project["partners"], json!([]));
}

/// Dates set outside the window before the rule existed do not block other changes.
#[tokio::test]
async fn a_change_of_something_else_keeps_dates_set_before_the_window_rule() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app().await;
    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap();
    let list: Value = app
        .get(&format!("/api/v1/projects/{pid}/mobilities"), None)
        .await
        .json()
        .await
        .unwrap();
    let m = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["window_start"] == "2026-05-01")
        .unwrap()
        .clone();
    let id: uuid::Uuid = m["id"].as_str().unwrap().parse().unwrap();
    entity::mobility::ActiveModel {
        id: Set(id),
        start_date: Set(chrono::NaiveDate::from_ymd_opt(2026, 6, 1)),
        end_date: Set(chrono::NaiveDate::from_ymd_opt(2026, 6, 5)),
        ..Default::default()
    }
    .update(&app.db().await)
    .await
    .unwrap();
    let coordinator = app.user("coordinator", None).await.token;
    let path = format!("/api/v1/mobilities/{id}");
    let res = app
        .patch(&path, Some(&coordinator), &json!({"places": 8}), None)
        .await;
    assert_eq!(res.status(), 200);
    // Moving them is checked.
    let p = assert_problem(
        app.patch(
            &path,
            Some(&coordinator),
            &json!({"end_date": "2026-06-06"}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "outside_window");
}
