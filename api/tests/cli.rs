//! The `mobility` command as a user runs it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mobility");

fn command(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir).env("MOBILITY_LOG_LEVEL", "warn");
    for (k, _) in std::env::vars() {
        if k.starts_with("MOBILITY_") && k != "MOBILITY_LOG_LEVEL" {
            c.env_remove(k);
        }
    }
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run mobility")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["seed", "--help"],
        vec!["user", "--help"],
        vec!["user", "create", "--help"],
        vec!["openapi", "--help"],
        vec!["reminders", "--help"],
        vec!["reminders", "run", "--help"],
    ] {
        let o = run(dir.path(), &args);
        assert!(o.status.success(), "{args:?}");
        assert!(stdout(&o).contains("Usage:"), "{args:?}: {}", stdout(&o));
    }
    assert!(stdout(&run(dir.path(), &["seed", "--help"])).contains("--demo"));
}

#[test]
fn openapi_prints_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["openapi"]);
    assert!(o.status.success());
    let spec: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(spec["paths"]["/api/v1/auth/login"]["post"].is_object());
}

#[test]
fn a_short_jwt_secret_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let o = command(dir.path())
        .env("MOBILITY_JWT_SECRET", "only-twenty-bytes-xx")
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("MOBILITY_JWT_SECRET") && err.contains("at least 32 bytes"),
        "{err}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "nothing is created before the configuration is valid"
    );
}

#[test]
fn reminders_run_reports_what_it_queued_and_runs_again_safely() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["seed"]).status.success());
    for _ in 0..2 {
        let o = run(dir.path(), &["reminders", "run"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(
            stdout(&o).contains(
                "queued: 0 missing-signature, 0 obligation-due and 0 obligation-overdue reminders"
            ),
            "{}",
            stdout(&o)
        );
    }
}

#[test]
fn migrate_and_seed_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["migrate"]).status.success());
    assert!(run(dir.path(), &["migrate"]).status.success());
    let first = run(dir.path(), &["seed"]);
    assert!(first.status.success());
    assert!(
        stdout(&first).contains("created project 2025-1-SI01-KA122-ADU-000337358"),
        "{}",
        stdout(&first)
    );
    let second = run(dir.path(), &["seed"]);
    assert!(
        stdout(&second).contains("nothing to do"),
        "{}",
        stdout(&second)
    );
    let demo = run(dir.path(), &["seed", "--demo"]);
    let text = stdout(&demo);
    assert!(
        text.contains("demo users (passwords are shown once)")
            && text.contains("demo.coordinator@example.org"),
        "{text}"
    );
    assert!(stdout(&run(dir.path(), &["seed", "--demo"])).contains("nothing to do"));
}

#[test]
fn user_create_takes_a_piped_password_or_generates_one() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["seed"]).status.success());
    let mut child = command(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "Koordinatorka@ZSK.example",
            "--role",
            "coordinator",
            "--full-name",
            "Koordinatorka",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a-piped-password-123\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("created user koordinatorka@zsk.example (coordinator)"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("password"));

    let o = run(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "host@dokk1.example",
            "--role",
            "host",
            "--organisation",
            "Dokk1 (Main Library), Aarhus Public Libraries",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("password (shown once): "));

    let o = run(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "lib@x.example",
            "--role",
            "library",
            "--organisation",
            "Mestna knjižnica Ljubljana",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("member_library"));
    let o = run(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "x@x.example",
            "--role",
            "wizard",
        ],
    );
    assert!(!o.status.success());
    let o = run(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "koordinatorka@zsk.example",
            "--role",
            "coordinator",
        ],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn wait_until_live(child: &mut Child, port: u16) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Some(r) = get(port, "/health/live")
            && r.starts_with("HTTP/1.1 200")
        {
            return;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the server exited early"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not come up");
}

#[test]
fn serve_logs_request_ids_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = command(dir.path())
        .env("MOBILITY_BIND", format!("127.0.0.1:{port}"))
        .env("MOBILITY_LOG_FORMAT", "json")
        .env("MOBILITY_LOG_LEVEL", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_live(&mut child, port);
    let response = get(port, "/api/v1/projects").unwrap();
    let request_id = response
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .expect("x-request-id header")
        .trim()
        .to_string();

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let line = logs
        .lines()
        .find(|l| l.contains("request handled") && l.contains(&request_id))
        .unwrap_or_else(|| panic!("no log line with the request id {request_id}:\n{logs}"));
    let entry: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(entry["span"]["request_id"], request_id.as_str());
    assert!(
        logs.contains("initial-admin-password"),
        "the admin password file is logged by path"
    );
    let password = std::fs::read_to_string(dir.path().join("data/initial-admin-password")).unwrap();
    assert!(
        !logs.contains(password.trim()),
        "the password itself is never logged"
    );
}
