//! The OpenAPI document: tags, security scheme, shared error responses.

use crate::http::{FieldError, Problem};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Erasmus+ staff mobility API",
        description = "Runs an Erasmus+ staff-mobility project of a library network, from the call for applications to the final report.\n\n\
Log in with `POST /api/v1/auth/login`, then click **Authorize** and paste the `access_token`.\n\n\
Errors are `application/problem+json` (RFC 9457) with a stable `code`. Lists take `page` and `per_page` (max 200). \
`PATCH` and `DELETE` honour `If-Match` with the `ETag` of the last read (412 when stale).",
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
        (name = "preparation", description = "Preparation tasks, travel details, meetings and calendars"),
        (name = "costs", description = "What the project and the employers paid"),
        (name = "budget", description = "Erasmus+ unit-cost rates and the project's grant beside its spending"),
        (name = "after", description = "After the mobility: evaluation, knowledge sharing, workshops, digital stories, new practice, obligations, indicators, exports"),
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
                    .description(Some("The `access_token` from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
    }
}

fn problem_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}

/// Add the responses every operation can give: 400 for unreadable input, 401 where a token is
/// needed, 500; so that each operation documents its complete set of errors.
pub fn add_common_responses(api: &mut OpenApiDoc) {
    for item in api.paths.paths.values_mut() {
        let ops: [&mut Option<Operation>; 5] = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for op in ops.into_iter().flatten() {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let r = &mut op.responses.responses;
            r.entry("400".into()).or_insert_with(|| {
                problem_response("Malformed request: unreadable JSON, query or path (`request.invalid_json`, `request.invalid_query`, `request.invalid_path`)")
            });
            if secured {
                r.entry("401".into()).or_insert_with(|| {
                    problem_response("Missing, invalid or expired bearer token (`auth.missing_token`, `auth.invalid_token`, `auth.token_expired`); the response has `WWW-Authenticate: Bearer`")
                });
            }
            r.entry("500".into()).or_insert_with(|| {
                problem_response("Internal error (`internal`); logged with the request id")
            });
        }
    }
}
