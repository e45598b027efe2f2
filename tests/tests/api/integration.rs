//! What browser frontends and integration scripts rely on beyond the resources: CORS and the
//! request id.

use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

const FRONTEND: &str = "http://localhost:5173";

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

fn listed(res: &reqwest::Response, name: &str) -> Vec<String> {
    header(res, name)
        .unwrap_or_default()
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect()
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.req(Method::OPTIONS, "/api/v1/projects", None)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "PATCH")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type, if-match, idempotency-key, x-request-id",
        )
        .send()
        .await
        .unwrap()
}

/// CORS is off unless origins are configured: a preflight is refused as any OPTIONS request
/// is, and no response names an allowed origin.
#[tokio::test]
async fn cors_is_off_by_default() {
    let app = spawn_app().await;
    let res = preflight(&app, FRONTEND).await;
    assert_eq!(res.status(), 405);
    assert_eq!(header(&res, "access-control-allow-origin"), None);
    let res = app
        .req(Method::GET, "/api/v1/projects", None)
        .header("Origin", FRONTEND)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "access-control-allow-origin"), None);
}

/// With `cors_origins` set, a configured origin's preflight is answered with the methods and
/// headers the API takes, responses (errors too) name the origin and expose the headers a
/// frontend reads; another origin is not allowed.
#[tokio::test]
async fn configured_origins_may_call_the_api_from_a_browser() {
    let app =
        spawn_app_with(|s| s.cors_origins = format!("{FRONTEND}, https://app.example.org")).await;
    let res = preflight(&app, FRONTEND).await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(header(&res, "access-control-allow-origin"), Some(FRONTEND));
    assert!(listed(&res, "access-control-allow-methods").contains(&"patch".to_string()));
    let allowed = listed(&res, "access-control-allow-headers");
    for h in [
        "authorization",
        "content-type",
        "if-match",
        "idempotency-key",
        "x-request-id",
    ] {
        assert!(allowed.contains(&h.to_string()), "{h} not in {allowed:?}");
    }

    let token = app.admin_token().await;
    let res = app
        .req(Method::GET, "/api/v1/projects", Some(&token))
        .header("Origin", FRONTEND)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "access-control-allow-origin"), Some(FRONTEND));
    let exposed = listed(&res, "access-control-expose-headers");
    for h in [
        "etag",
        "location",
        "content-disposition",
        "retry-after",
        "x-request-id",
    ] {
        assert!(exposed.contains(&h.to_string()), "{h} not in {exposed:?}");
    }
    // A refusal is readable by the frontend too.
    let res = app
        .req(Method::GET, "/api/v1/projects/not-a-uuid", None)
        .header("Origin", FRONTEND)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(header(&res, "access-control-allow-origin"), Some(FRONTEND));

    let res = preflight(&app, "https://evil.example").await;
    assert_eq!(header(&res, "access-control-allow-origin"), None);
    assert_problem(res, 403, "request.origin_not_allowed").await;
    let res = app
        .req(Method::GET, "/api/v1/projects", Some(&token))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "access-control-allow-origin"), None);
}

/// A setting that is not an origin stops the start with a message.
#[test]
fn a_malformed_origin_is_refused_at_start() {
    for bad in [
        "localhost:5173",
        "https://app.example.org/path",
        "ftp://x.example",
    ] {
        let mut s = mobility_api::config::Settings {
            cors_origins: bad.into(),
            ..Default::default()
        };
        s.data_dir = std::env::temp_dir();
        let err = s.check().expect_err(bad).to_string();
        assert!(err.contains("MOBILITY_CORS_ORIGINS"), "{err}");
    }
}

/// An incoming `X-Request-Id` that is a sane token is kept and echoed; anything else is
/// replaced by a new id; without one, a new id is given.
#[tokio::test]
async fn a_sane_incoming_request_id_is_kept_and_echoed() {
    let app = spawn_app().await;
    let sent = "lib-system:sync/42";
    let res = app
        .req(Method::GET, "/health/live", None)
        .header("X-Request-Id", sent)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "x-request-id"), Some(sent));
    let res = app
        .req(Method::GET, "/api/v1/nowhere", None)
        .header("X-Request-Id", sent)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        header(&res, "x-request-id"),
        Some(sent),
        "errors keep it too"
    );

    for insane in ["two words", &"x".repeat(200), "<script>"] {
        let res = app
            .req(Method::GET, "/health/live", None)
            .header("X-Request-Id", insane)
            .send()
            .await
            .unwrap();
        let got = header(&res, "x-request-id").unwrap();
        assert_ne!(got, insane);
        assert!(uuid::Uuid::parse_str(got).is_ok(), "{got}");
    }
    let res = app.get("/health/live", None).await;
    assert!(uuid::Uuid::parse_str(header(&res, "x-request-id").unwrap()).is_ok());
}

