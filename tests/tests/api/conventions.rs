//! HTTP conventions shared by every endpoint.

use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn unknown_routes_are_404_problems_and_wrong_methods_405_with_allow() {
    let app = spawn_app().await;
    assert_problem(
        app.get("/api/v1/no-such-thing", None).await,
        404,
        "request.route_not_found",
    )
    .await;
    assert_problem(
        app.get("/nothing/here", None).await,
        404,
        "request.route_not_found",
    )
    .await;

    let res = app
        .req(Method::DELETE, "/api/v1/projects", None)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("allow").unwrap(), "GET, POST");
    assert_problem(res, 405, "request.method_not_allowed").await;
    let res = app
        .req(
            Method::PUT,
            "/api/v1/users/0190f1c2-0000-7000-8000-000000000001",
            None,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("allow").unwrap(), "DELETE, GET, PATCH");
    assert_problem(res, 405, "request.method_not_allowed").await;
}

#[tokio::test]
async fn unreadable_bodies_queries_and_paths_are_400_problems() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .req(Method::POST, "/api/v1/organisations", Some(&admin))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "request.invalid_json").await;

    let res = app
        .post(
            "/api/v1/organisations",
            Some(&admin),
            &json!({"name": "X", "kind": "castle", "country": "SI", "city": "Y"}),
        )
        .await;
    assert_problem(res, 400, "request.invalid_json").await;

    let res = app
        .post(
            "/api/v1/organisations",
            Some(&admin),
            &json!({"name": "X", "kind": "host", "country": "SI", "city": "Y", "colour": "red"}),
        )
        .await;
    let body = assert_problem(res, 400, "request.invalid_json").await;
    assert_eq!(problem_fields(&body), vec!["colour"]);

    let res = app
        .req(Method::POST, "/api/v1/organisations", Some(&admin))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "request.unsupported_media_type").await;

    assert_problem(
        app.get("/api/v1/projects?page=abc", None).await,
        400,
        "request.invalid_query",
    )
    .await;
    assert_problem(
        app.get("/api/v1/projects?status=unknown", None).await,
        400,
        "request.invalid_query",
    )
    .await;
    let body = assert_problem(
        app.get("/api/v1/projects?per_page=201", None).await,
        400,
        "request.invalid_query",
    )
    .await;
    assert_eq!(problem_fields(&body), vec!["per_page"]);
    let body = assert_problem(
        app.get("/api/v1/projects?page=0", None).await,
        400,
        "request.invalid_query",
    )
    .await;
    assert_eq!(problem_fields(&body), vec!["page"]);

    let body = assert_problem(
        app.get("/api/v1/projects?page=18446744073709551615", None)
            .await,
        400,
        "request.invalid_query",
    )
    .await;
    assert_eq!(problem_fields(&body), vec!["page"]);
    assert_problem(
        app.get("/api/v1/projects/not-a-uuid", None).await,
        400,
        "request.invalid_path",
    )
    .await;
    assert_problem(
        app.get(
            "/api/v1/projects/0190f1c2-0000-7000-8000-000000000001",
            None,
        )
        .await,
        404,
        "project.not_found",
    )
    .await;
}

#[tokio::test]
async fn oversized_json_bodies_are_413_problems() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let huge = "x".repeat(1024 * 1024 + 10);
    let res = app
        .post(
            "/api/v1/organisations",
            Some(&admin),
            &json!({"name": huge}),
        )
        .await;
    assert_problem(res, 413, "request.too_large").await;
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/projects", None).await;
    let id = res
        .headers()
        .get("x-request-id")
        .expect("x-request-id")
        .to_str()
        .unwrap()
        .to_string();
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    let other = app.get("/api/v1/projects", None).await;
    assert_ne!(
        other
            .headers()
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap(),
        id
    );
}

#[tokio::test]
async fn lists_are_paginated_in_a_stable_order() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for i in 0..5 {
        app.create_org(&format!("Knjižnica {i:02}"), "member_library")
            .await;
    }
    let all: Value = app
        .get(
            "/api/v1/organisations?kind=member_library&per_page=200",
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["total"], 5);
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let p2: Value = app
        .get(
            "/api/v1/organisations?kind=member_library&per_page=2&page=2",
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p2["page"], 2);
    assert_eq!(p2["per_page"], 2);
    assert_eq!(p2["total"], 5);
    let p2_names: Vec<&str> = p2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(p2_names, names[2..4]);
    let p9: Value = app
        .get(
            "/api/v1/organisations?kind=member_library&per_page=2&page=9",
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p9["items"].as_array().unwrap().len(), 0);
    let default: Value = app
        .get("/api/v1/organisations", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(default["per_page"], 50);
    assert_eq!(default["page"], 1);
}

#[tokio::test]
async fn patch_honours_if_match_and_returns_a_new_etag() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let id = app.create_org("Knjižnica ETag", "member_library").await;
    let path = format!("/api/v1/organisations/{id}");
    let res = app.get(&path, Some(&admin)).await;
    let etag = res
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();

    let res = app
        .patch(
            &path,
            Some(&admin),
            &json!({"website": "https://knjiznica.example"}),
            Some(&etag),
        )
        .await;
    assert_eq!(res.status(), 200);
    let new_etag = res
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(etag, new_etag);

    // The old ETag is stale now.
    let res = app
        .patch(&path, Some(&admin), &json!({"website": null}), Some(&etag))
        .await;
    assert_problem(res, 412, "request.precondition_failed").await;
    let unchanged: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
    assert_eq!(unchanged["website"], "https://knjiznica.example");

    // `*` and the current tag both pass; no If-Match is allowed too.
    assert_eq!(
        app.patch(
            &path,
            Some(&admin),
            &json!({"website": null}),
            Some(&new_etag)
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.patch(
            &path,
            Some(&admin),
            &json!({"email": "info@knjiznica.example"}),
            Some("*")
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.patch(&path, Some(&admin), &json!({"email": null}), None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn health_probes_answer() {
    let app = spawn_app().await;
    let live: Value = app.get("/health/live", None).await.json().await.unwrap();
    assert_eq!(live["status"], "ok");
    let res = app.get("/health/ready", None).await;
    assert_eq!(res.status(), 200);
}
