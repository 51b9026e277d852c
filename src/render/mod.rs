//! Stage 3, render: [`Site`] + [`Theme`] → output files, handed to a
//! [`Sink`] as they are made (so that 50,000 pages never sit in memory at
//! once).
//!
//! Pages are rendered in parallel; each file's bytes depend only on the
//! site, never on scheduling, the clock or the machine. Render never sees
//! exempt items or drafts: `validate` dropped them.

mod department;
mod diff;
mod feeds;
pub mod flowchart;
mod guide;
mod listings;
pub mod manifest;
pub mod markdown;
mod meta;
mod power;
pub mod report;
mod reuse;
mod revisions;
pub mod server;
pub mod theme;
pub mod timemap;
pub use crate::urls;
mod views;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::model::{CatalogItem, Date, Kind, Language};
use crate::sink::Sink;
use crate::validate::{Item, Site, Withdrawn};

pub use theme::Theme;
use urls::Urls;
use views::{Link, Lookup};

/// What the build is made from, shown in footers and the manifest.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BuildInfo {
    /// HEAD commit id, `None` outside git.
    pub commit: Option<String>,
    pub as_of: Option<Date>,
    /// Release (git tag) name, when HEAD is tagged.
    pub version: Option<String>,
    /// What made the build (gongkai's version and executable): a page
    /// rendered by another generator is never reused.
    #[serde(skip)]
    pub generator: String,
}

#[derive(Debug)]
pub enum RenderError {
    Template(String),
    Io(std::io::Error),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Template(s) => write!(f, "template error: {s}"),
            RenderError::Io(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl std::error::Error for RenderError {}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        RenderError::Io(e)
    }
}

fn template_error(e: tera::Error) -> RenderError {
    // Tera keeps the useful part (which variable, which line) in the source chain.
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    RenderError::Template(msg)
}

/// Counts of what was written, for the build summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderReport {
    pub pages: usize,
    pub items: usize,
}

/// Number of item pages that `render` will report through `progress`.
pub fn progress_total(site: &Site) -> usize {
    site.items.len()
}

