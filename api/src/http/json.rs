//! The JSON body extractor every handler uses, and the only place a body is validated:
//! `web::Json` (content type, size limit, the problem responses of `JsonConfig`), the general
//! limits on every string and list, deserialisation, then the type's own `validator` rules
//! (`#[validate(...)]` on its fields and `#[validate(schema(...))]` across them). A handler
//! that receives a [`Json<T>`] holds a body that passed all of them; none calls `validate()`.
//!
//! One rule JSON Schema makes necessary: an integral number written with a fraction (`61.0`,
//! `1e2`) is the integer it denotes, since a schema's `type: integer` cannot tell them apart.

use crate::http::fallback::invalid_json;
use crate::http::{ApiError, FieldError};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};
use validator::Validate;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

type Extracted<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, actix_web::Error>>>>;

/// Read and deserialise a JSON body, within the general limits (no type rules yet).
fn read<T: DeserializeOwned + std::fmt::Debug + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
) -> Extracted<T> {
    let value = web::Json::<Value>::from_request(req, payload);
    let patch = req.method() == actix_web::http::Method::PATCH;
    Box::pin(async move {
        let mut value = value.await?.into_inner();
        integral_numbers(&mut value);
        let mut errors = Vec::new();
        within_limits(&value, "", &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::validation(errors).into());
        }
        if patch {
            pointless_nulls::<T>(&value)?;
        }
        serde_json::from_value(value).map_err(|e| invalid_json(&e).into())
    })
}

/// Whether sending `key: null` in `body` changes nothing against leaving `key` out.
pub fn null_is_noop<T: DeserializeOwned + std::fmt::Debug>(body: &Value, key: &str) -> bool {
    let Value::Object(map) = body else {
        return false;
    };
    let mut without = map.clone();
    without.remove(key);
    match (
        serde_json::from_value::<T>(body.clone()),
        serde_json::from_value::<T>(Value::Object(without)),
    ) {
        (Ok(with), Ok(without)) => format!("{with:?}") == format!("{without:?}"),
        _ => false,
    }
}

/// In a `PATCH`, `null` for a field that cannot be cleared is refused (it would change
/// nothing while the caller believes it did): 400, naming the fields.
fn pointless_nulls<T: DeserializeOwned + std::fmt::Debug>(value: &Value) -> Result<(), ApiError> {
    let Value::Object(map) = value else {
        return Ok(());
    };
    let errors: Vec<FieldError> = map
        .iter()
        .filter(|(k, v)| v.is_null() && null_is_noop::<T>(value, k))
        .map(|(k, _)| {
            FieldError::new(
                k.clone(),
                "null",
                "cannot be cleared; leave the field out to keep its value",
            )
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let mut e = ApiError::bad_request(
        "request.invalid_json",
        "The body sets to null a field that cannot be cleared.",
    );
    e.errors = errors;
    Err(e)
}

impl<T: DeserializeOwned + Validate + std::fmt::Debug + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read::<T>(req, payload);
        Box::pin(async move {
            let body = body.await?;
            body.validate().map_err(ApiError::from)?;
            Ok(Json(body))
        })
    }
}

/// The longest text any field takes, in characters: the `maxLength` of fields without a
/// limit of their own, and at least every field's own limit (the longest, a mobility report,
/// takes 100,000), so that it never cuts a field short of what the document says.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// The most items any list in a body takes, where the field sets no limit of its own.
pub const MAX_ITEMS: usize = 10_000;

/// Every string and list of a body within the general limits (fields with their own, smaller
/// limits check those themselves), and no string holding NUL
/// ([`crate::http::checks::nul_character`]).
pub fn within_limits(value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(s) if s.chars().count() > MAX_TEXT_CHARS => errors.push(FieldError::new(
            if path.is_empty() { "body" } else { path },
            "length",
            format!("at most {MAX_TEXT_CHARS} characters"),
        )),
        Value::String(s) => {
            if let Some((code, message)) = crate::http::checks::nul_character(s) {
                errors.push(FieldError::new(
                    if path.is_empty() { "body" } else { path },
                    code,
                    message,
                ));
            }
        }
        Value::Array(items) => {
            if items.len() > MAX_ITEMS {
                errors.push(FieldError::new(
                    if path.is_empty() { "body" } else { path },
                    "length",
                    format!("at most {MAX_ITEMS} items"),
                ));
            } else {
                for (i, item) in items.iter().enumerate() {
                    within_limits(item, &at(&i.to_string()), errors);
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                if let Some((code, message)) = crate::http::checks::nul_character(k) {
                    errors.push(FieldError::new(at(k), code, message));
                }
                within_limits(v, &at(k), errors);
            }
        }
        _ => {}
    }
}

/// An optional JSON body: `None` when the request has no body at all (or `null`), otherwise read like
/// [`Json`], so that a body that is sent but wrong is a 400/413/415/422, never ignored.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + Validate + std::fmt::Debug + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let empty = !headers.contains_key(actix_web::http::header::CONTENT_TYPE)
            && headers
                .get(actix_web::http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|v| v.trim() == "0")
            && !headers.contains_key(actix_web::http::header::TRANSFER_ENCODING);
        if empty {
            return Box::pin(async { Ok(OptionalJson(None)) });
        }
        // A body of `null` is no body too.
        let body = read::<Option<T>>(req, payload);
        Box::pin(async move {
            let body = body.await?;
            if let Some(b) = &body {
                b.validate().map_err(ApiError::from)?;
            }
            Ok(OptionalJson(body))
        })
    }
}

/// The largest integer an f64 holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Rewrites every number with a zero fraction into an integer, in place.
pub fn integral_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= EXACT
            {
                *n = if f < 0.0 {
                    Number::from(f as i64)
                } else {
                    Number::from(f as u64)
                };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integral_floats_become_integers_and_fractions_stay() {
        let mut v = json!({"a": 61.0, "b": [1e2, -3.0, 0.5], "c": {"d": 7}, "e": "61.0"});
        integral_numbers(&mut v);
        assert_eq!(
            v,
            json!({"a": 61, "b": [100, -3, 0.5], "c": {"d": 7}, "e": "61.0"})
        );
        assert!(v["a"].is_u64());
        assert!(v["b"][1].is_i64());
        let mut errors = Vec::new();
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        within_limits(&json!({"a": {"b": [long, "ok"]}}), "", &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "a.b.0");
        let mut big = json!(1e300);
        integral_numbers(&mut big);
        assert!(big.is_f64());
    }
}
