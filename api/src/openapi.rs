//! The OpenAPI document: tags, security scheme, shared error responses.
//!
//! Longer than 600 lines: one pass over the generated document (limits, examples,
//! descriptions, shared responses), each step small; the order of the steps matters and is
//! read top to bottom in `finish`.

use crate::http::codes;
use crate::http::error::PROBLEM_JSON;
use crate::http::{FieldError, Problem};
use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Erasmus+ staff mobility API",
        description = "Runs an Erasmus+ staff-mobility project of a library network, from the call for applications to the final report.\n\n\
**Signing in.** `POST /api/v1/auth/login` with e-mail and password (on a fresh server: `admin@localhost` and the password in `data/initial-admin-password`), then click **Authorize** and paste the `access_token`; it lasts 15 minutes, `POST /api/v1/auth/refresh` gives a new pair.\n\n\
**Errors** are `application/problem+json` (RFC 9457) with a stable `code` from the `ProblemCode` catalogue; validation errors list the fields in `errors`.\n\n\
**Collections** answer `{items, page, per_page, total}` with `page` and `per_page` (at most 200), or, with `cursor=` (empty to start), `{items, per_page, next_cursor}` in creation order, for deep pages and syncing. `sort=` takes the fields each collection lists (`-` first for descending), `updated_since=` an RFC 3339 time; a query parameter an operation does not take is a 400.\n\n\
**Changes**: `PATCH` takes only the fields that change; `PATCH` and `DELETE` honour `If-Match` with the `ETag` of the last read (412 when stale). A `201` names the new resource in `Location`.\n\n\
**Request ids**: every response carries `X-Request-Id`; send your own (1 to 128 letters, digits and `-_.:/+=@`) and it is kept, so one request can be followed through your logs and the server's.\n\n\
**Browsers**: cross-origin calls are allowed for the origins the server is configured with (`MOBILITY_CORS_ORIGINS`; off by default).\n\n\
Dates are `YYYY-MM-DD` in Europe/Ljubljana, timestamps RFC 3339 UTC, money decimal strings such as `\"412.80\"`. The changes to this document are in CHANGELOG.md.",
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "auth", description = "Login, token refresh, logout"),
        (name = "users", description = "People and their roles"),
        (name = "organisations", description = "Coordinator, member libraries, hosts and partners"),
        (name = "projects", description = "Projects and their teams"),
        (name = "mobilities", description = "Mobility activities (job shadowing) of a project"),
        (name = "calls", description = "Calls for applications"),
        (name = "applications", description = "Applications, their signed documents and signatures"),
        (name = "selection", description = "Committee, criteria, scores, ranking, the decision, reserves and participants"),
        (name = "notifications", description = "The outbox of queued messages"),
        (name = "agreements", description = "Grant and learning agreements and the Europass Mobility record"),
        (name = "preparation", description = "Preparation tasks, travel details, meetings, calendars and shared documents"),
        (name = "costs", description = "What the project and the employers paid"),
        (name = "budget", description = "Erasmus+ unit-cost rates and the project's grant beside its spending"),
        (name = "after", description = "After the mobility: evaluation, knowledge sharing, workshops, digital stories, new practice, obligations, indicators, exports"),
        (name = "events", description = "What changed, in commit order, by cursor"),
        (name = "webhooks", description = "Endpoints that receive events as signed requests, and their deliveries"),
        (name = "audit", description = "Who changed what, when"),
        (name = "health", description = "Probes for orchestrators"),
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The `access_token` from POST /api/v1/auth/login: a JWT signed with HS256 \
                         only, with `exp`, `iat`, `iss`, `aud` and `sub` checked on every request, \
                         as RFC8725 (JSON Web Token Best Current Practices) advises. It lasts 15 minutes; \
                         POST /api/v1/auth/refresh gives a new one.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The version of the document (semantic versioning; see CHANGELOG.md).
pub const API_VERSION: &str = "0.2.0";

