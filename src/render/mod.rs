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
mod item;
mod listings;
pub mod manifest;
pub mod markdown;
mod meta;
mod plan;
mod power;
pub mod report;
mod reuse;
mod revisions;
pub mod server;
mod site_pages;
pub mod theme;
pub mod timemap;
pub use crate::urls;
mod views;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::model::{Date, Language};
use crate::sink::Sink;
use crate::validate::{Item, Site};

pub use plan::html_pages;
use plan::{DocumentPages, Page, Plan};
pub use theme::{Strings, Theme, ThemeError};
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
    /// A template cannot be compiled or rendered: Tera's error, which
    /// names the template, with its cause.
    Template(tera::Error),
    Theme(ThemeError),
    Io(std::io::Error),
    /// An item's file cannot be read again as it was validated
    /// ([`Texts`]): the error names the file and says to build again.
    Changed(std::io::Error),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Template(e) => {
                // Tera keeps the useful part (which variable, which line) in
                // the source chain; a reader of one line needs it too.
                write!(f, "template error: {e}")?;
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    write!(f, ": {s}")?;
                    source = s.source();
                }
                Ok(())
            }
            RenderError::Theme(e) => write!(f, "theme: {e}"),
            RenderError::Io(e) => write!(f, "cannot write output: {e}"),
            RenderError::Changed(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RenderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RenderError::Template(e) => Some(e),
            RenderError::Theme(e) => Some(e),
            RenderError::Io(e) | RenderError::Changed(e) => Some(e),
        }
    }
}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        RenderError::Io(e)
    }
}

impl From<ThemeError> for RenderError {
    fn from(e: ThemeError) -> Self {
        RenderError::Theme(e)
    }
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

/// The current texts of a site's items, taken out of it: each is read
/// again from its file (and checked against the blob id it was loaded
/// with, [`crate::load::read_again`]) for its item's pages, then freed.
/// Only those pages read them; the search stage holds its own references,
/// taken before, and frees each once analysed. Held for the whole build,
/// they were 5 kB of the 12 kB a build held per item at its peak
/// (docs/design-notes.md, "Peak memory").
pub struct Texts {
    root: std::path::PathBuf,
}

impl Texts {
    /// Takes the text of every item loaded from the files under `root`
    /// out of `site` (a revision read from git, shown for a deleted item
    /// or one being redrafted, keeps its own), leaving an empty one: the
    /// site must then be rendered by [`render_with`] with these texts,
    /// since nothing else may read such an item's body any more.
    pub fn take(site: &mut Site, root: &std::path::Path) -> Texts {
        let empty: std::sync::Arc<str> = std::sync::Arc::from("");
        for item in site.items.iter_mut().filter(|i| i.is_work_tree_file()) {
            item.doc.source.text = empty.clone();
        }
        Texts {
            root: root.to_path_buf(),
        }
    }

