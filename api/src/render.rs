//! PDF documents (agreements, Europass): A4, DejaVu Sans embedded (Bitstream Vera licence,
//! shipped in `assets/fonts/`), so Slovenian and Lithuanian letters render. The same input
//! gives the same bytes: no clock, no random identifiers.
//!
//! What the file says of itself is true: it is a PDF 1.7 document (no claim of PDF/X or any
//! other conformance), its title, author and subject are Unicode text strings, and its
//! language is Slovenian (`/Lang (sl)`).

use chrono::{DateTime, Utc};
use printpdf::lopdf::{Object, StringFormat};
use printpdf::{CustomPdfConformance, Mm, OffsetDateTime, PdfConformance, PdfDocument};

pub const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// A block of a section.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(String),
    Bullet(String),
    /// A label and its value; left out when the value is empty.
    Field(String, String),
    /// A signature block: the party, then lines for the signature, the signatory's name and
    /// function, and the place and date.
    Signature {
        party: String,
        name: Option<String>,
        function: Option<String>,
        place: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub title: String,
    pub subtitle: String,
    /// The document's author (the issuing organisation), in its metadata.
    pub author: String,
    /// What it is about, in its metadata.
    pub subject: String,
    /// Identifies the document (e.g. agreement id and version); written as the PDF's ID.
    pub identifier: String,
    /// The moment the document's content was fixed; written as its creation date.
    pub dated: DateTime<Utc>,
    pub sections: Vec<Section>,
}

/// Wrap at word boundaries to `width` characters.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

const TOP: f32 = 277.0;
const BOTTOM: f32 = 20.0;
const LEFT: f32 = 20.0;

/// How the font goes into a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedding {
    /// Only the glyphs the document uses: tens of KB. Every new document.
    Subset,
    /// The whole font (about 760 KB): how documents were made before, so that a version made
    /// then renders to the bytes that were signed.
    Whole,
}

pub fn render(doc: &Document, embedding: Embedding) -> anyhow::Result<Vec<u8>> {
    let dated = OffsetDateTime::from_unix_timestamp(doc.dated.timestamp())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (pdf, page, layer) = PdfDocument::new(doc.title.clone(), Mm(210.0), Mm(297.0), "text");
    let pdf = pdf
        .with_document_id(doc.identifier.clone())
        .with_creation_date(dated)
        .with_mod_date(dated)
        .with_metadata_date(dated)
        .with_producer("Erasmus+ staff mobility API")
        .with_creator("Erasmus+ staff mobility API")
        .with_conformance(PdfConformance::Custom(CustomPdfConformance {
            identifier: String::new(),
            ..Default::default()
        }));
    let font = pdf
        .add_external_font_with_subsetting(FONT, embedding == Embedding::Subset)
        .map_err(|e| anyhow::anyhow!("font: {e}"))?;
    let mut layer_ref = pdf.get_page(page).get_layer(layer);
    let mut y = TOP;
    let mut line = |text: &str, size: f32, indent: f32, gap: f32| {
        if y < BOTTOM {
            let (p, l) = pdf.add_page(Mm(210.0), Mm(297.0), "text");
            layer_ref = pdf.get_page(p).get_layer(l);
            y = TOP;
        }
        if !text.is_empty() {
            layer_ref.use_text(text, size, Mm(LEFT + indent), Mm(y), &font);
        }
        y -= gap;
    };
    for l in wrap(&doc.title, 60) {
        line(&l, 16.0, 0.0, 8.0);
    }
    for l in wrap(&doc.subtitle, 95) {
        line(&l, 9.0, 0.0, 5.0);
    }
    line("", 9.0, 0.0, 4.0);
    for s in &doc.sections {
        line("", 10.0, 0.0, 2.0);
        for l in wrap(&s.heading, 70) {
            line(&l, 12.0, 0.0, 6.5);
        }
        for b in &s.blocks {
            match b {
                Block::Paragraph(t) => {
                    for l in wrap(t, 92) {
                        line(&l, 10.0, 0.0, 5.0);
                    }
                }
                Block::Bullet(t) => {
                    for (i, l) in wrap(t, 88).into_iter().enumerate() {
                        line(
                            &format!("{}{l}", if i == 0 { "• " } else { "  " }),
                            10.0,
                            2.0,
                            5.0,
                        );
                    }
                }
                Block::Field(_, v) if v.trim().is_empty() => {}
                Block::Field(k, v) => {
                    for (i, l) in wrap(&format!("{k}: {v}"), 92).into_iter().enumerate() {
                        line(&l, 10.0, if i == 0 { 0.0 } else { 4.0 }, 5.0);
                    }
                }
                Block::Signature {
                    party,
                    name,
                    function,
                    place,
                } => {
                    line("", 10.0, 0.0, 3.0);
                    for l in wrap(&format!("Za: {party}"), 92) {
                        line(&l, 10.0, 0.0, 5.0);
                    }
                    line("", 10.0, 0.0, 5.0);
                    line("Podpis: ______________________________", 10.0, 4.0, 5.0);
                    let name = name.as_deref().unwrap_or("______________________________");
                    line(&format!("Ime in priimek: {name}"), 10.0, 4.0, 5.0);
                    let function = function
                        .as_deref()
                        .unwrap_or("______________________________");
                    line(&format!("Funkcija: {function}"), 10.0, 4.0, 5.0);
                    let place = place.as_deref().unwrap_or("____________________");
                    line(
                        &format!("Kraj in datum: {place}, ____________________"),
                        10.0,
                        4.0,
                        5.0,
                    );
                }
            }
        }
    }
    let bytes = pdf
        .save_to_bytes()
        .map_err(|e| anyhow::anyhow!("pdf: {e}"))?;
    // printpdf writes a random instance id into the trailer; replace it with the document's
    // identifier so that the same content always gives the same bytes.
    let mut d =
        printpdf::lopdf::Document::load_mem(&bytes).map_err(|e| anyhow::anyhow!("pdf: {e}"))?;
    let id = Object::String(doc.identifier.as_bytes().to_vec(), StringFormat::Literal);
    d.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    describe(&mut d, doc)?;
    let mut out = Vec::new();
    d.save_to(&mut out)
        .map_err(|e| anyhow::anyhow!("pdf: {e}"))?;
    Ok(out)
}

