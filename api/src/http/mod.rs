//! Shared HTTP plumbing: errors, authentication, pagination, ETags, fallbacks.

/// The largest raw (not JSON, not multipart) body read, e.g. an organisations CSV.
pub const MAX_RAW_BODY_BYTES: usize = 5 * 1024 * 1024;

pub mod auth;
pub mod codes;
pub mod cors;
pub mod csv;
pub mod error;
pub mod etag;
pub mod fallback;
pub mod headers;
pub mod idempotency;
pub mod json;
pub mod pagination;
pub mod request_id;
pub mod upload;

pub use auth::{Admins, AuthUser, Gate, Gated, MaybeAuthUser, Staff};
pub use error::{ApiError, ApiResult, FieldError, Problem};
pub use etag::IfMatch;
pub use json::{Json, OptionalJson};
pub use pagination::{Page, PageParams};

/// For PATCH fields that can be set to `null`: absent -> `None`, `null` -> `Some(None)`.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(d).map(Some)
}

/// Checks shared by several features' request types.
pub mod checks {
    use validator::ValidationError;

    /// ISO 3166-1 alpha-2: two upper-case letters.
    pub fn country_code(value: &str) -> Result<(), ValidationError> {
        if value.len() == 2 && value.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(())
        } else {
            let mut e = ValidationError::new("country_code");
            e.message = Some("must be an ISO 3166-1 alpha-2 code in capitals, e.g. SI".into());
            Err(e)
        }
    }

    /// The JSON Schema `pattern` of a text that is not blank and hides nothing: it has a
    /// character outside the set `is_blank` ignores, and none of the characters
    /// `hidden_character` refuses (the same sets in Rust, Python and ECMAScript regular
    /// expressions).
    pub const NOT_BLANK_PATTERN: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$";

    /// Blank: nothing but white space, control characters and zero-width characters.
    pub fn is_blank(value: &str) -> bool {
        value.chars().all(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '\u{feff}' | '\u{200b}'..='\u{200d}' | '\u{2060}')
        })
    }

    /// A character no text field takes: a control character other than tab and line breaks
    /// (`\t`, `\n`, `\r`, U+0085), or a bidirectional override or isolate (U+202A to U+202E,
    /// U+2066 to U+2069), which make text read other than it is. `(code, message)`.
    pub fn hidden_character(value: &str) -> Option<(&'static str, &'static str)> {
        for c in value.chars() {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}') {
                return Some((
                    "control_character",
                    "must not contain control characters other than tab and line breaks",
                ));
            }
            if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                return Some((
                    "bidi_control",
                    "must not contain bidirectional override or isolate characters (U+202A to U+202E, U+2066 to U+2069)",
                ));
            }
        }
        None
    }

    /// Not blank (see `is_blank`), and no hidden character (see `hidden_character`).
    pub fn not_blank(value: &str) -> Result<(), ValidationError> {
        if is_blank(value) {
            let mut e = ValidationError::new("blank");
            e.message = Some("must not be blank".into());
            return Err(e);
        }
        match hidden_character(value) {
            None => Ok(()),
            Some((code, message)) => {
                let mut e = ValidationError::new(code);
                e.message = Some(message.into());
                Err(e)
            }
        }
    }

    /// The JSON Schema `pattern` of a web address (what [`web_url`] also checks).
    pub const WEB_URL_PATTERN: &str =
        r"^https?://[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$";

    /// A web address a person may follow: `http:` or `https:`, then at least one character and
    /// no white space or control character (never `javascript:`, `data:` or `file:`). Exactly [`WEB_URL_PATTERN`], so
    /// that what the document allows the server accepts.
    pub fn web_url(value: &str) -> Result<(), ValidationError> {
        if scheme_and_no_space(value) {
            Ok(())
        } else {
            let mut e = ValidationError::new("url");
            e.message = Some("must be an http or https URL".into());
            Err(e)
        }
    }

    /// [`WEB_URL_PATTERN`] in code: the scheme, then no white space or control character.
    fn scheme_and_no_space(value: &str) -> bool {
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"));
        rest.is_some_and(|r| {
            !r.is_empty() && !r.chars().any(|c| c.is_control() || c.is_whitespace())
        })
    }

    /// What every string that comes in (JSON bodies, query parameters, multipart fields) may
    /// not hold: NUL (U+0000), which PostgreSQL cannot store and SQLite would keep silently.
    /// `(field error code, message)`, or `None` when the text may come in.
    pub fn nul_character(value: &str) -> Option<(&'static str, &'static str)> {
        value.contains('\0').then_some((
            "control_character",
            "must not contain the NUL character (U+0000)",
        ))
    }

    /// A known IANA time zone name.
    pub fn time_zone(value: &str) -> Result<(), ValidationError> {
        value.parse::<chrono_tz::Tz>().map(|_| ()).map_err(|_| {
            let mut e = ValidationError::new("time_zone");
            e.message = Some("must be an IANA time zone such as Europe/Ljubljana".into());
            e
        })
    }
}

/// A `201 Created` response gets the new resource's address (below `/api/v1`) in `Location`;
/// any other status is returned as it is.
pub fn created(
    mut res: actix_web::HttpResponse,
    path: impl std::fmt::Display,
) -> actix_web::HttpResponse {
    if res.status() == actix_web::http::StatusCode::CREATED
        && let Ok(v) = actix_web::http::header::HeaderValue::from_str(&format!("/api/v1{path}"))
    {
        res.headers_mut()
            .insert(actix_web::http::header::LOCATION, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::checks::{NOT_BLANK_PATTERN, is_blank};

    #[test]
    fn blank_is_white_space_control_and_zero_width_only() {
        for blank in [
            "",
            " ",
            "\t\n",
            "\u{a0}",
            "\u{1f}",
            "\u{200b}\u{feff}",
            "\u{2060}\u{85}",
        ] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for text in ["a", " a ", "\u{200b}x", "Č"] {
            assert!(!is_blank(text), "{text:?}");
        }
    }

    /// The pattern the document states and the rule the server applies agree, text by text.
    #[test]
    fn the_text_pattern_and_the_rule_agree() {
        let re = regex::Regex::new(NOT_BLANK_PATTERN).unwrap();
        for text in [
            "Knjižnica Kranj",
            " a ",
            "dve\nvrstici\r\n\tin tab",
            "\u{200b}x",
            "a\u{85}b",
            "",
            " ",
            "\u{200b}\u{feff}",
            "Knji\u{0}žnica",
            "zvonec\u{7}",
            "a\u{9c}",
            "Knjižnica \u{202e}acinžijnK",
            "\u{2066}Knjižnica",
            "\u{202a}",
        ] {
            assert_eq!(
                re.is_match(text),
                super::checks::not_blank(text).is_ok(),
                "{text:?}"
            );
        }
    }

    /// Every `pattern` of a non-blank field in the code is the one `is_blank` agrees with.
    #[test]
    fn the_document_states_the_same_not_blank_rule() {
        let spec = crate::startup::openapi_spec().to_string();
        let stated = serde_json::to_string(NOT_BLANK_PATTERN).unwrap();
        assert!(spec.contains(&stated));
        assert!(!spec.contains(r#""pattern":"\\S""#));
    }
}
