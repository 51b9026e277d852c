//! A department's own page across time: a snapshot and the exact source
//! of each revision of its department.toml, and its history page. The
//! current page is planned with the other pages; a deleted department
//! keeps its page, showing its last revision and when it was deleted.

use crate::model::{Department, Language};
use crate::sink::Sink;
use crate::validate::Document;

use super::revisions::SnapshotView;
use super::{RenderError, Renderer, urls};

impl Renderer<'_> {
    pub(super) fn write_department(
        &self,
        department: &Document<Department>,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        let slug = department.id();
        let site = self.site();
        let lang = department.doc.language.unwrap_or(site.config.language);
        let rel = urls::document(&department.key());
        let crumbs = vec![self.crumb(&self.string(lang, "home"), "")];
        let history_url = urls::history(&department.key()).map(|h| self.urls().href(&h));
        let archived = super::timemap::document(department);
        let page = |d: &Department, snapshot: Option<SnapshotView>, lang: Language| {
            let mut meta = self.meta(d.name.clone(), &rel, crumbs.clone());
            meta.noindex = snapshot.is_some();
            if let Some(a) = &archived {
                meta.timemap = Some(self.urls().absolute(&a.timemap));
                if snapshot.is_some() {
                    meta.original = Some(self.urls().absolute(&a.original));
                }
            }
            let mut ctx = self.context(lang, meta);
            ctx.insert("department", &self.lookup.department(d));
            ctx.insert("items", &Vec::<()>::new());
            ctx.insert("snapshot", &snapshot);
            ctx.insert("history_url", &history_url);
            ctx.insert("removed", &department.removed.as_ref().map(|r| r.date));
            self.render(lang, "department.html", &ctx)
        };
        // A former slug of a current department redirects there instead.
        let alias = site
            .departments
            .iter()
            .any(|d| d.aliases.iter().any(|a| a == slug));
        if department.removed.is_some() && !alias {
            sink.write(&urls::file_of(&rel), &page(&department.doc, None, lang)?)?;
        }
        let views = self.revision_views(department, lang);
        self.write_revisions(department, &views, sink, |d, snapshot| {
            page(
                d,
                Some(snapshot),
                d.language.unwrap_or(site.config.language),
            )
        })?;
        let name = department.doc.name.clone();
        self.write_history_page(department, views, lang, &name, crumbs.clone(), sink)
    }
}
