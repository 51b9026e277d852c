//! What every document kind's revisions look like on the site, written
//! once: the list of revisions (with what each changed), and for each
//! published revision a snapshot page and its exact source. The kind only
//! says how one revision's snapshot page is rendered.

use serde::Serialize;

use crate::model::{Date, Language, Payload};
use crate::sink::{Key, Sink};
use crate::validate::Document;

use super::DocumentPages;
use super::urls;
use super::views::Link;
use super::{RenderError, Renderer, diff};

/// One revision in a list of revisions.
#[derive(Clone, Serialize)]
pub(super) struct RevisionView {
    pub number: usize,
    pub date: Option<Date>,
    pub commit: Option<String>,
    pub commit_short: Option<String>,
    pub message: Option<String>,
    pub blob: String,
    pub snapshot_url: String,
    pub source_url: String,
    /// HTML of the changes from the previous revision's source.
    pub diff: Option<String>,
}

/// A snapshot's notice: which revision of how many, and where the others are.
#[derive(Serialize)]
pub(super) struct SnapshotView {
    pub number: usize,
    pub count: usize,
    pub date: Option<Date>,
    pub current_url: String,
    /// The page listing the revisions, for kinds that have one.
    pub history_url: Option<String>,
    pub source_url: String,
    /// The revisions after this one, oldest first.
    pub later: Vec<RevisionView>,
    /// When the document's file was deleted, if it was.
    pub removed: Option<Date>,
}

/// The exact source of revision `i` of `doc`: its (first) file, named by
/// that file's blob id.
pub(super) fn source_of<T: Payload>(doc: &Document<T>, i: usize) -> String {
    let files = doc.revision_doc(i).files();
    let (blob, extension, _) = &files[0];
    urls::source_file(&doc.key(), blob, extension)
}

