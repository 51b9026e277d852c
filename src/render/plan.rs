//! The page plan: every HTML page [`render`](super::render) writes, made
//! without a theme. The search stage sizes its files by the plan's length
//! ([`html_pages`]) and the writers write what it lists, so the count
//! cannot drift from what is written.
//!
//! Two kinds of HTML page are written but not counted, because counting
//! them would move the layout of every site's search files: the 网站地图
//! (it came later) and the neutral pages at a withdrawn item's former URLs.

use std::collections::BTreeSet;

use crate::model::report::Report;
use crate::model::{Department, Guide, Payload};
use crate::validate::{Document, Item, Power, Site};

use super::listings::{self, ListingPage};
use super::views::{Link, Lookup};
use super::{report, urls};

/// A page that is not one document's: home, catalogs, indexes, redirects.
pub(super) enum Page<'a> {
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

/// The HTML pages of one document: its own page (when it has one), a
/// snapshot per published revision with bytes of its own, its history page.
pub(super) struct DocumentPages<'a, T> {
    pub doc: &'a Document<T>,
    /// Site-relative URL of the document's page, when its writer writes it.
    pub current: Option<String>,
    /// Indexes of the revisions whose snapshot and source are written:
    /// a revision that restores earlier bytes has the same URLs.
    pub snapshots: Vec<usize>,
    pub history: Option<String>,
}

impl<'a, T: Payload> DocumentPages<'a, T> {
    /// The same pages, of `doc` (the same document, with its text put
    /// back: see `render::Texts`).
    pub fn with_doc<'b>(&self, doc: &'b Document<T>) -> DocumentPages<'b, T> {
        DocumentPages {
            doc,
            current: self.current.clone(),
            snapshots: self.snapshots.clone(),
            history: self.history.clone(),
        }
    }

    pub fn of(doc: &'a Document<T>, own_page: bool) -> Self {
        let key = doc.key();
        let mut seen = BTreeSet::new();
        DocumentPages {
            doc,
            current: own_page.then(|| urls::document(&key)),
            snapshots: (0..doc.revisions.len())
                .filter(|&i| seen.insert(doc.revisions[i].blob.as_str()))
                .collect(),
            history: urls::history(&key),
        }
    }
}

/// What the plan counts of one document, whatever its kind.
trait Counted {
    fn len(&self) -> usize;
    fn sources(&self) -> usize;
}

impl<T: Payload> Counted for DocumentPages<'_, T> {
    fn len(&self) -> usize {
        usize::from(self.current.is_some())
            + self.snapshots.len()
            + usize::from(self.history.is_some())
    }

    /// The exact source files written beside the snapshots: one per
    /// revision, two for an annual report with its narrative.
    fn sources(&self) -> usize {
        self.snapshots
            .iter()
            .map(|&i| self.doc.revision_doc(i).files().len())
            .sum()
    }
}

/// Everything [`render`](super::render) writes as HTML, except the
/// exceptions named in the module's comment.
pub(super) struct Plan<'a> {
    pub pages: Vec<(String, Page<'a>)>,
    pub listings: Vec<ListingPage<'a>>,
    pub items: Vec<DocumentPages<'a, crate::model::CatalogItem>>,
    pub powers: Vec<DocumentPages<'a, crate::model::PowerItem>>,
    pub guides: Vec<DocumentPages<'a, Guide>>,
    pub departments: Vec<DocumentPages<'a, Department>>,
    pub reports: Vec<DocumentPages<'a, Report>>,
}

impl<'a> Plan<'a> {
    /// The search page's entry is empty here: the search stage makes it
    /// while the item pages are written (`render_with` sets it), and
    /// counting does not need it.
    pub fn new(site: &'a Site, lookup: &Lookup<'a>) -> Self {
        let mut pages = site_pages(site, lookup);
        pages.push((urls::SEARCH.into(), Page::Search("")));
        Plan {
            pages,
            listings: listings::plan(site, lookup),
            items: site.items.iter().map(item).collect(),
            powers: site.powers.iter().map(power).collect(),
            guides: site.guides.iter().map(guide).collect(),
            departments: site
                .department_pages
                .iter()
                .map(|d| department(site, d))
                .collect(),
            reports: site.report_pages.iter().map(|r| report(site, r)).collect(),
        }
    }

    /// The number of HTML pages planned.
    pub fn html_pages(&self) -> usize {
        self.pages.len() + self.listings.len() + self.documents(|d| d.len())
    }

    /// The exact sources of revisions written beside their snapshots.
    pub fn sources(&self) -> usize {
        self.documents(|d| d.sources())
    }

    /// The sum of `count` over every document of every kind.
    fn documents(&self, count: impl Fn(&dyn Counted) -> usize) -> usize {
        let all = self.items.iter().map(|d| d as &dyn Counted);
        all.chain(self.powers.iter().map(|d| d as &dyn Counted))
            .chain(self.guides.iter().map(|d| d as &dyn Counted))
            .chain(self.departments.iter().map(|d| d as &dyn Counted))
            .chain(self.reports.iter().map(|d| d as &dyn Counted))
            .map(count)
            .sum()
    }
}

/// The HTML pages [`render`](super::render) writes, as the search stage
/// counts them to size its files.
pub fn html_pages(site: &Site) -> usize {
    let urls = urls::Urls::new(&site.config.base_url);
    let lookup = Lookup::new(site, &urls);
    Plan::new(site, &lookup).html_pages()
}

pub(super) fn item(item: &Item) -> DocumentPages<'_, crate::model::CatalogItem> {
    DocumentPages::of(item, true)
}

fn power(power: &Power) -> DocumentPages<'_, crate::model::PowerItem> {
    DocumentPages::of(power, true)
}

fn guide(guide: &Document<Guide>) -> DocumentPages<'_, Guide> {
    DocumentPages::of(guide, true)
}

/// A current department's page is one of the site's pages; a deleted one
/// keeps its page here, unless a current department took its slug as a
/// former one (then the URL redirects there).
fn department<'a>(site: &Site, d: &'a Document<Department>) -> DocumentPages<'a, Department> {
    let slug = d.id();
    let alias = site
        .departments
        .iter()
        .any(|c| c.aliases.iter().any(|a| a == slug));
    DocumentPages::of(d, d.removed.is_some() && !alias)
}

/// A current report's page is one of the site's pages; a deleted one
/// keeps its page here.
fn report<'a>(site: &Site, r: &'a Document<Report>) -> DocumentPages<'a, Report> {
    DocumentPages::of(r, !report::is_current(site, r))
}

/// The pages that are not one document's: home, not-found, versions,
/// departments and their former slugs, reports, power catalogs.
fn site_pages<'a>(site: &'a Site, lookup: &Lookup<'a>) -> Vec<(String, Page<'a>)> {
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
    pages
}
