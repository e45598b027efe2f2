use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use mobility_tests::*;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

#[tokio::test]
async fn login_returns_bearer_tokens_and_me_returns_the_user() {
    let app = spawn_app().await;
    let res = app.login_response(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("rt_"));
    let token = body["access_token"].as_str().unwrap();
    let me: Value = app
        .get("/api/v1/auth/me", Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["role"], "admin");
    assert!(me.get("password_hash").is_none());
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_401() {
    let app = spawn_app().await;
    let unknown = app
        .login_response("nobody@test.example", ADMIN_PASSWORD)
        .await;
    assert!(
        unknown
            .headers()
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let unknown = assert_problem(unknown, 401, "auth.invalid_credentials").await;
    let wrong = assert_problem(
        app.login_response(ADMIN_EMAIL, "wrong password").await,
        401,
        "auth.invalid_credentials",
    )
    .await;
    assert_eq!(unknown, wrong, "the two failures must be indistinguishable");
    // E-mail matching ignores case and surrounding spaces.
    assert_eq!(
        app.login_response(" ADMIN@test.example ", ADMIN_PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn inactive_users_cannot_log_in_and_their_tokens_stop_working() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let u = app.user("committee", None).await;
    let res = app
        .patch(
            &format!("/api/v1/users/{}", u.id),
            Some(&admin),
            &json!({"active": false}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(
        app.login_response(&u.email, PASSWORD).await,
        401,
        "auth.invalid_credentials",
    )
    .await;
    assert_problem(
        app.get("/api/v1/auth/me", Some(&u.token)).await,
        401,
        "auth.invalid_token",
    )
    .await;
}

#[derive(serde::Serialize)]
struct Claims<'a> {
    sub: &'a str,
    role: &'a str,
    iat: i64,
    exp: i64,
    iss: &'a str,
    aud: &'a str,
}

fn token(secret: &str, iss: &str, aud: &str, exp_offset: i64, sub: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let c = Claims {
        sub,
        role: "admin",
        iat: now,
        exp: now + exp_offset,
        iss,
        aud,
    };
    encode(
        &Header::new(Algorithm::HS256),
        &c,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn me_with(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/auth/me", Some(token)).await
}

#[tokio::test]
async fn tokens_are_validated_strictly() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let me: Value = app
        .get("/api/v1/auth/me", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let sub = me["id"].as_str().unwrap();

    // A correctly made token works (the harness knows the configured secret).
    assert_eq!(
        me_with(
            &app,
            &token(JWT_SECRET, "mobility", "mobility-api", 300, sub)
        )
        .await
        .status(),
        200
    );

    let expired = me_with(
        &app,
        &token(JWT_SECRET, "mobility", "mobility-api", -120, sub),
    )
    .await;
    assert!(
        expired
            .headers()
            .get("www-authenticate")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    assert_problem(expired, 401, "auth.token_expired").await;

    let wrong_signature = token(
        "another-secret-another-secret-0123456789",
        "mobility",
        "mobility-api",
        300,
        sub,
    );
    assert_problem(
        me_with(&app, &wrong_signature).await,
        401,
        "auth.invalid_token",
    )
    .await;
    assert_problem(
        me_with(
            &app,
            &token(JWT_SECRET, "mobility", "someone-else", 300, sub),
        )
        .await,
        401,
        "auth.invalid_token",
    )
    .await;
    assert_problem(
        me_with(&app, &token(JWT_SECRET, "evil", "mobility-api", 300, sub)).await,
        401,
        "auth.invalid_token",
    )
    .await;

    // alg: none, with the claims of a valid token and no signature.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let claims_part = admin.split('.').nth(1).unwrap();
    let none = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        claims_part
    );
    let res = me_with(&app, &none).await;
    assert!(res.headers().get("www-authenticate").is_some());
    assert_problem(res, 401, "auth.invalid_token").await;

    assert_problem(me_with(&app, "not-a-jwt").await, 401, "auth.invalid_token").await;
    let res = app
        .req(reqwest::Method::GET, "/api/v1/auth/me", None)
        .header("Authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_problem(res, 401, "auth.invalid_token").await;
    let res = app.get("/api/v1/auth/me", None).await;
    assert_eq!(
        res.headers().get("www-authenticate").unwrap(),
        "Bearer realm=\"mobility\""
    );
    assert_problem(res, 401, "auth.missing_token").await;
}

async fn tokens(app: &TestApp) -> (String, String) {
    let body: Value = app
        .login_response(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    (
        body["access_token"].as_str().unwrap().into(),
        body["refresh_token"].as_str().unwrap().into(),
    )
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_login() {
    let app = spawn_app().await;
    let (_, r1) = tokens(&app).await;
    let res = app
        .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let r2 = body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2);
    assert_eq!(
        app.get("/api/v1/auth/me", body["access_token"].as_str())
            .await
            .status(),
        200
    );

    // r1 is spent: presenting it again fails and also revokes r2.
    assert_problem(
        app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
            .await,
        401,
        "auth.invalid_refresh_token",
    )
    .await;
    assert_problem(
        app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r2}))
            .await,
        401,
        "auth.invalid_refresh_token",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": "rt_unknown"}),
        )
        .await,
        401,
        "auth.invalid_refresh_token",
    )
    .await;
}

#[tokio::test]
async fn refresh_tokens_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let (_, refresh) = tokens(&app).await;
    let db = app.db().await;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT token_hash FROM refresh_tokens",
        ))
        .await
        .unwrap();
    let hashes: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "token_hash").unwrap())
        .collect();
    use sha2::Digest;
    let expected = hex::encode(sha2::Sha256::digest(refresh.as_bytes()));
    assert!(hashes.contains(&expected));
    assert!(!hashes.iter().any(|h| h.contains(&refresh)));
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    let (_, refresh) = tokens(&app).await;
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(
        app.post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": refresh}),
        )
        .await,
        401,
        "auth.invalid_refresh_token",
    )
    .await;
    let admin = app.admin_token().await;
    let log: Value = app
        .get("/api/v1/audit-log?action=logout", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 1);
}

#[tokio::test]
async fn login_validates_its_body() {
    let app = spawn_app().await;
    let body = assert_problem(
        app.post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "", "password": ""}),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&body), vec!["email", "password"]);
    let body = assert_problem(
        app.post("/api/v1/auth/login", None, &json!({"email": "a@b.c"}))
            .await,
        400,
        "request.invalid_json",
    )
    .await;
    assert_eq!(problem_fields(&body), vec!["password"]);
}
