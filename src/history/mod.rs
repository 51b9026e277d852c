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

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostics, SourceFile};
use crate::load;
use crate::model::report::Report;
use crate::model::{CatalogItem, Date, Department, Guide, Kind, Payload, PowerItem};

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

/// One kind of document across time.
#[derive(Debug)]
pub struct Chronicle<T> {
    /// Id (索引号, 职权编码) → its events, oldest first.
    pub events: BTreeMap<String, Vec<Event>>,
    /// Blob id → the document it holds; `None` when the file could not be
    /// read as one (broken front matter, not UTF-8) at that revision.
    pub blobs: BTreeMap<String, Option<Arc<T>>>,
}

impl<T> Default for Chronicle<T> {
    fn default() -> Self {
        Chronicle {
            events: BTreeMap::new(),
            blobs: BTreeMap::new(),
        }
    }
}

impl<T> Chronicle<T> {
    /// The document a blob holds, if it could be read.
    pub fn parsed(&self, blob: &str) -> Option<&Arc<T>> {
        self.blobs.get(blob).and_then(Option::as_ref)
    }
}

#[derive(Debug)]
pub struct History {
    /// Every commit reachable from the tip, oldest first.
    pub commits: Vec<Commit>,
    /// Position of the tip (the commit built) in `commits`.
    pub tip: usize,
    /// Catalog items, by 索引号.
    pub items: Chronicle<CatalogItem>,
    /// Powers, by 职权编码.
    pub powers: Chronicle<PowerItem>,
    /// Guides, by department slug.
    pub guides: Chronicle<Guide>,
    /// Department files, by slug.
    pub departments: Chronicle<Department>,
    /// Annual reports, by `<slug>/<year>`; a revision is the state of the
    /// TOML and its narrative together, named by [`Report::blob`].
    pub reports: Chronicle<Report>,
    /// Tags reachable from the tip, oldest first.
    pub tags: Vec<Tag>,
    /// The tag of the tip, or `<tag>-<n>-g<short id>` as `git describe`
    /// says it, or `None` before the first tag.
    pub version: Option<String>,
}

/// A document kind whose history [`History`] keeps.
pub trait Recorded: Payload {
    fn chronicle(history: &History) -> &Chronicle<Self>;
}

impl Recorded for CatalogItem {
    fn chronicle(history: &History) -> &Chronicle<Self> {
        &history.items
    }
}

impl Recorded for PowerItem {
    fn chronicle(history: &History) -> &Chronicle<Self> {
        &history.powers
    }
}

impl Recorded for Guide {
    fn chronicle(history: &History) -> &Chronicle<Self> {
        &history.guides
    }
}

impl Recorded for Department {
    fn chronicle(history: &History) -> &Chronicle<Self> {
        &history.departments
    }
}

impl Recorded for Report {
    fn chronicle(history: &History) -> &Chronicle<Self> {
        &history.reports
    }
}

impl History {
    pub fn tip(&self) -> &Commit {
        &self.commits[self.tip]
    }

    pub fn of<T: Recorded>(&self) -> &Chronicle<T> {
        T::chronicle(self)
    }

    /// Whether any kind has events for `id`.
    pub fn knows(&self, id: &str) -> bool {
        self.ids().any(|known| known == id)
    }

    /// The names `history` and `show` take ([`crate::model::DocKey::name`]).
    pub fn ids(&self) -> impl Iterator<Item = String> + '_ {
        fn names<T>(chronicle: &Chronicle<T>, kind: Kind) -> impl Iterator<Item = String> + '_ {
            chronicle
                .events
                .keys()
                .map(move |id| crate::model::DocKey::new(kind, id.as_str()).name())
        }
        names(&self.items, Kind::Item)
            .chain(names(&self.powers, Kind::Power))
            .chain(names(&self.guides, Kind::Guide))
            .chain(names(&self.departments, Kind::Department))
            .chain(names(&self.reports, Kind::Report))
    }
}

