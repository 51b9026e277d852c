//! Stage 1b, history: the content repository's commits → each item's
//! events (revisions and deletions), in one linear order.
//!
//! An item is its 索引号 (a power its 职权编码), not its path: a commit
//! changes an item when the bytes filed under that key differ from those in
//! every parent (git's TREESAME rule, applied per item), so moves continue
//! a history and a merge that takes one side's version adds no revision.
//! Commits are put in one line by committer time, ties by id. What each
//! commit changed is cached (see `cache`), and so are the bytes of every
//! revision (see `blobs`), so a build after one new commit reads one commit
//! and the revisions it made.

mod blobs;
pub mod cache;
pub mod log;
mod repo;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostics, SourceFile};
use crate::load;
use crate::model::{CatalogItem, Date, PowerItem};

pub use repo::{GitError, PUBLIC_NOTE, Repo};

/// One commit of the linear history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    /// Position in [`History::commits`].
    pub position: usize,
    /// Committer date, in the site's time zone.
    pub date: Date,
    /// Committer time, seconds since 1970 (UTC): the Memento-Datetime of
    /// what the commit published.
    pub seconds: i64,
    /// First line of the message: an internal working note, never shown
    /// on a page.
    pub summary: String,
    /// What the commit says to the public (its `Public-Note:` trailers).
    pub public_note: Option<String>,
}

impl Commit {
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(7)]
    }
}

/// What one commit did to one item.
#[derive(Clone, Debug)]
pub struct Event {
    /// Position in [`History::commits`].
    pub commit: usize,
    /// The item's file after the commit; `None` when the commit removed it.
    pub version: Option<Version>,
}

#[derive(Clone, Debug)]
pub struct Version {
    pub blob: String,
    /// Path relative to the site root.
    pub path: String,
}

/// A git tag: a release.
#[derive(Clone, Debug)]
pub struct Tag {
    pub name: String,
    /// Position in [`History::commits`].
    pub commit: usize,
}

#[derive(Debug)]
pub struct History {
    /// Every commit reachable from the tip, oldest first.
    pub commits: Vec<Commit>,
    /// Position of the tip (the commit built) in `commits`.
    pub tip: usize,
    /// 索引号 → its events, oldest first.
    pub items: BTreeMap<String, Vec<Event>>,
    /// Blob id → the item it holds; `None` when the file could not be read
    /// as an item (broken front matter, not UTF-8) at that revision.
    pub blobs: BTreeMap<String, Option<Arc<CatalogItem>>>,
    /// 职权编码 → its events, oldest first.
    pub powers: BTreeMap<String, Vec<Event>>,
    /// Blob id → the power it holds, as `blobs` for catalog files.
    pub power_blobs: BTreeMap<String, Option<Arc<PowerItem>>>,
    /// Tags reachable from the tip, oldest first.
    pub tags: Vec<Tag>,
    /// The tag of the tip, or `<tag>-<n>-g<short id>` as `git describe`
    /// says it, or `None` before the first tag.
    pub version: Option<String>,
}

impl History {
    pub fn tip(&self) -> &Commit {
        &self.commits[self.tip]
    }

    pub fn item(&self, blob: &str) -> Option<&Arc<CatalogItem>> {
        self.blobs.get(blob).and_then(Option::as_ref)
    }

    pub fn power(&self, blob: &str) -> Option<&Arc<PowerItem>> {
        self.power_blobs.get(blob).and_then(Option::as_ref)
    }
}