    /// The text of `item`, which [`Texts::take`] took, read again.
    fn read(&self, item: &Item) -> std::io::Result<std::sync::Arc<str>> {
        crate::load::read_again(&self.root, &item.doc.source, &item.doc.blob)
    }
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
    let entry = search_entry.to_string();
    render_with(site, None, theme, build, || Ok(entry), sink, progress)
}

/// [`render`] of a site whose items' texts were taken out into `texts`
/// ([`Texts::take`]): each is read again for its item's pages, then freed.
/// `search` is the search stage (`index::stage`), which writes the search
/// files and returns the entry the search page carries: it runs beside
/// every other page and file, none of which needs it. Alone, its merging
/// of postings is sequential: after one commit it kept one of two cores
/// idle for a quarter of the rebuild.
pub fn render_with(
    site: &Site,
    texts: Option<&Texts>,
    theme: &Theme,
    build: &BuildInfo,
    search: impl FnOnce() -> std::io::Result<String> + Send,
    sink: &dyn Sink,
    progress: &(dyn Fn() + Sync),
) -> Result<RenderReport, RenderError> {
    let urls = Urls::new(&site.config.base_url);
    // The search stage runs beside every other page and file: only the
    // search page needs its entry. (Compiling the templates and planning the
    // pages, then the pages after the items, each kept one core of two idle
    // while it ran alone.)
    let all_but_search = || {
        let renderer = Renderer::new(site, theme, build, &urls)?;
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
        let mut plan = Plan::new(site, &renderer.lookup);
        // What the build summary counts: the counted HTML pages and the sources.
        let counted = plan.html_pages() + plan.sources();
        // Item pages, their snapshots and sources: the bulk of the work.
        std::mem::take(&mut plan.items)
            .par_iter()
            .try_for_each(|item| {
                write_item(&renderer, item, texts, sink)?;
                progress();
                Ok::<_, RenderError>(())
            })?;
        let lookup = &renderer.lookup;
        let Plan {
            mut pages,
            listings: listing_pages,
            items: _,
            powers,
            guides,
            departments,
            reports,
        } = plan;
        // Made once the search stage has its entry, below.
        let search_page = pages
            .iter()
            .position(|(_, page)| matches!(page, Page::Search(_)))
            .map(|i| pages.remove(i).0);
        for withdrawn in &site.withdrawn {
            renderer.write_withdrawn(withdrawn, sink)?;
        }
        powers
            .par_iter()
            .try_for_each(|power| renderer.write_power(power, sink))?;
        guides
            .par_iter()
            .try_for_each(|guide| renderer.write_guide(guide, sink))?;
        departments
            .par_iter()
            .try_for_each(|d| renderer.write_department(d, sink))?;
        reports
            .par_iter()
            .try_for_each(|r| renderer.write_report_document(r, sink))?;

        // The 网站地图 is written but not counted (`plan.rs` says why).
        let columns = renderer.site_map_columns(&listing_pages);
        pages.push((urls::SITE_MAP.into(), Page::SiteMap(columns)));
        pages.par_iter().try_for_each(|(rel, page)| {
            let bytes = renderer.render_page(rel, page)?;
            sink.write(&urls::file_of(rel), &bytes)?;
            Ok::<_, RenderError>(())
        })?;
        listing_pages
            .par_iter()
            .try_for_each(|listing| renderer.write_listing(listing, sink))?;

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
                    .filter(|(_, p)| {
                        matches!(p, Page::Report(_) | Page::Reports(_) | Page::SiteMap(_))
                    })
                    .map(|(rel, _)| rel.as_str()),
            );
        for (path, bytes) in feeds::sitemaps(site, lookup, sitemap_pages) {
            sink.write(&path, bytes.as_bytes())?;
        }
        sink.write("robots.txt", feeds::robots(&urls).as_bytes())?;
        let archived = timemap::archived(site);
        archived.par_iter().try_for_each(|doc| {
            sink.write(&doc.timemap, timemap::link_format(doc, &urls).as_bytes())
        })?;
        let mut plan = server_plan(site, &pages, &alias_feeds);
        plan.archived = archived;
        // Each is made from the whole site (a rebuild spends a tenth of its
        // time on them): side by side, not one after the other.
        type ServerFile = fn(&Urls, &server::ServerPlan) -> String;
        let server_files = || {
            let files: [(&str, ServerFile); 3] = [
                (server::NGINX, server::nginx),
                (server::REDIRECTS, server::redirects),
                (server::HEADERS, server::headers),
            ];
            files
                .par_iter()
                .try_for_each(|(rel, make)| sink.write(rel, make(&urls, &plan).as_bytes()))
        };
        let manifest = || {
            let manifest = manifest::manifest(site, lookup, build);
            sink.write(urls::MANIFEST, &manifest::to_json(&manifest))
        };
        let (server_files, manifest) = rayon::join(server_files, manifest);
        server_files?;
        manifest?;
        Ok::<_, RenderError>((renderer, search_page, counted))
    };
    let (entry, rest) = rayon::join(search, all_but_search);
    let (renderer, search_page, counted) = rest?;
    let search_entry = entry?;
    if let Some(rel) = search_page {
        let bytes = renderer.render_page(&rel, &Page::Search(&search_entry))?;
        sink.write(&urls::file_of(&rel), &bytes)?;
    }

    Ok(RenderReport {
        pages: counted,
        items: site.items.len(),
    })
}

/// The pages of one item. When its text was taken ([`Texts`]) and the sink
/// keeps the previous build, its pages are first tried without the text
/// ([`reuse::KeptOnly`]): the file is read again only when one of them
/// must be made.
fn write_item(
    renderer: &Renderer,
    item: &DocumentPages<'_, crate::model::CatalogItem>,
    texts: Option<&Texts>,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    let Some(texts) = texts.filter(|_| item.doc.is_work_tree_file()) else {
        return renderer.write_item(item, sink);
    };
    let mut after = None;
    if sink.can_reuse() {
        let kept = reuse::KeptOnly::new(sink);
        match renderer.write_item(item, &kept) {
            Ok(()) => return Ok(()),
            Err(_) if kept.stopped() => after = Some(kept.then()),
            Err(e) => return Err(e),
        }
    }
    let mut whole = item.doc.clone();
    whole.doc.source.text = texts.read(item.doc).map_err(RenderError::Changed)?;
    let sink: &dyn Sink = match &after {
        Some(after) => after,
        None => sink,
    };
    renderer.write_item(&item.with_doc(&whole), sink)
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
        renderer.write_item(&plan::item(item), sink)?;
        count += 1;
    }
    Ok(count)
}

struct Renderer<'a> {
    languages: BTreeMap<Language, LanguageTemplates>,
    lookup: Lookup<'a>,
    build: &'a BuildInfo,
    keys: reuse::Keys,
}