/// Where the texts of the current files come from. A revision whose blob
/// is one of them is parsed from that text rather than read from git or
/// the revision cache (at 500,000 items nearly every revision is a current
/// file; see docs/design-notes.md, "Build speed"), so the cache holds past
/// revisions only.
#[derive(Clone, Copy)]
pub enum Current<'a> {
    /// The site as `load` read it (a build): its texts are shared, not
    /// held twice.
    Loaded(&'a load::RawSite),
    /// The files under `content/` of the work tree at this root, read raw
    /// (`gongkai history`, `show`: they need the revisions, not a loaded
    /// and checked site). A file edited since the last commit has another
    /// blob id and is simply not used.
    WorkTree(&'a std::path::Path),
}

impl<'a> Current<'a> {
    /// Blob id → text of every current file.
    fn texts(self) -> HashMap<Cow<'a, str>, Loaded<'a>> {
        match self {
            Current::Loaded(raw) => {
                let items = raw
                    .items
                    .iter()
                    .map(|i| (Cow::from(i.blob.as_str()), Loaded::Item(i)));
                let powers = raw
                    .powers
                    .iter()
                    .map(|p| (Cow::from(p.blob.as_str()), Loaded::Power(p)));
                items.chain(powers).collect()
            }
            Current::WorkTree(root) => {
                // Never through a link, as `load` reads the site.
                let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(root.join("content"))
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_file())
                    .map(walkdir::DirEntry::into_path)
                    .filter(|p| p.extension().is_some_and(|x| x == "md" || x == "toml"))
                    .collect();
                files
                    .par_iter()
                    .filter_map(|path| {
                        let bytes = std::fs::read(path).ok()?;
                        let id = crate::git::blob_id(&bytes);
                        let text = Arc::from(crate::text::utf8(&bytes)?);
                        Some((Cow::from(id), Loaded::Text(text)))
                    })
                    .collect()
            }
        }
    }
}

/// Read the history of the site in `repo` up to `tip` (a commit id).
/// Commit dates are days in the site's zone (`utc_offset`, seconds east
/// of UTC), whatever zone each committer was in. `current` gives the texts
/// of the current files (see [`Current`]).
pub fn read(
    repo: &Repo,
    tip: &str,
    utc_offset: i32,
    current: Current<'_>,
) -> Result<History, GitError> {
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
            let kind = kind_of_path(&change.path);
            for blob in [&change.old, &change.new].into_iter().flatten() {
                let slot = paths.entry(blob).or_default();
                let path = match kind {
                    Kind::Item => &mut slot.catalog,
                    Kind::Power => &mut slot.power,
                    Kind::Guide => &mut slot.guide,
                    Kind::Department => &mut slot.department,
                    Kind::Report if change.path.ends_with(".md") => &mut slot.narrative,
                    Kind::Report => &mut slot.report,
                };
                path.get_or_insert(&change.path);
            }
        }
    }
    let known = current.texts();
    let parsed = read_revisions(repo, paths, &known)?;
    drop(known);
    let items = events(&order, &records, |blob, path| {
        id_of(&parsed.catalog, Kind::Item, blob, path)
    });
    let powers = events(&order, &records, |blob, path| {
        id_of(&parsed.powers, Kind::Power, blob, path)
    });
    let guides = events(&order, &records, |blob, path| {
        id_of(&parsed.guides, Kind::Guide, blob, path)
    });
    let departments = events(&order, &records, |blob, path| {
        id_of(&parsed.departments, Kind::Department, blob, path)
    });
    let reports = report_events(&order, &records, &parsed);

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
        items: Chronicle {
            events: items,
            blobs: parsed.catalog,
        },
        powers: Chronicle {
            events: powers,
            blobs: parsed.powers,
        },
        guides: Chronicle {
            events: guides,
            blobs: parsed.guides,
        },
        departments: Chronicle {
            events: departments,
            blobs: parsed.departments,
        },
        reports,
        tags,
        version,
    })
}

