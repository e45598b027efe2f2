//! What the first start leaves in the data directory.

use mobility_tests::*;

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn without_configured_admin_a_random_password_is_written_to_a_private_file() {
    let app = spawn_app_with(|s| {
        s.admin_email = None;
        s.admin_password = None;
        s.jwt_secret = None;
    })
    .await;
    let pw_file = app.data_path("initial-admin-password");
    let secret_file = app.data_path("jwt-secret");
    #[cfg(unix)]
    {
        assert_eq!(mode(&pw_file), 0o600);
        assert_eq!(mode(&secret_file), 0o600);
    }
    let password = std::fs::read_to_string(&pw_file).unwrap();
    assert!(password.trim().len() >= 20);
    assert_eq!(
        app.login_response("admin@localhost", password.trim())
            .await
            .status(),
        200
    );
    let secret = std::fs::read_to_string(&secret_file).unwrap();
    assert!(secret.len() >= 64);

    // The same data directory keeps its secret and does not create a second admin.
    let mut settings = app.settings.clone();
    settings.bind = "127.0.0.1:0".into();
    mobility_api::Application::build(settings).await.unwrap();
    assert_eq!(std::fs::read_to_string(&secret_file).unwrap(), secret);
    assert_eq!(std::fs::read_to_string(&pw_file).unwrap(), password);
}

#[tokio::test]
async fn a_configured_admin_is_created_and_no_password_file_is_written() {
    let app = spawn_app().await;
    assert!(!app.data_path("initial-admin-password").exists());
    assert_eq!(
        app.login_response(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        200
    );
}

/// `seed --demo` run before the first `serve` leaves admins behind; the configured admin is
/// still created, and can log in.
#[tokio::test]
async fn the_configured_admin_is_created_also_after_a_demo_seed() {
    let app = spawn_app_with(|s| {
        s.admin_email = None;
        s.admin_password = None;
    })
    .await;
    let report = mobility_api::seed::seed(&app.db().await, true)
        .await
        .unwrap();
    assert!(!report.demo_credentials.is_empty());
    let mut settings = app.settings.clone();
    settings.admin_email = Some(ADMIN_EMAIL.into());
    settings.admin_password = Some(ADMIN_PASSWORD.into());
    let second = mobility_api::Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped());
    let login = |email: &'static str, password: &'static str| {
        let url = format!("{address}/api/v1/auth/login");
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&serde_json::json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(login(ADMIN_EMAIL, ADMIN_PASSWORD).await, 200);
    // A start with it in place changes nothing.
    let mut settings = app.settings.clone();
    settings.admin_email = Some(ADMIN_EMAIL.into());
    settings.admin_password = Some("ein-anderes-Passwort-2026".into());
    mobility_api::Application::build(settings).await.unwrap();
    assert_eq!(login(ADMIN_EMAIL, ADMIN_PASSWORD).await, 200);
}

/// When the configured address belongs to an account that is not an admin and no admin is
/// left, start-up still leaves one: the generated `admin@localhost`.
#[tokio::test]
async fn a_taken_admin_address_still_leaves_an_admin() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    let db = app.db().await;
    // The configured admin became a coordinator (as an old database might hold it).
    let u = entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq(ADMIN_EMAIL))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    entity::user::ActiveModel {
        id: Set(u.id),
        role: Set(entity::enums::Role::Coordinator),
        ..Default::default()
    }
    .update(&db)
    .await
    .unwrap();
    let second = mobility_api::Application::build(app.settings.clone())
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped());
    let password = std::fs::read_to_string(app.data_path("initial-admin-password")).unwrap();
    let res = reqwest::Client::new()
        .post(format!("{address}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "admin@localhost", "password": password.trim()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let coordinator = entity::user::Entity::find_by_id(u.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        coordinator.role,
        entity::enums::Role::Coordinator,
        "left as it is"
    );
}

#[tokio::test]
async fn sqlite_runs_with_wal_normal_sync_a_busy_timeout_and_foreign_keys() {
    if postgres_base_url().is_some() {
        return; // SQLite pragmas only; the PostgreSQL run checks nothing here.
    }
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let db = app.db().await;
    let row = |name: &'static str| {
        let db = db.clone();
        async move {
            db.query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("PRAGMA {name}"),
            ))
            .await
            .unwrap()
            .unwrap()
        }
    };
    let journal: String = row("journal_mode").await.try_get_by_index(0).unwrap();
    assert_eq!(journal.to_lowercase(), "wal");
    let int = |r: sea_orm::QueryResult| r.try_get_by_index::<i64>(0).unwrap();
    assert_eq!(int(row("synchronous").await), 1, "NORMAL is 1");
    assert_eq!(int(row("foreign_keys").await), 1);
    assert_eq!(int(row("busy_timeout").await), 10_000);
}

