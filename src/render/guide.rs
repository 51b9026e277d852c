//! A department's 政府信息公开指南: its page, a snapshot and the exact
//! source of each revision, and its history page. A deleted guide stays at
//! its address, saying when it was deleted.

use crate::model::Guide;
use crate::sink::Sink;

use super::DocumentPages;
use super::urls;
use super::{RenderError, Renderer, markdown};

impl Renderer<'_> {
    pub(super) fn write_guide(
        &self,
        planned: &DocumentPages<Guide>,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        let guide = planned.doc;
        let slug = guide.id();
        let lang = self.lookup.content_language(slug);
        let department = self.lookup.departments.get(slug).copied();
        let name = self.lookup.department_name(slug);
        let title_of = |g: &Guide| {
            g.title
                .clone()
                .unwrap_or_else(|| format!("{name}{}", self.string(lang, "guide_suffix")))
        };
        let rel = urls::document(&guide.key());
        let crumbs = vec![
            self.crumb(&self.string(lang, "home"), ""),
            self.crumb(&name, &urls::department(slug)),
        ];
        let history_url = urls::history(&guide.key()).map(|h| self.urls().href(&h));
        let archived = super::timemap::document(guide);
        let page = |g: &Guide, snapshot: Option<&super::revisions::SnapshotView>, current: bool| {
            let mut meta = self.meta(title_of(g), &rel, crumbs.clone());
            meta.noindex = !current;
            if let Some(a) = &archived {
                meta.timemap = Some(self.urls().absolute(&a.timemap));
                if snapshot.is_some() {
                    meta.original = Some(self.urls().absolute(&a.original));
                }
            }
            let mut ctx = self.context(lang, meta);
            if let Some(d) = department {
                ctx.insert("department", &self.lookup.department(d));
            }
            ctx.insert("updated", &g.updated);
            ctx.insert("body", &markdown::to_html(&g.body));
            ctx.insert("snapshot", &snapshot);
            ctx.insert("history_url", &history_url);
            ctx.insert(
                "removed",
                &guide.removed.as_ref().filter(|_| current).map(|r| r.date),
            );
            self.render(lang, "guide.html", &ctx)
        };
        if let Some(current) = &planned.current {
            sink.write(&urls::file_of(current), &page(&guide.doc, None, true)?)?;
        }
        let views = self.revision_views(guide, lang);
        self.write_revisions(planned, &views, sink, |g, snapshot| {
            page(g, Some(&snapshot), false)
        })?;
        self.write_history_page(
            planned,
            views,
            lang,
            &title_of(&guide.doc),
            crumbs.clone(),
            sink,
        )
    }
}
