//! Verifying a PDF's digital signature (a CMS `SignedData` in the signature dictionary's
//! `/Contents`), and whether its certificate names a given person.
//!
//! What is checked, for each signature dictionary (each distinct one, at most
//! [`MAX_SIGNATURES`]):
//! 1. its `/ByteRange` starts at the file's first byte, leaves out exactly its own `/Contents`
//!    string and lies within the file; the bytes it names are hashed with the signer's digest
//!    algorithm (SHA-256, SHA-384 or SHA-512);
//! 2. with signed attributes, their `messageDigest` equals that hash (without them, the
//!    signature is over the hash itself);
//! 3. the signature value verifies with the public key of the signer's certificate, the one
//!    carried in the CMS that the signer identifier names (RSA PKCS #1 v1.5, ECDSA P-256 or
//!    P-384);
//! 4. the certificate is issued by someone else than its holder (a self-signed certificate
//!    proves nothing of who holds it);
//! 5. the certificate's subject gives the signer's name (common name, or given name and
//!    surname);
//! 6. the file has not been added to since: some verified signature covers it to its last
//!    byte (a later signature, in an incremental update, covers the earlier ones).
//!
//! What is not checked, because it cannot be done offline: whether the certificate chains to a
//! qualified trust service provider on the EU trusted lists, and whether it was revoked. A
//! signature that passes is "verified": unaltered since signing, by the holder of a
//! certificate naming that person; not proven "qualified".

use crate::http::error::ApiError;
use cms::cert::x509::Certificate;
use cms::cert::x509::der::asn1::ObjectIdentifier as Oid;
use cms::cert::x509::der::{Decode, Encode, SliceReader, Tag, Tagged};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha384, Sha512};
use unicode_normalization::UnicodeNormalization;

const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const EC: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
const COMMON_NAME: Oid = Oid::new_unwrap("2.5.4.3");
const SURNAME: Oid = Oid::new_unwrap("2.5.4.4");
const GIVEN_NAME: Oid = Oid::new_unwrap("2.5.4.42");
const ORGANISATION: Oid = Oid::new_unwrap("2.5.4.10");
const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");

/// No signed document carries more signatures than this; more are not checked.
pub const MAX_SIGNATURES: usize = 8;

/// A signature dictionary as found in a PDF.
#[derive(Debug, Clone)]
pub struct Dictionary {
    pub range: Vec<i64>,
    pub contents: Vec<u8>,
    /// `/M`, as written.
    pub signing_time: Option<String>,
}

/// Check each signature of `file`, then the whole: when no verified signature covers the file
/// to its end, something was added after signing, and none counts (`not_whole_file`).
pub fn check_all(file: &[u8], found: Vec<Dictionary>) -> Vec<SignatureCheck> {
    let mut out: Vec<(SignatureCheck, bool)> = found
        .into_iter()
        .map(|d| {
            let mut c = check(file, &d.range, &d.contents);
            c.signing_time = d.signing_time;
            let to_end =
                d.range.len() == 4 && d.range[2].saturating_add(d.range[3]) == file.len() as i64;
            (c, to_end)
        })
        .collect();
    if !out.iter().any(|(c, to_end)| c.verified && *to_end) {
        for (c, _) in out.iter_mut().filter(|(c, _)| c.verified) {
            c.verified = false;
            c.problem = Some("not_whole_file".into());
        }
    }
    out.into_iter().map(|(c, _)| c).collect()
}

/// What one signature in a PDF was found to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignatureCheck {
    /// The signer's name from the signing certificate's subject (common name, else given name
    /// and surname); absent when no certificate could be read.
    pub certificate_name: Option<String>,
    /// Who issued the certificate (the issuer's common name, else its organisation).
    pub certificate_issuer: Option<String>,
    /// `true` when the digest over the signed byte ranges matches and the signature verifies
    /// with the certificate's key.
    pub verified: bool,
    /// Why it is not verified: `unreadable` (no CMS signature could be read),
    /// `byte_range` (the ranges do not start at the file's beginning, do not leave out exactly
    /// the signature's own `/Contents`, or fall outside the file), `no_certificate`,
    /// `self_signed` (a certificate its holder issued), `unsupported_algorithm`,
    /// `digest_mismatch` (the signed bytes were changed), `signature_invalid`,
    /// `not_whole_file` (something was added to the file after signing).
    pub problem: Option<String>,
    /// The signing time the dictionary states (`/M`), as written there.
    pub signing_time: Option<String>,
}

