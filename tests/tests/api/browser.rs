//! Swagger UI in a real browser: headless Chromium loads /docs, runs its JavaScript, and the
//! rendered page lists the operations and offers Authorize.
//!
//! Runs when Chromium is at `MOBILITY_TEST_BROWSER` (CI sets it) or at /usr/bin/chromium.

use mobility_tests::*;
use std::path::PathBuf;

fn browser() -> Option<PathBuf> {
    match std::env::var("MOBILITY_TEST_BROWSER") {
        Ok(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            assert!(
                p.exists(),
                "MOBILITY_TEST_BROWSER points at {}, which does not exist",
                p.display()
            );
            Some(p)
        }
        _ => Some(PathBuf::from("/usr/bin/chromium")).filter(|p| p.exists()),
    }
}

#[tokio::test]
async fn swagger_ui_renders_operations_and_authorize_in_chromium() {
    let Some(chromium) = browser() else {
        eprintln!(
            "no Chromium here: the Swagger UI browser check did not run (set MOBILITY_TEST_BROWSER)"
        );
        return;
    };
    let app = spawn_app().await;
    let url = app.url("/docs/");
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = format!("--user-data-dir={}", profile.path().display());
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=15000",
                "--dump-dom",
                &profile_arg,
                &url,
            ])
            .output()
            .expect("start Chromium")
    })
    .await
    .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains("Erasmus+ staff mobility API"),
        "the spec's title is rendered:\n{dom}"
    );
    assert!(
        dom.contains("btn authorize"),
        "the Authorize button is rendered"
    );
    for path in [
        "/api/v1/auth/login",
        "/api/v1/projects",
        "/api/v1/calls/{id}/publish",
        "/api/v1/audit-log",
    ] {
        assert!(dom.contains(path), "{path} is listed");
    }
    assert!(
        dom.contains("authorization__btn"),
        "secured operations show their lock"
    );
    assert!(
        dom.contains("operation-filter-input"),
        "a filter box for operations"
    );
    assert!(
        dom.contains("opblock-summary-operation-id") && dom.contains("listProjects"),
        "operation ids are shown"
    );
}

#[tokio::test]
async fn swagger_ui_keeps_the_authorisation_filters_and_shows_operation_ids() {
    let app = spawn_app().await;
    let res = app.get("/docs/swagger-initializer.js", None).await;
    assert_eq!(res.status(), 200);
    let js = res.text().await.unwrap();
    let compact: String = js.chars().filter(|c| !c.is_whitespace()).collect();
    for setting in [
        "\"persistAuthorization\":true",
        "\"filter\":true",
        "\"displayOperationId\":true",
    ] {
        assert!(compact.contains(setting), "{setting} in:\n{js}");
    }
}
