//! The published site across time: which revisions of each item are
//! published, which items were deleted or withdrawn, and what each release
//! changed. Pure functions of the current items and the [`History`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::history::{Commit, Event, History};
use crate::model::{CatalogItem, Date, Disclosure, PowerItem, Validity};

use super::power::{Power, PowerRevision, WithheldCodes};
use super::{Item, validity_on};

/// One published revision of an item.
#[derive(Clone, Debug)]
pub struct Revision {
    /// The commit that made it; `None` for a change not committed yet.
    pub commit: Option<Commit>,
    pub blob: String,
    /// The item as it was; `None` when it is the item's current file.
    pub catalog: Option<Arc<CatalogItem>>,
}

impl Revision {
    pub fn date(&self) -> Option<Date> {
        self.commit.as_ref().map(|c| c.date)
    }
}

/// A file deleted from the repository.
#[derive(Clone, Debug)]
pub struct Removal {
    /// The deleting commit; `None` when deleted in the work tree only.
    pub commit: Option<Commit>,
    pub date: Date,
    /// The path the file had before it was deleted, relative to the site root.
    pub path: String,
}

/// How the events of a deleted file end: the commit that deleted it (the
/// first of the trailing deletions) and the path it was deleted from.
fn removal(history: &History, events: &[Event], as_of: Date) -> Removal {
    let commit = events
        .iter()
        .rev()
        .take_while(|e| e.version.is_none())
        .last()
        .map(|e| history.commits[e.commit].clone());
    let path = events
        .iter()
        .rev()
        .find_map(|e| e.version.as_ref())
        .map(|v| v.path.clone())
        .unwrap_or_default();
    let date = commit.as_ref().map_or(as_of, |c| c.date);
    Removal { commit, date, path }
}

/// An item whose latest revision is `exempt`: its URLs stay, naming nothing.
#[derive(Clone, Debug)]
pub struct Withdrawn {
    /// The 索引号, or the 职权编码 of a power.
    pub index_no: String,
    /// Blobs of the revisions that used to be published.
    pub blobs: Vec<String>,
    /// A power (URLs under `/powers/`) rather than a catalog item.
    pub power: bool,
}

/// A git tag and what it changed since the previous one.
#[derive(Clone, Debug)]
pub struct Release {
    pub name: String,
    pub commit: Commit,
    pub added: Vec<ReleaseEntry>,
    pub amended: Vec<ReleaseEntry>,
    pub retired: Vec<ReleaseEntry>,
}

#[derive(Clone, Debug)]
pub struct ReleaseEntry {
    /// The 索引号, or the 职权编码 of a power.
    pub index_no: String,
    /// A power (URLs under `/powers/`) rather than a catalog item.
    pub power: bool,
    pub title: String,
    /// The revision the release published (for a deletion: the last one).
    pub blob: String,
}

/// The published revisions in `events`: consecutive identical bytes are
/// one revision, and a revision that is not `publishable` (exempt, draft,
/// incomplete) is never published. Also says whether the newest revision
/// is exempt. Shared by catalog items and powers.
fn published<'h, T: 'h, R>(
    history: &'h History,
    events: Option<&'h Vec<Event>>,
    parsed: impl Fn(&str) -> Option<&'h Arc<T>>,
    disclosure: impl Fn(&T) -> (Disclosure, bool),
    revision: impl Fn(Commit, String, &Arc<T>) -> R,
) -> (Vec<R>, bool) {
    let mut revisions = Vec::new();
    let mut last_blob: Option<&str> = None;
    let mut latest_exempt = false;
    for event in events.into_iter().flatten() {
        let Some(version) = &event.version else {
            continue;
        };
        let Some(value) = parsed(&version.blob) else {
            continue;
        };
        let (kind, complete_and_final) = disclosure(value);
        latest_exempt = kind == Disclosure::Exempt;
        let repeated = last_blob == Some(version.blob.as_str());
        last_blob = Some(&version.blob);
        if repeated || kind != Disclosure::Active || !complete_and_final {
            continue;
        }
        revisions.push(revision(
            history.commits[event.commit].clone(),
            version.blob.clone(),
            value,
        ));
    }
    (revisions, latest_exempt)
}

/// Published revisions of one catalog item (see [`published`]).
fn published_revisions(history: &History, index_no: &str) -> (Vec<Revision>, bool) {
    published(
        history,
        history.items.get(index_no),
        |blob| history.item(blob),
        |item: &CatalogItem| (item.disclosure, item.complete && !item.draft),
        |commit, blob, item| Revision {
            commit: Some(commit),
            blob,
            catalog: Some(item.clone()),
        },
    )
}

