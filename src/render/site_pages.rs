//! The site's own pages: home, not-found, the search page, the versions
//! page, the HTML 网站地图 and the pages at former URLs. They are planned in
//! `plan.rs`; here is what each shows.

use serde::Serialize;

use crate::model::{Date, Kind};

use super::listings::ListingPage;
use super::views::{self, Link};
use super::{RenderError, Renderer, markdown, urls};

/// One revision, as the history page and snapshot notices show it.
#[derive(Serialize)]
struct ReleaseView {
    name: String,
    date: Date,
    commit: String,
    commit_short: String,
    added: Vec<ReleaseEntryView>,
    amended: Vec<ReleaseEntryView>,
    retired: Vec<ReleaseEntryView>,
}

#[derive(Serialize)]
struct ReleaseEntryView {
    index_no: String,
    title: String,
    url: String,
    snapshot_url: String,
}

#[derive(Serialize)]
struct SiteMapDepartment {
    name: String,
    url: String,
    guide_url: Option<String>,
    powers_url: Option<String>,
    reports_url: Option<String>,
}

#[derive(Serialize)]
struct SiteMapGroup {
    title: String,
    links: Vec<Link>,
}

impl Renderer<'_> {
    /// The home page: the newest items, the departments, the counts.
    pub(super) fn render_home(&self, rel: &str) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let site_lang = site.config.language;
        let mut ctx = self.context(
            site_lang,
            self.meta(site.config.title.clone(), rel, Vec::new()),
        );
        let latest: Vec<_> = site
            .items
            .iter()
            .filter(|i| !i.is_retired())
            .take(10)
            .map(|i| self.lookup.summary(i, site_lang))
            .collect();
        let departments: Vec<_> = site
            .departments
            .iter()
            .map(|d| self.lookup.department(d))
            .collect();
        ctx.insert("intro", &site.home.as_deref().map(markdown::to_html));
        ctx.insert("items", &latest);
        ctx.insert("departments", &departments);
        ctx.insert(
            "current_count",
            &site.items.iter().filter(|i| !i.is_retired()).count(),
        );
        ctx.insert(
            "archived_count",
            &site.items.iter().filter(|i| i.is_retired()).count(),
        );
        ctx.insert(
            "reports_url",
            &(!site.reports.is_empty()).then(|| self.urls().href(urls::REPORTS)),
        );
        ctx.insert("powers_url", &self.urls().href(urls::POWERS));
        ctx.insert(
            "power_count",
            &site.powers.iter().filter(|p| !p.is_retired()).count(),
        );
        super::insert_build(&mut ctx, self.build);
        self.render(site_lang, "index.html", &ctx)
    }

    /// `404.html`.
    pub(super) fn render_not_found(&self, rel: &str) -> Result<Vec<u8>, RenderError> {
        let site_lang = self.site().config.language;
        let mut meta = self.meta(self.string(site_lang, "not_found_title"), rel, Vec::new());
        meta.noindex = true;
        self.render(site_lang, "404.html", &self.context(site_lang, meta))
    }

    /// The search page, carrying the entry of the index.
    pub(super) fn render_search(&self, rel: &str, entry: &str) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let site_lang = site.config.language;
        let crumbs = vec![self.crumb(&self.string(site_lang, "home"), "")];
        let title = self.string(site_lang, "search.title");
        let mut meta = self.meta(title, rel, crumbs);
        meta.noindex = true;
        let mut ctx = self.context(site_lang, meta);
        ctx.insert(
            "search",
            &views::search_page(site, self.urls(), self.strings(site_lang), entry),
        );
        self.render(site_lang, "search.html", &ctx)
    }

    /// The releases (git tags) and what each added, amended and retired.
    pub(super) fn render_versions(&self, rel: &str) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let site_lang = site.config.language;
        let crumbs = vec![self.crumb(&self.string(site_lang, "home"), "")];
        let mut ctx = self.context(
            site_lang,
            self.meta(self.string(site_lang, "versions_title"), rel, crumbs),
        );
        let u = self.urls();
        let entries = |list: &[crate::validate::ReleaseEntry]| -> Vec<ReleaseEntryView> {
            list.iter()
                .map(|e| ReleaseEntryView {
                    index_no: e.key.name(),
                    // A guide or report without a `title` is named by its department.
                    title: match e.key.kind {
                        Kind::Guide if e.title.is_empty() => format!(
                            "{}{}",
                            self.lookup.department_name(&e.key.id),
                            self.string(site_lang, "guide_suffix")
                        ),
                        Kind::Report if e.title.is_empty() => {
                            self.default_report_title(site_lang, &e.key.id)
                        }
                        _ => e.title.clone(),
                    },
                    url: u.href(&urls::document(&e.key)),
                    snapshot_url: u.href(&urls::snapshot(&e.key, &e.blob)),
                })
                .collect()
        };
        let releases: Vec<ReleaseView> = site
            .releases
            .iter()
            .map(|r| ReleaseView {
                name: r.name.clone(),
                date: r.commit.date,
                commit: r.commit.id.clone(),
                commit_short: r.commit.short_id().to_string(),
                added: entries(&r.added),
                amended: entries(&r.amended),
                retired: entries(&r.retired),
            })
            .collect();
        ctx.insert("releases", &releases);
        ctx.insert("in_git", &site.history.is_some());
        super::insert_build(&mut ctx, self.build);
        self.render(site_lang, "versions.html", &ctx)
    }

    /// The HTML 网站地图: departments, then the listings under their sections.
    pub(super) fn render_site_map(
        &self,
        rel: &str,
        columns: &[(String, Vec<Link>)],
    ) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let site_lang = site.config.language;
        let crumbs = vec![self.crumb(&self.string(site_lang, "home"), "")];
        let mut ctx = self.context(
            site_lang,
            self.meta(self.string(site_lang, "sitemap"), rel, crumbs),
        );
        let departments: Vec<SiteMapDepartment> = site
            .departments
            .iter()
            .map(|d| {
                let powers = site.powers.iter().any(|p| p.doc.department == d.slug);
                let reports = site.reports.iter().any(|r| r.department == d.slug);
                SiteMapDepartment {
                    name: d.name.clone(),
                    url: self.urls().href(&urls::department(&d.slug)),
                    guide_url: d
                        .guide
                        .is_some()
                        .then(|| self.urls().href(&urls::guide(&d.slug))),
                    powers_url: powers.then(|| self.urls().href(&urls::department_powers(&d.slug))),
                    reports_url: reports
                        .then(|| self.urls().href(&urls::department_reports(&d.slug))),
                }
            })
            .collect();
        let columns: Vec<SiteMapGroup> = columns
            .iter()
            .map(|(title, links)| SiteMapGroup {
                title: title.clone(),
                links: links.clone(),
            })
            .collect();
        ctx.insert("departments", &departments);
        ctx.insert("columns", &columns);
        ctx.insert(
            "reports_url",
            &(!site.reports.is_empty()).then(|| self.urls().href(urls::REPORTS)),
        );
        ctx.insert("powers_url", &self.urls().href(urls::POWERS));
        self.render(site_lang, "sitemap.html", &ctx)
    }

    /// A former URL's page, pointing to `target`.
    pub(super) fn render_redirect(&self, target: &str) -> Result<Vec<u8>, RenderError> {
        let site_lang = self.site().config.language;
        let mut meta = self.meta(self.string(site_lang, "moved_title"), target, Vec::new());
        meta.noindex = true;
        let mut ctx = self.context(site_lang, meta);
        ctx.insert("target", &self.urls().href(target));
        self.render(site_lang, "redirect.html", &ctx)
    }

    /// The 网站地图 lists the first page of every listing, under its section.
    pub(super) fn site_map_columns(&self, listings: &[ListingPage]) -> Vec<(String, Vec<Link>)> {
        let lang = self.site().config.language;
        let mut columns: Vec<(String, Vec<Link>)> = Vec::new();
        for listing in listings.iter().filter(|l| l.number == 1) {
            let strings = self.strings(lang);
            let group = listing
                .parents
                .last()
                .map_or_else(String::new, |(title, _)| title.text(strings));
            let link = self.crumb(&listing.title(strings), &listing.rel);
            match columns.last_mut() {
                Some((last, links)) if *last == group => links.push(link),
                _ => columns.push((group, vec![link])),
            }
        }
        columns
    }
}
