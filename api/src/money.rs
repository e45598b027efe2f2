//! Money as exact integer cents; on the wire as decimal strings ("1234.50"), never floats.

/// "1234.5" or "1234.50" or "1234" -> 123450. At most two decimals, not negative.
pub fn parse(s: &str) -> Option<i64> {
    let s = s.trim();
    let (whole, frac) = match s.split_once('.') {
        Some((_, "")) => return None,
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    if whole.len() > 13 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(frac)
}

pub fn format(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_exactly() {
        assert_eq!(parse("28"), Some(2800));
        assert_eq!(parse("28.5"), Some(2850));
        assert_eq!(parse("0.07"), Some(7));
        assert_eq!(parse("1188.00"), Some(118800));
        for bad in ["", "-1", "1.234", "1,50", "abc", "1e3", ".5", "1."] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(format(118800), "1188.00");
        assert_eq!(format(7), "0.07");
        assert_eq!(format(-250), "-2.50");
    }
}