/// Shared error responses, referenced from every operation that can give them:
/// `(component name, status, description, codes)`.
const SHARED_RESPONSES: &[(&str, &str, &str, &[&str])] = &[
    (
        "BadRequest",
        "400",
        "Malformed request: unreadable JSON, query, path or header, or a query parameter the operation does not take",
        &[
            "request.invalid_json",
            "request.invalid_query",
            "request.invalid_path",
            "request.unknown_parameter",
            "request.invalid_sort",
            "request.invalid_cursor",
            "request.invalid_header",
            "request.invalid_multipart",
        ],
    ),
    (
        "Unauthorized",
        "401",
        "Missing, invalid or expired bearer token; the response has `WWW-Authenticate: Bearer`",
        &[
            "auth.missing_token",
            "auth.invalid_token",
            "auth.token_expired",
        ],
    ),
    (
        "PayloadTooLarge",
        "413",
        "The body is larger than the operation accepts (JSON: 1 MiB; uploads: the configured limit)",
        &["request.too_large"],
    ),
    (
        "UnsupportedMediaType",
        "415",
        "Wrong `Content-Type`",
        &["request.unsupported_media_type"],
    ),
    (
        "ValidationFailed",
        "422",
        "Fields break their rules; `errors` names each one",
        &["validation.failed"],
    ),
    (
        "IdempotencyInProgress",
        "409",
        "A request with the same `Idempotency-Key` is still running; retry after `Retry-After`",
        &["idempotency.in_progress"],
    ),
    (
        "IdempotencyKeyReused",
        "422",
        "The `Idempotency-Key` was used for another request",
        &["idempotency.key_reused"],
    ),
    (
        "InternalError",
        "500",
        "Internal error; logged with the request id",
        &["internal"],
    ),
];

/// Build the document a client reads from what the route annotations say: shared error
/// responses (with an example per code), typed binary downloads, named page items,
/// `Location` on 201, a description and a problem-code catalogue. Works on JSON so that the
/// served, printed and committed documents are the same bytes.
pub fn finish(spec: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(spec).unwrap_or(Value::Null);
    doc["info"]["version"] = json!(API_VERSION);
    doc["info"]["license"] =
        json!({"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"});
    doc["servers"] = json!([{
        "url": "/",
        "description": "The server that serves this document: production, or a local or test instance of `mobility serve`",
        "x-internal": false,
    }]);
    let mut responses = Map::new();
    for (name, status, description, codes) in SHARED_RESPONSES {
        responses.insert(
            name.to_string(),
            problem_response(description, status, codes),
        );
    }
    doc["components"]["responses"] = Value::Object(responses);
    doc["components"]["schemas"]["ProblemCode"] = problem_code_schema();
    doc["components"]["schemas"]["Problem"]["properties"]["code"] = json!({
        "description": "Stable machine-readable code; the catalogue is `ProblemCode` (new codes may be added, so treat unknown ones as their status).",
        "anyOf": [{"$ref": "#/components/schemas/ProblemCode"}, {"type": "string", "maxLength": 100}],
    });
    name_page_items(&mut doc);
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                    finish_operation(path, method, op);
                }
            }
        }
    }
    crate::patches::state_non_nullable(&mut doc);
    bound(&mut doc);
    add_examples(&mut doc);
    add_webhooks(&mut doc);
    doc
}

