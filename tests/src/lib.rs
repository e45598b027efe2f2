//! Test harness: the real application on port 0 against a fresh database per test: a new
//! SQLite file, or a new PostgreSQL database when `MOBILITY_TEST_DATABASE_URL` is set.

pub mod signing;
pub use signing::{signed_pdf, signed_pdf_by};

use mobility_api::clock::ManualClock;
use mobility_api::{Application, Settings};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

pub const ADMIN_EMAIL: &str = "admin@test.example";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "a-long-test-password";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub data_dir: tempfile::TempDir,
    /// The clock the business rules see; `set_time` moves it.
    pub clock: Arc<ManualClock>,
    /// The PostgreSQL database made for this test, dropped at the end.
    pg: Option<(String, String)>,
    /// SQL statements the service has run.
    statements: Arc<std::sync::atomic::AtomicU64>,
}

/// The URL of the PostgreSQL server to test against, if any.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("MOBILITY_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawn with settings adjusted by `adjust` (after the test defaults are set).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.path().to_path_buf(),
        jwt_secret: Some(JWT_SECRET.into()),
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(ADMIN_PASSWORD.into()),
        log_level: std::env::var("TEST_LOG").unwrap_or_else(|_| "error".into()),
        db_max_connections: 5,
        // Background work runs once at start-up; the tests that need it run it themselves.
        jobs_interval_seconds: 3600,
        ..Settings::default()
    };
    let mut pg = None;
    if let Some(base) = postgres_base_url() {
        let name = format!("mobility_test_{}", uuid::Uuid::now_v7().simple());
        let admin = mobility_api::db::connect_url(&base, 1)
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        admin.close().await.ok();
        settings.database_url = Some(with_database(&base, &name));
        pg = Some((base, name));
    }
    adjust(&mut settings);
    mobility_api::telemetry::init(settings.log_format, &settings.log_level);
    let clock = Arc::new(ManualClock::default());
    let app = Application::build_with_clock(settings.clone(), clock.clone())
        .await
        .expect("build application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let statements = app.statements();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        settings,
        data_dir,
        clock,
        pg,
        statements,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((base, name)) = self.pg.take() {
            // Drop the database from a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(admin) = mobility_api::db::connect_url(&base, 1).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                        admin.close().await.ok();
                    }
                });
            })
            .join();
        }
    }
}

/// A user made for a test, with an access token.
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub token: String,
}

