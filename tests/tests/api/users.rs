use mobility_tests::*;
use serde_json::{Value, json};

#[tokio::test]
async fn admin_creates_users_of_any_role_and_coordinators_only_library_participant_and_host() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let library = app
        .create_org("Knjižnica Uporabniki", "member_library")
        .await;
    let coordinator = app.user("coordinator", None).await;

    let res = app
        .post("/api/v1/users", Some(&coordinator.token), &json!({"email": "dir@knjiznica.example", "full_name": "Direktorica", "role": "library", "organisation_id": library, "password": PASSWORD}))
        .await;
    assert_eq!(res.status(), 201);
    assert!(res.headers().get("etag").is_some());
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["role"], "library");
    assert_eq!(created["organisation_id"], library.as_str());
    assert!(created.get("password").is_none() && created.get("password_hash").is_none());

    let res = app
        .post("/api/v1/users", Some(&coordinator.token), &json!({"email": "c2@test.example", "full_name": "C", "role": "committee", "password": PASSWORD}))
        .await;
    assert_problem(res, 403, "auth.forbidden").await;
    let res = app
        .post("/api/v1/users", Some(&admin), &json!({"email": "c2@test.example", "full_name": "C", "role": "committee", "password": PASSWORD}))
        .await;
    assert_eq!(res.status(), 201);

    // Coordinators list only the roles they manage; admins see everyone.
    let list: Value = app
        .get("/api/v1/users?per_page=200", Some(&coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    let roles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, vec!["library"]);
    let list: Value = app
        .get("/api/v1/users?role=admin", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    let list: Value = app
        .get("/api/v1/users?q=DIREKTOR", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn users_outside_ones_remit_are_403_or_404() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let me: Value = app
        .get("/api/v1/auth/me", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let coordinator = app.user("coordinator", None).await;
    let committee = app.user("committee", None).await;

    assert_problem(
        app.get("/api/v1/users", Some(&committee.token)).await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_problem(
        app.get("/api/v1/users", None).await,
        401,
        "auth.missing_token",
    )
    .await;
    // The role gate comes before the body: a caller who may not create users learns nothing
    // of the body's rules (a short password, an unknown field).
    for body in [
        json!({"email": "x@test.example", "password": "short", "role": "library", "full_name": "X"}),
        json!({"nonsense": true}),
    ] {
        assert_problem(
            app.post("/api/v1/users", Some(&committee.token), &body)
                .await,
            403,
            "auth.forbidden",
        )
        .await;
    }
    // A coordinator does not see admins: 404, not 403.
    assert_problem(
        app.get(
            &format!("/api/v1/users/{}", me["id"].as_str().unwrap()),
            Some(&coordinator.token),
        )
        .await,
        404,
        "user.not_found",
    )
    .await;
    // Everyone sees themselves.
    assert_eq!(
        app.get(
            &format!("/api/v1/users/{}", committee.id),
            Some(&committee.token)
        )
        .await
        .status(),
        200
    );
    assert_problem(
        app.get(
            &format!("/api/v1/users/{}", coordinator.id),
            Some(&committee.token),
        )
        .await,
        404,
        "user.not_found",
    )
    .await;
}

#[tokio::test]
async fn user_input_is_validated_per_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app.post("/api/v1/users", Some(&admin), &json!({"email": "not-an-email", "full_name": "", "role": "committee", "password": "short"})).await;
    let body = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(
        problem_fields(&body),
        vec!["email", "full_name", "password"]
    );

    let res = app.post("/api/v1/users", Some(&admin), &json!({"email": "lib@test.example", "full_name": "L", "role": "library", "password": PASSWORD})).await;
    let body = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(body["errors"][0]["code"], "required");

    let host = app.create_org("Host Org", "host").await;
    let res = app.post("/api/v1/users", Some(&admin), &json!({"email": "lib@test.example", "full_name": "L", "role": "library", "organisation_id": host, "password": PASSWORD})).await;
    let body = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(body["errors"][0]["code"], "wrong_kind");

    let res = app.post("/api/v1/users", Some(&admin), &json!({"email": ADMIN_EMAIL.to_uppercase(), "full_name": "Dup", "role": "committee", "password": PASSWORD})).await;
    assert_problem(res, 409, "user.email_taken").await;
}

#[tokio::test]
async fn nobody_deactivates_demotes_or_deletes_themselves() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let me: Value = app
        .get("/api/v1/auth/me", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
    assert_problem(
        app.patch(&path, Some(&admin), &json!({"active": false}), None)
            .await,
        403,
        "user.self_change",
    )
    .await;
    assert_problem(
        app.patch(&path, Some(&admin), &json!({"role": "coordinator"}), None)
            .await,
        403,
        "user.self_change",
    )
    .await;
    // Not even with another admin to take over.
    let second = app.user("admin", None).await;
    assert_problem(
        app.patch(&path, Some(&admin), &json!({"active": false}), None)
            .await,
        403,
        "user.self_change",
    )
    .await;
    // Changing one's own password or e-mail needs the current password, admins included.
    let p = assert_problem(
        app.patch(
            &path,
            Some(&admin),
            &json!({"password": "a-brand-new-password"}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["current_password"]);
    assert_problem(
        app.patch(
            &path,
            Some(&admin),
            &json!({"email": "new-admin@test.example"}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    let res = app
        .patch(
            &path,
            Some(&admin),
            &json!({"password": "a-brand-new-password", "current_password": ADMIN_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    // The same role or `active: true` is no change and passes.
    let res = app
        .patch(
            &path,
            Some(&admin),
            &json!({"role": "admin", "active": true}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(
        app.delete(&path, Some(&admin)).await,
        403,
        "user.self_change",
    )
    .await;
    let stale = app
        .req(reqwest::Method::DELETE, &path, Some(&second.token))
        .header("If-Match", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412, "request.precondition_failed").await;
    let etag = app
        .get(&path, Some(&second.token))
        .await
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let res = app
        .req(reqwest::Method::DELETE, &path, Some(&second.token))
        .header("If-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_problem(
        app.get(&path, Some(&second.token)).await,
        404,
        "user.not_found",
    )
    .await;
}

#[tokio::test]
async fn users_change_their_own_password_with_the_current_one_and_logins_end() {
    let app = spawn_app().await;
    let u = app.user("accountant", None).await;
    let path = format!("/api/v1/users/{}", u.id);
    let res = app
        .patch(
            &path,
            Some(&u.token),
            &json!({"password": "a-brand-new-password", "current_password": "wrong"}),
            None,
        )
        .await;
    let body = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(problem_fields(&body), vec!["current_password"]);
    let res = app
        .patch(&path, Some(&u.token), &json!({"role": "admin"}), None)
        .await;
    assert_problem(res, 403, "auth.forbidden").await;

    let login: Value = app
        .login_response(&u.email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let res = app.patch(&path, Some(&u.token), &json!({"password": "a-brand-new-password", "current_password": PASSWORD, "full_name": "Renamed"}), None).await;
    assert_eq!(res.status(), 200);
    assert_problem(
        app.login_response(&u.email, PASSWORD).await,
        401,
        "auth.invalid_credentials",
    )
    .await;
    assert_eq!(
        app.login_response(&u.email, "a-brand-new-password")
            .await
            .status(),
        200
    );
    // The refresh token from before the change no longer works.
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_problem(res, 401, "auth.invalid_refresh_token").await;
}

#[tokio::test]
async fn users_in_a_project_team_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let project = app.zsk_project().await;
    let member = app.user("committee", None).await;
    let res = app
        .post(
            &format!("/api/v1/projects/{}/team", project["id"].as_str().unwrap()),
            Some(&admin),
            &json!({"user_id": member.id, "function": "committee_member"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_problem(
        app.delete(&format!("/api/v1/users/{}", member.id), Some(&admin))
            .await,
        409,
        "user.in_use",
    )
    .await;
}