/// The requests the service sends to registered webhook endpoints (OpenAPI 3.1 `webhooks`).
fn add_webhooks(doc: &mut Value) {
    doc["components"]["schemas"]["WebhookPayload"] = json!({
        "type": "object",
        "description": "The body of a webhook request: the event, with its type and time repeated on top (Standard Webhooks).",
        "required": ["type", "timestamp", "data"],
        "properties": {
            "type": {"$ref": "#/components/schemas/EventType"},
            "timestamp": {"type": "string", "format": "date-time", "maxLength": 40},
            "data": {"$ref": "#/components/schemas/EventDto"},
        },
    });
    let header = |name: &str, description: &str, example: &str| {
        json!({
            "name": name, "in": "header", "required": true, "description": description,
            "schema": {"type": "string", "maxLength": 1000}, "example": example,
        })
    };
    doc["webhooks"] = json!({
        "event": {
            "post": {
                "operationId": "receiveEvent",
                "tags": ["webhooks"],
                "summary": "An event, sent to a registered endpoint",
                "description": "Sent to each active endpoint for every event its owner may see (of its `event_types`). Verify `webhook-signature` before trusting the body: it is `v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of the endpoint's secret after `whsec_`; refuse a timestamp more than five minutes away. `webhook-id` is the event's id, the same on every retry and redelivery: use it to ignore repeats. Answer any 2xx within 10 seconds; anything else is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. `X-Request-Id` is the id of the request that made the change, when there was one.",
                "security": [],
                "parameters": [
                    header("webhook-id", "The event's id (the same on every attempt)", "01937a4e-9b8f-7c3d-a1b2-3c4d5e6f7a8b"),
                    header("webhook-timestamp", "Unix seconds when this attempt was signed", "1764514800"),
                    header("webhook-signature", "`v1,` and the base64 HMAC-SHA256 signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
                ],
                "requestBody": {
                    "required": true,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookPayload"}}},
                },
                "responses": {
                    "200": {"description": "Received (any 2xx will do)"},
                    "400": {"description": "Refused (a bad signature, say): not retried differently from any other failure"},
                },
            },
        },
    });
}

fn finish_operation(path: &str, method: &str, op: &mut Value) {
    let secured = op["security"]
        .as_array()
        .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
    // A signed-in POST may be retried safely with an Idempotency-Key (http::idempotency).
    let idempotent = secured && method == "post";
    if idempotent {
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let mut params = params;
        params.push(json!({
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "A key of your choosing (e.g. a UUID) that makes a retry safe: the same key and request within 24 hours answer the first response again (`Idempotent-Replayed: true`) instead of acting twice; the same key with another request is 422 `idempotency.key_reused`, one still running 409 `idempotency.in_progress`.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
        }));
        op["parameters"] = Value::Array(params);
    }
    if op.get("security").is_none() {
        // Public: stated, not left to a global default.
        op["security"] = json!([]);
    }
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params.iter_mut() {
            // Parameters are short: a path, query or header value the server reads whole.
            let if_match = p["name"] == "If-Match";
            let schema = &mut p["schema"];
            let is_string = schema["type"] == "string"
                || schema["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("string")));
            if is_string && schema.get("maxLength").is_none() && schema.get("enum").is_none() {
                schema["maxLength"] = json!(if if_match {
                    crate::http::etag::MAX_IF_MATCH
                } else {
                    200
                });
            }
        }
        for p in params {
            if p.get("description")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                let name = p["name"].as_str().unwrap_or("").to_string();
                p["description"] = json!(format!("Only records whose `{name}` is this value."));
            }
        }
    }
    let body_types: Vec<String> = op["requestBody"]["content"]
        .as_object()
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(content) = op
        .get_mut("requestBody")
        .and_then(|b| b.get_mut("content"))
        .and_then(Value::as_object_mut)
    {
        for (media, body) in content.iter_mut() {
            if media != "application/json" && media != "multipart/form-data" {
                // A raw body (the organisations CSV): as large as the server reads.
                body["schema"]["maxLength"] = json!(crate::http::MAX_RAW_BODY_BYTES);
            }
        }
    }
    let Some(responses) = op["responses"].as_object_mut() else {
        return;
    };
    let shared = |name: &str| json!({"$ref": format!("#/components/responses/{name}")});
    if !responses.contains_key("400") {
        responses.insert("400".into(), shared("BadRequest"));
    }
    if secured && !responses.contains_key("401") {
        responses.insert("401".into(), shared("Unauthorized"));
    }
    if !body_types.is_empty() {
        if !responses.contains_key("413") {
            responses.insert("413".into(), shared("PayloadTooLarge"));
        }
        if !responses.contains_key("415") {
            responses.insert("415".into(), shared("UnsupportedMediaType"));
        }
        if body_types.iter().any(|t| t == "application/json") && !responses.contains_key("422") {
            responses.insert("422".into(), shared("ValidationFailed"));
        }
    }
    if idempotent {
        if !responses.contains_key("409") {
            responses.insert("409".into(), shared("IdempotencyInProgress"));
        }
        if !responses.contains_key("422") {
            responses.insert("422".into(), shared("IdempotencyKeyReused"));
        }
    }
    responses.insert("500".into(), shared("InternalError"));
    for (status, response) in responses.iter_mut() {
        if response.get("$ref").is_some() {
            continue;
        }
        let description = response["description"].as_str().unwrap_or("").to_string();
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            for (media, body) in content.iter_mut() {
                if media == PROBLEM_JSON {
                    let codes = codes_in(&description, status, path);
                    body["examples"] = problem_examples(status, &codes);
                } else if media != "application/json" {
                    body["schema"] = json!({"type": "string", "format": "binary"});
                }
            }
        }
        if status == "201" {
            response["headers"]["Location"] = json!({
                "description": "The address of the new resource",
                "schema": {"type": "string", "format": "uri-reference", "maxLength": 2048},
            });
        }
    }
    op["description"] = json!(describe(op));
}