impl TestApp {
    /// Set the time the business rules see, e.g. `"2025-11-07T22:59:59Z"`.
    pub fn set_time(&self, rfc3339: &str) {
        let t = chrono::DateTime::parse_from_rfc3339(rfc3339)
            .expect("RFC 3339 time")
            .with_timezone(&chrono::Utc);
        self.clock.set(t);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, self.url(path));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// The SQL statements one `GET` runs (requests are one at a time in a test), with its
    /// status.
    pub async fn statements_of_get(&self, path: &str, token: Option<&str>) -> (u64, u16) {
        use std::sync::atomic::Ordering;
        let before = self.statements.load(Ordering::SeqCst);
        let res = self.get(path, token).await;
        let status = res.status().as_u16();
        // The body is read to the end: the handler has finished with the database.
        let _ = res.bytes().await;
        (self.statements.load(Ordering::SeqCst) - before, status)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.req(Method::GET, path, token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.req(Method::POST, path, token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
        if_match: Option<&str>,
    ) -> Response {
        let mut r = self.req(Method::PATCH, path, token).json(body);
        if let Some(tag) = if_match {
            r = r.header("If-Match", tag);
        }
        r.send().await.expect("request")
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.req(Method::DELETE, path, token)
            .send()
            .await
            .expect("request")
    }

    /// Log in and return the whole token response.
    pub async fn login_response(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": password}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let res = self.login_response(email, password).await;
        assert_eq!(res.status(), StatusCode::OK, "login of {email}");
        let body: Value = res.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Create an organisation as admin and return its id.
    pub async fn create_org(&self, name: &str, kind: &str) -> String {
        let admin = self.admin_token().await;
        let res = self
            .post(
                "/api/v1/organisations",
                Some(&admin),
                &json!({"name": name, "kind": kind, "country": "SI", "city": "Testno mesto"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        body["id"].as_str().unwrap().to_string()
    }

    /// Create a user of `role` (as admin) and log them in.
    pub async fn user(&self, role: &str, organisation_id: Option<&str>) -> TestUser {
        let admin = self.admin_token().await;
        let email = format!("{role}-{}@test.example", uuid::Uuid::now_v7().simple());
        let res = self
            .post(
                "/api/v1/users",
                Some(&admin),
                &json!({"email": email, "full_name": format!("Test {role}"), "role": role, "organisation_id": organisation_id, "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "create {role} user");
        let body: Value = res.json().await.unwrap();
        let token = self.login(&email, PASSWORD).await;
        TestUser {
            id: body["id"].as_str().unwrap().to_string(),
            email,
            token,
        }
    }

    /// The seeded ZSK project.
    pub async fn zsk_project(&self) -> Value {
        let body: Value = self
            .get(
                "/api/v1/projects?code=2025-1-SI01-KA122-ADU-000337358",
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        body["items"][0].clone()
    }

    /// A direct connection to the test's database, for checks the API does not expose.
    pub async fn db(&self) -> DatabaseConnection {
        mobility_api::db::connect(&self.settings)
            .await
            .expect("connect")
    }

    pub fn data_path(&self, name: &str) -> PathBuf {
        self.data_dir.path().join(name)
    }
}

/// Assert an RFC 9457 problem with `status` and `code`; return its body.
pub async fn assert_problem(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(
        res.status().as_u16(),
        status,
        "status for expected `{code}`"
    );
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(
        ct.starts_with("application/problem+json"),
        "content type {ct}"
    );
    let body: Value = res.json().await.expect("problem body");
    assert_eq!(body["code"], code, "problem: {body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    body
}

/// The field names of a validation problem.
pub fn problem_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Header names in lower case.
    pub headers: std::collections::HashMap<String, String>,
    pub body: String,
}

/// A small HTTP server on 127.0.0.1 that records each request and answers the statuses it is
/// given in turn (then 200): a webhook receiver.
pub struct Receiver {
    pub url: String,
    pub received: Arc<std::sync::Mutex<Vec<Received>>>,
    answers: Arc<std::sync::Mutex<std::collections::VecDeque<u16>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/mobility", listener.local_addr().unwrap());
        let received = Arc::new(std::sync::Mutex::new(Vec::new()));
        let answers = Arc::new(std::sync::Mutex::new(std::collections::VecDeque::new()));
        let (rec, ans) = (received.clone(), answers.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (rec, ans) = (rec.clone(), ans.clone());
                tokio::spawn(async move {
                    let mut reader = BufReader::new(stream);
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut headers = std::collections::HashMap::new();
                    loop {
                        line.clear();
                        reader.read_line(&mut line).await.unwrap();
                        let l = line.trim_end();
                        if l.is_empty() {
                            break;
                        }
                        if let Some((k, v)) = l.split_once(':') {
                            headers.insert(k.trim().to_lowercase(), v.trim().to_string());
                        }
                    }
                    let len: usize = headers
                        .get("content-length")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    let mut body = vec![0u8; len];
                    reader.read_exact(&mut body).await.unwrap();
                    rec.lock().unwrap().push(Received {
                        headers,
                        body: String::from_utf8(body).unwrap(),
                    });
                    let status = ans.lock().unwrap().pop_front().unwrap_or(200);
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let mut stream = reader.into_inner();
                    let _ = stream.write_all(reply.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Receiver {
            url,
            received,
            answers,
        }
    }

    /// Answer the next requests with these statuses (then 200 again).
    pub fn answer(&self, statuses: &[u16]) {
        self.answers
            .lock()
            .unwrap()
            .extend(statuses.iter().copied());
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// One message an [`SmtpServer`] accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-unstuffed).
    pub data: String,
}

/// A small SMTP server on 127.0.0.1 that speaks enough of RFC 5321 for a client (EHLO, MAIL,
/// RCPT, DATA, RSET, NOOP, QUIT) and records what it accepts; `refuse_next` makes the next
/// transactions fail with a temporary error.
pub struct SmtpServer {
    pub url: String,
    pub mails: Arc<std::sync::Mutex<Vec<Mail>>>,
    refuse: Arc<std::sync::atomic::AtomicUsize>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let mails = Arc::new(std::sync::Mutex::new(Vec::new()));
        let refuse = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (store, refusing) = (mails.clone(), refuse.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (store, refusing) = (store.clone(), refusing.clone());
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read);
                    let _ = write.write_all(b"220 test.smtp ESMTP\r\n").await;
                    let (mut from, mut to) = (String::new(), Vec::new());
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let cmd = line.trim_end().to_string();
                        let upper = cmd.to_uppercase();
                        let reply: String = if upper.starts_with("EHLO") {
                            "250-test.smtp\r\n250 8BITMIME\r\n".into()
                        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
                            "250 OK\r\n".into()
                        } else if upper.starts_with("MAIL FROM:") {
                            from = cmd[10..].trim().trim_matches(['<', '>']).to_string();
                            to.clear();
                            "250 OK\r\n".into()
                        } else if upper.starts_with("RCPT TO:") {
                            let taken = refusing
                                .fetch_update(
                                    std::sync::atomic::Ordering::SeqCst,
                                    std::sync::atomic::Ordering::SeqCst,
                                    |n| n.checked_sub(1),
                                )
                                .is_ok();
                            if taken {
                                "451 4.3.0 try again later\r\n".into()
                            } else {
                                to.push(cmd[8..].trim().trim_matches(['<', '>']).to_string());
                                "250 OK\r\n".into()
                            }
                        } else if upper == "DATA" {
                            let _ = write.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                let l = line.strip_prefix('.').unwrap_or(&line);
                                data.push_str(l);
                            }
                            store.lock().unwrap().push(Mail {
                                from: from.clone(),
                                to: to.clone(),
                                data,
                            });
                            "250 OK queued\r\n".into()
                        } else if upper.starts_with("RSET") {
                            to.clear();
                            "250 OK\r\n".into()
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            "502 not implemented\r\n".into()
                        };
                        if write.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        SmtpServer { url, mails, refuse }
    }

    /// Refuse the next `n` recipients with a temporary error (451).
    pub fn refuse_next(&self, n: usize) {
        self.refuse.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}
