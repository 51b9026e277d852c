//! One rebuild after a batch of changes: load (reusing unchanged files),
//! validate, render the edited items first so that their pages show at
//! once, then render the whole site in memory and swap it in.
//!
//! Why not finer-grained: a full in-memory render of the 38-item example
//! takes milliseconds, but 10,000 items take over a second on two cores,
//! and an edited title also appears in listings, feeds and the home page.
//! Rendering only the edited items first (their pages depend on the whole
//! validated site, which is cheap to rebuild from cached parses) shows the
//! edit within tens of milliseconds; requests for other pages wait for the
//! full render, so a page is never older than the one before it.

use std::collections::{BTreeSet, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::build;
use crate::diagnostics::Diagnostics;
use crate::load::{self, ItemCache};
use crate::model::{Audience, Date};
use crate::render::{self, RenderError, Theme, urls};
use crate::validate::Item;

use super::State;
use super::memory::MemorySink;
use super::watch::Change;

/// What one rebuild did, for the terminal.
#[derive(Debug)]
pub struct RebuildReport {
    /// What triggered it; empty for the first build.
    pub changes: Vec<Change>,
    pub outcome: Outcome,
    /// Errors and warnings of the content, as `check` reports them.
    pub diagnostics: Diagnostics,
    /// When the edited items' pages were served, if they went first.
    pub edited_shown_after: Option<Duration>,
    pub elapsed: Duration,
    /// Items shown (drafts included).
    pub items: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every page is current.
    Rebuilt,
    /// The content has errors: the previous pages are served, with the
    /// errors over them.
    ContentErrors,
    /// The theme or a file could not be read, or a template failed.
    Failed(String),
    /// A newer edit arrived during the full render, which was abandoned
    /// for the next rebuild.
    Superseded,
}

pub struct Builder {
    root: PathBuf,
    /// `http://127.0.0.1:<port>/`: links must lead to this server.
    base_url: String,
    as_of: Option<Date>,
    cache: ItemCache,
    /// Catalog items edited since the last complete render: rendered ahead
    /// of it after every change until one completes.
    edited: BTreeSet<PathBuf>,
}

impl Builder {
    pub fn new(root: &Path, base_url: &str, as_of: Option<Date>) -> Builder {
        Builder {
            root: root.to_path_buf(),
            base_url: base_url.to_string(),
            as_of,
            cache: ItemCache::default(),
            edited: BTreeSet::new(),
        }
    }

    /// Rebuild after `changes` and publish the result to `state`. Setting
    /// `cancel` abandons the full render (a newer edit has arrived).
    pub fn rebuild(
        &mut self,
        changes: Vec<Change>,
        state: &State,
        cancel: &AtomicBool,
    ) -> RebuildReport {
        let started = Instant::now();
        for change in &changes {
            match change {
                Change::Item(path) => {
                    self.cache.item_changed(path);
                    self.edited.insert(path.clone());
                }
                _ => self.cache.site_changed(),
            }
        }
        let mut report = RebuildReport {
            changes,
            outcome: Outcome::Rebuilt,
            diagnostics: Diagnostics::default(),
            edited_shown_after: None,
            elapsed: Duration::ZERO,
            items: 0,
        };
        report.outcome = self.run(state, cancel, started, &mut report);
        report.elapsed = started.elapsed();
        report
    }

    fn run(
        &mut self,
        state: &State,
        cancel: &AtomicBool,
        started: Instant,
        report: &mut RebuildReport,
    ) -> Outcome {
        let (raw, diagnostics) = match load::load_reusing(&self.root, Some(&mut self.cache)) {
            Ok(loaded) => loaded,
            Err(e) => {
                return failed(
                    state,
                    format!("cannot read the site at {}: {e}", self.root.display()),
                );
            }
        };
        let snapshot = build::validate_loaded(
            &self.root,
            raw,
            diagnostics,
            self.as_of,
            Audience::Preview,
            None,
        );
        report.diagnostics = snapshot.diagnostics;
        let mut site = match snapshot.site {
            Some(site) if !report.diagnostics.has_errors() => site,
            _ => {
                let errors = Diagnostics(
                    report
                        .diagnostics
                        .0
                        .iter()
                        .filter(|d| d.is_error())
                        .cloned()
                        .collect(),
                );
                state.show_errors(errors.error_count(), errors.render_human(false));
                return Outcome::ContentErrors;
            }
        };
        report.items = site.items.len();
        site.config.base_url = self.base_url.clone();
        let theme = match Theme::load(&self.root, &site.config.theme) {
            Ok(theme) => theme,
            Err(e) => return failed(state, format!("theme: {e}")),
        };
        let drafts: HashSet<String> = site
            .items
            .iter()
            .filter(|i| i.doc.draft)
            .map(|i| urls::file_of(&urls::item(i.id())))
            .chain(
                site.powers
                    .iter()
                    .filter(|p| p.doc.draft)
                    .map(|p| urls::file_of(&urls::power(p.id()))),
            )
            .collect();

        if !self.edited.is_empty() && state.has_pages() {
            let sink = MemorySink::new(&self.root, None);
            let edited = &self.edited;
            let wanted = |item: &Item| edited.contains(&item.doc.source.path);
            match render::render_items(&site, &theme, &snapshot.build, &sink, &wanted) {
                Ok(0) => {}
                Ok(_) => {
                    state.show_edited(sink.into_files(), drafts.clone());
                    report.edited_shown_after = Some(started.elapsed());
                }
                Err(e) => return failed(state, e.to_string()),
            }
        }

        let sink = MemorySink::new(&self.root, Some(cancel));
        match crate::build::search_and_render(&site, &theme, &snapshot.build, &sink, &|| {}) {
            Ok(_) => {
                let announce = report.edited_shown_after.is_none();
                state.show_all(sink.into_files(), drafts, announce);
                self.edited.clear();
                Outcome::Rebuilt
            }
            Err(RenderError::Io(e)) if e.kind() == io::ErrorKind::Interrupted => {
                Outcome::Superseded
            }
            Err(e) => failed(state, e.to_string()),
        }
    }
}

fn failed(state: &State, message: String) -> Outcome {
    state.show_errors(1, format!("error: {message}\n"));
    Outcome::Failed(message)
}