/// The codes a response description names in backticks; where it names none, the codes the
/// status stands for in general.
fn codes_in(description: &str, status: &str, path: &str) -> Vec<String> {
    let mut codes: Vec<String> = description
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| codes::status_of(c).is_some_and(|s| s.to_string() == status))
        .map(str::to_string)
        .collect();
    if codes.is_empty() {
        let fallback = match status {
            "403" => Some("auth.forbidden".to_string()),
            "404" => resource_of(path).map(|r| format!("{r}.not_found")),
            "409" => Some("resource.duplicate".to_string()),
            "412" => Some("request.precondition_failed".to_string()),
            "413" => Some("request.too_large".to_string()),
            "415" => Some("request.unsupported_media_type".to_string()),
            "422" => Some("validation.failed".to_string()),
            _ => None,
        };
        codes.extend(fallback.filter(|c| codes::status_of(c).is_some()));
    }
    codes
}

/// `/api/v1/digital-stories/{id}/media` -> `digital_story`: the resource a path's id names.
fn resource_of(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.trim_start_matches("/api/v1/").split('/').collect();
    let mut last = None;
    for pair in segments.windows(2) {
        if pair[1].starts_with('{') {
            last = Some(pair[0]);
        }
    }
    let plural = last?.replace('-', "_");
    let singular = if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = plural.strip_suffix('s') {
        stem.to_string()
    } else {
        plural
    };
    Some(singular)
}

fn problem_value(status: &str, code: &str) -> Value {
    let status_code: u16 = status.parse().unwrap_or(500);
    let title = actix_web::http::StatusCode::from_u16(status_code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut v = json!({
        "type": format!("urn:problem:mobility:{code}"),
        "title": title,
        "status": status_code,
        "detail": format!("{}.", codes::meaning_of(code).unwrap_or(title)),
        "code": code,
    });
    if code == "validation.failed" {
        v["errors"] = json!([{"field": "email", "code": "email", "message": "must be a valid e-mail address"}]);
    }
    if code == "request.unknown_parameter" {
        v["errors"] = json!([{"field": "colour", "code": "unknown", "message": "not a parameter of this operation"}]);
    }
    v
}

fn problem_examples(status: &str, codes: &[String]) -> Value {
    let mut examples = Map::new();
    for code in codes {
        examples.insert(
            code.clone(),
            json!({"summary": code, "value": problem_value(status, code)}),
        );
    }
    if examples.is_empty() {
        examples.insert(
            "problem".into(),
            json!({"summary": status, "value": problem_value(status, "request.error")}),
        );
    }
    Value::Object(examples)
}

fn problem_response(description: &str, status: &str, codes: &[&str]) -> Value {
    let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    let list = codes
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    json!({
        "description": format!("{description} ({list})"),
        "content": {PROBLEM_JSON: {
            "schema": {"$ref": "#/components/schemas/Problem"},
            "examples": problem_examples(status, &codes),
        }},
    })
}

/// The catalogue of problem codes, as an enum with one line per code in its description.
fn problem_code_schema() -> Value {
    let lines = codes::CODES
        .iter()
        .map(|(c, s, m)| format!("- `{c}` ({s}): {m}"))
        .collect::<Vec<_>>()
        .join("\n");
    json!({
        "type": "string",
        "description": format!("Every problem `code` the API returns, with its status:\n\n{lines}"),
        "enum": codes::CODES.iter().map(|(c, _, _)| *c).collect::<Vec<_>>(),
    })
}

/// `Page_X` schemas refer to `X` instead of repeating it, so that a generated client has one
/// class per record.
fn name_page_items(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let Some(item) = name.strip_prefix("Page_") else {
            continue;
        };
        if schemas.contains_key(item) {
            schemas[&name]["properties"]["items"]["items"] =
                json!({"$ref": format!("#/components/schemas/{item}")});
        }
    }
}