impl Renderer<'_> {
    /// Every published revision of `doc`, oldest first, each with the diff
    /// from the one before.
    pub(super) fn revision_views<T: Payload>(
        &self,
        doc: &Document<T>,
        lang: Language,
    ) -> Vec<RevisionView> {
        let mut views = self.revision_list(doc);
        self.add_diffs(doc, lang, &mut views);
        views
    }

    /// The diff of every revision from the one before, into `views`.
    pub(super) fn add_diffs<T: Payload>(
        &self,
        doc: &Document<T>,
        lang: Language,
        views: &mut [RevisionView],
    ) {
        let labels = diff::DiffLabels {
            removed: &self.string(lang, "diff_removed"),
            added: &self.string(lang, "diff_added"),
        };
        // Every file of the revision, in order (one, except a report with
        // its narrative).
        let text_of = |i: usize| {
            let files = doc.revision_doc(i).files();
            files.iter().map(|f| f.2).collect::<Vec<_>>().join("\n")
        };
        for (i, view) in views.iter_mut().enumerate().skip(1) {
            view.diff = Some(diff::to_html(&text_of(i - 1), &text_of(i), &labels));
        }
    }

    /// [`Self::revision_views`] without the diffs: enough for a key, since
    /// a diff is made from the two revisions' sources, which the blob ids
    /// name.
    pub(super) fn revision_list<T: Payload>(&self, doc: &Document<T>) -> Vec<RevisionView> {
        let u = self.urls();
        let key = doc.key();
        doc.revisions
            .iter()
            .enumerate()
            .map(|(i, r)| RevisionView {
                diff: None,
                number: i + 1,
                date: r.date(),
                commit: r.commit.as_ref().map(|c| c.id.clone()),
                commit_short: r.commit.as_ref().map(|c| c.short_id().to_string()),
                message: r.commit.as_ref().and_then(|c| c.public_note.clone()),
                blob: r.blob.clone(),
                snapshot_url: u.href(&urls::snapshot(&key, &r.blob)),
                source_url: u.href(&source_of(doc, i)),
            })
            .collect()
    }

    /// The snapshot page and the exact source of every revision the plan
    /// lists for `planned.doc`. `page` renders revision `i` (what it held,
    /// and the snapshot's notice).
    pub(super) fn write_revisions<T: Payload>(
        &self,
        planned: &DocumentPages<T>,
        views: &[RevisionView],
        sink: &dyn Sink,
        page: impl Fn(&T, SnapshotView) -> Result<Vec<u8>, RenderError>,
    ) -> Result<(), RenderError> {
        self.write_revisions_keyed(planned, views, sink, |_, _| None, page)
    }

    /// [`Self::write_revisions`], where `key` gives the key of revision
    /// `i`'s snapshot page (`reuse`): everything `page` makes it from.
    pub(super) fn write_revisions_keyed<T: Payload>(
        &self,
        planned: &DocumentPages<T>,
        views: &[RevisionView],
        sink: &dyn Sink,
        key: impl Fn(&T, &SnapshotView) -> Option<Key>,
        page: impl Fn(&T, SnapshotView) -> Result<Vec<u8>, RenderError>,
    ) -> Result<(), RenderError> {
        let u = self.urls();
        let doc = planned.doc;
        let doc_key = doc.key();
        for &i in &planned.snapshots {
            let revision = &doc.revisions[i];
            let held = doc.revision_doc(i);
            let snapshot = SnapshotView {
                number: i + 1,
                count: doc.revisions.len(),
                date: revision.date(),
                current_url: u.href(&urls::document(&doc_key)),
                history_url: urls::history(&doc_key).map(|h| u.href(&h)),
                source_url: views[i].source_url.clone(),
                later: views[i + 1..].to_vec(),
                removed: doc.removed.as_ref().map(|r| r.date),
            };
            let rel = urls::snapshot(&doc_key, &revision.blob);
            match key(held, &snapshot) {
                Some(k) => self.write_keyed(sink, &rel, &k, || page(held, snapshot))?,
                None => sink.write(&rel, &page(held, snapshot)?)?,
            }
            // The exact bytes of the blob each path names.
            for (blob, extension, text) in held.files() {
                let source = urls::source_file(&doc_key, &blob, extension);
                self.write_keyed(sink, &source, &self.keys.path(&source), || {
                    Ok(text.as_bytes().to_vec())
                })?;
            }
        }
        Ok(())
    }

    /// The history page of `planned.doc`, when the plan lists one: its
    /// revisions newest first, each with what it changed. `crumbs` lead to
    /// the document's page.
    pub(super) fn write_history_page<T: Payload>(
        &self,
        planned: &DocumentPages<T>,
        mut revisions: Vec<RevisionView>,
        lang: Language,
        title: &str,
        mut crumbs: Vec<Link>,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        let doc = planned.doc;
        let key = doc.key();
        let Some(rel) = &planned.history else {
            return Ok(());
        };
        revisions.reverse();
        let page = urls::document(&key);
        crumbs.push(self.crumb(title, &page));
        let mut meta = self.meta(self.string(lang, "history_title"), rel, crumbs);
        meta.noindex = true;
        let item = Link {
            title: title.to_string(),
            url: self.urls().href(&page),
        };
        let removed = doc.removed.as_ref().map(|r| r.date);
        let key = self.keys.page(
            lang,
            "history.html",
            &(&meta, &item, &revisions, removed),
            "",
        );
        self.write_keyed(sink, &urls::file_of(rel), &key, || {
            // Given without diffs (`revision_list`): made only now, when
            // the page is rendered.
            if revisions.iter().any(|r| r.diff.is_none() && r.number > 1) {
                revisions.reverse();
                self.add_diffs(doc, lang, &mut revisions);
                revisions.reverse();
            }
            let mut ctx = self.context(lang, meta);
            ctx.insert("item", &item);
            ctx.insert("revision_count", &revisions.len());
            ctx.insert("revisions", &revisions);
            ctx.insert("removed", &removed);
            self.render(lang, "history.html", &ctx)
        })
    }
}
