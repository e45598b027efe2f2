use mobility_tests::*;
use serde_json::{Value, json};

async fn draft_call(app: &TestApp, token: &str) -> (String, Value) {
    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap().to_string();
    let mobs: Value = app
        .get(&format!("/api/v1/projects/{pid}/mobilities"), None)
        .await
        .json()
        .await
        .unwrap();
    let mid = mobs["items"][0]["id"].clone();
    let res = app
        .post(&format!("/api/v1/projects/{pid}/calls"), Some(token), &json!({"title": "Drugi poziv", "published_from": "2026-01-05", "deadline": "2026-01-20", "selection_due": "2026-01-31", "mobility_ids": [mid]}))
        .await;
    assert_eq!(res.status(), 201);
    (pid, res.json().await.unwrap())
}

#[tokio::test]
async fn drafts_are_hidden_from_the_public_until_published() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator", None).await;
    let (pid, call) = draft_call(&app, &coordinator.token).await;
    assert_eq!(call["status"], "draft");
    let path = format!("/api/v1/calls/{}", call["id"].as_str().unwrap());
    assert_problem(app.get(&path, None).await, 404, "call.not_found").await;
    let participant = app.user("participant", None).await;
    assert_problem(
        app.get(&path, Some(&participant.token)).await,
        404,
        "call.not_found",
    )
    .await;
    assert_eq!(app.get(&path, Some(&coordinator.token)).await.status(), 200);

    let public: Value = app
        .get(&format!("/api/v1/projects/{pid}/calls"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["total"], 1, "only the seeded open call");
    let staff: Value = app
        .get(
            &format!("/api/v1/projects/{pid}/calls"),
            Some(&coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff["total"], 2);

    let res = app
        .post(
            &format!("{path}/publish"),
            Some(&coordinator.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let open: Value = res.json().await.unwrap();
    assert_eq!(open["status"], "open");
    assert!(open["published_at"].is_string());
    assert_eq!(app.get(&path, None).await.status(), 200);
    assert_problem(
        app.post(
            &format!("{path}/publish"),
            Some(&coordinator.token),
            &json!({}),
        )
        .await,
        409,
        "call.invalid_transition",
    )
    .await;
    let all = zsk_mobility_ids(&app, &pid).await;
    let res = app
        .patch(
            &path,
            Some(&coordinator.token),
            &json!({"mobility_ids": all}),
            None,
        )
        .await;
    assert_problem(res, 409, "call.not_draft").await;
    let res = app
        .patch(
            &path,
            Some(&coordinator.token),
            &json!({"deadline": "2026-01-23"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);

    let res = app
        .post(
            &format!("{path}/close"),
            Some(&coordinator.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let closed: Value = res.json().await.unwrap();
    assert_eq!(closed["status"], "closed");
    assert_problem(
        app.post(
            &format!("{path}/close"),
            Some(&coordinator.token),
            &json!({}),
        )
        .await,
        409,
        "call.invalid_transition",
    )
    .await;
    assert_problem(
        app.patch(
            &path,
            Some(&coordinator.token),
            &json!({"title": "x"}),
            None,
        )
        .await,
        409,
        "call.closed",
    )
    .await;
    assert_eq!(
        app.get(&path, None).await.status(),
        200,
        "closed calls are public"
    );
    assert_problem(
        app.post(
            &format!("{path}/close"),
            Some(&participant.token),
            &json!({}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn call_dates_and_mobilities_are_checked() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap();
    let path = format!("/api/v1/projects/{pid}/calls");
    let res = app.post(&path, Some(&admin), &json!({"title": "T", "published_from": "2026-02-01", "deadline": "2026-01-01", "selection_due": "2025-12-01", "mobility_ids": ["0190f1c2-0000-7000-8000-000000000001"]})).await;
    let body = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(problem_fields(&body), vec!["deadline", "selection_due"]);
    let res = app.post(&path, Some(&admin), &json!({"title": "T", "published_from": "2026-01-01", "deadline": "2026-02-01", "mobility_ids": ["0190f1c2-0000-7000-8000-000000000001"]})).await;
    let body = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(body["errors"][0]["code"], "not_in_project");
    let res = app.post(&path, Some(&admin), &json!({"title": "T", "published_from": "2026-01-01", "deadline": "2026-02-01", "mobility_ids": []})).await;
    assert_problem(res, 422, "validation.failed").await;
    let res = app.post(&path, Some(&admin), &json!({"title": "Vabilo k prijavi za udeležbo na mobilnosti", "published_from": "2026-01-01", "deadline": "2026-02-01", "mobility_ids": zsk_mobility_ids(&app, pid).await})).await;
    assert_problem(res, 409, "call.title_taken").await;
}

async fn zsk_mobility_ids(app: &TestApp, pid: &str) -> Vec<Value> {
    let mobs: Value = app
        .get(&format!("/api/v1/projects/{pid}/mobilities"), None)
        .await
        .json()
        .await
        .unwrap();
    mobs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].clone())
        .collect()
}

#[tokio::test]
async fn calls_can_be_filtered_by_mobility_and_status() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator", None).await;
    let (pid, call) = draft_call(&app, &coordinator.token).await;
    let mid = call["mobility_ids"][0].as_str().unwrap();
    let list: Value = app
        .get(
            &format!("/api/v1/projects/{pid}/calls?mobility_id={mid}&status=draft"),
            Some(&coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], call["id"]);
    let list: Value = app
        .get(&format!("/api/v1/projects/{pid}/calls?status=open"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
}