impl SignatureCheck {
    fn failed(name: Option<String>, problem: &str) -> Self {
        Self {
            certificate_name: name,
            certificate_issuer: None,
            verified: false,
            problem: Some(problem.into()),
            signing_time: None,
        }
    }
}

/// Check the signature whose dictionary names `byte_range` and holds `contents`, in `file`.
pub fn check(file: &[u8], byte_range: &[i64], contents: &[u8]) -> SignatureCheck {
    let Some(signed) = covered(file, byte_range) else {
        return SignatureCheck::failed(None, "byte_range");
    };
    // `/Contents` is padded with zeros after the DER value: read exactly one value.
    let Some(info) = SliceReader::new(contents)
        .ok()
        .and_then(|mut r| ContentInfo::decode(&mut r).ok())
        .filter(|ci| ci.content_type == SIGNED_DATA)
    else {
        return SignatureCheck::failed(None, "unreadable");
    };
    let Ok(data) = info.content.decode_as::<SignedData>() else {
        return SignatureCheck::failed(None, "unreadable");
    };
    let Some(signer) = data.signer_infos.0.iter().next() else {
        return SignatureCheck::failed(None, "unreadable");
    };
    let Some(cert) = signer_certificate(&data, signer) else {
        return SignatureCheck::failed(None, "no_certificate");
    };
    let name = person(&cert.tbs_certificate.subject);
    let issuer = person(&cert.tbs_certificate.issuer);
    let fail = |problem: &str| SignatureCheck {
        certificate_issuer: issuer.clone(),
        ..SignatureCheck::failed(name.clone(), problem)
    };
    if cert.tbs_certificate.issuer == cert.tbs_certificate.subject {
        return fail("self_signed");
    }
    let digest_alg = signer.digest_alg.oid;
    let Some(content_hash) = hash(digest_alg, &signed) else {
        return fail("unsupported_algorithm");
    };
    let to_verify = match &signer.signed_attrs {
        Some(attrs) => {
            let stated = attrs
                .iter()
                .find(|a| a.oid == MESSAGE_DIGEST)
                .and_then(|a| a.values.iter().next())
                .filter(|v| v.tag() == Tag::OctetString)
                .map(|v| v.value().to_vec());
            if stated.as_deref() != Some(content_hash.as_slice()) {
                return fail("digest_mismatch");
            }
            let Ok(der) = attrs.to_der() else {
                return fail("unreadable");
            };
            hash(digest_alg, &der).unwrap_or_default()
        }
        None => content_hash,
    };
    match verify(&cert, digest_alg, &to_verify, signer.signature.as_bytes()) {
        Some(true) => SignatureCheck {
            certificate_name: name,
            certificate_issuer: issuer,
            verified: true,
            problem: None,
            signing_time: None,
        },
        Some(false) => fail("signature_invalid"),
        None => fail("unsupported_algorithm"),
    }
}

/// The bytes a `/ByteRange [0 b c d]` names: `0..b` then `c..c+d`, inside the file, the gap
/// between them being exactly the signature's `<...>` hexadecimal string.
fn covered(file: &[u8], range: &[i64]) -> Option<Vec<u8>> {
    let [a, b, c, d] = range else { return None };
    let (b, c, d) = (
        usize::try_from(*b).ok()?,
        usize::try_from(*c).ok()?,
        usize::try_from(*d).ok()?,
    );
    if *a != 0 || c <= b + 1 {
        return None;
    }
    let gap = file.get(b..c)?;
    let hex = gap.strip_prefix(b"<")?.strip_suffix(b">")?;
    if !hex.iter().all(|x| x.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = file.get(..b)?.to_vec();
    out.extend_from_slice(file.get(c..c.checked_add(d)?)?);
    Some(out)
}

fn hash(alg: Oid, bytes: &[u8]) -> Option<Vec<u8>> {
    Some(match alg {
        SHA256 => Sha256::digest(bytes).to_vec(),
        SHA384 => Sha384::digest(bytes).to_vec(),
        SHA512 => Sha512::digest(bytes).to_vec(),
        _ => return None,
    })
}

/// The certificate the signer identifier names, among those the CMS carries.
fn signer_certificate(data: &SignedData, signer: &SignerInfo) -> Option<Certificate> {
    let certs: Vec<&Certificate> = data
        .certificates
        .as_ref()?
        .0
        .iter()
        .filter_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(c) => Some(c),
            _ => None,
        })
        .collect();
    let found = certs.into_iter().find(|c| match &signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => {
            c.tbs_certificate.issuer == id.issuer
                && c.tbs_certificate.serial_number == id.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => c
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .filter(|e| e.extn_id == SUBJECT_KEY_ID)
            .any(|e| {
                cms::cert::x509::der::asn1::OctetString::from_der(e.extn_value.as_bytes())
                    .is_ok_and(|v| v.as_bytes() == ski.0.as_bytes())
            }),
    });
    found.cloned()
}

