//! `PATCH` bodies: a field left out keeps its value, `null` clears a field that can be
//! cleared, and `null` for any other field is refused (400) rather than silently ignored.
//!
//! Whether `null` means something is read off the type itself: a field whose `null`
//! deserialises to the same request as leaving it out (a plain `Option<T>`) cannot be cleared;
//! a `double_option` field can. The same probe ([`null_is_noop`]) refuses such a `null` at run
//! time and states the field as not nullable in the OpenAPI document
//! ([`state_non_nullable`]), so the two cannot disagree.

use crate::http::json::null_is_noop;
use serde_json::{Value, json};

type Probe = fn(&Value, &str) -> bool;

/// The body of every `PATCH` operation, by its schema name.
const BODIES: &[(&str, Probe)] = &[
    (
        "UpdateAdoptionRequest",
        null_is_noop::<crate::practice::dto::UpdateAdoptionRequest>,
    ),
    (
        "UpdateAgreementRequest",
        null_is_noop::<crate::agreements::service::UpdateAgreementRequest>,
    ),
    (
        "UpdateApplicationRequest",
        null_is_noop::<crate::applications::dto::UpdateApplicationRequest>,
    ),
    (
        "UpdateCallRequest",
        null_is_noop::<crate::calls::dto::UpdateCallRequest>,
    ),
    (
        "UpdateCostRequest",
        null_is_noop::<crate::costs::dto::UpdateCostRequest>,
    ),
    (
        "UpdateDisseminationRequest",
        null_is_noop::<crate::dissemination::dto::UpdateDisseminationRequest>,
    ),
    (
        "UpdateMediaRequest",
        null_is_noop::<crate::stories::dto::UpdateMediaRequest>,
    ),
    (
        "UpdateMeetingRequest",
        null_is_noop::<crate::preparation::meetings::UpdateMeetingRequest>,
    ),
    (
        "UpdateMobilityRequest",
        null_is_noop::<crate::mobilities::dto::UpdateMobilityRequest>,
    ),
    (
        "UpdateOrganisationRequest",
        null_is_noop::<crate::organisations::dto::UpdateOrganisationRequest>,
    ),
    (
        "UpdateParticipantRequest",
        null_is_noop::<crate::participants::dto::UpdateParticipantRequest>,
    ),
    (
        "UpdateProjectRequest",
        null_is_noop::<crate::projects::dto::UpdateProjectRequest>,
    ),
    (
        "UpdateStoryRequest",
        null_is_noop::<crate::stories::dto::UpdateStoryRequest>,
    ),
    (
        "UpdateTaskRequest",
        null_is_noop::<crate::preparation::tasks::UpdateTaskRequest>,
    ),
    (
        "UpdateUserRequest",
        null_is_noop::<crate::users::dto::UpdateUserRequest>,
    ),
    (
        "UpdateWorkshopRequest",
        null_is_noop::<crate::workshops::dto::UpdateWorkshopRequest>,
    ),
    (
        "WebhookUpdate",
        null_is_noop::<crate::webhooks::dto::WebhookUpdate>,
    ),
];

/// The schema names of every `PATCH` body in the document.
fn patch_bodies(doc: &Value) -> Vec<String> {
    let mut bodies = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for item in paths.values() {
            let schema = &item["patch"]["requestBody"]["content"]["application/json"]["schema"];
            if let Some(name) = schema["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                bodies.push(name.to_string());
            }
        }
    }
    bodies
}

/// In the schema of every `PATCH` body, a property whose `null` would change nothing is
/// stated as not nullable.
pub fn state_non_nullable(doc: &mut Value) {
    for name in patch_bodies(doc) {
        let Some((_, probe)) = BODIES.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let Some(props) = doc["components"]["schemas"][&name]["properties"].as_object_mut() else {
            continue;
        };
        for (key, prop) in props.iter_mut() {
            if probe(&json!({ key.as_str(): null }), key) {
                drop_null(prop);
            }
        }
    }
}

/// A property schema without its `null` alternative.
fn drop_null(prop: &mut Value) {
    if let Some(types) = prop["type"].as_array() {
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        prop["type"] = if rest.len() == 1 {
            rest[0].clone()
        } else {
            Value::Array(rest)
        };
    } else if let Some(options) = prop["oneOf"].as_array() {
        let rest: Vec<Value> = options
            .iter()
            .filter(|o| o["type"] != "null")
            .cloned()
            .collect();
        if rest.len() == 1 {
            let mut single = rest[0].clone();
            if let (Some(obj), Some(own)) = (single.as_object_mut(), prop.as_object()) {
                for (k, v) in own {
                    if k != "oneOf" {
                        obj.entry(k.clone()).or_insert(v.clone());
                    }
                }
            }
            *prop = single;
        } else {
            prop["oneOf"] = Value::Array(rest);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_patch_body_has_a_probe() {
        let doc = crate::startup::openapi_spec();
        let bodies = super::patch_bodies(&doc);
        assert!(bodies.len() >= 17, "{bodies:?}");
        for name in bodies {
            assert!(
                super::BODIES.iter().any(|(n, _)| *n == name),
                "no probe for the PATCH body {name}"
            );
        }
    }

    #[test]
    fn clearable_fields_stay_nullable_and_the_others_do_not() {
        let doc = crate::startup::openapi_spec();
        let props = &doc["components"]["schemas"]["UpdateApplicationRequest"]["properties"];
        assert_eq!(props["motivation"]["type"], "string");
        assert_eq!(props["fewer_opportunities"]["type"], "boolean");
        assert_eq!(
            props["fewer_opportunities_note"]["type"],
            serde_json::json!(["string", "null"])
        );
    }
}
