//! Memento TimeMaps (RFC 7089 §5, in the link format of RFC 6690): for
//! every document with revisions, the list of its snapshots with the time
//! each was published, so that a Memento client or a web archive can walk
//! them. The URL scheme is in docs/archives.md.
//!
//! A document kind plugs in with a current URL and its revisions'
//! snapshot URLs and commit times ([`Archived::new`]).

use crate::model::Payload;
use crate::validate::{Document, Site};

use super::urls::{self, Urls};

/// The media type of a TimeMap.
pub const MEDIA_TYPE: &str = "application/link-format";

/// One snapshot of a document and when it was published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Memento {
    /// Site-relative path of the snapshot page.
    pub snapshot: String,
    /// The revision's commit time, seconds since 1970 UTC.
    pub seconds: i64,
}

/// A document with at least one committed revision.
#[derive(Clone, Debug)]
pub struct Archived {
    /// Site-relative URL of the current document (the Memento "original").
    pub original: String,
    /// Site-relative path of its TimeMap.
    pub timemap: String,
    /// Oldest first; one per snapshot URL.
    pub mementos: Vec<Memento>,
}

impl Archived {
    /// `revisions` oldest first: each snapshot's path and its commit time
    /// (`None` for a change not committed yet, which has no publication
    /// time and is left out). A revision that restores earlier bytes has
    /// the snapshot URL of the first one, which keeps its first time: one
    /// URL, one Memento-Datetime.
    pub fn new(
        original: String,
        timemap: String,
        revisions: impl IntoIterator<Item = (String, Option<i64>)>,
    ) -> Option<Archived> {
        let mut mementos: Vec<Memento> = Vec::new();
        for (snapshot, seconds) in revisions {
            let Some(seconds) = seconds else { continue };
            if mementos.iter().any(|m| m.snapshot == snapshot) {
                continue;
            }
            mementos.push(Memento { snapshot, seconds });
        }
        (!mementos.is_empty()).then_some(Archived {
            original,
            timemap,
            mementos,
        })
    }
}

/// The TimeMap of any document kind with revisions: its current URL and
/// each revision's snapshot with its commit time.
pub fn document<T: Payload>(doc: &Document<T>) -> Option<Archived> {
    let key = doc.key();
    Archived::new(
        urls::document(&key),
        urls::timemap(&key),
        doc.snapshots()
            .map(|(snapshot, commit)| (snapshot, commit.map(|c| c.seconds))),
    )
}

/// Every archived document of the site, in the order of its paths.
pub fn archived(site: &Site) -> Vec<Archived> {
    let mut all: Vec<Archived> = site
        .items
        .iter()
        .filter_map(document)
        .chain(site.powers.iter().filter_map(document))
        .chain(site.guides.iter().filter_map(document))
        .chain(site.department_pages.iter().filter_map(document))
        .chain(site.report_pages.iter().filter_map(document))
        .collect();
    all.sort_by(|a, b| a.timemap.cmp(&b.timemap));
    all
}

/// The TimeMap: `original`, `self` with its time span, then each memento
/// oldest first, the first and last marked as such.
pub fn link_format(doc: &Archived, urls: &Urls) -> String {
    let first = doc.mementos.first().expect("an archived document has one");
    let last = doc.mementos.last().expect("an archived document has one");
    let mut lines = vec![
        format!("<{}>; rel=\"original\"", urls.absolute(&doc.original)),
        format!(
            "<{}>; rel=\"self\"; type=\"{MEDIA_TYPE}\"; from=\"{}\"; until=\"{}\"",
            urls.absolute(&doc.timemap),
            imf_fixdate(first.seconds),
            imf_fixdate(last.seconds)
        ),
    ];
    let count = doc.mementos.len();
    for (i, m) in doc.mementos.iter().enumerate() {
        let rel = match (i == 0, i + 1 == count) {
            (true, true) => "first last memento",
            (true, false) => "first memento",
            (false, true) => "last memento",
            (false, false) => "memento",
        };
        lines.push(format!(
            "<{}>; rel=\"{rel}\"; datetime=\"{}\"",
            urls.absolute(&m.snapshot),
            imf_fixdate(m.seconds)
        ));
    }
    // RFC 6690: links separated by commas; one per line for people.
    let mut text = lines.join(",\n");
    text.push('\n');
    text
}

/// The `Link` header of a snapshot: its original and its TimeMap.
pub fn snapshot_link(doc: &Archived, urls: &Urls) -> String {
    format!(
        "<{}>; rel=\"original\", <{}>; rel=\"timemap\"; type=\"{MEDIA_TYPE}\"",
        urls.absolute(&doc.original),
        urls.absolute(&doc.timemap)
    )
}

/// RFC 7231 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`): the date format
/// of `Memento-Datetime` and of a TimeMap's `datetime`.
pub fn imf_fixdate(seconds: i64) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = utc(seconds);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `2024-03-01T08:00:00Z`: WARC-Date and the WACZ's dates.
pub fn iso8601(seconds: i64) -> String {
    let t = utc(seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `20240301080000`: the 14-digit timestamp of CDXJ lines and replay URLs.
pub fn timestamp14(seconds: i64) -> String {
    iso8601(seconds)
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

fn utc(seconds: i64) -> time::OffsetDateTime {
    // Git stores commit times as i64; out-of-range ones are clamped to the
    // epoch rather than failing the build.
    time::OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imf_fixdate_has_two_digit_days_and_gmt() {
        assert_eq!(imf_fixdate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(iso8601(784111777), "1994-11-06T08:49:37Z");
        assert_eq!(timestamp14(784111777), "19941106084937");
    }

    #[test]
    fn one_memento_is_first_and_last_and_restores_keep_their_first_time() {
        let urls = Urls::new("https://example.gov.cn/xxgk/");
        let one = Archived::new(
            "items/a/".into(),
            "items/a/timemap.link".into(),
            [
                ("items/a/1.html".to_string(), Some(100)),
                ("items/a/1.html".to_string(), Some(300)),
                ("items/a/2.html".to_string(), None),
            ],
        )
        .unwrap();
        let text = link_format(&one, &urls);
        assert_eq!(
            text,
            "<https://example.gov.cn/xxgk/items/a/>; rel=\"original\",\n\
             <https://example.gov.cn/xxgk/items/a/timemap.link>; rel=\"self\"; type=\"application/link-format\"; from=\"Thu, 01 Jan 1970 00:01:40 GMT\"; until=\"Thu, 01 Jan 1970 00:01:40 GMT\",\n\
             <https://example.gov.cn/xxgk/items/a/1.html>; rel=\"first last memento\"; datetime=\"Thu, 01 Jan 1970 00:01:40 GMT\"\n"
        );
        assert!(
            Archived::new("a/".into(), "a/t".into(), [("a/1.html".to_string(), None)]).is_none()
        );
    }
}