/// Which kind of document a changed file holds, if any: a power
/// (`content/<dept>/powers/…`), a guide (`content/<dept>/guide.md`), else
/// a catalog item (a file that does not parse as one names none).
fn kind_of_path(path: &str) -> Kind {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [_, _, "guide.md"] => Kind::Guide,
        [_, _, "department.toml"] => Kind::Department,
        [_, _, "reports", _] => Kind::Report,
        [_, _, "powers", ..] => Kind::Power,
        _ => Kind::Item,
    }
}

/// The id of the document of `kind` that a (blob, path) holds, if any.
fn id_of<T: Payload>(
    parsed: &BTreeMap<String, Option<Arc<T>>>,
    kind: Kind,
    blob: &str,
    path: &str,
) -> Option<String> {
    if kind_of_path(path) != kind {
        return None;
    }
    let doc = parsed.get(blob)?.as_ref()?;
    Some(doc.id().to_string()).filter(|s| !s.is_empty())
}

/// One path a blob had as each kind of file.
#[derive(Default, Clone, Copy)]
struct Paths<'a> {
    catalog: Option<&'a str>,
    power: Option<&'a str>,
    guide: Option<&'a str>,
    department: Option<&'a str>,
    /// An annual report's TOML, and its narrative (`.md`).
    report: Option<&'a str>,
    narrative: Option<&'a str>,
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

/// Parsed revisions of each kind, by blob id; `None` when the file could
/// not be read as one at that revision.
#[derive(Default)]
struct Parsed {
    catalog: BTreeMap<String, Option<Arc<CatalogItem>>>,
    powers: BTreeMap<String, Option<Arc<PowerItem>>>,
    guides: BTreeMap<String, Option<Arc<Guide>>>,
    departments: BTreeMap<String, Option<Arc<Department>>>,
    /// Reports' TOML files alone, and narratives (their text).
    report_tomls: BTreeMap<String, Option<Arc<Report>>>,
    narratives: BTreeMap<String, Option<Arc<SourceFile>>>,
}

/// A current file: as `load` parsed it (a build), or its text alone (a
/// file of the work tree read raw, for `history` and `show`).
enum Loaded<'a> {
    Item(&'a CatalogItem),
    Power(&'a PowerItem),
    Text(Arc<str>),
}

impl Loaded<'_> {
    fn text(&self) -> &Arc<str> {
        match self {
            Loaded::Item(i) => &i.source.text,
            Loaded::Power(p) => &p.source.text,
            Loaded::Text(text) => text,
        }
    }
}

/// Every revision named by the changes (blob id → the paths it had), parsed.
/// A revision that is a file of the loaded tree (`known`: blob id → the
/// file) shares that file's text, and when the history names it by the
/// same path, the item `load` made of it: the same function of the same
/// text, path and department, so parsed once per build instead of twice.
/// Other bytes come from the revision cache when they pass its check, from
/// git otherwise (and are then added to the cache). So the cache
/// holds past revisions only, and neither it nor the first read from git
/// grows with the items of the current tree.
fn read_revisions(
    repo: &Repo,
    paths: BTreeMap<&str, Paths>,
    known: &HashMap<Cow<'_, str>, Loaded>,
) -> Result<Parsed, GitError> {
    let stored = blobs::StoredBlobs::load(&repo.cache_dir);
    let paths: Vec<(&str, Paths)> = paths.into_iter().collect();
    let cached: Vec<Option<Revision>> = paths
        .par_iter()
        .map(|(blob, path)| {
            if let Some(file) = known.get(*blob) {
                return Some(parse_loaded(path, file));
            }
            let bytes = stored.get(blob)?;
            Some(parse_revision(path, text_of(bytes)))
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
        let path = |p: &Paths| {
            p.catalog
                .or(p.power)
                .or(p.guide)
                .or(p.department)
                .or(p.report)
                .or(p.narrative)
                .unwrap_or_default()
                .to_string()
        };
        path(a.1).cmp(&path(b.1)).then_with(|| a.0.cmp(b.0))
    });
    let reader = repo.reader();
    let mut read = Vec::with_capacity(missing.len());
    for (blob, path) in missing {
        read.push((blob, path, repo.read_blob(&reader, blob)?));
    }
    drop(reader);
    let new: Vec<(&str, &[u8])> = read
        .iter()
        .map(|(blob, _, bytes)| (*blob, bytes.as_slice()))
        .collect();
    stored.append(&repo.cache_dir, &new);
    drop(new);
    drop(stored);
    parsed.par_extend(
        read.into_par_iter()
            .map(|(blob, path, bytes)| (blob.to_string(), parse_revision(path, text_of(&bytes)))),
    );
    let mut all = Parsed::default();
    for (blob, revision) in parsed {
        if let Some(item) = revision.catalog {
            all.catalog.insert(blob.clone(), item);
        }
        if let Some(power) = revision.power {
            all.powers.insert(blob.clone(), power);
        }
        if let Some(guide) = revision.guide {
            all.guides.insert(blob.clone(), guide);
        }
        if let Some(department) = revision.department {
            all.departments.insert(blob.clone(), department);
        }
        if let Some(report) = revision.report {
            all.report_tomls.insert(blob.clone(), report);
        }
        if let Some(narrative) = revision.narrative {
            all.narratives.insert(blob, narrative);
        }
    }
    Ok(all)
}

