//! Digitally signed PDFs for the tests, made as a signing tool makes them: each signature a
//! CMS `SignedData` (detached, with signed attributes) by OpenSSL over the signature
//! dictionary's `/ByteRange`, with a certificate naming the signer issued by a test
//! certification authority (or, to be refused, one the signer issued themself); a second
//! signature is an incremental update after the first, as in a real PDF signed twice.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The key a test signer's certificate holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// ECDSA on P-256.
    P256,
    /// RSA, 2048 bits.
    Rsa,
}

/// Hex digits reserved for each signature's `/Contents`.
const HOLE: usize = 16_384;
const RANGE_PLACEHOLDER: &str = "/ByteRange [0000000000 0000000000 0000000000 0000000000]";

fn dir() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temporary directory"))
        .path()
}

fn openssl(args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl command (Debian package openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The test certification authority's key and certificate.
fn authority() -> (PathBuf, PathBuf) {
    let (k, c) = (dir().join("ca.key"), dir().join("ca.crt"));
    if !c.exists() {
        openssl(&[
            "req",
            "-x509",
            "-utf8",
            "-nodes",
            "-days",
            "3650",
            "-subj",
            "/CN=Testni overitelj/O=Test CA",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-keyout",
            k.to_str().unwrap(),
            "-out",
            c.to_str().unwrap(),
        ]);
    }
    (k, c)
}

/// A key and certificate whose subject's common name is `name`: issued by the test
/// authority, or by its holder (`self_signed`).
fn certificate(name: &str, key: Key, self_signed: bool) -> (PathBuf, PathBuf) {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let tag: String = format!("{key:?}-{self_signed}-{name}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (k, c) = (
        dir().join(format!("{tag}.key")),
        dir().join(format!("{tag}.crt")),
    );
    if !c.exists() {
        let newkey = match key {
            Key::P256 => vec!["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
            Key::Rsa => vec!["-newkey", "rsa:2048"],
        };
        let subject = format!("/CN={name}/O=Test signers");
        let csr = dir().join(format!("{tag}.csr"));
        let mut args = vec!["req", "-utf8", "-nodes", "-subj", &subject];
        args.extend(newkey);
        args.extend(["-keyout", k.to_str().unwrap()]);
        if self_signed {
            args.extend(["-x509", "-days", "3650", "-out", c.to_str().unwrap()]);
            openssl(&args);
        } else {
            args.extend(["-new", "-out", csr.to_str().unwrap()]);
            openssl(&args);
            let (ca_key, ca) = authority();
            let serial = format!("0x{}", &tag[..tag.len().min(30)]);
            openssl(&[
                "x509",
                "-req",
                "-days",
                "3650",
                "-in",
                csr.to_str().unwrap(),
                "-CA",
                ca.to_str().unwrap(),
                "-CAkey",
                ca_key.to_str().unwrap(),
                "-set_serial",
                &serial,
                "-out",
                c.to_str().unwrap(),
            ]);
        }
    }
    (k, c)
}

/// The CMS signature by `name` over `data`, DER.
fn cms(name: &str, key: Key, self_signed: bool, data: &[u8]) -> Vec<u8> {
    let (k, c) = certificate(name, key, self_signed);
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let id = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let input = dir().join(format!("{}-{id}.bin", std::process::id()));
    let output = input.with_extension("der");
    std::fs::write(&input, data).unwrap();
    openssl(&[
        "cms",
        "-sign",
        "-binary",
        "-md",
        "sha256",
        "-outform",
        "DER",
        "-in",
        input.to_str().unwrap(),
        "-signer",
        c.to_str().unwrap(),
        "-inkey",
        k.to_str().unwrap(),
        "-out",
        output.to_str().unwrap(),
    ]);
    std::fs::read(output).unwrap()
}

/// Fill the last signature placeholder in `pdf` (from `from` on) with `name`'s signature over
/// its byte ranges.
fn sign_last(pdf: &mut [u8], from: usize, name: &str, key: Key, self_signed: bool) {
    let find = |needle: &[u8]| {
        from + pdf[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("placeholder")
    };
    let range_at = find(RANGE_PLACEHOLDER.as_bytes());
    let open = find(b"/Contents <") + "/Contents ".len();
    let close = open + HOLE + 1;
    let (a, b, c, d) = (0, open, close + 1, pdf.len() - close - 1);
    let range = format!("/ByteRange [{a} {b} {c} {d}]");
    let range = format!("{range:<width$}", width = RANGE_PLACEHOLDER.len());
    pdf[range_at..range_at + range.len()].copy_from_slice(range.as_bytes());
    let mut data = pdf[..b].to_vec();
    data.extend_from_slice(&pdf[c..]);
    let hex: String = cms(name, key, self_signed, &data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(hex.len() <= HOLE, "the signature fits its hole");
    pdf[open + 1..open + 1 + hex.len()].copy_from_slice(hex.as_bytes());
}

fn signature_dictionary(claimed_name: &str) -> String {
    format!(
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name ({claimed_name}) /M (D:20251105120000+01'00') {RANGE_PLACEHOLDER} /Contents <{}> >>",
        "0".repeat(HOLE)
    )
}

/// A PDF signed by each of `signers` in turn (the first in the original file, each further
/// one in an incremental update), each with a certificate naming them.
pub fn signed_pdf_by(signers: &[(&str, Key)]) -> Vec<u8> {
    let signers: Vec<Signer> = signers
        .iter()
        .map(|(name, key)| Signer {
            certificate_name: name,
            claimed_name: name,
            key: *key,
            self_signed: false,
        })
        .collect();
    sign_in_turn(&signers)
}

/// One signature of a test PDF.
pub struct Signer<'a> {
    /// Whom the certificate names.
    pub certificate_name: &'a str,
    /// What the signature dictionary's `/Name` says.
    pub claimed_name: &'a str,
    pub key: Key,
    /// A certificate its holder issued, instead of one from the test authority.
    pub self_signed: bool,
}

/// A PDF signed by each of `signers` in turn.
pub fn sign_in_turn(signers: &[Signer]) -> Vec<u8> {
    let (first, rest) = signers.split_first().expect("at least one signer");
    let mut pdf = mobility_api::pdf::build(&[
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [] /Count 0 >>",
        &signature_dictionary(first.claimed_name),
    ]);
    sign_last(
        &mut pdf,
        0,
        first.certificate_name,
        first.key,
        first.self_signed,
    );
    for (i, s) in rest.iter().enumerate() {
        let from = pdf.len();
        let number = 4 + i;
        append(&mut pdf, number, &signature_dictionary(s.claimed_name));
        sign_last(&mut pdf, from, s.certificate_name, s.key, s.self_signed);
    }
    pdf
}

/// Add object `number` with `body` to `pdf` in an incremental update (an unsigned one, unless
/// a signature is then made over it).
pub fn append(pdf: &mut Vec<u8>, number: usize, body: &str) {
    let prev_xref = last_startxref(pdf);
    let root = last_after(pdf, "/Root ", |c| {
        c.is_ascii_digit() || c == ' ' || c == 'R'
    })
    .trim()
    .to_string();
    let offset = pdf.len();
    pdf.extend_from_slice(format!("{number} 0 obj\n{body}\nendobj\n").as_bytes());
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!(
            "xref\n{number} 1\n{offset:010} 00000 n \ntrailer\n<< /Size {} /Root {root} /Prev {prev_xref} >>\nstartxref\n{xref}\n%%EOF\n",
            number + 1
        )
        .as_bytes(),
    );
}

/// `pdf` (e.g. an agreement as the service made it) signed by `name`, as a signing tool signs
/// a document: the signature added in an incremental update after the original bytes.
pub fn sign_pdf(pdf: Vec<u8>, name: &str) -> Vec<u8> {
    let size: usize = last_after(&pdf, "/Size ", |c| c.is_ascii_digit())
        .parse()
        .expect("the trailer's /Size");
    let mut pdf = pdf;
    let from = pdf.len();
    append(&mut pdf, size, &signature_dictionary(name));
    sign_last(&mut pdf, from, name, Key::P256, false);
    pdf
}

/// What follows the last `key` in the file, while `keep` holds.
fn last_after(pdf: &[u8], key: &str, keep: impl Fn(char) -> bool) -> String {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind(key).expect(key) + key.len();
    text[at..].chars().take_while(|c| keep(*c)).collect()
}

/// A PDF with one signature, by `name` with a P-256 key.
pub fn signed_pdf(name: &str) -> Vec<u8> {
    signed_pdf_by(&[(name, Key::P256)])
}

fn last_startxref(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("startxref\n").expect("startxref") + "startxref\n".len();
    text[at..]
        .lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .expect("offset")
}
