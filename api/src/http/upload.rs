//! Reading one uploaded file from a `multipart/form-data` body, within a size limit.

use crate::http::ApiError;
use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;

/// The part named `file`: its file name and bytes. 415 when the body is not multipart,
/// 413 (`document.too_large`) past `limit` bytes, 422 (`document.file_missing`) without it.
pub async fn read_file(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<(String, Vec<u8>), ApiError> {
    let (file, _) = read_form(req, payload, limit, &[]).await?;
    file.ok_or_else(|| {
        ApiError::unprocessable(
            "document.file_missing",
            "The body has no part named `file`.",
        )
    })
}

/// The part named `file` (if any) and the text parts named in `allowed` of a multipart form;
/// any other part is a 400 `request.invalid_multipart`.
pub async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    allowed: &[&str],
) -> Result<
    (
        Option<(String, Vec<u8>)>,
        std::collections::HashMap<String, String>,
    ),
    ApiError,
> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.unsupported_media_type",
            "Send the file as multipart/form-data in a part named `file`.",
        ));
    }
    let invalid = |e: actix_multipart::MultipartError| {
        ApiError::bad_request(
            "request.invalid_multipart",
            format!("The multipart body is invalid: {e}"),
        )
    };
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut file = None;
    let mut fields = std::collections::HashMap::new();
    // The limit holds for the whole body, and a form has a handful of parts at most.
    let mut total = 0usize;
    let mut parts = 0usize;
    while let Some(field) = multipart.next().await {
        parts += 1;
        if parts > 20 {
            return Err(ApiError::bad_request(
                "request.invalid_multipart",
                "The form has too many parts (at most 20).",
            ));
        }
        let mut field = field.map_err(invalid)?;
        let name = field
            .content_disposition()
            .and_then(|d| d.get_name())
            .unwrap_or("")
            .to_string();
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(invalid)?;
            total += chunk.len();
            if total > limit {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "document.too_large",
                    format!("The file is larger than {limit} bytes."),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            if file.is_none() {
                file = Some((filename.unwrap_or_else(|| "file".into()), bytes));
            }
        } else if allowed.contains(&name.as_str()) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Some((code, message)) = super::checks::nul_character(&text) {
                return Err(ApiError::invalid_field(&name, code, message));
            }
            fields.insert(name, text);
        } else {
            return Err(ApiError::bad_request(
                "request.invalid_multipart",
                format!(
                    "The form has a part `{}` that this operation does not take.",
                    super::error::clip(&name, 100)
                ),
            ));
        }
    }
    Ok((file, fields))
}

/// A `multipart/form-data` body with one file.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct FileUpload {
    /// The file; its type is checked by its content, not its name.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A `multipart/form-data` body with a media file of a digital story and its description.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct MediaUploadForm {
    /// An image (JPEG, PNG), audio (MP3, OGG, WAV) or PDF; checked by its content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// What the item shows.
    #[schema(max_length = 2000)]
    pub caption: Option<String>,
    /// Who made it.
    #[schema(max_length = 300)]
    pub creator: Option<String>,
    /// Its licence, e.g. `CC BY-SA 4.0`.
    #[schema(max_length = 100)]
    pub licence: Option<String>,
}

/// A body that is either JSON (no file) or a `multipart/form-data` form with the same fields
/// as text parts (empty ones left out) and perhaps a part named `file`: both read into `T` and
/// checked by the same rules. 415 `request.unsupported_media_type` for any other type.
pub async fn read_json_or_form<T>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    fields: &[&str],
) -> Result<(T, Option<(String, Vec<u8>)>), actix_web::Error>
where
    T: serde::de::DeserializeOwned + validator::Validate + std::fmt::Debug + 'static,
{
    use actix_web::FromRequest;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !content_type.starts_with("multipart/form-data") {
        let mut payload = payload.into_inner();
        let body = crate::http::Json::<T>::from_request(req, &mut payload).await?;
        return Ok((body.0, None));
    }
    let (file, parts) = read_form(req, payload, limit, fields).await?;
    let object: serde_json::Map<String, serde_json::Value> = parts
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    let body: T = serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| {
        ApiError::bad_request(
            "request.invalid_multipart",
            format!("The form's fields are invalid: {e}"),
        )
    })?;
    body.validate().map_err(ApiError::from)?;
    Ok((body, file))
}
