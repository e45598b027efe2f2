//! The project's own data, seeded on the first start.

use mobility_tests::*;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

#[tokio::test]
async fn the_zsk_project_is_there_on_first_start() {
    let app = spawn_app().await;
    let p = app.zsk_project().await;
    assert_eq!(p["code"], "2025-1-SI01-KA122-ADU-000337358");
    assert_eq!(p["title"], "Knjižnice gradijo skupnost znanja");
    assert_eq!(p["title_en"], "Libraries Build a Community of Knowledge");
    assert_eq!(p["action_type"], "KA122-ADU");
    assert_eq!(p["start_date"], "2025-10-01");
    assert_eq!(p["end_date"], "2027-03-31");
    assert_eq!(p["timezone"], "Europe/Ljubljana");
    assert_eq!(p["status"], "active");

    let admin = app.admin_token().await;
    let applicant: Value = app
        .get(
            &format!(
                "/api/v1/organisations/{}",
                p["applicant_id"].as_str().unwrap()
            ),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(applicant["name"], "Združenje splošnih knjižnic");
    assert_eq!(applicant["kind"], "coordinator");
    assert!(
        applicant["city"].is_null(),
        "not given by the project description"
    );

    let orgs: Value = app
        .get("/api/v1/organisations?per_page=200", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let mut kinds: Vec<(String, String, String)> = orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap().into(),
                o["kind"].as_str().unwrap().into(),
                o["country"].as_str().unwrap().into(),
            )
        })
        .collect();
    kinds.sort();
    let expected = [
        (
            "Dokk1 (Main Library), Aarhus Public Libraries",
            "host",
            "DK",
        ),
        ("Kaunas County Ąžuolynas Library", "partner", "LT"),
        ("Mestna knjižnica Ljubljana", "partner", "SI"),
        ("Panevėžys County Library", "partner", "LT"),
        ("Pasvalys Marius Katiliškis Public Library", "host", "LT"),
        ("Združenje splošnih knjižnic", "coordinator", "SI"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(kinds, expected);

    let mobs: Value = app
        .get(
            &format!("/api/v1/projects/{}/mobilities", p["id"].as_str().unwrap()),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mobs["total"], 2);
    let js1 = &mobs["items"][0];
    let js2 = &mobs["items"][1];
    assert_eq!(
        (
            js1["code"].as_str(),
            js1["city"].as_str(),
            js1["country"].as_str()
        ),
        (Some("JS1"), Some("Aarhus"), Some("DK"))
    );
    assert_eq!(
        (
            js2["code"].as_str(),
            js2["city"].as_str(),
            js2["country"].as_str()
        ),
        (Some("JS2"), Some("Pasvalys"), Some("LT"))
    );
    for m in [js1, js2] {
        assert_eq!(m["activity_type"], "job_shadowing");
        assert_eq!(m["places"], 10);
        assert_eq!(m["programme_days"], 3);
        assert_eq!(m["travel_days"], 2);
        assert!(m["start_date"].is_null() && m["end_date"].is_null() && m["distance_km"].is_null());
        assert!(!m["goals"].as_array().unwrap().is_empty());
        assert!(!m["programme"].as_array().unwrap().is_empty());
    }
    assert_eq!(js1["follow_up"], "dtfl_workshop");
    assert_eq!(js2["follow_up"], "heritage_workshop");
    assert_eq!(
        (js1["window_start"].as_str(), js1["window_end"].as_str()),
        (Some("2026-03-25"), Some("2026-03-31"))
    );
    assert_eq!(
        (js2["window_start"].as_str(), js2["window_end"].as_str()),
        (Some("2026-05-01"), Some("2026-05-15"))
    );
    assert_eq!(js2["visited_organisations"].as_array().unwrap().len(), 2);
    let host: Value = app
        .get(
            &format!(
                "/api/v1/organisations/{}",
                js1["host_organisation_id"].as_str().unwrap()
            ),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        host["name"],
        "Dokk1 (Main Library), Aarhus Public Libraries"
    );

    let calls: Value = app
        .get(
            &format!("/api/v1/projects/{}/calls", p["id"].as_str().unwrap()),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(calls["total"], 1);
    let c = &calls["items"][0];
    assert_eq!(c["published_from"], "2025-10-13");
    assert_eq!(c["deadline"], "2025-11-07");
    assert_eq!(c["selection_due"], "2025-11-30");
    assert_eq!(c["status"], "open");
    let mut covered: Vec<&str> = c["mobility_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    covered.sort();
    let mut both = vec![js1["id"].as_str().unwrap(), js2["id"].as_str().unwrap()];
    both.sort();
    assert_eq!(covered, both);
}

async fn counts(app: &TestApp) -> Vec<i64> {
    let db = app.db().await;
    let mut out = Vec::new();
    for t in [
        "organisations",
        "users",
        "projects",
        "mobilities",
        "mobility_visits",
        "calls",
        "call_mobilities",
        "project_team_members",
    ] {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {t}"),
            ))
            .await
            .unwrap()
            .unwrap();
        out.push(row.try_get::<i64>("", "n").unwrap());
    }
    out
}

#[tokio::test]
async fn seeding_twice_changes_nothing_and_demo_data_is_only_added_on_request() {
    let app = spawn_app().await;
    let before = counts(&app).await;
    let db = app.db().await;
    let report = mobility_api::seed::seed(&db, false).await.unwrap();
    assert!(report.created.is_empty(), "{:?}", report.created);
    assert_eq!(counts(&app).await, before);
    let admin = app.admin_token().await;
    let demo_users: Value = app
        .get("/api/v1/users?q=demo.", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(demo_users["total"], 0, "serve never creates demo data");

    let report = mobility_api::seed::seed(&db, true).await.unwrap();
    assert_eq!(report.demo_credentials.len(), 7, "one demo user per role");
    let (email, _, password) = &report.demo_credentials[1];
    assert_eq!(app.login_response(email, password).await.status(), 200);
    let after_demo = counts(&app).await;
    let again = mobility_api::seed::seed(&db, true).await.unwrap();
    assert!(again.created.is_empty() && again.demo_credentials.is_empty());
    assert_eq!(counts(&app).await, after_demo);

    let libs: Value = app
        .get("/api/v1/organisations?kind=member_library", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        libs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["name"].as_str().unwrap().starts_with("[DEMO]"))
    );
    let _ = json!(null);
}