/// Verify `sig` over the prehashed `digest` with the certificate's key; `None` for a key or
/// algorithm this service does not verify.
fn verify(cert: &Certificate, digest_alg: Oid, digest: &[u8], sig: &[u8]) -> Option<bool> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let der = spki.to_der().ok()?;
    match spki.algorithm.oid {
        RSA => {
            use rsa::pkcs8::DecodePublicKey;
            let key = rsa::RsaPublicKey::from_public_key_der(&der).ok()?;
            let scheme = match digest_alg {
                SHA256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                SHA384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                SHA512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                _ => return None,
            };
            Some(key.verify(scheme, digest, sig).is_ok())
        }
        EC => {
            use p256::pkcs8::DecodePublicKey;
            use signature::hazmat::PrehashVerifier;
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<Oid>().ok())?;
            match curve {
                P256 => {
                    let key = p256::ecdsa::VerifyingKey::from_public_key_der(&der).ok()?;
                    let Ok(s) = p256::ecdsa::Signature::from_der(sig) else {
                        return Some(false);
                    };
                    Some(key.verify_prehash(digest, &s).is_ok())
                }
                P384 => {
                    let key = p384::ecdsa::VerifyingKey::from_public_key_der(&der).ok()?;
                    let Ok(s) = p384::ecdsa::Signature::from_der(sig) else {
                        return Some(false);
                    };
                    Some(key.verify_prehash(digest, &s).is_ok())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The person (or organisation) a distinguished name names: its common name, else its given
/// name and surname, else its organisation; as plain text of at most 200 characters.
fn person(dn: &cms::cert::x509::name::Name) -> Option<String> {
    let attrs: Vec<_> = dn.0.iter().flat_map(|rdn| rdn.0.iter()).collect();
    let value = |oid: Oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| directory_string(&a.value))
    };
    value(COMMON_NAME)
        .or_else(|| match (value(GIVEN_NAME), value(SURNAME)) {
            (Some(g), Some(s)) => Some(format!("{g} {s}")),
            _ => None,
        })
        .or_else(|| value(ORGANISATION))
        .map(|s| {
            // Certificates are the sender's text: no control or bidirectional characters.
            s.chars()
                .filter(|c| {
                    !c.is_control()
                        && !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                })
                .take(200)
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
}

fn directory_string(v: &cms::cert::x509::der::Any) -> Option<String> {
    let bytes = v.value();
    match v.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String => {
            std::str::from_utf8(bytes).ok().map(str::to_string)
        }
        Tag::TeletexString => Some(bytes.iter().map(|b| *b as char).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
    .map(|s| s.trim().to_string())
    .filter(|s| !s.is_empty())
}

/// Academic and professional titles that may precede or follow a name on a form but not in a
/// certificate (compared after folding).
const TITLES: &[&str] = &[
    "dr", "mag", "prof", "doc", "izr", "red", "univ", "dipl", "ing", "bibl", "msc", "phd", "ma",
    "ba", "bsc", "spec", "mr", "mrs", "ms",
];

/// The words of a name, folded: no diacritics, lower case, titles and punctuation dropped,
/// sorted (a certificate may write "NOVAK ANA").
fn words(name: &str) -> Vec<String> {
    let folded: String = name
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(|c| match c {
            'đ' | 'Đ' => "d".chars().collect::<Vec<_>>(),
            'ł' | 'Ł' => vec!['l'],
            'ø' | 'Ø' => vec!['o'],
            'ß' => vec!['s', 's'],
            'æ' | 'Æ' => vec!['a', 'e'],
            c => c.to_lowercase().collect(),
        })
        .collect();
    let mut out: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !TITLES.contains(w))
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

/// Whether a certificate's name and a signer's name are the same person's: the same words,
/// ignoring case, diacritics, order and titles.
pub fn same_person(certificate_name: &str, signer_name: &str) -> bool {
    let a = words(certificate_name);
    !a.is_empty() && a == words(signer_name)
}

/// The checks as stored beside an upload.
pub fn to_json(checks: &[SignatureCheck]) -> serde_json::Value {
    serde_json::to_value(checks).unwrap_or_default()
}

/// The checks stored beside an upload (none for one uploaded before verification).
pub fn from_json(stored: Option<&serde_json::Value>) -> Vec<SignatureCheck> {
    stored
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// The name of the first verified signature's certificate.
pub fn first_verified_name(checks: &[SignatureCheck]) -> Option<String> {
    checks
        .iter()
        .find(|c| c.verified)
        .and_then(|c| c.certificate_name.clone())
}

/// The verified signatures whose certificate names `signer`.
fn matching(checks: &[SignatureCheck], signer: &str) -> Vec<usize> {
    checks
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.verified
                && c.certificate_name
                    .as_deref()
                    .is_some_and(|n| same_person(n, signer))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The certificate name of the verified signature in `checks` that stands for `signer`, a
/// different signature in the PDF from the one standing for `other` (the other signer who
/// signed electronically with the same upload, if any). 422 `signature.signer_mismatch` when
/// no verified signature names the signer, `signature.same_pdf_signature` when only the one
/// already standing for the other signer does.
pub fn signature_for(
    checks: &[SignatureCheck],
    signer: &str,
    other: Option<&str>,
) -> Result<String, ApiError> {
    let mine = matching(checks, signer);
    if mine.is_empty() {
        let found: Vec<String> = checks
            .iter()
            .map(|c| {
                format!(
                    "{} ({})",
                    c.certificate_name
                        .as_deref()
                        .unwrap_or("no readable certificate"),
                    c.problem.as_deref().unwrap_or("verified")
                )
            })
            .collect();
        return Err(ApiError::unprocessable(
            "signature.signer_mismatch",
            format!(
                "No verified digital signature in the PDF has a certificate naming {signer}; the PDF's signatures: {}.",
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            ),
        ));
    }
    let theirs = other.map(|o| matching(checks, o)).unwrap_or_default();
    let free = mine.iter().find(|i| !theirs.contains(i));
    let distinct = theirs.is_empty()
        || mine
            .iter()
            .chain(&theirs)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            >= 2;
    match free.or(mine.first()) {
        Some(&i) if distinct => Ok(checks[i].certificate_name.clone().unwrap_or_default()),
        _ => Err(ApiError::unprocessable(
            "signature.same_pdf_signature",
            "Each electronic signature must be a signature of its own in the PDF; the only one naming this signer already stands for the other signer.",
        )),
    }
}

/// The certificate name of the verified signature in a stored upload that names `signer`.
pub fn certificate_name_for(stored: Option<&serde_json::Value>, signer: &str) -> Option<String> {
    signature_for(&from_json(stored), signer, None).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_diacritics_order_or_titles() {
        assert!(same_person("Maja Kovač", "maja kovac"));
        assert!(same_person("KOVAČ MAJA", "Maja Kovač"));
        assert!(same_person("Ana Novak", "dr. Ana Novak"));
        assert!(!same_person("Đurđa Šćepanović", "Djurdja Scepanovic"));
        assert!(same_person("Đurđa Šćepanović", "Durda Scepanovic"));
        assert!(!same_person("Petra Bizjak", "Ana Novak"));
        assert!(!same_person("Ana", "Ana Novak"));
        assert!(!same_person("", ""));
    }

    #[test]
    fn byte_ranges_leave_out_exactly_the_signature_and_stay_inside_the_file() {
        let file = b"01<ab12>89";
        assert_eq!(covered(file, &[0, 2, 8, 2]), Some(b"0189".to_vec()));
        assert_eq!(covered(file, &[0, 2, 8, 3]), None, "past the end");
        assert_eq!(covered(file, &[1, 1, 8, 2]), None, "not from the start");
        assert_eq!(
            covered(file, &[0, 3, 8, 2]),
            None,
            "the gap is not the string"
        );
        assert_eq!(
            covered(file, &[0, 2, 7, 3]),
            None,
            "the gap is not the string"
        );
        assert_eq!(covered(file, &[0, 8, 0, 8]), None, "overlapping");
        assert_eq!(covered(file, &[0, 2, 8]), None);
    }

    #[test]
    fn a_placeholder_is_unreadable() {
        let c = check(b"%P<3082055a>..", &[0, 2, 12, 2], &[0x30, 0x82, 0x05, 0x5a]);
        assert!(!c.verified);
        assert_eq!(c.problem.as_deref(), Some("unreadable"));
    }
}
