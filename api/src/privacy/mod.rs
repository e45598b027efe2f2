//! Data-subject requests: everything the service holds about one person (GDPR Art. 15 and 20),
//! found by their e-mail address, as one JSON document with the files they provided; and
//! erasure (Art. 17, [`erase`]).
//!
//! A person is found as a user (by e-mail), as the applicant an application names, and as the
//! participant a selection made of them (by e-mail or linked account). What is exported: the
//! user record (never the password hash), their applications with the documents uploaded to
//! them and the signatures recorded on them, their participations with travel details,
//! agreements (with signatures and evidence), costs, dissemination items, meeting attendance,
//! report and questionnaire answers, the e-mail sent to them, the audit entries of what they
//! did, and their API tokens and calendar feeds (metadata, never the secret). Events and
//! webhook deliveries carry ids only and are not copied.

pub mod erase;
pub mod export;
pub mod routes;

/// How the audit log names the person a request was about: part of the SHA-256 of the
/// address, so that the log links the export and the erasure without holding the address.
pub fn subject_ref(email: &str) -> String {
    let hash = crate::storage::sha256_hex(email.trim().to_lowercase().as_bytes());
    hash[..32].to_string()
}
