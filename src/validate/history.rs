//! The published site across time, written once for every document kind
//! (see [`crate::model::Payload`]): which revisions of each document are
//! published, which documents were deleted (retired, their URLs kept) or
//! withdrawn (their URLs naming nothing), and what each release changed.
//! Pure functions of the current documents and the [`History`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::history::{Chronicle, Commit, Event, History, Recorded};
use crate::model::{Audience, Date, Disclosure, DocKey, Payload, Validity};

/// A published document and what the as-of date makes of it.
#[derive(Clone, Debug)]
pub struct Document<T> {
    /// The current file, or the last published revision of a deleted one.
    pub doc: T,
    /// Of the document itself, on the as-of date.
    pub validity: Validity,
    /// When it stopped being current: repealed, expired or deleted,
    /// whichever came first.
    pub retired_on: Option<Date>,
    /// Set when the file was deleted from the repository.
    pub removed: Option<Removal>,
    /// Published revisions, oldest first; never empty once validated.
    pub revisions: Vec<Revision<T>>,
}

impl<T: Payload> Document<T> {
    /// A current file on the as-of date, before its revisions are known.
    pub fn current(doc: T, as_of: Date) -> Document<T> {
        let (validity, retired_on) = doc.validity_on(as_of);
        Document {
            doc,
            validity,
            retired_on,
            removed: None,
            revisions: Vec::new(),
        }
    }

    pub fn id(&self) -> &str {
        self.doc.id()
    }

    pub fn key(&self) -> DocKey {
        self.doc.key()
    }

    /// Out of the current listings: retired by its status or date, or deleted.
    pub fn is_retired(&self) -> bool {
        self.validity.is_retired() || self.removed.is_some()
    }

    /// The state readers see: `deleted`, or the validity key.
    pub fn state(&self) -> &'static str {
        if self.removed.is_some() {
            "deleted"
        } else {
            self.validity.key()
        }
    }

    /// Whether `doc` is the file in the work tree (its newest revision is
    /// held as `doc`), not a revision read from git: a deleted document's,
    /// or one being redrafted.
    pub fn is_work_tree_file(&self) -> bool {
        self.revisions.last().is_some_and(|r| r.doc.is_none())
    }

    /// What revision `i` holds (the current file when it is the latest).
    pub fn revision_doc(&self, i: usize) -> &T {
        self.revisions[i].doc.as_deref().unwrap_or(&self.doc)
    }

    /// (snapshot URL, commit) of every published revision, oldest first
    /// (the commit, with its time, is `None` for an uncommitted change):
    /// what a Memento TimeMap lists beside [`crate::urls::document`].
    pub fn snapshots(&self) -> impl Iterator<Item = (String, Option<&Commit>)> {
        let key = self.key();
        self.revisions
            .iter()
            .map(move |r| (crate::urls::snapshot(&key, &r.blob), r.commit.as_ref()))
    }
}

/// One published revision of a document.
#[derive(Clone, Debug)]
pub struct Revision<T> {
    /// The commit that made it; `None` outside git or for a change not
    /// committed yet.
    pub commit: Option<Commit>,
    pub blob: String,
    /// The document as it was; `None` when it is the current file.
    pub doc: Option<Arc<T>>,
}

