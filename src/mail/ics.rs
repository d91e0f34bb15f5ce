//! iCalendar (RFC 5545) invitations for viewings, attached to the viewing e-mails. Times
//! are local times in Europe/Berlin with that zone's `VTIMEZONE`, as calendars expect
//! when people edit the event.

use chrono::{DateTime, Utc};

/// One appointment.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Stable across updates of the same appointment (e.g. `viewing-12@bleibe.example`).
    pub uid: String,
    /// Increased when the appointment changes.
    pub sequence: u32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub stamp: DateTime<Utc>,
    /// The appointment no longer takes place: sent as a cancellation of the same UID.
    pub cancelled: bool,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (never inside a UTF-8 character), CRLF-terminated.
fn fold(line: &str, out: &mut String) {
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
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A time as `;TZID=Europe/Berlin:` local time.
fn berlin(t: DateTime<Utc>) -> String {
    format!(
        ";TZID={ZONE}:{}",
        crate::domain::time::to_berlin(t).format("%Y%m%dT%H%M%S")
    )
}

const ZONE: &str = "Europe/Berlin";

/// The rules of Europe/Berlin since 1996: summer time from the last Sunday of March,
/// 02:00, to the last Sunday of October, 03:00.
const VTIMEZONE: [&str; 16] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
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
];

/// The calendar file for `event`.
pub fn calendar(event: &Event) -> String {
    let mut out = String::new();
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Bleibe//Besichtigung//DE".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        if event.cancelled {
            "METHOD:CANCEL".to_owned()
        } else {
            "METHOD:PUBLISH".to_owned()
        },
    ]
    .into_iter()
    .chain(VTIMEZONE.iter().map(|l| (*l).to_owned()))
    .chain([
        "END:VTIMEZONE".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(&event.uid)),
        format!("SEQUENCE:{}", event.sequence),
        format!("DTSTAMP:{}", stamp(event.stamp)),
        format!("DTSTART{}", berlin(event.starts_at)),
        format!("DTEND{}", berlin(event.ends_at)),
        format!("SUMMARY:{}", escape(&event.summary)),
        format!("LOCATION:{}", escape(&event.location)),
        format!("DESCRIPTION:{}", escape(&event.description)),
        if event.cancelled {
            "STATUS:CANCELLED".to_owned()
        } else {
            "STATUS:CONFIRMED".to_owned()
        },
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ]);
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_event_is_valid_icalendar() {
        let start = Utc.with_ymd_and_hms(2026, 12, 3, 15, 0, 0).unwrap();
        let text = calendar(&Event {
            uid: "viewing-7@bleibe.example".into(),
            sequence: 0,
            starts_at: start,
            ends_at: start + chrono::Duration::hours(1),
            summary: "Wohnungsbesichtigung Hauptstraße 1, Plochingen".into(),
            location: "Hauptstraße 1; 2. Stock".into(),
            description: "Bitte bringen Sie Ihren Ausweis mit. Mit Frau Kaya (Ehrenamt), die übersetzt und die Wohnungsübergabe begleitet.".into(),
            stamp: start - chrono::Duration::days(2),
            cancelled: false,
        });
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART;TZID=Europe/Berlin:20261203T160000\r\n"));
        assert!(text.contains("DTEND;TZID=Europe/Berlin:20261203T170000\r\n"));
        assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
        assert!(text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"));
        assert!(
            text.find("END:VTIMEZONE").unwrap() < text.find("BEGIN:VEVENT").unwrap(),
            "the zone comes before the event that uses it"
        );
        assert!(text.contains("LOCATION:Hauptstraße 1\\; 2. Stock\r\n"));
        assert!(text.contains("SUMMARY:Wohnungsbesichtigung Hauptstraße 1\\, Plochingen"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "line too long: {line}");
        }
        assert!(
            !text.contains("DTSTART:2026") && !text.contains("DTEND:"),
            "no event times in UTC without a zone"
        );
        // Unfolded, the description is whole again.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("die Wohnungsübergabe begleitet."));
    }

    #[test]
    fn summer_times_are_two_hours_ahead_of_utc() {
        let start = Utc.with_ymd_and_hms(2027, 7, 1, 8, 30, 0).unwrap();
        let text = calendar(&Event {
            uid: "viewing-8@bleibe.example".into(),
            sequence: 1,
            starts_at: start,
            ends_at: start + chrono::Duration::minutes(45),
            summary: "Besichtigung".into(),
            location: "Ort".into(),
            description: String::new(),
            stamp: start,
            cancelled: true,
        });
        assert!(text.contains("DTSTART;TZID=Europe/Berlin:20270701T103000\r\n"));
        assert!(text.contains("DTEND;TZID=Europe/Berlin:20270701T111500\r\n"));
        assert!(
            text.contains("DTSTAMP:20270701T083000Z\r\n"),
            "DTSTAMP stays in UTC"
        );
        assert!(text.contains("METHOD:CANCEL\r\n") && text.contains("STATUS:CANCELLED\r\n"));
        assert!(!text.contains("METHOD:PUBLISH"));
    }
}