/// One blob parsed as each kind of file it was; `None` when it never was
/// that kind, `Some(None)` when it was but could not be read as one.
struct Revision {
    catalog: Option<Option<Arc<CatalogItem>>>,
    power: Option<Option<Arc<PowerItem>>>,
    guide: Option<Option<Arc<Guide>>>,
    department: Option<Option<Arc<Department>>>,
    report: Option<Option<Arc<Report>>>,
    narrative: Option<Option<Arc<SourceFile>>>,
}

/// A revision's bytes as text, `None` when they are not UTF-8.
fn text_of(bytes: &[u8]) -> Option<Arc<str>> {
    crate::text::utf8(bytes).map(Arc::from)
}

fn parse_revision(paths: &Paths, text: Option<Arc<str>>) -> Revision {
    let text = text.as_ref();
    Revision {
        catalog: parse_as(paths.catalog, text, parse_item),
        power: parse_as(paths.power, text, parse_power),
        guide: parse_as(paths.guide, text, parse_guide),
        department: parse_as(paths.department, text, parse_department),
        report: parse_as(paths.report, text, parse_report),
        narrative: parse_as(paths.narrative, text, |path, text| {
            Some(SourceFile::new(path, Arc::clone(text)))
        }),
    }
}

/// A file of the loaded tree as [`parse_revision`] would parse it: an item
/// (or power) named by the path `load` read it from is `load`'s, cloned
/// (an incomplete one is `None`, as [`parse_item`] makes it); any other
/// kind it was, or another path, is parsed from the shared text.
fn parse_loaded(paths: &Paths, file: &Loaded) -> Revision {
    let same_path = |path: Option<&str>, source: &SourceFile| {
        path.is_some_and(|p| source.path == std::path::Path::new(p))
    };
    let item = match file {
        Loaded::Item(item) if same_path(paths.catalog, &item.source) => Some(*item),
        _ => None,
    };
    let power = match file {
        Loaded::Power(power) if same_path(paths.power, &power.source) => Some(*power),
        _ => None,
    };
    // What `load` made is taken as it is; any other kind is parsed.
    let rest = Paths {
        catalog: paths.catalog.filter(|_| item.is_none()),
        power: paths.power.filter(|_| power.is_none()),
        ..*paths
    };
    let mut revision = parse_revision(&rest, Some(Arc::clone(file.text())));
    if let Some(item) = item {
        revision.catalog = Some(item.complete.then(|| Arc::new(item.clone())));
    }
    if let Some(power) = power {
        revision.power = Some(power.complete.then(|| Arc::new(power.clone())));
    }
    revision
}

