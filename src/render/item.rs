//! A catalog item's pages: its page, a snapshot and the exact source of
//! each revision, its history page; and what is left at a withdrawn item's
//! URLs.

use tera::Context;

use crate::model::CatalogItem;
use crate::model::Language;
use crate::sink::Sink;
use crate::validate::Withdrawn;

use super::DocumentPages;
use super::revisions::SnapshotView;
use super::{RenderError, Renderer, markdown, meta, timemap, urls, views};

impl Renderer<'_> {
    /// Render an item's article (the document itself) in a given state,
    /// from its body already rendered to HTML.
    fn article(
        &self,
        lang: Language,
        view: &views::ItemView,
        body: &str,
    ) -> Result<String, RenderError> {
        let mut ctx = Context::new();
        ctx.insert("lang", &lang);
        ctx.insert("t", &self.languages[&lang].t);
        ctx.insert("item", view);
        ctx.insert("body", body);
        Ok(
            String::from_utf8(self.render(lang, "item_article.html", &ctx)?)
                .expect("templates render UTF-8"),
        )
    }

    /// The item page, its history page, and a snapshot page and the exact
    /// source of every published revision.
    pub(super) fn write_item(
        &self,
        planned: &DocumentPages<CatalogItem>,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        let item = planned.doc;
        let c = &item.doc;
        let id = item.id();
        let lang = self.lookup.content_language(&c.department);
        let view = self.lookup.item(item, lang);
        let rel = urls::item(id);
        let department = self.lookup.department_name(&c.department);
        let crumbs = vec![
            self.crumb(&self.string(lang, "home"), ""),
            self.crumb(&department, &urls::department(&c.department)),
        ];
        let mut page = self.meta(c.title.clone(), &rel, crumbs.clone());
        let archived = timemap::document(item);
        page.timemap = archived.as_ref().map(|a| self.urls().absolute(&a.timemap));
        // What only the item page's `<head>` says about the item: made from
        // the title, the canonical URL, the view and the Markdown, all in
        // the page's key, so made only when the page is rendered (the
        // description reads the whole Markdown).
        let head = |page: &mut super::PageMeta| {
            page.description =
                meta::description(&crate::index::plain_text(c.body_markdown()), &c.title);
            page.article = Some(meta::article(&view, &page.canonical));
            let root = self.urls().absolute("");
            let origin = &root[..root.len() - self.urls().base_path.len()];
            page.json_ld = Some(meta::legislation(
                &view,
                &page.canonical,
                &|href| format!("{origin}{href}"),
                &page.description,
            ));
        };
        // The current revision is shown twice, on the item's page and on
        // its snapshot: its body is rendered to HTML once (Markdown and
        // sanitizer: the most expensive part of a page), and its article
        // once when both show it in the same state (the usual case).
        let body = std::cell::OnceCell::new();
        let shared = std::cell::OnceCell::new();
        let article = |rlang: Language, rview: &views::ItemView, rc: &CatalogItem| {
            let markdown = rc.body_markdown();
            if markdown != c.body_markdown() {
                return self.article(rlang, rview, &markdown::to_html(markdown));
            }
            if let Some((l, v, html)) = shared.get()
                && (*l, v) == (rlang, rview)
            {
                return Ok(String::clone(html));
            }
            let body = body.get_or_init(|| markdown::to_html(markdown));
            let html = self.article(rlang, rview, body)?;
            if shared.get().is_none() {
                let _ = shared.set((rlang, rview.clone(), html.clone()));
            }
            Ok(html)
        };
        if let Some(current) = &planned.current {
            // The page's context, with the article as what it is made from.
            let key = self
                .keys
                .page(lang, "item.html", &(&page, &view, None::<()>), &c.blob);
            self.write_keyed(sink, &urls::file_of(current), &key, || {
                head(&mut page);
                let article = article(lang, &view, c)?;
                let mut ctx = self.context(lang, page);
                ctx.insert("article", &article);
                self.render(lang, "item.html", &ctx)
            })?;
        }

        let as_of = self.site().as_of;
        // Diffs are made only for pages that are rendered.
        let revision_views = self.revision_list(item);
        let diffed = std::cell::OnceCell::new();
        let with_diffs = || {
            diffed.get_or_init(|| {
                let mut views = revision_views.clone();
                self.add_diffs(item, lang, &mut views);
                views
            })
        };
        let snapshot_of = |rc: &CatalogItem, snapshot: &SnapshotView| {
            let (validity, retired_on) = rc.validity_on(snapshot.date.unwrap_or(as_of));
            let rlang = self.lookup.content_language(&rc.department);
            let state = views::DocumentState::of_revision(validity, retired_on);
            let rview = self.lookup.document(rc, state, rlang);
            let mut meta = self.meta(rc.title.clone(), &rel, crumbs.clone());
            meta.noindex = true;
            if let Some(a) = &archived {
                meta.timemap = Some(self.urls().absolute(&a.timemap));
                meta.original = Some(self.urls().absolute(&a.original));
            }
            (rlang, rview, meta)
        };
        self.write_revisions_keyed(
            planned,
            &revision_views,
            sink,
            |rc, snapshot| {
                let (rlang, rview, meta) = snapshot_of(rc, snapshot);
                let parts = (&meta, &rview, Some(snapshot));
                Some(self.keys.page(rlang, "item.html", &parts, &rc.blob))
            },
            |rc, mut snapshot| {
                snapshot.later = with_diffs()[snapshot.number..].to_vec();
                let (rlang, rview, meta) = snapshot_of(rc, &snapshot);
                let article = article(rlang, &rview, rc)?;
                let mut ctx = self.context(rlang, meta);
                ctx.insert("article", &article);
                ctx.insert("snapshot", &snapshot);
                self.render(rlang, "item.html", &ctx)
            },
        )?;

        self.write_history_page(planned, revision_views, lang, &c.title, crumbs, sink)
    }

    /// Every URL a withdrawn item had, now naming nothing about it.
    pub(super) fn write_withdrawn(
        &self,
        withdrawn: &Withdrawn,
        sink: &dyn Sink,
    ) -> Result<(), RenderError> {
        let lang = self.site().config.language;
        let mut meta = self.meta(self.string(lang, "withdrawn_title"), "", Vec::new());
        meta.noindex = true;
        meta.canonical = String::new();
        let page = self.render(lang, "withdrawn.html", &self.context(lang, meta))?;
        let note = format!("{}\n", self.string(lang, "withdrawn_text"));
        let key = &withdrawn.key;
        for rel in urls::pages_of(key) {
            sink.write(&urls::file_of(&rel), &page)?;
        }
        // Its TimeMap goes with it: the URL stays, naming nothing.
        sink.write(&urls::timemap(key), note.as_bytes())?;
        for blob in &withdrawn.blobs {
            sink.write(&urls::snapshot(key, blob), &page)?;
            sink.write(&urls::source(key, blob), note.as_bytes())?;
        }
        Ok(())
    }
}
