//! Reading an uploaded PDF, with a real parser (lopdf), within a work budget: is it a PDF by
//! its structure (not only its first bytes), and which digital signatures (signature
//! dictionaries with `/ByteRange` and `/Contents`) does it carry.
//!
//! Every upload goes through [`inspect`], which runs the parse on a blocking thread through
//! [`crate::cpu`]. The budget: a linear pre-scan refuses a file with more indirect objects than
//! any real agreement or scan has ([`MAX_OBJECTS`]); while parsing, every object read counts
//! against the same number and against [`PARSE_TIME`], and the parse is abandoned the moment
//! either runs out (so a file whose cross-reference data names one large object many times
//! cannot keep a core busy); no stream may inflate past 64 MiB.

use crate::http::error::{ApiError, ApiResult};
use actix_web::http::StatusCode;
use lopdf::{Document, LoadOptions, Object};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// More `obj` keywords than this (each object has two: `obj` and `endobj`) is not a document a
/// person signs or scans; it is refused before parsing.
pub const MAX_OBJECTS: usize = 50_000;
/// No stream inside an upload may inflate beyond this while it is read.
const MAX_DECOMPRESSED: usize = 64 * 1024 * 1024;
/// How long reading one upload may take (within the budget of [`crate::cpu`]).
pub const PARSE_TIME: Duration = Duration::from_secs(10);

thread_local! {
    /// Objects the parse on this thread may still read, and until when.
    static BUDGET: Cell<Option<(usize, Instant)>> = const { Cell::new(None) };
}

/// Unwinds out of the parser when the budget is spent (not a panic: no hook, no message).
struct OverBudget;

/// Called by the parser for every object it reads: spends one object of the budget.
fn spend(id: (u32, u16), object: &mut Object) -> Option<((u32, u16), Object)> {
    BUDGET.with(|b| {
        if let Some((left, until)) = b.get() {
            if left == 0 || Instant::now() > until {
                std::panic::resume_unwind(Box::new(OverBudget));
            }
            b.set(Some((left - 1, until)));
        }
    });
    Some((id, object.clone()))
}

/// Parse within the budget; `None` when it ran out.
fn load_within_budget(bytes: &[u8], options: LoadOptions) -> Option<lopdf::Result<Document>> {
    BUDGET.with(|b| b.set(Some((MAX_OBJECTS, Instant::now() + PARSE_TIME))));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Document::load_mem_with_options(bytes, options)
    }));
    BUDGET.with(|b| b.set(None));
    match outcome {
        Ok(result) => Some(result),
        Err(payload) if payload.is::<OverBudget>() => None,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// A signature found in a PDF, with what its verification found ([`crate::pdf_signature`]).
pub type PdfSignature = crate::pdf_signature::SignatureCheck;

/// What an upload was found to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inspection {
    /// Not a PDF by its structure.
    NotPdf,
    /// More work than an upload is allowed.
    TooComplex,
    /// A PDF, with its signatures in object order.
    Pdf(Vec<PdfSignature>),
}

fn not_pdf() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "document.not_pdf",
        "Only PDF files are accepted (the content is not a PDF, whatever its name).",
    )
}

fn too_complex() -> ApiError {
    ApiError::unprocessable(
        "document.too_complex",
        "The PDF needs more work to read than the service allows for one upload (too many objects or too deeply built); save it again as a plain PDF or scan it.",
    )
}

/// Check an upload off the async workers; the bytes come back with its signatures, or the
/// upload is refused: 415 `document.not_pdf`, 422 `document.too_complex`, 503 when busy.
pub async fn inspect(bytes: Vec<u8>) -> ApiResult<(Vec<u8>, Vec<PdfSignature>)> {
    let (bytes, found) = crate::cpu::run(move || {
        let found = inspect_now(&bytes);
        (bytes, found)
    })
    .await
    .map_err(|r| r.into_error("document.too_complex", "The PDF"))?;
    match found {
        Inspection::NotPdf => Err(not_pdf()),
        Inspection::TooComplex => Err(too_complex()),
        Inspection::Pdf(signatures) => Ok((bytes, signatures)),
    }
}