/// A blob parsed as one kind of file, when it had a path of that kind.
fn parse_as<T>(
    path: Option<&str>,
    text: Option<&Arc<str>>,
    parse: fn(&str, &Arc<str>) -> Option<T>,
) -> Option<Option<Arc<T>>> {
    path.map(|path| text.and_then(|t| parse(path, t)).map(Arc::new))
}

/// Parse one revision of a department file, as `load` parses the current one.
fn parse_department(path: &str, text: &Arc<str>) -> Option<Department> {
    let slug = path.split('/').nth(1)?;
    let mut ignored = Diagnostics::default();
    let source = SourceFile::new(path, Arc::clone(text));
    load::department::parse_department(source, slug, &mut ignored)
}

/// Parse one revision of a report's TOML, as `load` parses the current one.
fn parse_report(path: &str, text: &Arc<str>) -> Option<Report> {
    let slug = path.split('/').nth(1)?;
    let mut ignored = Diagnostics::default();
    load::report::parse_report(SourceFile::new(path, Arc::clone(text)), slug, &mut ignored)
}

/// `<slug>/<year>` of a report's file (`content/<slug>/reports/<year>.toml`
/// or `.md`): a report is named by its place, and its two files are one
/// document.
fn report_id_of_path(path: &str) -> Option<String> {
    let [_, slug, "reports", file] = path.split('/').collect::<Vec<_>>()[..] else {
        return None;
    };
    let year = file
        .strip_suffix(".toml")
        .or_else(|| file.strip_suffix(".md"))?;
    // A README beside the reports is no report.
    let is_year = !year.is_empty() && year.bytes().all(|b| b.is_ascii_digit());
    is_year.then(|| format!("{slug}/{year}"))
}

/// The blob at `path` after commit `id`, following first parents back to
/// the commit that last changed it (`None`: absent then).
fn blob_at(
    records: &BTreeMap<String, cache::CommitRecord>,
    id: &str,
    path: &str,
) -> Option<String> {
    let mut id = id;
    loop {
        let record = records.get(id)?;
        let changes = record.changes.first().into_iter().flatten();
        if let Some(change) = changes.into_iter().find(|c| c.path == path) {
            return change.new.clone();
        }
        id = record.parents.first()?;
    }
}

/// The annual reports' events: a commit that changed a report's TOML or
/// its narrative makes a revision of both files as the commit left them
/// (deleting the TOML deletes the report). A revision whose TOML cannot be
/// read, or names another year than its file, is kept as unreadable.
fn report_events(
    order: &[&String],
    records: &BTreeMap<String, cache::CommitRecord>,
    parsed: &Parsed,
) -> Chronicle<Report> {
    let mut events = events(order, records, |_, path| report_id_of_path(path));
    let mut blobs: BTreeMap<String, Option<Arc<Report>>> = BTreeMap::new();
    for (id, list) in events.iter_mut() {
        let (slug, year) = id.split_once('/').expect("made by report_id_of_path");
        let toml_path = format!("content/{slug}/reports/{year}.toml");
        let md_path = format!("content/{slug}/reports/{year}.md");
        for event in list.iter_mut() {
            let commit = order[event.commit].as_str();
            let Some(toml) = blob_at(records, commit, &toml_path) else {
                event.version = None;
                continue;
            };
            let md = blob_at(records, commit, &md_path);
            let report = parsed.report_tomls.get(&toml).cloned().flatten();
            let report = report.filter(|r| r.id == *id).map(|r| {
                match md.as_ref().and_then(|b| parsed.narratives.get(b)) {
                    Some(Some(source)) => {
                        let mut r = (*r).clone();
                        let mut ignored = Diagnostics::default();
                        let narrative = load::report::parse_narrative(source, &mut ignored);
                        load::report::attach_narrative(&mut r, (**source).clone(), narrative);
                        Arc::new(r)
                    }
                    _ => r,
                }
            });
            let blob = match (&report, &md) {
                (Some(r), _) => r.blob.clone(),
                (None, Some(md)) => crate::git::pair_id(&toml, md),
                (None, None) => toml,
            };
            blobs.entry(blob.clone()).or_insert(report);
            event.version = Some(Version {
                blob,
                path: toml_path.clone(),
            });
        }
    }
    Chronicle { events, blobs }
}

