//! A department's own page across time: a snapshot and the exact source
//! of each revision of its department.toml, and its history page. The
//! current page is planned with the other pages; a deleted department
//! keeps its page, showing its last revision and when it was deleted.

use crate::model::{Department, Kind, Language};
use crate::sink::Sink;

use super::DocumentPages;
use super::revisions::SnapshotView;
use super::{RenderError, Renderer, urls};

impl Renderer<'_> {
    pub(super) fn write_department(
        &self,
        planned: &DocumentPages<Department>,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        let department = planned.doc;
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
        if let Some(current) = &planned.current {
            sink.write(&urls::file_of(current), &page(&department.doc, None, lang)?)?;
        }
        let views = self.revision_views(department, lang);
        self.write_revisions(planned, &views, sink, |d, snapshot| {
            page(
                d,
                Some(snapshot),
                d.language.unwrap_or(site.config.language),
            )
        })?;
        let name = department.doc.name.clone();
        self.write_history_page(planned, views, lang, &name, crumbs.clone(), sink)
    }

    /// A current department's page: its newest items and what it publishes.
    pub(super) fn render_department_page(
        &self,
        rel: &str,
        slug: &str,
    ) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let site_lang = site.config.language;
        let d = self.lookup.departments[slug];
        let lang = d.language.unwrap_or(site_lang);
        let crumbs = vec![self.crumb(&self.string(lang, "home"), "")];
        let mut meta = self.meta(d.name.clone(), rel, crumbs);
        meta.feed_url = Some(self.urls().href(&urls::department_feed(slug)));
        let doc = site.department_pages.iter().find(|p| p.id() == slug);
        meta.timemap = doc
            .and_then(super::timemap::document)
            .map(|a| self.urls().absolute(&a.timemap));
        let mut ctx = self.context(lang, meta);
        let latest: Vec<_> = site
            .items
            .iter()
            .filter(|i| i.doc.department == slug && !i.is_retired())
            .take(10)
            .map(|i| self.lookup.summary(i, lang))
            .collect();
        ctx.insert("department", &self.lookup.department(d));
        ctx.insert("items", &latest);
        let key = crate::model::DocKey::new(Kind::Department, slug);
        let history = urls::history(&key).map(|h| self.urls().href(&h));
        ctx.insert("history_url", &history);
        ctx.insert(
            "reports_url",
            &site
                .reports
                .iter()
                .any(|r| r.department == slug)
                .then(|| self.urls().href(&urls::department_reports(slug))),
        );
        let powers = site
            .powers
            .iter()
            .filter(|p| p.doc.department == slug)
            .collect::<Vec<_>>();
        ctx.insert(
            "powers_url",
            &(!powers.is_empty()).then(|| self.urls().href(&urls::department_powers(slug))),
        );
        ctx.insert(
            "power_count",
            &powers.iter().filter(|p| !p.is_retired()).count(),
        );
        self.render(lang, "department.html", &ctx)
    }
}
