//! CSV downloads: UTF-8 with a byte-order mark (so spreadsheets read č, š, ž), and the
//! `delimiter` every export takes.

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

/// A CSV writer into a buffer that already holds the byte-order mark.
pub fn writer(delimiter: Delimiter) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .from_writer("\u{feff}".as_bytes().to_vec())
}