/// Read the history of the site in `repo` up to `tip` (a commit id).
/// Commit dates are days in the site's zone (`utc_offset`, seconds east
/// of UTC), whatever zone each committer was in.
pub fn read(repo: &Repo, tip: &str, utc_offset: i32) -> Result<History, GitError> {
    let known = cache::load(&repo.cache_dir);
    let records = repo.commits(tip, &known)?;
    // A shallow clone's boundary commits are read without their parents:
    // such a record must not outlive the clone's horizon in the cache.
    let lasting = |id: &String| !repo.shallow.contains(id);
    if records
        .keys()
        .any(|id| lasting(id) && !known.contains_key(id))
    {
        let mut all = known;
        all.extend(
            records
                .iter()
                .filter(|(k, _)| lasting(k))
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        cache::save(&repo.cache_dir, &all);
    }

    let mut order: Vec<&String> = records.keys().collect();
    order.sort_by(|a, b| {
        records[*a]
            .seconds
            .cmp(&records[*b].seconds)
            .then_with(|| a.cmp(b))
    });
    let position: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let commits: Vec<Commit> = order
        .iter()
        .enumerate()
        .map(|(position, id)| {
            let r = &records[*id];
            Commit {
                id: (*id).clone(),
                position,
                date: Date::from_unix(r.seconds, utc_offset)
                    .unwrap_or_else(|| Date::from_unix(r.seconds, 0).expect("valid time")),
                seconds: r.seconds,
                summary: r.summary.clone(),
                public_note: r.public_note.clone(),
            }
        })
        .collect();

    // Every blob that a change names, with one path it had (for its
    // department and for messages), per kind of file.
    let mut paths: BTreeMap<&str, Paths> = BTreeMap::new();
    for record in records.values() {
        for change in record.changes.iter().flatten() {
            let power = is_power_path(&change.path);
            for blob in [&change.old, &change.new].into_iter().flatten() {
                let slot = paths.entry(blob).or_default();
                let path = if power {
                    &mut slot.power
                } else {
                    &mut slot.catalog
                };
                path.get_or_insert(&change.path);
            }
        }
    }
    let (blobs, power_blobs) = read_revisions(repo, paths)?;
    let index_no = |blob: &str, path: &str| -> Option<String> {
        if is_power_path(path) {
            return None;
        }
        let item = blobs.get(blob)?.as_ref()?;
        Some(item.index_no.value.clone()).filter(|s| !s.is_empty())
    };
    let code = |blob: &str, path: &str| -> Option<String> {
        if !is_power_path(path) {
            return None;
        }
        let power = power_blobs.get(blob)?.as_ref()?;
        Some(power.code.value.clone()).filter(|s| !s.is_empty())
    };
    let items = events(&order, &records, index_no);
    let powers = events(&order, &records, code);

    let tip_pos = position[tip];
    let mut tags: Vec<Tag> = repo
        .tags()?
        .into_iter()
        .filter_map(|(name, commit)| {
            position
                .get(commit.as_str())
                .map(|&commit| Tag { name, commit })
        })
        .collect();
    tags.sort_by(|a, b| a.commit.cmp(&b.commit).then_with(|| a.name.cmp(&b.name)));
    let version = describe(&records, &commits, &tags, tip_pos);

    Ok(History {
        commits,
        tip: tip_pos,
        items,
        blobs,
        powers,
        power_blobs,
        tags,
        version,
    })
}

/// Whether a changed file is a power (`content/<dept>/powers/…`) rather
/// than a catalog item.
fn is_power_path(path: &str) -> bool {
    path.split('/').nth(2) == Some("powers")
}

/// One path a blob had as a catalog file and one it had as a power file.
#[derive(Default)]
struct Paths<'a> {
    catalog: Option<&'a str>,
    power: Option<&'a str>,
}

/// Per item key (索引号 or 职权编码), the commits that changed it, oldest
/// first. `key` names the item a (blob, path) holds, if any.
fn events(
    order: &[&String],
    records: &BTreeMap<String, cache::CommitRecord>,
    key: impl Fn(&str, &str) -> Option<String>,
) -> BTreeMap<String, Vec<Event>> {
    let mut items: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for (pos, id) in order.iter().enumerate() {
        let record = &records[*id];
        // Per parent: key → (blob before, file after).
        let mut per_parent: Vec<ItemChanges> = Vec::new();
        for changes in &record.changes {
            let mut states: ItemChanges = BTreeMap::new();
            for change in changes {
                if let Some(old) = &change.old
                    && let Some(x) = key(old, &change.path)
                {
                    let slot = states.entry(x).or_default();
                    slot.0 = slot.0.or(Some(old.as_str()));
                }
                if let Some(new) = &change.new
                    && let Some(x) = key(new, &change.path)
                {
                    let slot = states.entry(x).or_default();
                    slot.1 = slot.1.or(Some((new.as_str(), change.path.as_str())));
                }
            }
            states.retain(|_, (old, new)| *old != new.map(|n| n.0));
            per_parent.push(states);
        }
        let Some((first, rest)) = per_parent.split_first() else {
            continue;
        };
        for (x, (_, new)) in first {
            if rest.iter().all(|states| states.contains_key(x)) {
                items.entry(x.clone()).or_default().push(Event {
                    commit: pos,
                    version: new.map(|(blob, path)| Version {
                        blob: blob.to_string(),
                        path: path.to_string(),
                    }),
                });
            }
        }
    }
    items
}

/// Per key within one commit and one parent: the blob before and the
/// (blob, path) after.
type ItemChanges<'a> = BTreeMap<String, (Option<&'a str>, Option<(&'a str, &'a str)>)>;

/// Parsed revisions: catalog items and powers, by blob id; `None` when
/// the file could not be read as one at that revision.
type Parsed = (
    BTreeMap<String, Option<Arc<CatalogItem>>>,
    BTreeMap<String, Option<Arc<PowerItem>>>,
);