/// What the current files say about items known to the history.
pub struct Current<'a> {
    /// Published current items.
    pub items: Vec<Item>,
    /// 索引号 of current files that are exempt.
    pub exempt: &'a BTreeSet<String>,
    /// 索引号 of current files that are drafts (not published in this build).
    pub drafts: &'a BTreeSet<String>,
}

/// Attach revisions to current items; add deleted items and withdrawn ones.
pub fn merge(
    current: Current,
    history: Option<&History>,
    as_of: Date,
) -> (Vec<Item>, Vec<Withdrawn>) {
    let Current {
        mut items,
        exempt,
        drafts,
    } = current;
    let Some(history) = history else {
        for item in &mut items {
            item.revisions = vec![uncommitted(&item.catalog)];
        }
        return (items, Vec::new());
    };

    let on_disk: BTreeSet<String> = items
        .iter()
        .map(|i| i.index_no().to_string())
        .chain(exempt.iter().cloned())
        .chain(drafts.iter().cloned())
        .collect();
    let mut withdrawn = Vec::new();
    let published_now: BTreeSet<String> = items.iter().map(|i| i.index_no().to_string()).collect();

    for item in &mut items {
        let (mut revisions, _) = published_revisions(history, item.index_no());
        match revisions.last_mut() {
            Some(last) if last.blob == item.catalog.blob => last.catalog = None,
            _ => revisions.push(uncommitted(&item.catalog)),
        }
        item.revisions = revisions;
    }

    for (index_no, events) in &history.items {
        if published_now.contains(index_no) {
            continue;
        }
        let (revisions, latest_exempt) = published_revisions(history, index_no);
        if revisions.is_empty() {
            continue;
        }
        if exempt.contains(index_no) || (!on_disk.contains(index_no) && latest_exempt) {
            withdrawn.push(Withdrawn {
                index_no: index_no.clone(),
                blobs: revisions.iter().map(|r| r.blob.clone()).collect(),
                power: false,
            });
            continue;
        }
        let last = revisions.last().expect("not empty");
        let catalog = (**last.catalog.as_ref().expect("from history")).clone();
        let removed = if drafts.contains(index_no) {
            // Being redrafted: the last published revision stays current.
            None
        } else {
            Some(removal(history, events, as_of))
        };
        let (validity, retired_on) = validity_on(&catalog, as_of);
        let retired_on = match (&removed, retired_on) {
            (Some(r), Some(d)) => Some(d.min(r.date)),
            (Some(r), None) => Some(r.date),
            (None, d) => d,
        };
        items.push(Item {
            catalog,
            validity,
            retired_on,
            removed,
            revisions,
        });
    }
    (items, withdrawn)
}

/// Published revisions of one power (see [`published`]).
fn published_power_revisions(history: &History, code: &str) -> (Vec<PowerRevision>, bool) {
    published(
        history,
        history.powers.get(code),
        |blob| history.power(blob),
        |power: &PowerItem| (power.disclosure, power.complete && !power.draft),
        |commit, blob, power| PowerRevision {
            commit: Some(commit),
            blob,
            power: Some(power.clone()),
        },
    )
}

/// Attach revisions to current powers; add deleted powers (retired, showing
/// their last published revision) and withdrawn ones (latest revision
/// exempt). Without a history a power's one revision is its current file.
pub fn merge_powers(
    mut powers: Vec<Power>,
    withheld: &WithheldCodes,
    history: Option<&History>,
    as_of: Date,
) -> (Vec<Power>, Vec<Withdrawn>) {
    let current = |p: &Power| PowerRevision {
        commit: None,
        blob: p.item.blob.clone(),
        power: None,
    };
    let Some(history) = history else {
        for power in &mut powers {
            power.revisions = vec![current(power)];
        }
        return (powers, Vec::new());
    };
    for power in &mut powers {
        let (mut revisions, _) = published_power_revisions(history, power.code());
        match revisions.last_mut() {
            Some(last) if last.blob == power.item.blob => last.power = None,
            _ => revisions.push(current(power)),
        }
        power.revisions = revisions;
    }
    let published_now: BTreeSet<String> = powers.iter().map(|p| p.code().to_string()).collect();
    let mut withdrawn = Vec::new();
    for (code, events) in &history.powers {
        if published_now.contains(code) {
            continue;
        }
        let (revisions, latest_exempt) = published_power_revisions(history, code);
        if revisions.is_empty() {
            continue;
        }
        let on_disk = withheld.exempt.contains(code) || withheld.drafts.contains(code);
        if withheld.exempt.contains(code) || (!on_disk && latest_exempt) {
            withdrawn.push(Withdrawn {
                index_no: code.clone(),
                blobs: revisions.iter().map(|r| r.blob.clone()).collect(),
                power: true,
            });
            continue;
        }
        let last = revisions.last().expect("not empty");
        let item = (**last.power.as_ref().expect("from history")).clone();
        let removed = if withheld.drafts.contains(code) {
            // Being redrafted: the last published revision stays current.
            None
        } else {
            Some(removal(history, events, as_of))
        };
        let validity = Validity::of_status(item.status);
        let status_retired = match validity {
            Validity::Repealed | Validity::Expired => item.retired.as_ref().map(|r| r.value),
            _ => None,
        };
        let retired_on = match (&removed, status_retired) {
            (Some(r), Some(d)) => Some(d.min(r.date)),
            (Some(r), None) => Some(r.date),
            (None, d) => d,
        };
        powers.push(Power {
            item,
            validity,
            retired_on,
            removed,
            revisions,
        });
    }
    powers.sort_by(|a, b| a.code().cmp(b.code()));
    (powers, withdrawn)
}