/// [`inspect`] for a caller that only needs to know it is a PDF (attendance lists, media).
pub async fn require_pdf(bytes: Vec<u8>) -> ApiResult<Vec<u8>> {
    inspect(bytes).await.map(|(bytes, _)| bytes)
}

/// The check itself, on the calling thread.
pub fn inspect_now(bytes: &[u8]) -> Inspection {
    // A PDF starts with its header; an HTML page with `<!-- %PDF-1.4 -->` in it does not.
    if !bytes.starts_with(b"%PDF-") {
        return Inspection::NotPdf;
    }
    if memchr::memmem::find_iter(bytes, b"obj").count() > 2 * MAX_OBJECTS {
        return Inspection::TooComplex;
    }
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_DECOMPRESSED),
        filter: Some(spend),
        ..LoadOptions::default()
    };
    let doc = match load_within_budget(bytes, options) {
        None | Some(Err(lopdf::Error::Decompress(_))) => return Inspection::TooComplex,
        Some(Ok(doc)) => doc,
        Some(Err(_)) => return Inspection::NotPdf,
    };
    // Lenient loading also "recovers" a file with no objects at all; a document has a catalog.
    if doc.catalog().is_err() {
        return Inspection::NotPdf;
    }
    if doc.objects.len() > MAX_OBJECTS {
        return Inspection::TooComplex;
    }
    // Each distinct signature once (a copied dictionary is the same signature), and no more
    // than a signed document carries: the checks hash the file once per signature.
    let mut seen = std::collections::HashSet::new();
    let found: Vec<crate::pdf_signature::Dictionary> = doc
        .objects
        .values()
        .filter_map(signature)
        .filter(|d| seen.insert(d.contents.clone()))
        .take(crate::pdf_signature::MAX_SIGNATURES)
        .collect();
    Inspection::Pdf(crate::pdf_signature::check_all(bytes, found))
}

/// A signature dictionary: a four-number `/ByteRange` and a non-empty, non-placeholder
/// `/Contents` string. Its `/Name` is not read: anyone can write any name there; the signer is
/// the one the signing certificate names.
fn signature(object: &Object) -> Option<crate::pdf_signature::Dictionary> {
    let dict = object.as_dict().ok()?;
    let range = dict.get(b"ByteRange").ok()?.as_array().ok()?;
    if range.len() != 4 || range.iter().any(|n| n.as_i64().is_err()) {
        return None;
    }
    let contents = dict.get(b"Contents").ok()?.as_str().ok()?;
    if contents.iter().all(|b| *b == 0) {
        return None;
    }
    Some(crate::pdf_signature::Dictionary {
        range: range.iter().filter_map(|n| n.as_i64().ok()).collect(),
        contents: contents.to_vec(),
        signing_time: dict
            .get(b"M")
            .ok()
            .and_then(text_string)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
    })
}

/// A PDF text string: UTF-16BE with its byte order mark, UTF-8 (PDF 2.0, and what many tools
/// write without saying), else PDFDocEncoding.
fn text_string(object: &Object) -> Option<String> {
    let bytes = object.as_str().ok()?;
    if !bytes.starts_with(&[0xFE, 0xFF]) {
        let utf8 = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        if let Ok(s) = std::str::from_utf8(utf8) {
            return Some(s.to_string());
        }
    }
    lopdf::decode_text_string(object).ok()
}