/// `/metrics` is off by default; when on, it counts requests by method, route pattern (never
/// an id) and status, with latency buckets, and reads the database pool and the outbox.
#[tokio::test]
async fn metrics_count_requests_by_route_pattern_when_enabled() {
    let off = spawn_app().await;
    assert_eq!(off.get("/metrics", None).await.status(), 404);

    let app = spawn_app_with(|s| s.metrics = true).await;
    let token = app.admin_token().await;
    let project = app.zsk_project().await;
    let id = project["id"].as_str().unwrap();
    for _ in 0..3 {
        let res = app
            .get(&format!("/api/v1/projects/{id}"), Some(&token))
            .await;
        assert_eq!(res.status(), 200);
    }
    assert_eq!(app.get("/api/v1/nowhere", None).await.status(), 404);
    let res = app.get("/metrics", None).await;
    assert_eq!(res.status(), 200);
    assert!(
        header(&res, "content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = res.text().await.unwrap();
    let value = |prefix: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` in\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(
        value(r#"http_requests_total{method="GET",route="/api/v1/projects/{id}",status="200"}"#),
        3.0
    );
    assert_eq!(
        value(r#"http_requests_total{method="GET",route="unmatched",status="404"}"#),
        1.0
    );
    assert_eq!(
        value(r#"http_request_duration_seconds_count{method="GET",route="/api/v1/projects/{id}"}"#),
        3.0
    );
    assert!(text.contains("http_request_duration_seconds_bucket{"));
    assert!(value("db_pool_connections") >= 1.0);
    assert_eq!(value("outbox_queued_messages"), 0.0);
    assert_eq!(value("webhook_pending_deliveries"), 0.0);
    assert!(!text.contains(id), "no ids in labels");
}

async fn first_mobility(app: &TestApp) -> String {
    let project = app.zsk_project().await;
    let list: serde_json::Value = app
        .get(
            &format!(
                "/api/v1/projects/{}/mobilities",
                project["id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    list["items"][0]["id"].as_str().unwrap().to_string()
}

fn meeting(title: &str) -> serde_json::Value {
    serde_json::json!({"kind": "evaluation", "title": title, "starts_at": "2026-04-02T14:00:00Z", "duration_minutes": 60})
}

async fn post_keyed(
    app: &TestApp,
    path: &str,
    token: &str,
    key: Option<&str>,
    body: &serde_json::Value,
) -> reqwest::Response {
    let mut r = app.req(Method::POST, path, Some(token)).json(body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    r.send().await.unwrap()
}

async fn meetings_count(app: &TestApp, path: &str, token: &str) -> u64 {
    let list: serde_json::Value = app.get(path, Some(token)).await.json().await.unwrap();
    list["total"].as_u64().unwrap()
}

/// A retried create with the same `Idempotency-Key` and body returns the first response
/// (status, body, `Location`) and creates nothing more; the same key with another body is 422;
/// without a key, a retry creates twice. The key is the caller's: another user's same key is
/// another request.
#[tokio::test]
async fn a_retried_create_with_the_same_idempotency_key_creates_once() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator", None).await;
    let path = format!("/api/v1/mobilities/{}/meetings", first_mobility(&app).await);
    let key = "3f2c9a4e-1b2d-4c5e-8f90-123456789abc";

    let first = post_keyed(
        &app,
        &path,
        &coordinator.token,
        Some(key),
        &meeting("Srečanje"),
    )
    .await;
    assert_eq!(first.status(), 201);
    assert_eq!(header(&first, "idempotent-replayed"), None);
    let location = header(&first, "location").unwrap().to_string();
    let body = first.text().await.unwrap();
    let again = post_keyed(
        &app,
        &path,
        &coordinator.token,
        Some(key),
        &meeting("Srečanje"),
    )
    .await;
    assert_eq!(again.status(), 201);
    assert_eq!(header(&again, "idempotent-replayed"), Some("true"));
    assert_eq!(header(&again, "location"), Some(location.as_str()));
    assert_eq!(again.text().await.unwrap(), body);
    assert_eq!(meetings_count(&app, &path, &coordinator.token).await, 1);

    let other = post_keyed(
        &app,
        &path,
        &coordinator.token,
        Some(key),
        &meeting("Drugo"),
    )
    .await;
    assert_problem(other, 422, "idempotency.key_reused").await;
    assert_eq!(meetings_count(&app, &path, &coordinator.token).await, 1);

    // Another user's same key is their own.
    let admin = app.admin_token().await;
    let theirs = post_keyed(&app, &path, &admin, Some(key), &meeting("Srečanje")).await;
    assert_eq!(theirs.status(), 201);
    assert_eq!(header(&theirs, "idempotent-replayed"), None);

    // Without a key a retry is a second create.
    for _ in 0..2 {
        let res = post_keyed(
            &app,
            &path,
            &coordinator.token,
            None,
            &meeting("Brez ključa"),
        )
        .await;
        assert_eq!(res.status(), 201);
    }
    assert_eq!(meetings_count(&app, &path, &coordinator.token).await, 4);

    let bad = post_keyed(
        &app,
        &path,
        &coordinator.token,
        Some("two words"),
        &meeting("X"),
    )
    .await;
    assert_problem(bad, 400, "request.invalid_header").await;
}

/// The key is kept in the database: a request still running with it is 409 with
/// `Retry-After`; a new server on the same database replays the first response; after 24
/// hours the key is forgotten and the request runs again.
#[tokio::test]
async fn idempotency_keys_hold_across_restarts_and_expire_after_a_day() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app().await;
    let coordinator = app.user("coordinator", None).await;
    let user_id: uuid::Uuid = coordinator.id.parse().unwrap();
    let path = format!("/api/v1/mobilities/{}/meetings", first_mobility(&app).await);
    let db = mobility_api::db::connect_url(&app.settings.database_url(), 1)
        .await
        .unwrap();

    // A first request still running (as another instance would record it).
    let body = meeting("V teku");
    let bytes = serde_json::to_vec(&body).unwrap();
    entity::idempotency_key::ActiveModel {
        user_id: Set(user_id),
        key: Set("running-key".into()),
        request_hash: Set(mobility_api::http::idempotency::hash_of(
            "POST",
            &path,
            "",
            "application/json",
            &bytes,
        )),
        state: Set("running".into()),
        response_status: Set(None),
        response_headers: Set(None),
        response_body: Set(None),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(&db)
    .await
    .unwrap();
    let res = app
        .req(Method::POST, &path, Some(&coordinator.token))
        .header("Idempotency-Key", "running-key")
        .header("Content-Type", "application/json")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "retry-after"), Some("1"));
    assert_problem(res, 409, "idempotency.in_progress").await;

    let first = post_keyed(
        &app,
        &path,
        &coordinator.token,
        Some("kept"),
        &meeting("Ohranjeno"),
    )
    .await;
    assert_eq!(first.status(), 201);
    let first_body = first.text().await.unwrap();

    // A new server on the same database.
    let mut settings = app.settings.clone();
    settings.bind = "127.0.0.1:0".into();
    let restarted = mobility_api::startup::Application::build(settings)
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", restarted.port());
    tokio::spawn(restarted.run_until_stopped());
    let res = reqwest::Client::new()
        .post(format!("{address}{path}"))
        .bearer_auth(&coordinator.token)
        .header("Idempotency-Key", "kept")
        .json(&meeting("Ohranjeno"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(header(&res, "idempotent-replayed"), Some("true"));
    assert_eq!(res.text().await.unwrap(), first_body);

    // A day later the key is forgotten: the same request creates again.
    entity::idempotency_key::ActiveModel {
        user_id: Set(user_id),
        key: Set("kept".into()),
        created_at: Set(chrono::Utc::now() - chrono::Duration::hours(25)),
        ..Default::default()
    }
    .update(&db)
    .await
    .unwrap();
    let res = post_keyed(
        &app,
        &path,
        &coordinator.token,
        Some("kept"),
        &meeting("Ohranjeno"),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(header(&res, "idempotent-replayed"), None);
    assert_ne!(res.text().await.unwrap(), first_body);
}

/// Every response says `nosniff` and may not be framed; answers to requests with credentials
/// (a token, a calendar feed's secret path) are never stored by caches; Swagger UI has a
/// content security policy of its own.
#[tokio::test]
async fn responses_carry_browser_security_headers() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    // Signed in: JSON, CSV, a problem.
    let project = app.zsk_project().await["id"].as_str().unwrap().to_string();
    for path in [
        "/api/v1/events".to_string(),
        format!("/api/v1/projects/{project}/exports/participants.csv"),
        "/api/v1/applications/not-a-uuid".to_string(),
    ] {
        let res = app.get(&path, Some(&admin)).await;
        assert_eq!(
            header(&res, "cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
        assert_eq!(
            header(&res, "x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert!(
            header(&res, "content-security-policy")
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
    // Public: no credentials, cacheable, still nosniff.
    let res = app.get("/api/v1/projects", None).await;
    assert_eq!(header(&res, "cache-control"), None);
    assert_eq!(
        header(&res, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    // A calendar feed's URL is its credential.
    let feed: Value = app
        .post("/api/v1/calendar-feeds", Some(&admin), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let path = feed["url"]
        .as_str()
        .unwrap()
        .split_once("/calendar/")
        .map(|(_, t)| format!("/calendar/{t}"))
        .unwrap();
    let res = app.get(&path, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control").as_deref(), Some("no-store"));
    // Swagger UI: its own policy, never framed.
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), 200);
    let csp = header(&res, "content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(header(&res, "x-frame-options").as_deref(), Some("DENY"));
}
