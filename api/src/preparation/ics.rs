//! iCalendar (RFC 5545) text: a calendar of mobilities and meetings in the Europe/Ljubljana
//! time zone, escaped and folded; built by the calendar feeds and attached to invitations.

use chrono::{DateTime, Utc};
use entity::{meeting, mobility};

const TZID: &str = "Europe/Ljubljana";

/// The VTIMEZONE of Europe/Ljubljana: CET, with CEST from the last Sunday of March to the
/// last Sunday of October.
const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Ljubljana",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// Escape a TEXT value.
pub fn text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Fold a content line at 75 octets (never inside a UTF-8 character), CRLF-terminated.
pub fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

pub struct Calendar {
    lines: Vec<String>,
}

impl Calendar {
    pub fn new(name: &str) -> Self {
        let mut lines: Vec<String> = vec![
            "BEGIN:VCALENDAR".into(),
            "VERSION:2.0".into(),
            "PRODID:-//Erasmus+ staff mobility//API//EN".into(),
            "CALSCALE:GREGORIAN".into(),
            "METHOD:PUBLISH".into(),
            format!("X-WR-CALNAME:{}", text(name)),
            format!("X-WR-TIMEZONE:{TZID}"),
        ];
        lines.extend(VTIMEZONE.iter().map(|s| s.to_string()));
        Self { lines }
    }

    /// The mobility itself, as an all-day event, once its dates are fixed.
    pub fn mobility(&mut self, m: &mobility::Model) {
        let (Some(start), Some(end)) = (m.start_date, m.end_date) else {
            return;
        };
        let goals: Vec<String> = serde_json::from_value(m.programme.clone()).unwrap_or_default();
        self.lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:mobility-{}@mobility-api", m.id),
            format!("DTSTAMP:{}", stamp(m.updated_at)),
            format!("LAST-MODIFIED:{}", stamp(m.updated_at)),
            // Mobilities keep no revision number; the seconds between creation and the last
            // change grow with every change, which is all SEQUENCE must do.
            format!(
                "SEQUENCE:{}",
                (m.updated_at - m.created_at)
                    .num_seconds()
                    .clamp(0, i64::from(i32::MAX))
            ),
            format!("DTSTART;VALUE=DATE:{}", start.format("%Y%m%d")),
            // DTEND of an all-day event is the day after the last day.
            format!(
                "DTEND;VALUE=DATE:{}",
                (end + chrono::Duration::days(1)).format("%Y%m%d")
            ),
            format!("SUMMARY:{}", text(&format!("{} ({})", m.title, m.city))),
            format!("LOCATION:{}", text(&format!("{}, {}", m.city, m.country))),
            format!("DESCRIPTION:{}", text(&goals.join("\n"))),
            "TRANSP:OPAQUE".to_string(),
            "END:VEVENT".to_string(),
        ]);
    }

    pub fn meeting(&mut self, m: &meeting::Model) {
        let local = m.starts_at.with_timezone(&chrono_tz::Europe::Ljubljana);
        let mut description = m.notes.clone().unwrap_or_default();
        if let Some(link) = &m.online_link {
            if !description.is_empty() {
                description.push('\n');
            }
            description.push_str(link);
        }
        self.lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:meeting-{}@mobility-api", m.id),
            format!("DTSTAMP:{}", stamp(m.updated_at)),
            format!("LAST-MODIFIED:{}", stamp(m.updated_at)),
            format!("SEQUENCE:{}", m.sequence),
            format!("DTSTART;TZID={TZID}:{}", local.format("%Y%m%dT%H%M%S")),
            format!("DURATION:PT{}M", m.duration_minutes),
            format!("SUMMARY:{}", text(&m.title)),
            format!("CATEGORIES:{}", m.kind.as_str().to_uppercase()),
            format!(
                "LOCATION:{}",
                text(m.online_link.as_deref().unwrap_or("Online"))
            ),
        ]);
        if let Some(link) = &m.online_link {
            self.lines.push(format!("URL:{link}"));
        }
        self.lines.push(
            if m.cancelled_at.is_some() {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            }
            .into(),
        );
        if !description.is_empty() {
            self.lines
                .push(format!("DESCRIPTION:{}", text(&description)));
        }
        self.lines.push("END:VEVENT".into());
    }

    pub fn finish(mut self) -> String {
        self.lines.push("END:VCALENDAR".into());
        self.lines.iter().map(|l| fold(l)).collect()
    }
}

/// A calendar as an HTTP response (`text/calendar`, shown inline as `<name>.ics`).
pub fn ics(body: String, name: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{name}.ics\""),
        ))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_fold_on_character_boundaries() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = format!("SUMMARY:{}", "ž".repeat(60));
        let folded = fold(&long);
        for line in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }
}