/// A well-formed PDF (header, objects, cross-reference table, trailer) made of the given object
/// bodies, numbered from 1; object 1 should be the catalog. For tests and the seed.
pub fn build(objects: &[&str]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = "<< /Type /Catalog /Pages 2 0 R >>";
    const PAGES: &str = "<< /Type /Pages /Kids [] /Count 0 >>";

    fn signed(name: &str) -> Vec<u8> {
        build(&[
            CATALOG,
            PAGES,
            &format!(
                "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name ({name}) /M (D:20251105120000+01'00') /ByteRange [0 120 4242 800] /Contents <3082055a06092a864886f70d010702a0> >>"
            ),
        ])
    }

    #[test]
    fn detects_a_signature_dictionary_without_trusting_its_name() {
        let Inspection::Pdf(sigs) = inspect_now(&signed("Ana Novak")) else {
            panic!("not read as a PDF");
        };
        assert_eq!(sigs.len(), 1);
        // `/Name` proves nothing: its byte ranges lie outside the file and its CMS is a
        // placeholder, so there is no signer.
        assert_eq!(sigs[0].certificate_name, None);
        assert!(!sigs[0].verified);
        assert_eq!(sigs[0].problem.as_deref(), Some("byte_range"));
        assert_eq!(
            sigs[0].signing_time.as_deref(),
            Some("D:20251105120000+01'00'")
        );
    }

    #[test]
    fn placeholders_and_plain_pdfs_are_not_signatures() {
        for sig in [
            "<< /Type /Sig /ByteRange [0 0 0 0] /Contents <0000000000> >>",
            "<< /Type /Sig /ByteRange [0 1 2 3] >>",
            "<< /Type /Sig /ByteRange [0 1 /x] /Contents <ab> >>",
        ] {
            assert_eq!(
                inspect_now(&build(&[CATALOG, PAGES, sig])),
                Inspection::Pdf(vec![]),
                "{sig}"
            );
        }
        assert_eq!(
            inspect_now(&build(&[CATALOG, PAGES])),
            Inspection::Pdf(vec![])
        );
    }

    #[test]
    fn structure_not_first_bytes_makes_a_pdf() {
        assert_eq!(inspect_now(b"GIF89a..."), Inspection::NotPdf);
        assert_eq!(
            inspect_now(b"<!-- %PDF-1.4 --><html><script>alert(1)</script></html>"),
            Inspection::NotPdf
        );
        assert_eq!(
            inspect_now(b"%PDF-1.4\n<html></html>\n%%EOF\n"),
            Inspection::NotPdf
        );
        let mut hostile = b"%PDF-1.4\n".to_vec();
        for _ in 0..20_000 {
            hostile.extend_from_slice(b"<< /ByteRange [0 1 2 3] /Contents <ab> ");
        }
        assert_eq!(inspect_now(&hostile), Inspection::NotPdf);
    }

    /// A cross-reference table that names one object again and again: few `obj` keywords,
    /// many reads. The reads are counted, and the parse stops when they run out.
    #[test]
    fn reading_one_object_many_times_exceeds_the_budget() {
        let mut out = b"%PDF-1.7\n".to_vec();
        let catalog = out.len();
        out.extend_from_slice(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        let pages = out.len();
        out.extend_from_slice(b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
        let entries = MAX_OBJECTS + 100;
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", entries + 1).as_bytes());
        out.extend_from_slice(format!("{catalog:010} 00000 n \n").as_bytes());
        for _ in 1..entries {
            out.extend_from_slice(format!("{pages:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                entries + 1
            )
            .as_bytes(),
        );
        assert_eq!(inspect_now(&out), Inspection::TooComplex);
        // The budget is per parse: an ordinary file right after reads as ever.
        assert!(matches!(
            inspect_now(&build(&[CATALOG, PAGES])),
            Inspection::Pdf(_)
        ));
    }

    #[test]
    fn too_many_objects_exceed_the_budget() {
        let bodies = vec!["null"; MAX_OBJECTS + 1];
        let mut objects = vec![CATALOG, PAGES];
        objects.extend(bodies);
        assert_eq!(inspect_now(&build(&objects)), Inspection::TooComplex);
    }

    /// An object stream that inflates past the limit: refused as too complex, not read.
    #[test]
    fn a_stream_that_inflates_past_the_limit_exceeds_the_budget() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..(MAX_DECOMPRESSED / zeros.len() + 2) {
            z.write_all(&zeros).unwrap();
        }
        let bomb = z.finish().unwrap();
        assert!(bomb.len() < 200_000, "a small file: {}", bomb.len());
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for body in [CATALOG, PAGES] {
            offsets.push(out.len());
            let n = offsets.len();
            out.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
        }
        offsets.push(out.len());
        out.extend_from_slice(
            format!(
                "3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
                bomb.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&bomb);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        assert_eq!(inspect_now(&out), Inspection::TooComplex);
    }
}
