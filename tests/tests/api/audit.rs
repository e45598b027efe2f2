use mobility_tests::*;
use serde_json::{Value, json};

#[tokio::test]
async fn changes_are_audited_with_actor_object_and_field_names_only() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let coordinator = app.user("coordinator", None).await;
    let id = app.create_org("Knjižnica Revizija", "member_library").await;
    let res = app
        .patch(
            &format!("/api/v1/organisations/{id}"),
            Some(&coordinator.token),
            &json!({"website": "https://revizija.example", "city": "Celje"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);

    let log: Value = app
        .get(
            &format!("/api/v1/audit-log?object_type=organisation&object_id={id}"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 2);
    let update = &log["items"][0];
    assert_eq!(update["action"], "update");
    assert_eq!(update["actor_id"], coordinator.id.as_str());
    assert_eq!(update["actor_email"], coordinator.email.as_str());
    assert_eq!(update["changed_fields"], json!(["city", "website"]));
    assert!(update["request_id"].is_string());
    assert_eq!(log["items"][1]["action"], "create");

    let by_actor: Value = app
        .get(
            &format!("/api/v1/audit-log?actor_id={}", coordinator.id),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        by_actor["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_id"] == coordinator.id.as_str())
    );

    assert_problem(
        app.get("/api/v1/audit-log", Some(&coordinator.token)).await,
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn password_changes_are_audited_without_the_password() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let u = app.user("participant", None).await;
    let res = app
        .patch(
            &format!("/api/v1/users/{}", u.id),
            Some(&admin),
            &json!({"password": "another-long-password"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .get(
            &format!(
                "/api/v1/audit-log?object_type=user&object_id={}&action=update",
                u.id
            ),
            Some(&admin),
        )
        .await;
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("another-long-password") && !text.contains("argon2"),
        "{text}"
    );
    let log: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(log["items"][0]["changed_fields"], json!(["password"]));
}

#[tokio::test]
async fn actions_and_logins_are_audited() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let log: Value = app
        .get("/api/v1/audit-log?action=login", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 1);
    let zsk = app.zsk_project().await;
    let calls: Value = app
        .get(
            &format!("/api/v1/projects/{}/calls", zsk["id"].as_str().unwrap()),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let cid = calls["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        app.post(
            &format!("/api/v1/calls/{cid}/close"),
            Some(&admin),
            &json!({})
        )
        .await
        .status(),
        200
    );
    let log: Value = app
        .get(
            &format!("/api/v1/audit-log?object_type=call&object_id={cid}&action=close"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 1);
    assert_eq!(
        log["items"][0]["changed_fields"],
        json!(["status", "closed_at"])
    );
}
