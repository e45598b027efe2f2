//! Costs and the Erasmus+ unit-cost budget.

use super::applications::fixture;
use super::selection::selected_with as participants;
use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn the_accountant_records_costs_in_exact_money() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = participants(&app, &f, &[false, false]).await;
    let accountant = app.user("accountant", None).await;
    let path = format!("/api/v1/participants/{}/costs", pids[0]);
    let res = app.post(&path, Some(&accountant.token), &json!({"kind": "flight", "amount": "412.80", "paid_by": "project", "description": "LJU-CPH-LJU"})).await;
    assert_eq!(res.status(), 201);
    let c: Value = res.json().await.unwrap();
    assert_eq!(c["amount"], "412.80");
    assert_eq!(c["amount_cents"], 41280);
    assert_eq!(c["currency"], "EUR");
    assert_eq!(c["reimbursable"], false);

    let p = assert_problem(app.post(&path, Some(&accountant.token), &json!({"kind": "daily_allowance", "amount": "120", "paid_by": "employer", "reimbursable": true})).await, 422, "validation.failed").await;
    assert_eq!(p["errors"][0]["code"], "employer_not_reimbursable");
    let p = assert_problem(
        app.post(
            &path,
            Some(&accountant.token),
            &json!({"kind": "other", "amount": "12.345", "paid_by": "project", "currency": "eur"}),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["amount", "currency"]);
    assert_problem(
        app.post(
            &path,
            Some(&accountant.token),
            &json!({"kind": "other", "amount": 12.5, "paid_by": "project"}),
        )
        .await,
        400,
        "request.invalid_json",
    )
    .await;
    assert_eq!(
        app.post(
            &path,
            Some(&accountant.token),
            &json!({"kind": "local_transport", "amount": "18.40", "paid_by": "employer"})
        )
        .await
        .status(),
        201
    );

    // Who: the accountant and coordinators write; the participant's library reads; others see nothing.
    assert_problem(
        app.post(
            &path,
            Some(&apps[0].library.token),
            &json!({"kind": "other", "amount": "1", "paid_by": "project"}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    let own: Value = app
        .get(&path, Some(&apps[0].library.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
    assert_problem(
        app.get(&path, Some(&apps[1].library.token)).await,
        404,
        "participant.not_found",
    )
    .await;

    let cpath = format!("/api/v1/costs/{}", c["id"].as_str().unwrap());
    let etag = app
        .get(&cpath, Some(&accountant.token))
        .await
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let res = app
        .patch(
            &cpath,
            Some(&accountant.token),
            &json!({"amount": "398.00"}),
            Some(&etag),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(
        app.patch(
            &cpath,
            Some(&accountant.token),
            &json!({"amount": "1.00"}),
            Some(&etag),
        )
        .await,
        412,
        "request.precondition_failed",
    )
    .await;
    assert_problem(
        app.patch(
            &cpath,
            Some(&accountant.token),
            &json!({"paid_by": "employer", "reimbursable": true}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    // Turning a reimbursable project cost into an employer cost without clearing the flag is refused too.
    let r: Value = app.post(&path, Some(&accountant.token), &json!({"kind": "insurance", "amount": "35", "paid_by": "project", "reimbursable": true})).await.json().await.unwrap();
    assert_problem(
        app.patch(
            &format!("/api/v1/costs/{}", r["id"].as_str().unwrap()),
            Some(&accountant.token),
            &json!({"paid_by": "employer"}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(
        app.delete(
            &format!("/api/v1/costs/{}", r["id"].as_str().unwrap()),
            Some(&accountant.token)
        )
        .await
        .status(),
        204
    );

    let admin = app.admin_token().await;
    let log: Value = app
        .get(
            &format!(
                "/api/v1/audit-log?object_type=cost&object_id={}",
                c["id"].as_str().unwrap()
            ),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"][0]["changed_fields"], json!(["amount"]));
}

#[tokio::test]
async fn the_schema_refuses_a_reimbursable_employer_cost() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = participants(&app, &f, &[false]).await;
    let db = app.db().await;
    let backend = db.get_database_backend();
    let now = chrono::Utc::now();
    let stmt = Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DbBackend::Postgres => {
                "INSERT INTO costs (id, participant_id, kind, amount_cents, currency, paid_by, reimbursable, created_by, created_at, updated_at) VALUES ($1, $2, 'daily_allowance', 100, 'EUR', 'employer', TRUE, $3, $4, $4)"
            }
            _ => {
                "INSERT INTO costs (id, participant_id, kind, amount_cents, currency, paid_by, reimbursable, created_by, created_at, updated_at) VALUES (?, ?, 'daily_allowance', 100, 'EUR', 'employer', 1, ?, ?, ?)"
            }
        },
        match backend {
            sea_orm::DbBackend::Postgres => vec![
                uuid::Uuid::now_v7().into(),
                pids[0].parse::<uuid::Uuid>().unwrap().into(),
                f.coordinator.id.parse::<uuid::Uuid>().unwrap().into(),
                now.into(),
            ],
            _ => vec![
                uuid::Uuid::now_v7().into(),
                pids[0].parse::<uuid::Uuid>().unwrap().into(),
                f.coordinator.id.parse::<uuid::Uuid>().unwrap().into(),
                now.into(),
                now.into(),
            ],
        },
    );
    assert!(
        db.execute_raw(stmt).await.is_err(),
        "the CHECK constraint refuses it"
    );
}

async fn budget(app: &TestApp, token: &str) -> Value {
    let zsk = app.zsk_project().await;
    let res = app
        .get(
            &format!("/api/v1/projects/{}/budget", zsk["id"].as_str().unwrap()),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn mobility<'a>(b: &'a Value, code: &str) -> &'a Value {
    b["mobilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == code)
        .unwrap()
}

#[tokio::test]
async fn a_budget_reports_missing_rates_and_never_invents_them() {
    let app = spawn_app().await;
    let accountant = app.user("accountant", None).await;
    let b = budget(&app, &accountant.token).await;
    assert_eq!(b["call_year"], 2025);
    assert_eq!(b["complete"], false);
    let js1 = mobility(&b, "JS1");
    assert_eq!(js1["participants"], 10);
    assert_eq!(js1["participants_basis"], "places");
    assert_eq!(js1["country_group"], 1);
    assert_eq!(js1["funded_days"], 5);
    assert!(
        js1["grant"]["travel"].is_null()
            && js1["grant"]["individual_support"].is_null()
            && js1["grant"]["total"].is_null()
    );
    assert_eq!(js1["grant"]["known_total"], "0.00");
    let missing: Vec<&str> = js1["missing_rates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        missing.iter().any(|m| m.contains("distance_km")),
        "{missing:?}"
    );
    assert!(
        missing
            .iter()
            .any(|m| m.contains("individual support per day, country group 1")),
        "{missing:?}"
    );
    assert!(
        missing.iter().any(|m| m.contains("organisational support")),
        "{missing:?}"
    );
    assert_eq!(mobility(&b, "JS2")["country_group"], 3);

    // The seeded travel bands are there; nothing else is.
    let rates: Value = app
        .get("/api/v1/unit-cost-rates/2025", Some(&accountant.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        rates["travel_bands"][2],
        json!({"min_km": 500, "max_km": 1999, "standard": "309.00", "green": "417.00"})
    );
    assert_eq!(rates["individual_support_per_day"], json!({}));
    assert!(rates["organisational_support_per_participant"].is_null());
    assert_problem(
        app.get("/api/v1/unit-cost-rates/2031", Some(&accountant.token))
            .await,
        404,
        "unit_cost_rates.not_found",
    )
    .await;
    let library_org = app.create_org("Knjižnica Proračun", "member_library").await;
    let library = app.user("library", Some(&library_org)).await;
    let zsk = app.zsk_project().await;
    assert_problem(
        app.get(
            &format!("/api/v1/projects/{}/budget", zsk["id"].as_str().unwrap()),
            Some(&library.token),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_budget_multiplies_rates_by_bands_days_and_participants() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let accountant = app.user("accountant", None).await;
    let mut rates: Value = app
        .get("/api/v1/unit-cost-rates/2025", Some(&accountant.token))
        .await
        .json()
        .await
        .unwrap();
    rates["individual_support_per_day"] = json!({"1": "100.00", "3": "80.00"});
    // Amounts are answered and kept written one way, whatever white space or decimals came.
    rates["organisational_support_per_participant"] = json!("\u{85} 100 \u{a0}");
    rates["inclusion_support_per_participant"] = json!("100.0");
    let res = app
        .req(
            Method::PUT,
            "/api/v1/unit-cost-rates/2025",
            Some(&accountant.token),
        )
        .json(&rates)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let answered: Value = res.json().await.unwrap();
    assert_eq!(answered["organisational_support_per_participant"], "100.00");
    assert_eq!(answered["inclusion_support_per_participant"], "100.00");
    let mut bad = rates.clone();
    bad["organisational_support_per_participant"] = json!("12,5");
    // Longer than the document's 20 characters, even if the number in it is fine.
    bad["inclusion_support_per_participant"] = json!(format!("{}1.00", " ".repeat(17)));
    bad["travel_bands"][1]["min_km"] = json!(50);
    bad["travel_bands"][0]["max_km"] = json!(2_147_483_648u64);
    let p = assert_problem(
        app.req(
            Method::PUT,
            "/api/v1/unit-cost-rates/2025",
            Some(&accountant.token),
        )
        .json(&bad)
        .send()
        .await
        .unwrap(),
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(
        problem_fields(&p),
        vec![
            "inclusion_support_per_participant",
            "organisational_support_per_participant",
            "travel_bands[0].max_km",
            "travel_bands[1].min_km"
        ]
    );

    // JS1 (Aarhus, group 1): 1500 km standard travel. JS2 (Pasvalys, group 3): 1200 km, green, 4 travel days.
    let js1 = &f.mobility_ids[0];
    let js2 = &f.mobility_ids[1];
    assert_eq!(
        app.patch(
            &format!("/api/v1/mobilities/{js1}"),
            Some(&f.coordinator.token),
            &json!({"distance_km": 1500}),
            None
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.patch(
            &format!("/api/v1/mobilities/{js2}"),
            Some(&f.coordinator.token),
            &json!({"distance_km": 1200, "green_travel": true, "travel_days": 4, "places": 2}),
            None
        )
        .await
        .status(),
        200
    );
    let (pids, _) = participants(&app, &f, &[true, false, false]).await;

    let b = budget(&app, &accountant.token).await;
    let m1 = mobility(&b, "JS1");
    assert_eq!(m1["participants"], 3);
    assert_eq!(m1["participants_basis"], "participants");
    assert_eq!(m1["fewer_opportunities_participants"], 1);
    // travel 309 × 3; individual 100 × (3 + 2) × 3; organisational 100 × 3; inclusion 100 × 1.
    assert_eq!(
        m1["grant"],
        json!({"travel": "927.00", "individual_support": "1500.00", "organisational_support": "300.00", "inclusion_support": "100.00", "total": "2827.00", "known_total": "2827.00"})
    );
    let m2 = mobility(&b, "JS2");
    assert_eq!(m2["participants_basis"], "places");
    assert_eq!(
        m2["funded_days"], 7,
        "3 programme days + 4 travel days (green: up to 6)"
    );
    // travel green 417 × 2; individual 80 × 7 × 2; organisational 100 × 2; inclusion none yet.
    assert_eq!(m2["grant"]["travel"], "834.00");
    assert_eq!(m2["grant"]["individual_support"], "1120.00");
    assert_eq!(m2["grant"]["inclusion_support"], "0.00");
    assert_eq!(b["grant"]["total"], "4981.00");
    assert_eq!(b["complete"], true, "{:?}", b["missing_rates"]);

    // Spending beside the grant.
    app.post(
        &format!("/api/v1/participants/{}/costs", pids[0]),
        Some(&accountant.token),
        &json!({"kind": "flight", "amount": "412.80", "paid_by": "project"}),
    )
    .await;
    app.post(
        &format!("/api/v1/participants/{}/costs", pids[1]),
        Some(&accountant.token),
        &json!({"kind": "accommodation", "amount": "300", "paid_by": "project"}),
    )
    .await;
    app.post(
        &format!("/api/v1/participants/{}/costs", pids[1]),
        Some(&accountant.token),
        &json!({"kind": "daily_allowance", "amount": "150.50", "paid_by": "employer"}),
    )
    .await;
    let b = budget(&app, &accountant.token).await;
    assert_eq!(
        mobility(&b, "JS1")["spent"],
        json!({"project": "712.80", "employer": "150.50"})
    );
    assert_eq!(
        b["spent"],
        json!({"project": "712.80", "employer": "150.50"})
    );

    // A mobility to a country without a known group: missing, not zero.
    let host = app.create_org("Oodi", "host").await;
    let zsk = app.zsk_project().await;
    app.post(&format!("/api/v1/projects/{}/mobilities", zsk["id"].as_str().unwrap()), Some(&f.coordinator.token), &json!({"code": "JS3", "title": "Helsinki", "activity_type": "job_shadowing", "host_organisation_id": host, "city": "Helsinki", "country": "FI", "programme_days": 3, "travel_days": 2, "places": 4, "follow_up": "dtfl_workshop", "distance_km": 1700})).await;
    let b = budget(&app, &accountant.token).await;
    let m3 = mobility(&b, "JS3");
    assert!(m3["grant"]["individual_support"].is_null());
    assert_eq!(m3["grant"]["travel"], "1236.00");
    assert!(
        m3["missing_rates"][0]
            .as_str()
            .unwrap()
            .contains("country group of FI")
    );
    assert_eq!(b["complete"], false);
    assert!(b["grant"]["total"].is_null());
    // 2827 + 2154 + (1236 travel + 400 organisational) known; JS3's individual support is not.
    assert_eq!(b["grant"]["known_total"], "6617.00");
}