/// The data folder, the SQLite database and the uploaded files are the service's own.
#[cfg(unix)]
#[tokio::test]
async fn the_database_and_the_uploaded_files_are_private() {
    let app = spawn_app_with(|s| s.database_url = None).await;
    assert_eq!(mode(app.data_dir.path()), 0o700);
    assert_eq!(mode(&app.data_path("mobility.db")), 0o600);
    assert_eq!(mode(&app.data_path("blobs")), 0o700);
    let f = super::applications::fixture(&app).await;
    let id = super::applications::draft(&app, &f).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let doc: serde_json::Value = super::applications::upload(
        &app,
        &f.library.token,
        &id,
        "x.pdf",
        super::applications::scan_pdf("private"),
    )
    .await
    .json()
    .await
    .unwrap();
    let sha = doc["sha256"].as_str().unwrap();
    let blob = app.data_path("blobs").join(&sha[..2]).join(sha);
    assert_eq!(mode(&blob), 0o600);
    assert_eq!(mode(blob.parent().unwrap()), 0o700);
    let wal = app.data_path("mobility.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
}

/// An upgrade copies the SQLite database before it applies the pending migrations, so that
/// the copy can be put back; a new database is not copied.
#[tokio::test]
async fn pending_migrations_are_applied_after_a_copy_of_the_database() {
    use migration::MigratorTrait;
    let dir = tempfile::tempdir().unwrap();
    let settings = mobility_api::config::Settings {
        data_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    // An installation one release behind: every migration but the last.
    let db = mobility_api::db::connect(&settings).await.unwrap();
    let all = migration::Migrator::migrations().len() as u32;
    migration::Migrator::up(&db, Some(all - 1)).await.unwrap();
    db.close().await.unwrap();
    let data_dir = dir.path().to_path_buf();
    let app = spawn_app_with(move |s| {
        s.database_url = None;
        s.data_dir = data_dir;
    })
    .await;
    assert_eq!(app.get("/health/ready", None).await.status(), 200);
    let copies: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    #[cfg(unix)]
    assert_eq!(mode(&copies[0]), 0o600);
    // The copy is the database as it was: one migration behind.
    let copy = mobility_api::db::connect_url(&format!("sqlite://{}", copies[0].display()), 1)
        .await
        .unwrap();
    let applied = migration::Migrator::get_applied_migrations(&copy)
        .await
        .unwrap();
    assert_eq!(applied.len() as u32, all - 1);
    // A fresh start makes no copy.
    let fresh = spawn_app_with(|s| s.database_url = None).await;
    assert!(!fresh.data_path("backups").exists());
}

/// A backup taken while writers keep writing holds every write acknowledged before it began;
/// restored into an empty data folder it serves them, with the uploaded files, and passes
/// SQLite's integrity check.
#[tokio::test]
async fn a_backup_under_write_load_restores_every_acknowledged_write() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let app = spawn_app_with(|s| s.database_url = None).await;
    let admin = app.admin_token().await;
    let f = super::applications::fixture(&app).await;
    let id = super::applications::draft(&app, &f).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let scan = super::applications::scan_pdf("kept");
    let doc: serde_json::Value =
        super::applications::upload(&app, &f.library.token, &id, "scan.pdf", scan.clone())
            .await
            .json()
            .await
            .unwrap();

    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (base, token, acked, stop) = (app.url(""), admin.clone(), acked.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let res = client
                    .post(format!("{base}/api/v1/organisations"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"name": format!("Pisec {w}-{i}"), "kind": "partner", "country": "SI"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201);
                let body: serde_json::Value = res.json().await.unwrap();
                acked.lock().unwrap().push(body["id"].as_str().unwrap().to_string());
                i += 1;
            }
        }));
    }
    // Let the writers get going: wait for acknowledged writes, not for time.
    while acked.lock().unwrap().len() < 20 {
        tokio::task::yield_now().await;
    }
    let before: Vec<String> = acked.lock().unwrap().clone();
    let folder = tempfile::tempdir().unwrap();
    let to = folder.path().join("backup");
    let summary = mobility_api::backup::backup(&app.settings, &to)
        .await
        .unwrap();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    assert!(summary.manifest.files >= 1);

    // Into an empty data folder only.
    assert!(
        mobility_api::backup::restore(&app.settings, &to)
            .await
            .is_err()
    );
    // A copy that does not match its manifest is refused before anything is written.
    let tampered = folder.path().join("tampered");
    std::fs::create_dir(&tampered).unwrap();
    std::fs::copy(to.join("manifest.json"), tampered.join("manifest.json")).unwrap();
    std::fs::write(tampered.join("mobility.db"), b"not the copy").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let elsewhere = mobility_api::config::Settings {
        data_dir: empty.path().join("data"),
        ..Default::default()
    };
    let err = mobility_api::backup::restore(&elsewhere, &tampered)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
    assert!(!elsewhere.data_dir.join("mobility.db").exists());
    let restored = tempfile::tempdir().unwrap();
    let settings = mobility_api::config::Settings {
        data_dir: restored.path().to_path_buf(),
        ..Default::default()
    };
    mobility_api::backup::restore(&settings, &to).await.unwrap();
    let data_dir = restored.path().to_path_buf();
    let back = spawn_app_with(move |s| {
        s.database_url = None;
        s.data_dir = data_dir;
    })
    .await;
    let admin = back.admin_token().await;
    for org in &before {
        assert_eq!(
            back.get(&format!("/api/v1/organisations/{org}"), Some(&admin))
                .await
                .status(),
            200,
            "organisation {org} acknowledged before the backup"
        );
    }
    let res = back
        .get(
            &format!("/api/v1/documents/{}", doc["id"].as_str().unwrap()),
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), scan);
    let db = back.db().await;
    assert_eq!(
        mobility_api::backup::integrity_check(&db).await.unwrap(),
        "ok"
    );
}