/// The theme's templates for one interface language.
///
/// `{{ t.key }}` and `{{ t.table.key }}` are replaced by the (escaped)
/// string when the templates are loaded: tens of thousands of pages then do
/// not look up the same strings again and again. Any other use of `t`
/// (`t.validity[x]`, filters, macro arguments) still finds `t` in the
/// context, reduced to the keys (and, of a table, the keys of it) that the
/// templates still use: every page's context is a copy of it.
struct LanguageTemplates {
    tera: Tera,
    /// Every interface string, for text made in Rust.
    strings: Strings,
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
    fn new(templates: &[(String, String)], strings: Strings) -> Result<Self, RenderError> {
        let literal = regex::Regex::new(r"\{\{\s*t\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)\s*\}\}")
            .expect("valid regex");
        let specialised: Vec<(String, String)> = templates
            .iter()
            .map(|(name, source)| {
                let source = literal.replace_all(source, |caps: &regex::Captures| {
                    match strings.get(&caps[1]) {
                        Some(text) => crate::text::escape(text).replace("{{", "&#123;&#123;"),
                        None => caps[0].to_string(),
                    }
                });
                (name.clone(), source.into_owned())
            })
            .collect();
        let mut tera = Tera::default();
        tera.add_raw_templates(specialised.clone())
            .map_err(RenderError::Template)?;
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default escaping also turns `/` into `&#x2F;`, which makes
        // every URL unreadable in the source; `&<>"'` are the characters
        // that matter, and this one also drops what XML forbids.
        tera.set_escape_fn(crate::text::escape);

        let dynamic_all = specialised.iter().any(|(_, s)| s.contains("t["));
        // Per key still used: `None` when all of it is (`t.key` itself, or
        // `t.table[x]`), else the keys of the table used (`t.table.key`).
        let used_re =
            regex::Regex::new(r"\bt\.([A-Za-z0-9_]+)(\.[A-Za-z0-9_]+|\[)?").expect("valid regex");
        let mut used: BTreeMap<&str, Option<std::collections::BTreeSet<&str>>> = BTreeMap::new();
        for c in specialised
            .iter()
            .flat_map(|(_, s)| used_re.captures_iter(s))
        {
            let key = c.get(1).expect("group").as_str();
            let part = c.get(2).and_then(|m| m.as_str().strip_prefix('.'));
            let entry = used
                .entry(key)
                .or_insert_with(|| Some(std::collections::BTreeSet::new()));
            match (entry.as_mut(), part) {
                (Some(parts), Some(part)) => {
                    parts.insert(part);
                }
                _ => *entry = None,
            }
        }
        let t: toml::Table = strings
            .all()
            .iter()
            .filter_map(|(k, v)| match (dynamic_all, used.get(k.as_str()), v) {
                (true, _, _) | (false, Some(None), _) => Some((k.clone(), v.clone())),
                (false, Some(Some(parts)), toml::Value::Table(table)) => {
                    let table: toml::Table = table
                        .iter()
                        .filter(|(p, _)| parts.contains(p.as_str()))
                        .map(|(p, v)| (p.clone(), v.clone()))
                        .collect();
                    Some((k.clone(), toml::Value::Table(table)))
                }
                (false, Some(Some(_)), _) => Some((k.clone(), v.clone())),
                (false, None, _) => None,
            })
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
        let templates = theme.templates()?;
        let mut languages: BTreeMap<Language, LanguageTemplates> = BTreeMap::new();
        for code in Language::ALL {
            let lang = Language::parse(code).expect("listed language");
            let strings = theme.strings(lang)?;
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
        lookup.strings = languages
            .iter()
            .map(|(lang, templates)| (*lang, templates.strings.clone()))
            .collect();
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

    /// The one lookup of an interface string for text made in Rust:
    /// `key`, or `table.key` for one inside a table (`power.title`).
    fn string(&self, lang: Language, key: &str) -> String {
        self.strings(lang).text(key).to_string()
    }

    fn strings(&self, lang: Language) -> &Strings {
        &self.languages[&lang].strings
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
            .map_err(RenderError::Template)?;
        Ok(out)
    }

    fn render_page(&self, rel: &str, page: &Page) -> Result<Vec<u8>, RenderError> {
        match page {
            Page::Home => self.render_home(rel),
            Page::NotFound => self.render_not_found(rel),
            Page::Department(slug) => self.render_department_page(rel, slug),
            Page::Search(entry) => self.render_search(rel, entry),
            Page::Versions => self.render_versions(rel),
            Page::SiteMap(columns) => self.render_site_map(rel, columns),
            Page::Report(report) => self.render_report(rel, report),
            Page::Reports(slug) => self.render_reports(rel, *slug),
            Page::Powers(department) => self.render_power_catalog(rel, *department),
            Page::Redirect(target) => self.render_redirect(target),
        }
    }
}