/// The operation's description (its summary where it has none), then whether it needs a token
/// and every status it answers with the codes each names.
fn describe(op: &Value) -> String {
    let summary = op["description"]
        .as_str()
        .filter(|d| !d.is_empty())
        .or(op["summary"].as_str())
        .unwrap_or("")
        .to_string();
    let public = op["security"].as_array().is_none_or(|s| {
        s.is_empty()
            || s.iter()
                .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
    });
    let optional_bearer = op["security"]
        .as_array()
        .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
    let mut text = summary;
    text.push_str(if public && optional_bearer {
        "\n\nNo token needed; a bearer token may widen what is shown."
    } else if public {
        "\n\nNo token needed."
    } else {
        "\n\nNeeds a bearer token."
    });
    let mut lines = Vec::new();
    if let Some(responses) = op["responses"].as_object() {
        for (status, r) in responses {
            if r.get("$ref").is_some() {
                continue;
            }
            let d = r["description"].as_str().unwrap_or("");
            lines.push(format!("- **{status}**: {d}"));
        }
    }
    if !lines.is_empty() {
        text.push_str("\n\nResponses:\n");
        text.push_str(&lines.join("\n"));
    }
    text
}

/// Every string, integer and array of the document gets the bounds the server holds it to:
/// its own where the code states one, else the general ones (`MAX_TEXT_CHARS`, `MAX_ITEMS`,
/// the integer's width), so that a client or fuzzer knows what is accepted.
fn bound(value: &mut Value) {
    let Some(map) = value.as_object_mut() else {
        if let Some(items) = value.as_array_mut() {
            items.iter_mut().for_each(bound);
        }
        return;
    };
    let types: Vec<String> = match map.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let has = |m: &Map<String, Value>, k: &str| m.contains_key(k);
    if types.iter().any(|t| t == "string")
        && !has(map, "maxLength")
        && !has(map, "enum")
        && !has(map, "const")
    {
        let max = match map.get("format").and_then(Value::as_str) {
            Some("uuid") => 36,
            Some("date") => 10,
            Some("date-time") => 40,
            Some("email") => 254,
            Some("uri") | Some("uri-reference") => 2048,
            Some("binary") => crate::config::DEFAULT_UPLOAD_MAX_BYTES as u64,
            _ => crate::http::json::MAX_TEXT_CHARS as u64,
        };
        map.insert("maxLength".into(), json!(max));
    }
    if types.iter().any(|t| t == "integer") {
        let (min, max): (i64, i64) = match map.get("format").and_then(Value::as_str) {
            Some("int32") => (i32::MIN as i64, i32::MAX as i64),
            _ => (i64::MIN, i64::MAX),
        };
        map.entry("minimum").or_insert(json!(min));
        map.entry("maximum").or_insert(json!(max));
    }
    if types.iter().any(|t| t == "array") && !has(map, "maxItems") {
        map.insert("maxItems".into(), json!(crate::http::json::MAX_ITEMS));
    }
    for (key, child) in map.iter_mut() {
        if key != "example" && key != "examples" && key != "enum" && key != "const" {
            bound(child);
        }
    }
}

/// An example for a schema, built from its own `example`s, enums, formats, bounds and the
/// names of its fields, so that every request body and success response shows a whole
/// example (the contract tests check each against its schema).
fn example_of(schema: &Value, doc: &Value, name: &str, depth: usize) -> Option<Value> {
    if depth > 24 {
        return None;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference.rsplit('/').next()?;
        return example_of(&doc["components"]["schemas"][target], doc, name, depth + 1);
    }
    if let Some(example) = schema.get("example") {
        return Some(example.clone());
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return Some(first.clone());
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().find(|v| !v.is_null()).cloned();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            return branches
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
                .find_map(|b| example_of(b, doc, name, depth + 1));
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Some(Value::Object(m)) = example_of(part, doc, name, depth + 1) {
                merged.extend(m);
            }
        }
        return Some(Value::Object(merged));
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ if schema.get("properties").is_some() => "object".into(),
        _ => return None,
    };
    match kind.as_str() {
        "object" => {
            let mut out = Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, prop) in props {
                    if let Some(v) = example_of(prop, doc, key, depth + 1) {
                        out.insert(key.clone(), v);
                    }
                }
            }
            if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object())
                && out.is_empty()
                && let Some(v) = example_of(extra, doc, name, depth + 1)
            {
                out.insert("key".into(), v);
            }
            Some(Value::Object(out))
        }
        "array" => {
            let item = example_of(schema.get("items")?, doc, name, depth + 1)?;
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(1);
            Some(Value::Array(vec![item; min.max(1) as usize]))
        }
        "integer" => {
            let lo = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let hi = schema
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            Some(json!(1i64.clamp(lo, hi.max(lo))))
        }
        "number" => Some(json!(1.5)),
        "boolean" => Some(json!(false)),
        "string" => string_example(schema, name),
        _ => None,
    }
}