/// A PDF text string: UTF-16BE with its byte order mark, which every reader decodes as
/// Unicode (a literal string of UTF-8 bytes reads as PDFDocEncoding: "UÄ\u{8d}ni").
fn text(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(s.encode_utf16().flat_map(|u| u.to_be_bytes()));
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// What the file says of itself: PDF 1.7, no conformance claim (printpdf's XMP packet and
/// PDF/X keys go), the metadata as Unicode text, the language Slovenian.
fn describe(d: &mut printpdf::lopdf::Document, doc: &Document) -> anyhow::Result<()> {
    d.version = "1.7".into();
    let info_id = d
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .map_err(|e| anyhow::anyhow!("pdf info: {e}"))?;
    let dates: Vec<(Vec<u8>, Object)> = {
        let info = d
            .get_dictionary(info_id)
            .map_err(|e| anyhow::anyhow!("pdf info: {e}"))?;
        [b"CreationDate".as_slice(), b"ModDate".as_slice()]
            .iter()
            .filter_map(|k| info.get(k).ok().map(|v| (k.to_vec(), v.clone())))
            .collect()
    };
    let mut info = printpdf::lopdf::Dictionary::new();
    for (k, v) in dates {
        info.set(k, v);
    }
    info.set("Title", text(&doc.title));
    info.set("Author", text(&doc.author));
    info.set("Subject", text(&doc.subject));
    info.set("Creator", text("Erasmus+ staff mobility API"));
    info.set("Producer", text("Erasmus+ staff mobility API"));
    d.objects.insert(info_id, Object::Dictionary(info));
    let catalog = d
        .catalog_mut()
        .map_err(|e| anyhow::anyhow!("pdf catalog: {e}"))?;
    catalog.remove(b"Metadata");
    catalog.remove(b"OutputIntents");
    catalog.set(
        "Lang",
        Object::String(b"sl".to_vec(), StringFormat::Literal),
    );
    catalog.set(
        "ViewerPreferences",
        Object::Dictionary(printpdf::lopdf::Dictionary::from_iter(vec![(
            "DisplayDocTitle",
            Object::Boolean(true),
        )])),
    );
    d.prune_objects();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> Document {
        Document {
            title: "Učni sporazum".into(),
            subtitle: "Združenje splošnih knjižnic – Čebelica Žužek".into(),
            author: "Združenje splošnih knjižnic".into(),
            subject: "Učni sporazum – Čebelica Žužek, Dokk1 (JS1)".into(),
            identifier: "agreement-1-v1".into(),
            dated: Utc.with_ymd_and_hms(2025, 12, 1, 10, 0, 0).unwrap(),
            sections: vec![Section {
                heading: "Obveznosti".into(),
                blocks: (0..80)
                    .map(|i| {
                        Block::Bullet(format!(
                            "Točka {i}: šumniki č, š, ž, ć, đ in litovske ė, ą, ū"
                        ))
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        let a = render(&sample(), Embedding::Subset).unwrap();
        let b = render(&sample(), Embedding::Subset).unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, b);
        let mut other = sample();
        other.identifier = "agreement-1-v2".into();
        assert_ne!(render(&other, Embedding::Subset).unwrap(), a);
    }

    #[test]
    fn a_subset_font_makes_a_pdf_of_tens_of_kilobytes() {
        let subset = render(&sample(), Embedding::Subset).unwrap();
        let whole = render(&sample(), Embedding::Whole).unwrap();
        assert!(subset.len() < 100_000, "{} bytes", subset.len());
        assert!(whole.len() > FONT.len() / 2, "{} bytes", whole.len());
    }

    /// The metadata reads as written in any reader; the file claims only what it is.
    #[test]
    fn the_file_describes_itself_truly() {
        let bytes = render(&sample(), Embedding::Subset).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.7"));
        let d = lopdf::Document::load_mem(&bytes).unwrap();
        let info = d
            .get_dictionary(d.trailer.get(b"Info").unwrap().as_reference().unwrap())
            .unwrap();
        let read = |k: &[u8]| lopdf::decode_text_string(info.get(k).unwrap()).unwrap();
        assert_eq!(read(b"Title"), "Učni sporazum");
        assert_eq!(read(b"Author"), "Združenje splošnih knjižnic");
        assert_eq!(
            read(b"Subject"),
            "Učni sporazum – Čebelica Žužek, Dokk1 (JS1)"
        );
        assert!(info.get(b"GTS_PDFXVersion").is_err());
        assert!(info.get(b"Trapped").is_err());
        let catalog = d.catalog().unwrap();
        assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"sl");
        assert!(catalog.get(b"Metadata").is_err());
        assert!(catalog.get(b"OutputIntents").is_err());
        assert!(!bytes.windows(6).any(|w| w == b"GTS_PD"), "no PDF/X claim");
    }

    #[test]
    fn an_empty_field_is_left_out() {
        let mut doc = sample();
        doc.sections[0].blocks = vec![
            Block::Field("Mentor".into(), "".into()),
            Block::Field("Jezik".into(), "slovenščina".into()),
        ];
        let bytes = render(&doc, Embedding::Subset).unwrap();
        let d = lopdf::Document::load_mem(&bytes).unwrap();
        // The text is shown as glyph ids of the subset font; count what is shown instead:
        // one line fewer than with both values given.
        let pages = d.get_pages();
        let content = d.get_page_content(*pages.values().next().unwrap());
        let ops = lopdf::content::Content::decode(&content).unwrap();
        let shown = ops.operations.iter().filter(|o| o.operator == "Tj").count();
        let full = {
            let mut both = sample();
            both.sections[0].blocks = vec![
                Block::Field("Mentor".into(), "dr. Ana".into()),
                Block::Field("Jezik".into(), "slovenščina".into()),
            ];
            let b = render(&both, Embedding::Subset).unwrap();
            let d = lopdf::Document::load_mem(&b).unwrap();
            let c = d.get_page_content(*d.get_pages().values().next().unwrap());
            lopdf::content::Content::decode(&c)
                .unwrap()
                .operations
                .iter()
                .filter(|o| o.operator == "Tj")
                .count()
        };
        assert_eq!(shown + 1, full);
    }

    #[test]
    fn long_text_wraps_at_words() {
        let lines = wrap("ena dva tri štiri pet šest", 10);
        assert_eq!(lines, vec!["ena dva", "tri štiri", "pet šest"]);
    }
}
