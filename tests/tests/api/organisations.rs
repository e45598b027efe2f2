use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn organisations_need_a_login_and_only_staff_change_them() {
    let app = spawn_app().await;
    assert_problem(
        app.get("/api/v1/organisations", None).await,
        401,
        "auth.missing_token",
    )
    .await;
    let p = app.user("participant", None).await;
    assert_eq!(
        app.get("/api/v1/organisations", Some(&p.token))
            .await
            .status(),
        200
    );
    let res = app
        .post(
            "/api/v1/organisations",
            Some(&p.token),
            &json!({"name": "X", "kind": "host", "country": "DK", "city": "Aarhus"}),
        )
        .await;
    assert_problem(res, 403, "auth.forbidden").await;
    let coordinator = app.user("coordinator", None).await;
    let res = app
        .post(
            "/api/v1/organisations",
            Some(&coordinator.token),
            &json!({"name": "X", "kind": "host", "country": "DK", "city": "Aarhus"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            "/api/v1/organisations",
            Some(&coordinator.token),
            &json!({"name": " x ", "kind": "host", "country": "DK", "city": "AARHUS"}),
        )
        .await;
    assert_problem(res, 409, "organisation.duplicate").await;
    let res = app.post("/api/v1/organisations", Some(&coordinator.token), &json!({"name": "Y", "kind": "host", "country": "dk", "city": "Aarhus", "email": "nope", "website": "not a url"})).await;
    let body = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(problem_fields(&body), vec!["country", "email", "website"]);
}

#[tokio::test]
async fn director_contacts_are_shown_only_to_staff_and_the_organisation_itself() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .post("/api/v1/organisations", Some(&admin), &json!({"name": "Knjižnica Direktor", "kind": "member_library", "country": "SI", "city": "Kranj", "director_name": "Dr. Direktor", "director_email": "direktor@knjiznica.example"}))
        .await;
    let org: Value = res.json().await.unwrap();
    let id = org["id"].as_str().unwrap();
    assert_eq!(org["director_email"], "direktor@knjiznica.example");
    let outsider = app.user("committee", None).await;
    let seen: Value = app
        .get(
            &format!("/api/v1/organisations/{id}"),
            Some(&outsider.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(seen["director_email"].is_null() && seen["director_name"].is_null());
    let own = app.user("library", Some(id)).await;
    let seen: Value = app
        .get(&format!("/api/v1/organisations/{id}"), Some(&own.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["director_name"], "Dr. Direktor");
}

async fn import(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    app.req(Method::POST, "/api/v1/organisations/import", Some(token))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn csv_import_reports_every_row_and_a_bad_row_rejects_nothing_else() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let csv = "\u{feff}name;kind;country;city;email\n\
        Knjižnica Kočevje;member_library;SI;Kočevje;info@kocevje.example\n\
        Knjižnica Brez;castle;SI;Nikjer;\n\
        Mestna knjižnica Ljubljana;partner;SI;Ljubljana;\n\
        knjižnica  kočevje;member_library;SI;KOČEVJE;\n\
        Knjižnica Slab E-naslov;member_library;si;Bled;nope\n\
        \n\
        Knjižnica Bled;member_library;SI;Bled;\n";
    let res = import(&app, &admin, "text/csv; charset=utf-8", csv).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(report["duplicates"], 2);
    assert_eq!(report["errors"], 2);
    let rows = report["rows"].as_array().unwrap();
    let status: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        status,
        vec![
            (2, "created"),
            (3, "error"),
            (4, "duplicate"),
            (5, "duplicate"),
            (6, "error"),
            (8, "created")
        ]
    );
    assert_eq!(rows[1]["errors"][0]["field"], "kind");
    let fields: Vec<&str> = rows[4]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["email"]);
    // The duplicate in the same file points at the organisation created from line 2.
    assert_eq!(rows[3]["id"], rows[0]["id"]);

    let list: Value = app
        .get("/api/v1/organisations?kind=member_library", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
    // Importing the same file again creates nothing.
    let again: Value = import(&app, &admin, "text/csv", csv)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["created"], 0);
    assert_eq!(again["duplicates"], 4);
}

#[tokio::test]
async fn csv_import_accepts_commas_and_quoted_fields() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let csv = "name,kind,country,city\n\"Knjižnica Ivana Potrča, Ptuj\",member_library,SI,Ptuj\n";
    let report: Value = import(&app, &admin, "text/csv", csv)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["created"], 1);
    assert_eq!(report["rows"][0]["name"], "Knjižnica Ivana Potrča, Ptuj");
}

#[tokio::test]
async fn csv_import_refuses_bad_files_whole() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = assert_problem(
        import(&app, &admin, "text/csv", "name;land\nX;Y\n").await,
        422,
        "import.invalid_header",
    )
    .await;
    let fields = problem_fields(&body);
    assert!(
        fields.contains(&"kind".to_string()) && fields.contains(&"land".to_string()),
        "{fields:?}"
    );
    assert_problem(
        import(&app, &admin, "text/csv", "").await,
        422,
        "import.empty",
    )
    .await;
    assert_problem(
        import(&app, &admin, "text/csv", vec![b'n', 0xff, 0xfe, b'\n']).await,
        400,
        "import.invalid_encoding",
    )
    .await;
    assert_problem(
        import(&app, &admin, "application/json", "name,kind\n").await,
        415,
        "request.unsupported_media_type",
    )
    .await;
    let participant = app.user("participant", None).await;
    assert_problem(
        import(
            &app,
            &participant.token,
            "text/csv",
            "name,kind,country,city\n",
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    let big = "x".repeat(5 * 1024 * 1024 + 1);
    assert_problem(
        import(&app, &admin, "text/csv", big).await,
        413,
        "request.too_large",
    )
    .await;
}