/// Every revision named by the changes (blob id → the paths it had), parsed.
/// Bytes come from the revision cache when they hash to their id, from git
/// otherwise (and are then added to the cache).
fn read_revisions(repo: &Repo, paths: BTreeMap<&str, Paths>) -> Result<Parsed, GitError> {
    let stored = blobs::StoredBlobs::load(&repo.cache_dir);
    let paths: Vec<(&str, Paths)> = paths.into_iter().collect();
    let cached: Vec<Option<Revision>> = paths
        .par_iter()
        .map(|(blob, path)| {
            let bytes = stored
                .get(blob)
                .filter(|bytes| crate::git::blob_id(bytes) == *blob)?;
            Some(parse_revision(path, bytes))
        })
        .collect();
    let mut parsed: Vec<(String, Revision)> = Vec::with_capacity(paths.len());
    let mut missing = Vec::new();
    for ((blob, path), revision) in paths.iter().zip(cached) {
        match revision {
            Some(revision) => parsed.push((blob.to_string(), revision)),
            None => missing.push((*blob, path)),
        }
    }

    // Reading objects is sequential (a gix handle is not shared between
    // threads without gix's `parallel` feature); parsing is not. Revisions
    // of one file are stored as deltas of each other: reading them together
    // keeps their bases in gix's pack cache.
    missing.sort_by(|a, b| {
        let path = |p: &Paths| p.catalog.or(p.power).unwrap_or_default().to_string();
        path(a.1).cmp(&path(b.1)).then_with(|| a.0.cmp(b.0))
    });
    let reader = repo.reader();
    let mut read = Vec::with_capacity(missing.len());
    for (blob, path) in missing {
        read.push((blob, path, repo.read_blob(&reader, blob)?));
    }
    let new: Vec<(&str, &[u8])> = read
        .iter()
        .map(|(blob, _, bytes)| (*blob, bytes.as_slice()))
        .collect();
    stored.append(&repo.cache_dir, &new);
    drop(stored);
    parsed.par_extend(
        read.into_par_iter()
            .map(|(blob, path, bytes)| (blob.to_string(), parse_revision(path, &bytes))),
    );
    let mut catalog = BTreeMap::new();
    let mut powers = BTreeMap::new();
    for (blob, (item, power)) in parsed {
        if let Some(item) = item {
            catalog.insert(blob.clone(), item);
        }
        if let Some(power) = power {
            powers.insert(blob, power);
        }
    }
    Ok((catalog, powers))
}

/// One blob parsed as each kind of file it was: (as a catalog file, as a
/// power file); the outer `None` when it never was that kind.
type Revision = (
    Option<Option<Arc<CatalogItem>>>,
    Option<Option<Arc<PowerItem>>>,
);

fn parse_revision(paths: &Paths, bytes: &[u8]) -> Revision {
    let text = std::str::from_utf8(bytes).ok();
    (
        paths
            .catalog
            .map(|path| text.and_then(|t| parse_item(path, t)).map(Arc::new)),
        paths
            .power
            .map(|path| text.and_then(|t| parse_power(path, t)).map(Arc::new)),
    )
}

/// Parse one revision of a catalog file, as `load` parses the current one.
fn parse_item(path: &str, text: &str) -> Option<CatalogItem> {
    let department = path.split('/').nth(1)?;
    let mut ignored = Diagnostics::default();
    let item = load::load_catalog_item(
        SourceFile::new(path, text.to_string()),
        department,
        &mut ignored,
    )?;
    item.complete.then_some(item)
}

/// Parse one revision of a power file, as `load` parses the current one.
fn parse_power(path: &str, text: &str) -> Option<PowerItem> {
    let department = path.split('/').nth(1)?;
    let mut ignored = Diagnostics::default();
    let power = load::power::load_power(
        SourceFile::new(path, text.to_string()),
        department,
        &mut ignored,
    )?;
    power.complete.then_some(power)
}

/// `git describe --tags`: the tip's tag, or the newest tag below it with the
/// number of commits since and the tip's short id.
fn describe(
    records: &BTreeMap<String, cache::CommitRecord>,
    commits: &[Commit],
    tags: &[Tag],
    tip: usize,
) -> Option<String> {
    if let Some(tag) = tags.iter().rev().find(|t| t.commit == tip) {
        return Some(tag.name.clone());
    }
    let newest = tags.last()?;
    let tip_id = &commits[tip].id;
    let since_tag =
        ancestors(records, tip_id).len() - ancestors(records, &commits[newest.commit].id).len();
    Some(format!(
        "{}-{}-g{}",
        newest.name,
        since_tag,
        commits[tip].short_id()
    ))
}

fn ancestors<'a>(
    records: &'a BTreeMap<String, cache::CommitRecord>,
    tip: &'a str,
) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![tip];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(record) = records.get(id) {
            stack.extend(record.parents.iter().map(String::as_str));
        }
    }
    seen
}