/// The pages besides items and powers (home, departments, reports, …), and
/// the listings: what [`render`] writes, planned without a theme.
fn plan<'a>(
    site: &'a Site,
    lookup: &Lookup<'a>,
) -> (Vec<(String, Page<'a>)>, Vec<listings::ListingPage<'a>>) {
    let mut pages: Vec<(String, Page)> = vec![
        (String::new(), Page::Home),
        ("404.html".into(), Page::NotFound),
        (urls::VERSIONS.into(), Page::Versions),
    ];
    for d in &site.departments {
        pages.push((urls::department(&d.slug), Page::Department(&d.slug)));
        if site.powers.iter().any(|p| p.doc.department == d.slug) {
            pages.push((
                urls::department_powers(&d.slug),
                Page::Powers(Some(&d.slug)),
            ));
        }
        for alias in &d.aliases {
            pages.push((
                urls::department(alias),
                Page::Redirect(urls::department(&d.slug)),
            ));
            pages.push((urls::guide(alias), Page::Redirect(urls::guide(&d.slug))));
            if site.powers.iter().any(|p| p.doc.department == d.slug) {
                pages.push((
                    urls::department_powers(alias),
                    Page::Redirect(urls::department_powers(&d.slug)),
                ));
            }
            // Only listings that exist now get a redirect to them.
            let (current, archived) = lookup
                .counts
                .get(d.slug.as_str())
                .copied()
                .unwrap_or_default();
            // Catalog facet pages stay while a department has any item.
            for (root, count) in [
                (urls::CATALOG, current + archived),
                (urls::ARCHIVE, archived),
            ] {
                if count > 0 {
                    pages.push((
                        urls::facet(root, "department", alias),
                        Page::Redirect(urls::facet(root, "department", &d.slug)),
                    ));
                }
            }
        }
    }
    pages.extend(report::plan(&site.reports, &site.departments));
    pages.push((urls::POWERS.into(), Page::Powers(None)));
    let listing_pages = listings::plan(site, lookup);
    (pages, listing_pages)
}

/// The HTML pages [`render`] writes, as the search stage counts them to
/// size its files: the planned pages, the search page and the listings
/// (not the site map, which came later: counting it would move the layout
/// of every site's index), and per item its page, its history page and a
/// snapshot per revision, per power its page and its snapshots, per guide
/// and department page theirs.
pub fn html_pages(site: &Site) -> usize {
    let urls = Urls::new(&site.config.base_url);
    let lookup = Lookup::new(site, &urls);
    let (pages, listing_pages) = plan(site, &lookup);
    pages.len() + 1 + listing_pages.len() + item_pages(site)
}

fn item_pages(site: &Site) -> usize {
    site.items
        .iter()
        .map(|i| 2 + i.revisions.len())
        .sum::<usize>()
        + site
            .powers
            .iter()
            .map(|p| 1 + p.revisions.len())
            .sum::<usize>()
        + site
            .guides
            .iter()
            .map(|g| 2 + g.revisions.len())
            .sum::<usize>()
        + site
            .department_pages
            .iter()
            .map(|d| 1 + usize::from(d.removed.is_some()) + d.revisions.len())
            .sum::<usize>()
}

/// Write the site's pages and files into `sink`; `search_entry` is the
/// entry of the search index (`index::stage`), which the search page
/// carries.
pub fn render(
    site: &Site,
    theme: &Theme,
    build: &BuildInfo,
    search_entry: &str,
    sink: &dyn Sink,
    progress: &(dyn Fn() + Sync),
) -> Result<RenderReport, RenderError> {
    let urls = Urls::new(&site.config.base_url);
    let renderer = Renderer::new(site, theme, build, &urls)?;
    let lookup = &renderer.lookup;

    for (path, bytes) in theme.static_files() {
        sink.write(&format!("static/{path}"), bytes)?;
    }
    // Browsers ask for /favicon.ico on every page; a site supplies its own
    // as `themes/default/static/favicon.ico`.
    if let Some(icon) = theme.files.get("static/favicon.ico") {
        sink.write("favicon.ico", icon)?;
    }
    for (slug, path) in site.attachments.keys() {
        sink.copy(
            &urls::attachment(slug, path),
            &format!("content/{slug}/files/{path}"),
        )?;
    }

    // Item pages, their snapshots and sources: the bulk of the work.
    site.items.par_iter().try_for_each(|item| {
        renderer.write_item(item, sink)?;
        progress();
        Ok::<_, RenderError>(())
    })?;
    for withdrawn in &site.withdrawn {
        renderer.write_withdrawn(withdrawn, sink)?;
    }
    site.powers
        .par_iter()
        .try_for_each(|power| renderer.write_power(power, sink))?;
    site.guides
        .par_iter()
        .try_for_each(|guide| renderer.write_guide(guide, sink))?;
    site.department_pages
        .par_iter()
        .try_for_each(|d| renderer.write_department(d, sink))?;

    let (mut pages, listing_pages) = plan(site, lookup);
    // The planned pages, the search page (added below) and the listings.
    let page_count = pages.len() + 1 + listing_pages.len();

    // The 网站地图 lists the first page of every listing, under its section.
    let lang = site.config.language;
    let mut columns: Vec<(String, Vec<Link>)> = Vec::new();
    for listing in listing_pages.iter().filter(|l| l.number == 1) {
        let group = listing
            .parents
            .last()
            .map_or_else(String::new, |(key, _)| renderer.string(lang, key));
        let link = renderer.crumb(&listing.title(&|k| renderer.string(lang, k)), &listing.rel);
        match columns.last_mut() {
            Some((last, links)) if *last == group => links.push(link),
            _ => columns.push((group, vec![link])),
        }
    }
    pages.push((urls::SITE_MAP.into(), Page::SiteMap(columns)));
    // The search page carries the entry of the index: one request fewer.
    pages.push((urls::SEARCH.into(), Page::Search(search_entry)));
    pages.par_iter().try_for_each(|(rel, page)| {
        let bytes = renderer.render_page(rel, page)?;
        sink.write(&urls::file_of(rel), &bytes)?;
        Ok::<_, RenderError>(())
    })?;
    listing_pages.par_iter().try_for_each(|listing| {
        let bytes = renderer.render_listing(listing)?;
        sink.write(&urls::file_of(&listing.rel), &bytes)?;
        Ok::<_, RenderError>(())
    })?;

    // A feed reader does not follow an HTML redirect: a former slug's feed
    // URL serves the department's feed itself.
    let alias_feeds: BTreeMap<String, Vec<String>> = site
        .departments
        .iter()
        .map(|d| {
            let aliases = d.aliases.iter().map(|a| urls::department_feed(a)).collect();
            (urls::department_feed(&d.slug), aliases)
        })
        .collect();
    for (path, bytes) in feeds::feeds(site, lookup) {
        sink.write(&path, bytes.as_bytes())?;
        for alias in alias_feeds.get(&path).into_iter().flatten() {
            sink.write(alias, bytes.as_bytes())?;
        }
    }
    // Every page of a listing is indexable (page 2 on holds older items).
    let sitemap_pages = listing_pages
        .iter()
        .map(|l| l.rel.as_str())
        .chain(std::iter::once(urls::VERSIONS))
        .chain(
            pages
                .iter()
                .filter(|(_, p)| matches!(p, Page::Report(_) | Page::Reports(_) | Page::SiteMap(_)))
                .map(|(rel, _)| rel.as_str()),
        );
    for (path, bytes) in feeds::sitemaps(site, lookup, sitemap_pages) {
        sink.write(&path, bytes.as_bytes())?;
    }
    sink.write("robots.txt", feeds::robots(&urls).as_bytes())?;
    let archived = timemap::archived(site);
    for doc in &archived {
        sink.write(&doc.timemap, timemap::link_format(doc, &urls).as_bytes())?;
    }
    let mut plan = server_plan(site, &pages, &alias_feeds);
    plan.archived = archived;
    sink.write(server::NGINX, server::nginx(&urls, &plan).as_bytes())?;
    sink.write(
        server::REDIRECTS,
        server::redirects(&urls, &plan).as_bytes(),
    )?;
    sink.write(server::HEADERS, server::headers(&urls, &plan).as_bytes())?;
    let manifest = manifest::manifest(site, lookup, build);
    sink.write("api/manifest.json", &manifest::to_json(&manifest))?;

    let revision_files: usize = site
        .items
        .iter()
        .map(|i| 2 * i.revisions.len() + 2)
        .sum::<usize>()
        + site
            .powers
            .iter()
            .map(|p| 2 * p.revisions.len() + 1)
            .sum::<usize>()
        + site
            .guides
            .iter()
            .map(|g| 2 * g.revisions.len() + 2)
            .sum::<usize>()
        + site
            .department_pages
            .iter()
            .map(|d| 2 * d.revisions.len() + 1 + usize::from(d.removed.is_some()))
            .sum::<usize>();
    Ok(RenderReport {
        pages: page_count + revision_files,
        items: site.items.len(),
    })
}

/// What moved (former slugs' pages and feeds) and what is gone
/// (withdrawn items' URLs, answered with their neutral page).
fn server_plan(
    site: &Site,
    pages: &[(String, Page)],
    alias_feeds: &BTreeMap<String, Vec<String>>,
) -> server::ServerPlan {
    let mut plan = server::ServerPlan::default();
    for (rel, page) in pages {
        if let Page::Redirect(target) = page {
            plan.moved.push((rel.clone(), target.clone()));
        }
    }
    for (feed, aliases) in alias_feeds {
        for alias in aliases {
            plan.moved.push((alias.clone(), feed.clone()));
        }
    }
    for w in &site.withdrawn {
        let page = urls::file_of(&urls::document(&w.key));
        let gone = urls::pages_of(&w.key)
            .into_iter()
            .chain([urls::timemap(&w.key)])
            .chain(
                w.blobs
                    .iter()
                    .flat_map(|blob| [urls::snapshot(&w.key, blob), urls::source(&w.key, blob)]),
            );
        plan.gone.extend(gone.map(|url| (url, page.clone())));
    }
    plan.moved.sort();
    plan.gone.sort();
    plan
}

/// Render only the pages of the items that `wanted` picks (page, revision
/// snapshot and source), exactly as [`render`] renders them: `gongkai
/// serve` shows an edited item with this while the full render runs.
/// Returns the number of items rendered.
pub fn render_items(
    site: &Site,
    theme: &Theme,
    build: &BuildInfo,
    sink: &dyn Sink,
    wanted: &(dyn Fn(&Item) -> bool + Sync),
) -> Result<usize, RenderError> {
    let urls = Urls::new(&site.config.base_url);
    let renderer = Renderer::new(site, theme, build, &urls)?;
    let mut count = 0;
    for item in site.items.iter().filter(|i| wanted(i)) {
        renderer.write_item(item, sink)?;
        count += 1;
    }
    Ok(count)
}

enum Page<'a> {
    Home,
    NotFound,
    Department(&'a str),
    Versions,
    /// A power catalog: the site's, or one department's.
    Powers(Option<&'a str>),
    /// The search page, with the entry of the index (JSON).
    Search(&'a str),
    /// A former URL: points to its new site-relative path.
    Redirect(String),
    /// An annual report.
    Report(&'a crate::model::report::Report),
    /// The reports of one department, or of the whole site (`None`).
    Reports(Option<&'a str>),
    /// The HTML 网站地图, with the listings grouped by section.
    SiteMap(Vec<(String, Vec<Link>)>),
}

struct Renderer<'a> {
    languages: BTreeMap<Language, LanguageTemplates>,
    lookup: Lookup<'a>,
    build: &'a BuildInfo,
    keys: reuse::Keys,
}

/// The theme's templates for one interface language.
///
/// `{{ t.key }}` is replaced by the (escaped) string when the templates are
/// loaded: tens of thousands of pages then do not look up the same strings
/// again and again. Any other use of `t` (`t.validity[x]`, filters, macro
/// arguments) still finds `t` in the context, reduced to the keys that the
/// templates still use.
struct LanguageTemplates {
    tera: Tera,
    /// Every interface string, for text made in Rust.
    strings: toml::Table,
    /// `t` as templates see it.
    t: tera::Value,
    /// What every page of this language has in its context (`lang`, `t`,
    /// `site`, `build`): made once, cloned per page.
    base: Context,
}

fn base_context(lang: Language, t: &tera::Value, site: &Site, u: &Urls) -> Context {
    let config = &site.config;
    let mut ctx = Context::new();
    ctx.insert("lang", &lang);
    ctx.insert("t", t);
    ctx.insert(
        "site",
        &SiteView {
            title: &config.title,
            organization: config.organization.as_deref(),
            description: config.description.as_deref(),
            identity: &config.identity,
            domain: meta::domain(&config.base_url),
            home_url: u.href(""),
            catalog_url: u.href(urls::CATALOG),
            archive_url: u.href(urls::ARCHIVE),
            versions_url: u.href(urls::VERSIONS),
            sitemap_url: u.href(urls::SITE_MAP),
            static_url: u.href("static/"),
            search_url: u.href(urls::SEARCH),
            feed_url: u.href("atom.xml"),
            category_index_url: u.href("catalog/category/"),
            kind_index_url: u.href("catalog/kind/"),
            year_index_url: u.href("catalog/year/"),
            department_index_url: u.href("catalog/department/"),
        },
    );
    ctx
}

/// What the home and versions pages say about the build. Only they: a
/// page that named the commit would change with every commit, and could
/// never be kept from one build to the next (`reuse`).
fn insert_build(ctx: &mut Context, build: &BuildInfo) {
    ctx.insert(
        "build",
        &BuildView {
            commit: build.commit.as_deref(),
            commit_short: build.commit.as_deref().map(|c| &c[..c.len().min(10)]),
            as_of: build.as_of,
            version: build.version.as_deref(),
        },
    );
}

impl LanguageTemplates {
    fn new(templates: &[(String, String)], strings: toml::Table) -> Result<Self, RenderError> {
        let literal = regex::Regex::new(r"\{\{\s*t\.([A-Za-z0-9_]+)\s*\}\}").expect("valid regex");
        let specialised: Vec<(String, String)> = templates
            .iter()
            .map(|(name, source)| {
                let source = literal.replace_all(source, |caps: &regex::Captures| {
                    match strings.get(&caps[1]) {
                        Some(toml::Value::String(text)) => {
                            crate::text::escape(text).replace("{{", "&#123;&#123;")
                        }
                        _ => caps[0].to_string(),
                    }
                });
                (name.clone(), source.into_owned())
            })
            .collect();
        let mut tera = Tera::default();
        tera.add_raw_templates(specialised.clone())
            .map_err(template_error)?;
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default escaping also turns `/` into `&#x2F;`, which makes
        // every URL unreadable in the source; `&<>"'` are the characters
        // that matter, and this one also drops what XML forbids.
        tera.set_escape_fn(crate::text::escape);

        let dynamic_all = specialised.iter().any(|(_, s)| s.contains("t["));
        let used = regex::Regex::new(r"\bt\.([A-Za-z0-9_]+)").expect("valid regex");
        let used: std::collections::BTreeSet<&str> = specialised
            .iter()
            .flat_map(|(_, s)| {
                used.captures_iter(s)
                    .map(|c| c.get(1).expect("group").as_str())
            })
            .collect();
        let t: toml::Table = strings
            .iter()
            .filter(|(k, _)| dynamic_all || used.contains(k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let t = serde_json::to_value(t).expect("strings serialise");
        Ok(LanguageTemplates {
            tera,
            strings,
            t,
            base: Context::new(),
        })
    }
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    organization: Option<&'a str>,
    description: Option<&'a str>,
    identity: &'a crate::model::SiteIdentity,
    /// `SiteDomain`.
    domain: String,
    home_url: String,
    catalog_url: String,
    archive_url: String,
    versions_url: String,
    sitemap_url: String,
    static_url: String,
    search_url: String,
    feed_url: String,
    category_index_url: String,
    kind_index_url: String,
    year_index_url: String,
    department_index_url: String,
}

#[derive(Serialize)]
struct BuildView<'a> {
    commit: Option<&'a str>,
    commit_short: Option<&'a str>,
    as_of: Option<Date>,
    version: Option<&'a str>,
}

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

/// Per-page facts every template needs.
#[derive(Serialize)]
struct PageMeta {
    title: String,
    /// Absolute URL of the page (or, for snapshots, of the current item).
    canonical: String,
    noindex: bool,
    breadcrumbs: Vec<Link>,
    feed_url: Option<String>,
    /// `<meta name="description">` (also the 网页设计规范 `Description`).
    description: String,
    /// The 网页设计规范 column and article levels (`render/meta.rs`).
    column: Option<meta::Column>,
    article: Option<meta::Article>,
    /// schema.org JSON-LD, already safe inside `<script>`.
    json_ld: Option<String>,
    /// Memento (RFC 7089): the TimeMap of a document with revisions, and
    /// on a snapshot the current document's absolute URL.
    timemap: Option<String>,
    original: Option<String>,
}

impl<'a> Renderer<'a> {
    fn new(
        site: &'a Site,
        theme: &Theme,
        build: &'a BuildInfo,
        urls: &'a Urls,
    ) -> Result<Self, RenderError> {
        let templates = theme.templates().map_err(|e| RenderError::Template(e.0))?;
        let mut languages: BTreeMap<Language, LanguageTemplates> = BTreeMap::new();
        for code in Language::ALL {
            let lang = Language::parse(code).expect("listed language");
            let strings = theme
                .strings(lang)
                .map_err(|e| RenderError::Template(e.0))?;
            languages.insert(lang, LanguageTemplates::new(&templates, strings)?);
        }
        for (lang, templates) in languages.iter_mut() {
            templates.base = base_context(*lang, &templates.t, site, urls);
        }
        let keys = reuse::Keys::new(
            &build.generator,
            theme,
            languages.iter().map(|(lang, t)| (*lang, &t.base)),
        );
        let mut lookup = Lookup::new(site, urls);
        for (lang, templates) in &languages {
            for table in ["validity", "retired_banner", "public_note"] {
                if let Some(toml::Value::Table(labels)) = templates.strings.get(table) {
                    for (key, text) in labels {
                        if let toml::Value::String(text) = text {
                            lookup
                                .labels
                                .insert((*lang, table, key.clone()), text.clone());
                        }
                    }
                }
            }
        }
        Ok(Renderer {
            languages,
            lookup,
            build,
            keys,
        })
    }

    fn urls(&self) -> &Urls {
        self.lookup.urls
    }

    fn site(&self) -> &Site {
        self.lookup.site
    }

    fn context(&self, lang: Language, meta: PageMeta) -> Context {
        let mut ctx = self.languages[&lang].base.clone();
        ctx.insert("page", &meta);
        ctx
    }

    fn meta(&self, title: String, rel: &str, breadcrumbs: Vec<Link>) -> PageMeta {
        let config = &self.site().config;
        // A page's column is the section its breadcrumbs start from: the
        // page itself when it is a section's first page.
        let column = meta::Column {
            kind: breadcrumbs
                .get(1)
                .map_or_else(|| title.clone(), |c| c.title.clone()),
            name: title.clone(),
        };
        let description = match &config.description {
            Some(d) if title == config.title => d.clone(),
            Some(d) => format!("{title} - {d}"),
            None if title == config.title => title.clone(),
            None => format!("{title} - {}", config.title),
        };
        PageMeta {
            title,
            canonical: self.urls().absolute(rel),
            noindex: false,
            column: (!breadcrumbs.is_empty()).then_some(column),
            breadcrumbs,
            feed_url: None,
            description,
            article: None,
            json_ld: None,
            timemap: None,
            original: None,
        }
    }

    fn crumb(&self, title: &str, rel: &str) -> Link {
        Link {
            title: title.to_string(),
            url: self.urls().href(rel),
        }
    }

    fn string(&self, lang: Language, key: &str) -> String {
        self.languages[&lang]
            .strings
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
    }

    fn render(
        &self,
        lang: Language,
        template: &str,
        ctx: &Context,
    ) -> Result<Vec<u8>, RenderError> {
        // `render_to` skips `render`'s UTF-8 re-validation of every page.
        let mut out = Vec::with_capacity(16 * 1024);
        self.languages[&lang]
            .tera
            .render_to(template, ctx, &mut out)
            .map_err(template_error)?;
        Ok(out)
    }

    /// Render an item's article (the document itself) in a given state.
    fn article(
        &self,
        lang: Language,
        view: &views::ItemView,
        catalog: &CatalogItem,
    ) -> Result<String, RenderError> {
        let mut ctx = Context::new();
        ctx.insert("lang", &lang);
        ctx.insert("t", &self.languages[&lang].t);
        ctx.insert("item", view);
        ctx.insert("body", &markdown::to_html(catalog.body_markdown()));
        Ok(
            String::from_utf8(self.render(lang, "item_article.html", &ctx)?)
                .expect("templates render UTF-8"),
        )
    }

    /// The item page, its history page, and a snapshot page and the exact
    /// source of every published revision.
    fn write_item(&self, item: &Item, sink: &dyn Sink) -> Result<(), RenderError> {
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
        let archived = timemap::document(item);
        page.timemap = archived.as_ref().map(|a| self.urls().absolute(&a.timemap));
        // The page's context, with the article as what it is made from.
        let key = self.keys.page(
            lang,
            "item.html",
            &(&page, &view, c.body_markdown(), None::<()>),
        );
        self.write_keyed(sink, &urls::file_of(&rel), &key, || {
            let article = self.article(lang, &view, c)?;
            let mut ctx = self.context(lang, page);
            ctx.insert("article", &article);
            self.render(lang, "item.html", &ctx)
        })?;

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
        let snapshot_of = |rc: &CatalogItem, snapshot: &revisions::SnapshotView| {
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
            item,
            &revision_views,
            sink,
            |rc, snapshot| {
                let (rlang, rview, meta) = snapshot_of(rc, snapshot);
                let parts = (&meta, &rview, rc.body_markdown(), Some(snapshot));
                Some(self.keys.page(rlang, "item.html", &parts))
            },
            |rc, mut snapshot| {
                snapshot.later = with_diffs()[snapshot.number..].to_vec();
                let (rlang, rview, meta) = snapshot_of(rc, &snapshot);
                let article = self.article(rlang, &rview, rc)?;
                let mut ctx = self.context(rlang, meta);
                ctx.insert("article", &article);
                ctx.insert("snapshot", &snapshot);
                self.render(rlang, "item.html", &ctx)
            },
        )?;

        self.write_history_page(item, revision_views, lang, &c.title, crumbs, sink)
    }

    /// Every URL a withdrawn item had, now naming nothing about it.
    fn write_withdrawn(&self, withdrawn: &Withdrawn, sink: &dyn Sink) -> Result<(), RenderError> {
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

    fn render_page(&self, rel: &str, page: &Page) -> Result<Vec<u8>, RenderError> {
        let site = self.site();
        let site_lang = site.config.language;
        match page {
            Page::Home => {
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
                insert_build(&mut ctx, self.build);
                self.render(site_lang, "index.html", &ctx)
            }
            Page::NotFound => {
                let mut meta =
                    self.meta(self.string(site_lang, "not_found_title"), rel, Vec::new());
                meta.noindex = true;
                self.render(site_lang, "404.html", &self.context(site_lang, meta))
            }
            Page::Department(slug) => {
                let d = self.lookup.departments[slug];
                let lang = d.language.unwrap_or(site_lang);
                let crumbs = vec![self.crumb(&self.string(lang, "home"), "")];
                let mut meta = self.meta(d.name.clone(), rel, crumbs);
                meta.feed_url = Some(self.urls().href(&urls::department_feed(slug)));
                let mut ctx = self.context(lang, meta);
                let latest: Vec<_> = site
                    .items
                    .iter()
                    .filter(|i| i.doc.department == *slug && !i.is_retired())
                    .take(10)
                    .map(|i| self.lookup.summary(i, lang))
                    .collect();
                ctx.insert("department", &self.lookup.department(d));
                ctx.insert("items", &latest);
                let key = crate::model::DocKey::new(Kind::Department, *slug);
                let history = urls::history(&key).map(|h| self.urls().href(&h));
                ctx.insert("history_url", &history);
                ctx.insert(
                    "reports_url",
                    &site
                        .reports
                        .iter()
                        .any(|r| r.department == *slug)
                        .then(|| self.urls().href(&urls::department_reports(slug))),
                );
                let powers = site
                    .powers
                    .iter()
                    .filter(|p| p.doc.department == *slug)
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
            Page::Search(entry) => {
                let crumbs = vec![self.crumb(&self.string(site_lang, "home"), "")];
                let title = match self.languages[&site_lang].strings.get("search") {
                    Some(toml::Value::Table(t)) => t
                        .get("title")
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_string(),
                    _ => String::new(),
                };
                let mut meta = self.meta(title, rel, crumbs);
                meta.noindex = true;
                let mut ctx = self.context(site_lang, meta);
                ctx.insert(
                    "search",
                    &views::search_page(
                        site,
                        self.urls(),
                        &self.languages[&site_lang].strings,
                        entry,
                    ),
                );
                self.render(site_lang, "search.html", &ctx)
            }
            Page::Versions => {
                let crumbs = vec![self.crumb(&self.string(site_lang, "home"), "")];
                let mut ctx = self.context(
                    site_lang,
                    self.meta(self.string(site_lang, "versions_title"), rel, crumbs),
                );
                let u = self.urls();
                let entries = |list: &[crate::validate::ReleaseEntry]| -> Vec<ReleaseEntryView> {
                    list.iter()
                        .map(|e| ReleaseEntryView {
                            index_no: e.key.id.clone(),
                            // A guide without a `title` is named by its department.
                            title: match e.key.kind {
                                Kind::Guide if e.title.is_empty() => format!(
                                    "{}{}",
                                    self.lookup.department_name(&e.key.id),
                                    self.string(site_lang, "guide_suffix")
                                ),
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
                insert_build(&mut ctx, self.build);
                self.render(site_lang, "versions.html", &ctx)
            }
            Page::SiteMap(columns) => {
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
                            powers_url: powers
                                .then(|| self.urls().href(&urls::department_powers(&d.slug))),
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
            Page::Report(report) => self.render_report(rel, report),
            Page::Reports(slug) => self.render_reports(rel, *slug),
            Page::Powers(department) => self.render_power_catalog(rel, *department),
            Page::Redirect(target) => {
                let mut meta = self.meta(self.string(site_lang, "moved_title"), target, Vec::new());
                meta.noindex = true;
                let mut ctx = self.context(site_lang, meta);
                ctx.insert("target", &self.urls().href(target));
                self.render(site_lang, "redirect.html", &ctx)
            }
        }
    }

    fn render_listing(&self, listing: &listings::ListingPage) -> Result<Vec<u8>, RenderError> {
        let lang = self.site().config.language;
        let mut crumbs = vec![self.crumb(&self.string(lang, "home"), "")];
        for (title_key, rel) in &listing.parents {
            let title = self.languages[&lang]
                .strings
                .get(title_key)
                .and_then(|v| v.as_str())
                .unwrap_or(title_key);
            crumbs.push(self.crumb(title, rel));
        }
        let title = listing.title(&|k| self.string(lang, k));
        let mut ctx = self.context(lang, self.meta(title, &listing.rel, crumbs));
        listing.insert(&mut ctx, &self.lookup, lang, &|k| self.string(lang, k));
        self.render(lang, listing.template(), &ctx)
    }
}