fn uncommitted(catalog: &CatalogItem) -> Revision {
    Revision {
        commit: None,
        blob: catalog.blob.clone(),
        catalog: None,
    }
}

/// Whether the file of `key` was deleted as of commit position `pos` (its
/// latest event up to there is a deletion).
fn deleted_by(events: &BTreeMap<String, Vec<Event>>, key: &str, pos: usize) -> bool {
    events
        .get(key)
        .into_iter()
        .flatten()
        .rfind(|e| e.commit <= pos)
        .is_some_and(|e| e.version.is_none())
}

/// Releases, newest first: for each tag, what changed since the previous tag.
pub fn releases(history: Option<&History>, items: &[Item], powers: &[Power]) -> Vec<Release> {
    let Some(history) = history else {
        return Vec::new();
    };
    // What an item was at a commit position: its last revision up to there,
    // whether it was retired then. Only published items count.
    let state_at = |item: &Item, pos: usize| -> Option<(String, bool)> {
        let commits = &history.commits;
        let revision = item
            .revisions
            .iter()
            .rev()
            .find(|r| r.commit.as_ref().is_some_and(|c| c.position <= pos))?;
        let removed_before = deleted_by(&history.items, item.index_no(), pos);
        let catalog = revision.catalog.as_deref().unwrap_or(&item.catalog);
        let retired = removed_before || validity_on(catalog, commits[pos].date).0.is_retired();
        Some((revision.blob.clone(), retired))
    };
    // The same for a power: retired by its status or its deletion.
    let power_state_at = |power: &Power, pos: usize| -> Option<(String, bool)> {
        let revision = power
            .revisions
            .iter()
            .rev()
            .find(|r| r.commit.as_ref().is_some_and(|c| c.position <= pos))?;
        let removed_before = deleted_by(&history.powers, power.code(), pos);
        let item = revision.power.as_deref().unwrap_or(&power.item);
        let retired = removed_before || Validity::of_status(item.status).is_retired();
        Some((revision.blob.clone(), retired))
    };
    let mut releases = Vec::new();
    let mut previous: Option<usize> = None;
    for tag in &history.tags {
        let mut release = Release {
            name: tag.name.clone(),
            commit: history.commits[tag.commit].clone(),
            added: Vec::new(),
            amended: Vec::new(),
            retired: Vec::new(),
        };
        for item in items {
            let now = state_at(item, tag.commit);
            let before = previous.and_then(|p| state_at(item, p));
            classify(&mut release, before, now, |blob| ReleaseEntry {
                index_no: item.index_no().to_string(),
                power: false,
                title: item.catalog.title.clone(),
                blob: blob.to_string(),
            });
        }
        for power in powers {
            let now = power_state_at(power, tag.commit);
            let before = previous.and_then(|p| power_state_at(power, p));
            classify(&mut release, before, now, |blob| ReleaseEntry {
                index_no: power.code().to_string(),
                power: true,
                title: power.item.name.clone(),
                blob: blob.to_string(),
            });
        }
        for list in [
            &mut release.added,
            &mut release.amended,
            &mut release.retired,
        ] {
            list.sort_by(|a, b| (a.power, &a.index_no).cmp(&(b.power, &b.index_no)));
        }
        releases.push(release);
        previous = Some(tag.commit);
    }
    releases.reverse();
    releases
}

/// File one item's change between two releases: (blob, retired) before and
/// now, each `None` when it was not published then.
fn classify(
    release: &mut Release,
    before: Option<(String, bool)>,
    now: Option<(String, bool)>,
    entry: impl Fn(&str) -> ReleaseEntry,
) {
    match (before, now) {
        (None, Some((blob, _))) => release.added.push(entry(&blob)),
        (Some((_, false)), Some((blob, true))) => release.retired.push(entry(&blob)),
        (Some((old, false)), Some((blob, false))) if old != blob => {
            release.amended.push(entry(&blob))
        }
        _ => {}
    }
}
