//! One item's history for people at a terminal: `gongkai history` and
//! `gongkai show`. Unlike the site, this shows every revision, exempt and
//! draft ones included: it reads the repository the editor already has.

use serde::Serialize;

use crate::model::{Date, Disclosure, Payload};

use super::{Commit, History, Recorded};

#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    pub commit: String,
    pub date: Date,
    pub message: String,
    /// `None` when the commit deleted the file.
    pub blob: Option<String>,
    pub path: Option<String>,
    /// `deleted`, `exempt`, `draft`, or the validity on the commit's date.
    pub status: String,
}

/// Every event of `index_no` (or of a power's code), oldest first; empty
/// when unknown.
pub fn log(history: &History, index_no: &str) -> Vec<LogEntry> {
    // A 索引号, or else a power's 职权编码, a guide's `<slug>/guide.md` or a
    // department's `<slug>/department.toml`.
    log_of::<crate::model::CatalogItem>(history, index_no)
        .or_else(|| log_of::<crate::model::PowerItem>(history, index_no))
        .or_else(|| {
            let slug = index_no.strip_suffix("/guide.md")?;
            log_of::<crate::model::Guide>(history, slug)
        })
        .or_else(|| {
            let slug = index_no.strip_suffix("/department.toml")?;
            log_of::<crate::model::Department>(history, slug)
        })
        .or_else(|| {
            let (slug, year) = index_no.split_once("/reports/")?;
            log_of::<crate::model::report::Report>(history, &format!("{slug}/{year}"))
        })
        .unwrap_or_default()
}

/// Every event of one document of kind `T`; `None` when unknown.
fn log_of<T: Recorded>(history: &History, id: &str) -> Option<Vec<LogEntry>> {
    let chronicle = history.of::<T>();
    let entry =
        |commit: &Commit, blob: Option<String>, path: Option<String>, status: &str| LogEntry {
            commit: commit.id.clone(),
            date: commit.date,
            message: commit.summary.clone(),
            blob,
            path,
            status: status.to_string(),
        };
    let events = chronicle.events.get(id)?;
    Some(
        events
            .iter()
            .map(|event| {
                let commit = &history.commits[event.commit];
                match &event.version {
                    None => entry(commit, None, None, "deleted"),
                    Some(v) => {
                        let status = match chronicle.parsed(&v.blob) {
                            Some(d) if d.disclosure() == Disclosure::Exempt => "exempt",
                            // Only complete revisions are parsed: not final is a draft.
                            Some(d) if !d.is_final() => "draft",
                            Some(d) => d.validity_on(commit.date).0.key(),
                            None => "unreadable",
                        };
                        entry(commit, Some(v.blob.clone()), Some(v.path.clone()), status)
                    }
                }
            })
            .collect(),
    )
}

/// Which revision `gongkai show` prints.
pub enum Selector<'a> {
    Latest,
    /// A blob or commit id, or a prefix of one (at least 4 characters).
    Rev(&'a str),
    /// The revision in force at the end of that day.
    AsOf(Date),
}

/// The source bytes of one revision, or why there is none.
pub fn show(history: &History, index_no: &str, selector: Selector) -> Result<String, String> {
    let entries = log(history, index_no);
    if entries.is_empty() {
        return Err(format!(
            "no item with 索引号 (or power with 职权编码) `{index_no}` in the history"
        ));
    }
    let chosen = match selector {
        Selector::Latest => entries.iter().rev().find(|e| e.blob.is_some()),
        Selector::Rev(rev) => {
            if rev.len() < 4 {
                return Err(format!(
                    "`{rev}` is too short: give at least 4 characters of a blob or commit id"
                ));
            }
            let matches: Vec<&LogEntry> = entries
                .iter()
                .filter(|e| {
                    e.blob.as_deref().is_some_and(|b| b.starts_with(rev))
                        || e.commit.starts_with(rev)
                })
                .collect();
            let blobs: std::collections::BTreeSet<Option<&str>> =
                matches.iter().map(|e| e.blob.as_deref()).collect();
            if blobs.len() > 1 {
                return Err(format!(
                    "`{rev}` matches several revisions; give more characters"
                ));
            }
            matches.last().copied()
        }
        Selector::AsOf(date) => {
            let last = entries.iter().rev().find(|e| e.date <= date);
            match last {
                Some(e) if e.blob.is_none() => {
                    return Err(format!(
                        "`{index_no}` was deleted on {} (commit {})",
                        e.date, e.commit
                    ));
                }
                None => return Err(format!("`{index_no}` did not exist yet on {date}")),
                some => some,
            }
        }
    };
    let entry = chosen.ok_or_else(|| format!("no revision of `{index_no}` matches"))?;
    let blob = entry.blob.as_deref().ok_or_else(|| {
        format!(
            "commit {} deleted `{index_no}`; it has no source",
            entry.commit
        )
    })?;
    let text = history.items.parsed(blob).map(|d| d.source_text());
    let text = text.or_else(|| history.powers.parsed(blob).map(|d| d.source_text()));
    let text = text.or_else(|| history.guides.parsed(blob).map(|d| d.source_text()));
    let text = text.or_else(|| history.departments.parsed(blob).map(|d| d.source_text()));
    let text = text.map(str::to_string).or_else(|| {
        // A report's TOML, then its narrative: each file's exact bytes.
        let files = history.reports.parsed(blob)?.files();
        Some(
            files
                .iter()
                .map(|(_, _, text)| *text)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    });
    text.ok_or_else(|| format!("revision {blob} cannot be read"))
}