/// Parse one revision of a guide, as `load` parses the current one.
fn parse_guide(path: &str, text: &Arc<str>) -> Option<Guide> {
    let mut ignored = Diagnostics::default();
    load::department::parse_guide(SourceFile::new(path, Arc::clone(text)), &mut ignored)
}

/// Parse one revision of a catalog file, as `load` parses the current one.
fn parse_item(path: &str, text: &Arc<str>) -> Option<CatalogItem> {
    let department = path.split('/').nth(1)?;
    let mut ignored = Diagnostics::default();
    let item = load::read_catalog_item(
        SourceFile::new(path, Arc::clone(text)),
        department,
        &mut ignored,
        load::Guardrails::Skip,
    )?;
    item.complete.then_some(item)
}

/// Parse one revision of a power file, as `load` parses the current one.
fn parse_power(path: &str, text: &Arc<str>) -> Option<PowerItem> {
    let department = path.split('/').nth(1)?;
    let mut ignored = Diagnostics::default();
    let power = load::power::load_power(
        SourceFile::new(path, Arc::clone(text)),
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

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: &str = "+++\nindex_no = \"X/2024-00001\"\ntitle = \"通知\"\npublished = 2024-03-01\n\
        category = \"综合政务\"\n+++\n正文。\n";
    /// No title: read, but incomplete.
    const INCOMPLETE: &str = "+++\nindex_no = \"X/2024-00002\"\npublished = 2024-03-01\n\
        category = \"综合政务\"\n+++\n正文。\n";

    fn loaded(path: &str, text: &str) -> CatalogItem {
        let department = path.split('/').nth(1).unwrap();
        let mut d = Diagnostics::default();
        load::load_catalog_item(SourceFile::new(path, text), department, &mut d).unwrap()
    }

    fn shown(r: &Revision) -> String {
        format!("{:?} {:?}", r.catalog, r.power)
    }

    /// A loaded file's revision is the one parsing its text would give,
    /// whether it is taken from `load` (same path), parsed again (another
    /// path: another department, another source path) or incomplete.
    #[test]
    fn a_loaded_file_gives_the_revision_its_text_parses_to() {
        for (text, load_path, history_path) in [
            (ITEM, "content/a/catalog/x.md", "content/a/catalog/x.md"),
            (ITEM, "content/a/catalog/x.md", "content/b/catalog/y.md"),
            (
                INCOMPLETE,
                "content/a/catalog/x.md",
                "content/a/catalog/x.md",
            ),
        ] {
            let item = loaded(load_path, text);
            let paths = Paths {
                catalog: Some(history_path),
                ..Paths::default()
            };
            let reused = parse_loaded(&paths, &Loaded::Item(&item));
            let parsed = parse_revision(&paths, Some(Arc::from(text)));
            assert_eq!(shown(&reused), shown(&parsed), "{history_path}");
        }
        let item = loaded("content/a/catalog/x.md", ITEM);
        let paths = Paths {
            catalog: Some("content/a/catalog/x.md"),
            ..Paths::default()
        };
        let reused = parse_loaded(&paths, &Loaded::Item(&item));
        assert!(shown(&reused).contains("department: \"a\""));
        let elsewhere = Paths {
            catalog: Some("content/b/catalog/x.md"),
            ..Paths::default()
        };
        let parsed = parse_loaded(&elsewhere, &Loaded::Item(&item));
        assert!(shown(&parsed).contains("department: \"b\""));
        let incomplete = loaded("content/a/catalog/x.md", INCOMPLETE);
        assert!(matches!(
            parse_loaded(&paths, &Loaded::Item(&incomplete)).catalog,
            Some(None)
        ));
    }
}
