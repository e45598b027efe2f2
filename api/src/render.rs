//! PDF documents (agreements, Europass): A4, DejaVu Sans embedded (Bitstream Vera licence,
//! shipped in `assets/fonts/`), so Slovenian and Lithuanian letters render. The same input
//! gives the same bytes: no clock, no random identifiers.

use chrono::{DateTime, Utc};
use printpdf::lopdf::{Object, StringFormat};
use printpdf::{CustomPdfConformance, Mm, OffsetDateTime, PdfConformance, PdfDocument};

pub const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// A block of a section.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(String),
    Bullet(String),
    Field(String, String),
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
                Block::Field(k, v) => {
                    for (i, l) in wrap(&format!("{k}: {v}"), 92).into_iter().enumerate() {
                        line(&l, 10.0, if i == 0 { 0.0 } else { 4.0 }, 5.0);
                    }
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
    let mut out = Vec::new();
    d.save_to(&mut out)
        .map_err(|e| anyhow::anyhow!("pdf: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> Document {
        Document {
            title: "Sporazum o nepovratnih sredstvih".into(),
            subtitle: "Združenje splošnih knjižnic – Čebelica Žužek".into(),
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

    #[test]
    fn long_text_wraps_at_words() {
        let lines = wrap("ena dva tri štiri pet šest", 10);
        assert_eq!(lines, vec!["ena dva", "tri štiri", "pet šest"]);
    }
}
