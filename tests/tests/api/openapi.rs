//! The committed spec matches the code, and every operation is documented.

use mobility_tests::*;
use serde_json::{Value, json};

const REGENERATE: &str = "cargo run -q -p mobility-api -- openapi > openapi/openapi.json";

fn generated() -> Value {
    serde_json::to_value(mobility_api::startup::openapi_spec()).unwrap()
}

#[test]
fn committed_spec_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let committed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    assert!(
        committed == generated(),
        "openapi/openapi.json is stale; regenerate it with:\n    {REGENERATE}"
    );
}

/// A response, or the shared response a `$ref` names.
fn resolve<'a>(spec: &'a Value, r: &'a Value) -> &'a Value {
    match r["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            &spec["components"]["responses"][name]
        }
        None => r,
    }
}

#[test]
fn every_operation_has_an_id_a_tag_a_summary_and_its_errors() {
    let spec = generated();
    let mut ids = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{id} has no tag"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{id} has no summary"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key("400") && responses.contains_key("500"),
                "{id} lacks 400/500"
            );
            let secured = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            let public = op["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
            });
            if secured && !public {
                assert!(responses.contains_key("401"), "{id} lacks 401");
            }
            assert!(
                op["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{id} has no description"
            );
            for (status, r) in responses {
                let r = resolve(&spec, r);
                if status.starts_with('4') || status.starts_with('5') {
                    let problem = &r["content"]["application/problem+json"];
                    assert!(problem.is_object(), "{id} {status} is not a problem");
                    assert!(
                        problem["examples"]
                            .as_object()
                            .is_some_and(|e| !e.is_empty()),
                        "{id} {status} has no example"
                    );
                }
                if status == "201" {
                    assert!(
                        r["headers"]["Location"].is_object(),
                        "{id} 201 has no Location"
                    );
                }
                for (media, body) in r["content"].as_object().into_iter().flatten() {
                    if !media.contains("json") {
                        assert_eq!(
                            body["schema"]["format"], "binary",
                            "{id} {status} {media} is not a binary download"
                        );
                    }
                }
            }
            if op["requestBody"]["content"].is_object() {
                assert!(responses.contains_key("415"), "{id} lacks 415");
                assert!(responses.contains_key("413"), "{id} lacks 413");
            }
        }
    }
    assert!(spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer");
}

#[tokio::test]
async fn the_spec_and_swagger_ui_are_served() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(res.status(), 200);
    let served: Value = res.json().await.unwrap();
    assert_eq!(served, generated());
    let res = app.get("/docs", None).await;
    assert!(res.status().is_redirection());
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let init = app
        .get("/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/v1/openapi.json"), "{init}");
}

/// Every request body and success response has a whole example, and each is valid against
/// its own schema (so generators, Swagger UI and the fuzzer's examples phase start from
/// requests the server reads).
#[test]
fn every_example_is_valid_against_its_schema() {
    let spec = generated();
    let mut checked = 0;
    let mut validators: std::collections::HashMap<String, jsonschema::Validator> =
        std::collections::HashMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or(method);
            let mut media: Vec<(String, &Value)> = Vec::new();
            if let Some(c) = op["requestBody"]["content"]["application/json"].as_object() {
                assert!(
                    c.contains_key("example"),
                    "{id}: request body without an example"
                );
                media.push((
                    "request".into(),
                    &op["requestBody"]["content"]["application/json"],
                ));
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                let r = resolve(&spec, r);
                for (kind, m) in r["content"].as_object().into_iter().flatten() {
                    if kind.contains("json") {
                        if status.starts_with('2') {
                            assert!(m.get("example").is_some(), "{id} {status}: no example");
                        }
                        media.push((format!("{status} {kind}"), m));
                    }
                }
            }
            for (what, m) in media {
                let mut examples: Vec<&Value> = m.get("example").into_iter().collect();
                for e in m["examples"].as_object().into_iter().flatten() {
                    examples.push(&e.1["value"]);
                }
                // The schema, resolved against the whole document.
                let validator = validators
                    .entry(m["schema"].to_string())
                    .or_insert_with(|| {
                        let root = json!({
                            "$ref": "#/__checked",
                            "__checked": m["schema"],
                            "components": {"schemas": spec["components"]["schemas"]},
                        });
                        jsonschema::draft202012::new(&root)
                            .unwrap_or_else(|e| panic!("{method} {path} {what}: schema: {e}"))
                    });
                for example in examples {
                    let errors: Vec<String> = validator
                        .iter_errors(example)
                        .map(|e| format!("{} at {}", e, e.instance_path()))
                        .collect();
                    assert!(errors.is_empty(), "{id} {what}: {errors:?}\n{example}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} examples");
}

/// Every `$ref` of the document names something the document has.
#[test]
fn every_reference_resolves() {
    fn walk(v: &Value, spec: &Value, dangling: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let target = r
                        .trim_start_matches("#/")
                        .split('/')
                        .try_fold(spec, |node, key| node.get(key));
                    if target.is_none() {
                        dangling.push(r.clone());
                    }
                }
                map.values().for_each(|c| walk(c, spec, dangling));
            }
            Value::Array(items) => items.iter().for_each(|c| walk(c, spec, dangling)),
            _ => {}
        }
    }
    let spec = generated();
    let mut dangling = Vec::new();
    walk(&spec, &spec, &mut dangling);
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}