impl<T> Revision<T> {
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

/// A document whose latest revision is `exempt`: its URLs stay, naming
/// nothing.
#[derive(Clone, Debug)]
pub struct Withdrawn {
    pub key: DocKey,
    /// Blobs of the revisions that used to be published.
    pub blobs: Vec<String>,
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
    pub key: DocKey,
    pub title: String,
    /// The revision the release published (for a deletion: the last one).
    pub blob: String,
}

/// Ids of current files kept out of the output.
#[derive(Debug, Default)]
pub struct WithheldIds {
    /// Exempt files (不予公开).
    pub exempt: BTreeSet<String>,
    /// Drafts, not published in this build.
    pub drafts: BTreeSet<String>,
}

/// Split current files into those published now and the ids of those kept
/// out (exempt, or drafts in a publish build), counting the latter;
/// incomplete files (their problems are reported) are left out silently.
pub fn sort_out<T: Payload>(
    docs: Vec<T>,
    audience: Audience,
    as_of: Date,
    withheld: &mut super::Withheld,
) -> (Vec<Document<T>>, WithheldIds) {
    let mut ids = WithheldIds::default();
    let mut published = Vec::new();
    for doc in docs {
        if !doc.is_complete() {
            continue;
        }
        if doc.disclosure() == Disclosure::Exempt {
            withheld.exempt += 1;
            ids.exempt.insert(doc.id().to_string());
            continue;
        }
        if doc.is_draft() && audience == Audience::Publish {
            withheld.drafts += 1;
            ids.drafts.insert(doc.id().to_string());
            continue;
        }
        published.push(Document::current(doc, as_of));
    }
    (published, ids)
}

/// The published revisions of `id`: consecutive identical bytes are one
/// revision, and a revision that is not final (draft, incomplete) or is
/// exempt is never published. Also says whether the newest revision is
/// exempt.
fn published<T: Payload>(
    history: &History,
    chronicle: &Chronicle<T>,
    id: &str,
) -> (Vec<Revision<T>>, bool) {
    let mut revisions = Vec::new();
    let mut last_blob: Option<&str> = None;
    let mut latest_exempt = false;
    for event in chronicle.events.get(id).into_iter().flatten() {
        let Some(version) = &event.version else {
            continue;
        };
        let Some(value) = chronicle.parsed(&version.blob) else {
            continue;
        };
        let disclosure = value.disclosure();
        latest_exempt = disclosure == Disclosure::Exempt;
        let repeated = last_blob == Some(version.blob.as_str());
        last_blob = Some(&version.blob);
        if repeated || disclosure != Disclosure::Active || !value.is_final() {
            continue;
        }
        revisions.push(Revision {
            commit: Some(history.commits[event.commit].clone()),
            blob: version.blob.clone(),
            doc: Some(value.clone()),
        });
    }
    (revisions, latest_exempt)
}

fn uncommitted<T: Payload>(doc: &T) -> Revision<T> {
    Revision {
        commit: None,
        blob: doc.blob().to_string(),
        doc: None,
    }
}

/// Attach revisions to the current documents of one kind; add deleted ones
/// (retired, showing their last published revision) and withdrawn ones
/// (latest revision exempt, or exempt on disk). Without a history a
/// document's one revision is its current file. Deleted documents come
/// after the current ones, by id.
pub fn merge<T: Recorded>(
    mut docs: Vec<Document<T>>,
    withheld: &WithheldIds,
    history: Option<&History>,
    as_of: Date,
) -> (Vec<Document<T>>, Vec<Withdrawn>) {
    let Some(history) = history else {
        for doc in &mut docs {
            doc.revisions = vec![uncommitted(&doc.doc)];
        }
        return (docs, Vec::new());
    };
    let chronicle = history.of::<T>();
    for doc in &mut docs {
        let (mut revisions, _) = published(history, chronicle, doc.id());
        match revisions.last_mut() {
            Some(last) if last.blob == doc.doc.blob() => last.doc = None,
            _ => revisions.push(uncommitted(&doc.doc)),
        }
        doc.revisions = revisions;
    }
    let published_now: BTreeSet<String> = docs.iter().map(|d| d.id().to_string()).collect();
    let mut withdrawn = Vec::new();
    for (id, events) in &chronicle.events {
        if published_now.contains(id) {
            continue;
        }
        let (revisions, latest_exempt) = published(history, chronicle, id);
        if revisions.is_empty() {
            continue;
        }
        let on_disk = withheld.exempt.contains(id) || withheld.drafts.contains(id);
        if withheld.exempt.contains(id) || (!on_disk && latest_exempt) {
            withdrawn.push(Withdrawn {
                key: DocKey::new(T::KIND, id.clone()),
                blobs: revisions.iter().map(|r| r.blob.clone()).collect(),
            });
            continue;
        }
        let last = revisions.last().expect("not empty");
        let doc = (**last.doc.as_ref().expect("from history")).clone();
        let removed = if withheld.drafts.contains(id) {
            // Being redrafted: the last published revision stays current.
            None
        } else {
            Some(removal(history, events, as_of))
        };
        let (validity, retired_on) = doc.validity_on(as_of);
        let retired_on = match (&removed, retired_on) {
            (Some(r), Some(d)) => Some(d.min(r.date)),
            (Some(r), None) => Some(r.date),
            (None, d) => d,
        };
        docs.push(Document {
            doc,
            validity,
            retired_on,
            removed,
            revisions,
        });
    }
    (docs, withdrawn)
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

/// What a document was at a commit position: its last revision up to
/// there, and whether it was retired then (by its deletion, status or
/// dates). `None` when it was not published then.
fn state_at<T: Recorded>(
    history: &History,
    doc: &Document<T>,
    pos: usize,
) -> Option<(String, bool)> {
    let (i, revision) = doc
        .revisions
        .iter()
        .enumerate()
        .rev()
        .find(|(_, r)| r.commit.as_ref().is_some_and(|c| c.position <= pos))?;
    let removed_before = deleted_by(&history.of::<T>().events, doc.id(), pos);
    let retired = removed_before
        || doc
            .revision_doc(i)
            .validity_on(history.commits[pos].date)
            .0
            .is_retired();
    Some((revision.blob.clone(), retired))
}

/// File every document of one kind into a release: what it was at the tag
/// and at the previous one.
fn classify_all<T: Recorded>(
    history: &History,
    release: &mut Release,
    docs: &[Document<T>],
    tag: usize,
    previous: Option<usize>,
) {
    for doc in docs {
        let now = state_at(history, doc, tag);
        let before = previous.and_then(|p| state_at(history, doc, p));
        classify(release, before, now, |blob| ReleaseEntry {
            key: doc.key(),
            title: doc.doc.title().to_string(),
            blob: blob.to_string(),
        });
    }
}

/// Releases, newest first: for each tag, what changed since the previous tag.
pub fn releases(
    history: Option<&History>,
    items: &[super::Item],
    powers: &[super::Power],
    guides: &[Document<crate::model::Guide>],
    departments: &[Document<crate::model::Department>],
    reports: &[Document<crate::model::report::Report>],
) -> Vec<Release> {
    let Some(history) = history else {
        return Vec::new();
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
        classify_all(history, &mut release, items, tag.commit, previous);
        classify_all(history, &mut release, powers, tag.commit, previous);
        classify_all(history, &mut release, guides, tag.commit, previous);
        classify_all(history, &mut release, departments, tag.commit, previous);
        classify_all(history, &mut release, reports, tag.commit, previous);
        for list in [
            &mut release.added,
            &mut release.amended,
            &mut release.retired,
        ] {
            list.sort_by(|a, b| a.key.cmp(&b.key));
        }
        releases.push(release);
        previous = Some(tag.commit);
    }
    releases.reverse();
    releases
}

/// File one document's change between two releases: (blob, retired) before and
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