fn string_example(schema: &Value, name: &str) -> Option<Value> {
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    let pattern = schema.get("pattern").and_then(Value::as_str).unwrap_or("");
    let text = match (format, pattern) {
        ("binary", _) => return None,
        ("uuid", _) => "0190f1c2-7a3b-7c4d-8e5f-1a2b3c4d5e6f".to_string(),
        ("date", _) => "2026-03-25".to_string(),
        ("date-time", _) => "2026-03-25T08:00:00Z".to_string(),
        ("email", _) => "maja.kovac@knjiznica.example".to_string(),
        ("uri", _) | ("uri-reference", _) => "https://www.knjiznica.example/".to_string(),
        ("password", _) => "a-long-secret-password".to_string(),
        (_, "^[A-Z]{2}$") => "SI".to_string(),
        (_, "^[A-Z]{3}$") => "EUR".to_string(),
        (_, "^[a-z]{2}$") => "sl".to_string(),
        (_, "^[a-z0-9_]+$") => "motivation".to_string(),
        (_, p) if p.starts_with("^https?://") => "https://www.knjiznica.example/".to_string(),
        (_, p) if p.contains("[0-9]{1,13}") => "412.80".to_string(),
        (_, p) if p.contains("https://") && p.contains("kamra") => {
            "https://www.kamra.si/digitalne-zbirke/item/mlin-na-krki.html".to_string()
        }
        (_, p) if p.starts_with("^-?(") => p
            .trim_start_matches("^-?(")
            .split(['|', ')'])
            .next()
            .unwrap_or("")
            .to_string(),
        _ => match name {
            "full_name" | "name" | "signer_name" | "director_name" | "mentor" => {
                "Maja Kovač".to_string()
            }
            "city" => "Ljubljana".to_string(),
            "url" | "website" | "online_link" | "info_url" => {
                "https://www.knjiznica.example/".to_string()
            }
            "title" => "Digitalne kompetence za starejše".to_string(),
            "amount" => "412.80".to_string(),
            "currency" => "EUR".to_string(),
            "language" => "sl".to_string(),
            "timezone" => "Europe/Ljubljana".to_string(),
            "code" => "JS1".to_string(),
            _ => "Besedilo".to_string(),
        },
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX) as usize;
    let mut text: String = text.chars().take(max).collect();
    while text.chars().count() < min {
        text.push('x');
    }
    Some(json!(text))
}

/// Every JSON request body and success response without an example gets one.
fn add_examples(doc: &mut Value) {
    let snapshot = doc.clone();
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                continue;
            }
            let mut bodies: Vec<&mut Value> = Vec::new();
            if let Some(c) = op
                .get_mut("requestBody")
                .and_then(|b| b.get_mut("content"))
                .and_then(|c| c.get_mut("application/json"))
            {
                bodies.push(c);
            }
            for body in bodies {
                fill_example(body, &snapshot);
            }
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for (status, r) in responses.iter_mut() {
                    if !status.starts_with('2') {
                        continue;
                    }
                    if let Some(c) = r
                        .get_mut("content")
                        .and_then(|c| c.get_mut("application/json"))
                    {
                        fill_example(c, &snapshot);
                    }
                }
            }
        }
    }
}

fn fill_example(media: &mut Value, doc: &Value) {
    if media.get("example").is_some() || media.get("examples").is_some() {
        return;
    }
    if let Some(example) = example_of(&media["schema"], doc, "", 0) {
        media["example"] = example;
    }
}
