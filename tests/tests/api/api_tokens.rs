//! API tokens: scripts act as service accounts, without a person's password.

use super::applications::{body, create, fixture};
use mobility_tests::*;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

#[tokio::test]
async fn a_library_system_works_with_its_api_token_until_it_is_revoked_or_expires() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/api-tokens",
            Some(&f.coordinator.token),
            &json!({"name": "COBISS sync", "role": "library", "organisation_id": f.library_id, "expires_in_days": 30}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let issued: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/api-tokens/{}", issued["id"].as_str().unwrap())
    );
    let token = issued["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("mob_"));
    assert_eq!(issued["role"], "library");
    assert!(issued["last_used_at"].is_null());

    // The script acts as its library: it creates an application, and the change is audited
    // as the token's service account.
    let res = create(
        &app,
        &f,
        &token,
        &body(&f.mobility_ids[0], "maja@knjiznica.example"),
    )
    .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["library_id"], f.library_id.as_str());
    let audit: Value = app
        .get(
            &format!(
                "/api/v1/audit-log?object_id={}",
                created["id"].as_str().unwrap()
            ),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["actor_id"], issued["user_id"]);
    // An Idempotency-Key works with it as with a login.
    let key = uuid::Uuid::now_v7().to_string();
    let send = || {
        app.req(
            reqwest::Method::POST,
            &format!("/api/v1/calls/{}/applications", f.call_id),
            Some(&token),
        )
        .header("Idempotency-Key", &key)
        .json(&body(&f.mobility_ids[1], "maja@knjiznica.example"))
        .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    // Its library's applications: the two it made.
    let listed: Value = app
        .get("/api/v1/applications", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);

    // Listed with its last use, never with the token.
    let list: Value = app
        .get("/api/v1/api-tokens", Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(list["items"][0]["last_used_at"].is_string());
    assert!(list["items"][0].get("token").is_none());
    // Another coordinator does not see it; a library user may not list tokens.
    let other = app.user("coordinator", None).await;
    let theirs: Value = app
        .get("/api/v1/api-tokens", Some(&other.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], json!([]));
    assert_problem(
        app.get("/api/v1/api-tokens", Some(&f.library.token)).await,
        403,
        "auth.forbidden",
    )
    .await;
    let path = format!("/api/v1/api-tokens/{}", issued["id"].as_str().unwrap());
    assert_problem(
        app.delete(&path, Some(&other.token)).await,
        404,
        "api_token.not_found",
    )
    .await;

    // Revoked: refused at once, and its account is deactivated.
    assert_eq!(
        app.delete(&path, Some(&f.coordinator.token)).await.status(),
        204
    );
    let res = app.get("/api/v1/applications", Some(&token)).await;
    assert_problem(res, 401, "auth.invalid_token").await;
    assert_problem(
        app.delete(&path, Some(&admin)).await,
        404,
        "api_token.not_found",
    )
    .await;

    // Expired: refused too.
    let res = app
        .post(
            "/api/v1/api-tokens",
            Some(&admin),
            &json!({"name": "Report", "role": "accountant"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let second: Value = res.json().await.unwrap();
    let second_token = second["token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v1/events", Some(second_token)).await.status(),
        200
    );
    let db = app.db().await;
    let id = uuid::Uuid::parse_str(second["id"].as_str().unwrap()).unwrap();
    let row = entity::api_token::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut am: entity::api_token::ActiveModel = row.into();
    am.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    am.update(&db).await.unwrap();
    assert_problem(
        app.get("/api/v1/events", Some(second_token)).await,
        401,
        "auth.invalid_token",
    )
    .await;
}

#[tokio::test]
async fn who_issues_which_api_token() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // Coordinators issue the roles they manage; only admins issue staff roles.
    for role in ["coordinator", "accountant", "admin"] {
        assert_problem(
            app.post(
                "/api/v1/api-tokens",
                Some(&f.coordinator.token),
                &json!({"name": "x", "role": role}),
            )
            .await,
            403,
            "auth.forbidden",
        )
        .await;
    }
    // A library token needs its library.
    let res = app
        .post(
            "/api/v1/api-tokens",
            Some(&f.coordinator.token),
            &json!({"name": "x", "role": "library"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    for bad in [
        json!({"name": " ", "role": "host"}),
        json!({"name": "x", "role": "host", "expires_in_days": 0}),
        json!({"name": "x", "role": "host", "expires_in_days": 731}),
    ] {
        assert_problem(
            app.post("/api/v1/api-tokens", Some(&f.coordinator.token), &bad)
                .await,
            422,
            "validation.failed",
        )
        .await;
    }
    assert_problem(
        app.post(
            "/api/v1/api-tokens",
            Some(&f.library.token),
            &json!({"name": "x", "role": "library", "organisation_id": f.library_id}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    // A made-up token is refused like a bad access token.
    assert_problem(
        app.get("/api/v1/applications", Some("mob_nothing")).await,
        401,
        "auth.invalid_token",
    )
    .await;
}
