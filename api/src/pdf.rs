//! Just enough PDF reading for the rules: is it a PDF, and does it carry a digital signature
//! (a signature dictionary with `/ByteRange` and `/Contents`), and what does that say of its signer.

/// A PDF starts with `%PDF-` (within the first KiB, as readers allow).
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    find(head, b"%PDF-").is_some()
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfSignature {
    /// `/Name` of the signature dictionary, if present.
    pub signer_name: Option<String>,
    /// `/M` (signing time) as written in the PDF, if present.
    pub signing_time: Option<String>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The first signature dictionary that has a four-number `/ByteRange` and a non-empty,
/// non-placeholder `/Contents` hex string.
pub fn find_signature(bytes: &[u8]) -> Option<PdfSignature> {
    let mut from = 0;
    while let Some(pos) = find(&bytes[from..], b"/ByteRange").map(|p| p + from) {
        from = pos + 10;
        let dict_start = rfind(&bytes[..pos], b"<<").unwrap_or(0);
        // The dictionary ends at the first `>>` after /ByteRange that is outside a hex string.
        let dict_end = dictionary_end(bytes, pos).unwrap_or(bytes.len());
        let dict = &bytes[dict_start..dict_end];
        if byte_range_ok(&bytes[pos + 10..dict_end]) && contents_ok(dict) {
            return Some(PdfSignature {
                signer_name: literal_after(dict, b"/Name"),
                signing_time: literal_after(dict, b"/M"),
            });
        }
    }
    None
}

fn dictionary_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut in_hex = false;
    let mut in_literal = 0usize;
    while i + 1 < bytes.len() {
        let c = bytes[i];
        if in_literal > 0 {
            match c {
                b'\\' => i += 1,
                b'(' => in_literal += 1,
                b')' => in_literal -= 1,
                _ => {}
            }
        } else if in_hex {
            if c == b'>' {
                in_hex = false;
            }
        } else if c == b'(' {
            in_literal = 1;
        } else if c == b'<' {
            if bytes[i + 1] == b'<' {
                i += 1;
            } else {
                in_hex = true;
            }
        } else if c == b'>' && bytes[i + 1] == b'>' {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn byte_range_ok(after: &[u8]) -> bool {
    let Some(open) = find(after, b"[") else {
        return false;
    };
    let Some(close) = find(&after[open..], b"]").map(|c| c + open) else {
        return false;
    };
    if after[..open].iter().any(|b| !b.is_ascii_whitespace()) {
        return false;
    }
    let inner = String::from_utf8_lossy(&after[open + 1..close]);
    let nums: Vec<&str> = inner.split_whitespace().collect();
    nums.len() == 4 && nums.iter().all(|n| n.parse::<u64>().is_ok())
}

fn contents_ok(dict: &[u8]) -> bool {
    let Some(pos) = find(dict, b"/Contents") else {
        return false;
    };
    let rest = &dict[pos + 9..];
    let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    let Some(hex) = rest.strip_prefix(b"<") else {
        return false;
    };
    let Some(end) = hex.iter().position(|b| *b == b'>') else {
        return false;
    };
    let digits: Vec<u8> = hex[..end]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    !digits.is_empty()
        && digits.iter().all(|b| b.is_ascii_hexdigit())
        && digits.iter().any(|b| *b != b'0')
}

/// A literal string `( ... )` after `key`, decoded as Latin-1/UTF-8 text.
fn literal_after(dict: &[u8], key: &[u8]) -> Option<String> {
    let mut from = 0;
    while let Some(pos) = find(&dict[from..], key).map(|p| p + from) {
        from = pos + key.len();
        let next = dict.get(from).copied();
        // `/M` must not match `/Matrix` etc.: the key ends at a delimiter.
        if next.is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let rest = &dict[from..];
        let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let rest = &rest[skip..];
        let Some(body) = rest.strip_prefix(b"(") else {
            continue;
        };
        let mut out = Vec::new();
        let mut depth = 1;
        let mut i = 0;
        while i < body.len() {
            match body[i] {
                b'\\' if i + 1 < body.len() => {
                    out.push(body[i + 1]);
                    i += 1;
                }
                b'(' => {
                    depth += 1;
                    out.push(b'(');
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b')');
                }
                c => out.push(c),
            }
            i += 1;
        }
        let text = match String::from_utf8(out.clone()) {
            Ok(s) => s,
            Err(_) => out.iter().map(|b| *b as char).collect(),
        };
        let text = text.trim().to_string();
        return if text.is_empty() { None } else { Some(text) };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n5 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name (Ana Novak) /M (D:20251105120000+01'00') /ByteRange [0 120 4242 800] /Contents <3082055a06092a864886f70d010702a0> >>\nendobj\n%%EOF\n";

    #[test]
    fn detects_a_signature_dictionary_and_reads_its_signer() {
        assert!(is_pdf(SIGNED));
        let sig = find_signature(SIGNED).unwrap();
        assert_eq!(sig.signer_name.as_deref(), Some("Ana Novak"));
        assert_eq!(sig.signing_time.as_deref(), Some("D:20251105120000+01'00'"));
    }

    #[test]
    fn placeholders_and_plain_pdfs_are_not_signatures() {
        let placeholder = b"%PDF-1.7\n<< /Type /Sig /ByteRange [0 0 0 0] /Contents <0000000000> >>";
        assert!(find_signature(placeholder).is_none());
        let no_contents = b"%PDF-1.7\n<< /Type /Sig /ByteRange [0 1 2 3] >>";
        assert!(find_signature(no_contents).is_none());
        let bad_range = b"%PDF-1.7\n<< /Type /Sig /ByteRange [0 1 x] /Contents <ab> >>";
        assert!(find_signature(bad_range).is_none());
        assert!(find_signature(b"%PDF-1.4\n<< /Type /Catalog >>\n%%EOF").is_none());
        assert!(!is_pdf(b"GIF89a..."));
    }

    #[test]
    fn contents_may_come_first_and_names_may_be_escaped() {
        let pdf = b"%PDF-1.7\n<< /Contents <ab12> /Name (Jo\\(z\\)e) /Type /Sig /ByteRange [0 10 20 30] >>";
        assert_eq!(
            find_signature(pdf).unwrap().signer_name.as_deref(),
            Some("Jo(z)e")
        );
    }
}
