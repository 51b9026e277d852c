//! Listing pages: the current catalog and the archive, paginated, newest
//! first, by department, 主题分类, 文种 and year; and the index pages of
//! each facet.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::model::Language;
use crate::validate::{Item, Site};
use crate::vocabulary::split_category;

use super::theme::Strings;
use super::urls::{self, ARCHIVE, CATALOG};
use super::views::Lookup;
use super::{RenderError, Renderer};

/// One listing page to render.
pub struct ListingPage<'a> {
    pub rel: String,
    /// 1-based page number.
    pub number: usize,
    /// (title, rel) of the pages above this one.
    pub parents: Vec<(ParentTitle, String)>,
    title_key: &'static str,
    /// The facet value, shown after the title (a year, a kind, a name…).
    title_value: Option<String>,
    body: Body<'a>,
}

/// The title of a page above a listing.
#[derive(Clone, Debug)]
pub enum ParentTitle {
    /// An interface string (`by_year`).
    Key(&'static str),
    /// A name as written: a top-level 主题分类.
    Name(String),
}

impl ParentTitle {
    pub fn text(&self, strings: &Strings) -> String {
        match self {
            ParentTitle::Key(key) => strings.text(key).to_string(),
            ParentTitle::Name(name) => name.clone(),
        }
    }
}

enum Body<'a> {
    Items {
        first_rel: String,
        pages: usize,
        total: usize,
        items: Vec<&'a Item>,
        archive: bool,
        /// Links to narrower listings shown above the list.
        filters: Vec<FilterGroup>,
    },
    Facets(Vec<FacetGroup>),
}

#[derive(Clone, Debug, Serialize)]
pub struct FacetGroup {
    pub title: String,
    pub url: String,
    pub count: usize,
    pub children: Vec<FacetGroup>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FilterGroup {
    /// Interface-string key, e.g. `by_year`.
    pub title_key: &'static str,
    /// The translated title, filled in when the page is rendered.
    pub title: String,
    pub links: Vec<FacetGroup>,
    /// The link titles are interface-string keys too.
    #[serde(skip)]
    pub translate_links: bool,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct Pagination {
    number: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    /// First, last and a window around the current page; `None` = a gap.
    links: Vec<Option<PageLink>>,
}

impl ListingPage<'_> {
    pub fn template(&self) -> &'static str {
        match self.body {
            Body::Items { .. } => "listing.html",
            Body::Facets(_) => "facets.html",
        }
    }

    pub fn title(&self, strings: &Strings) -> String {
        let mut title = strings.text(self.title_key).to_string();
        if let Some(value) = &self.title_value {
            title = format!("{title}：{value}");
        }
        if self.number > 1 {
            title = format!(
                "{title}（{}）",
                strings
                    .text("page_n")
                    .replace("{n}", &self.number.to_string())
            );
        }
        title
    }

    pub fn insert(&self, ctx: &mut Context, lookup: &Lookup, lang: Language, strings: &Strings) {
        match &self.body {
            Body::Items {
                first_rel,
                pages,
                total,
                items,
                archive,
                filters,
            } => {
                let summaries: Vec<_> = items.iter().map(|i| lookup.summary(i, lang)).collect();
                ctx.insert("items", &summaries);
                ctx.insert("total", total);
                ctx.insert("archive", archive);
                let filters: Vec<FilterGroup> = filters
                    .iter()
                    .map(|f| {
                        let mut f = f.clone();
                        f.title = strings.text(f.title_key).to_string();
                        if f.translate_links {
                            for link in &mut f.links {
                                link.title = strings.text(&link.title).to_string();
                            }
                        }
                        f
                    })
                    .collect();
                ctx.insert("filters", &filters);
                ctx.insert(
                    "pagination",
                    &pagination(lookup, first_rel, self.number, *pages),
                );
            }
            Body::Facets(groups) => ctx.insert("groups", groups),
        }
    }
}

fn pagination(lookup: &Lookup, first: &str, number: usize, pages: usize) -> Pagination {
    let link = |n: usize| lookup.urls.href(&urls::page(first, n));
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || n.abs_diff(number) <= 2 {
            if n > last_shown + 1 {
                links.push(None);
            }
            links.push(Some(PageLink {
                number: n,
                url: link(n),
                current: n == number,
            }));
            last_shown = n;
        }
    }
    Pagination {
        number,
        pages,
        prev: (number > 1).then(|| link(number - 1)),
        next: (number < pages).then(|| link(number + 1)),
        links,
    }
}

/// Every listing page of the site, in a fixed order.
pub fn plan<'a>(site: &'a Site, lookup: &Lookup<'a>) -> Vec<ListingPage<'a>> {
    let per_page = site.config.paginate_by;
    let current: Vec<&Item> = site.items.iter().filter(|i| !i.is_retired()).collect();
    let mut archived: Vec<&Item> = site.items.iter().filter(|i| i.is_retired()).collect();
    // The archive is ordered by retirement, newest first.
    archived.sort_by(|a, b| {
        b.retired_on
            .cmp(&a.retired_on)
            .then_with(|| a.id().cmp(b.id()))
    });

    let mut out = Vec::new();
    let catalog_parent = vec![(ParentTitle::Key("catalog_title"), CATALOG.to_string())];
    let archive_parent = vec![(ParentTitle::Key("archive_title"), ARCHIVE.to_string())];

    // The current catalog and its facets. A facet value keeps its page
    // after its last item retires: the URL was published once.
    let all: Vec<&Item> = site.items.iter().collect();
    let by_department = group_current(&all, |i| vec![i.doc.department.clone()]);
    let by_category = group_current(&all, |i| {
        let c = &i.doc.category.value;
        match split_category(c) {
            (top, Some(_)) => vec![top.to_string(), c.clone()],
            (top, None) => vec![top.to_string()],
        }
    });
    let by_kind = group_current(&all, |i| {
        i.doc.kind.iter().map(|k| k.value.clone()).collect()
    });
    let by_year = group_current(&all, |i| vec![i.doc.published.value.year().to_string()]);

    let catalog_filters = vec![FilterGroup {
        title_key: "browse_by",
        title: String::new(),
        links: ["by_department", "by_category", "by_kind", "by_year"]
            .iter()
            .zip(["department", "category", "kind", "year"])
            .map(|(key, facet)| FacetGroup {
                title: (*key).to_string(),
                url: lookup.urls.href(&format!("{CATALOG}{facet}/")),
                count: 0,
                children: Vec::new(),
            })
            .collect(),
        translate_links: true,
    }];
    paginate(
        &mut out,
        CATALOG,
        "catalog_title",
        None,
        Vec::new(),
        &current,
        per_page,
        false,
        catalog_filters,
    );

    for (slug, items) in &by_department {
        let name = lookup.department_name(slug);
        let parents = with(
            &catalog_parent,
            "by_department",
            &format!("{CATALOG}department/"),
        );
        paginate(
            &mut out,
            &urls::facet(CATALOG, "department", slug),
            "catalog_title",
            Some(name),
            parents,
            items,
            per_page,
            false,
            Vec::new(),
        );
    }
    for (category, items) in &by_category {
        let rel = urls::category(category);
        let mut parents = with(
            &catalog_parent,
            "by_category",
            &format!("{CATALOG}category/"),
        );
        if let (top, Some(_)) = split_category(category) {
            parents.push((ParentTitle::Name(top.to_string()), urls::category(top)));
        }
        let shown = category.replace('\\', " › ");
        paginate(
            &mut out,
            &rel,
            "catalog_title",
            Some(shown),
            parents,
            items,
            per_page,
            false,
            Vec::new(),
        );
    }
    for (kind, items) in &by_kind {
        let parents = with(&catalog_parent, "by_kind", &format!("{CATALOG}kind/"));
        paginate(
            &mut out,
            &urls::facet(CATALOG, "kind", kind),
            "catalog_title",
            Some(kind.clone()),
            parents,
            items,
            per_page,
            false,
            Vec::new(),
        );
    }
    // Years newest first in the facet index; pages in any order.
    for (year, items) in &by_year {
        let parents = with(&catalog_parent, "by_year", &format!("{CATALOG}year/"));
        paginate(
            &mut out,
            &urls::facet(CATALOG, "year", year),
            "catalog_title",
            Some(year.clone()),
            parents,
            items,
            per_page,
            false,
            Vec::new(),
        );
    }

    // Facet index pages.
    let flat = |groups: &BTreeMap<String, Vec<&Item>>,
                facet: &str,
                name: &dyn Fn(&str) -> String|
     -> Vec<FacetGroup> {
        groups
            .iter()
            .map(|(value, items)| FacetGroup {
                title: name(value),
                url: lookup.urls.href(&urls::facet(CATALOG, facet, value)),
                count: items.len(),
                children: Vec::new(),
            })
            .collect()
    };
    let department_groups = flat(&by_department, "department", &|slug| {
        lookup.department_name(slug)
    });
    let kind_groups = flat(&by_kind, "kind", &|k| k.to_string());
    let mut year_groups = flat(&by_year, "year", &|y| y.to_string());
    year_groups.reverse();
    let mut category_groups: Vec<FacetGroup> = Vec::new();
    for (category, items) in &by_category {
        let group = FacetGroup {
            title: split_category(category).1.unwrap_or(category).to_string(),
            url: lookup.urls.href(&urls::category(category)),
            count: items.len(),
            children: Vec::new(),
        };
        match split_category(category) {
            (_, None) => category_groups.push(group),
            (top, Some(_)) => {
                // Every item with `一级\二级` is also grouped under `一级`.
                let top_title = top.to_string();
                if let Some(parent) = category_groups.iter_mut().find(|g| g.title == top_title) {
                    parent.children.push(group);
                }
            }
        }
    }
    for (facet, key, groups) in [
        ("department", "by_department", department_groups),
        ("category", "by_category", category_groups),
        ("kind", "by_kind", kind_groups),
        ("year", "by_year", year_groups),
    ] {
        out.push(ListingPage {
            rel: format!("{CATALOG}{facet}/"),
            number: 1,
            parents: catalog_parent.clone(),
            title_key: key,
            title_value: None,
            body: Body::Facets(groups),
        });
    }

    // The archive: retired items, by department and by year of retirement.
    let archive_by_department = group(&archived, |i| vec![i.doc.department.clone()]);
    let archive_by_year = group(&archived, |i| {
        i.retired_on
            .map(|d| d.year().to_string())
            .into_iter()
            .collect()
    });
    let archive_filters = vec![
        FilterGroup {
            title_key: "by_department",
            title: String::new(),
            links: archive_by_department
                .iter()
                .map(|(slug, items)| FacetGroup {
                    title: lookup.department_name(slug),
                    url: lookup.urls.href(&urls::facet(ARCHIVE, "department", slug)),
                    count: items.len(),
                    children: Vec::new(),
                })
                .collect(),
            translate_links: false,
        },
        FilterGroup {
            title_key: "by_retired_year",
            title: String::new(),
            links: archive_by_year
                .iter()
                .rev()
                .map(|(year, items)| FacetGroup {
                    title: year.clone(),
                    url: lookup.urls.href(&urls::facet(ARCHIVE, "year", year)),
                    count: items.len(),
                    children: Vec::new(),
                })
                .collect(),
            translate_links: false,
        },
    ];
    paginate(
        &mut out,
        ARCHIVE,
        "archive_title",
        None,
        Vec::new(),
        &archived,
        per_page,
        true,
        archive_filters,
    );
    for (slug, items) in &archive_by_department {
        let name = lookup.department_name(slug);
        paginate(
            &mut out,
            &urls::facet(ARCHIVE, "department", slug),
            "archive_title",
            Some(name),
            archive_parent.clone(),
            items,
            per_page,
            true,
            Vec::new(),
        );
    }
    for (year, items) in &archive_by_year {
        paginate(
            &mut out,
            &urls::facet(ARCHIVE, "year", year),
            "archive_title",
            Some(year.clone()),
            archive_parent.clone(),
            items,
            per_page,
            true,
            Vec::new(),
        );
    }
    out
}

fn with(
    parents: &[(ParentTitle, String)],
    key: &'static str,
    rel: &str,
) -> Vec<(ParentTitle, String)> {
    let mut v = parents.to_vec();
    v.push((ParentTitle::Key(key), rel.to_string()));
    v
}

/// Items grouped by every key `keys` gives them, keeping their order.
fn group<'a>(
    items: &[&'a Item],
    keys: impl Fn(&Item) -> Vec<String>,
) -> BTreeMap<String, Vec<&'a Item>> {
    group_keeping(items, keys, |_| true)
}

/// Like [`group`] over every item, keeping only current items in each group.
fn group_current<'a>(
    items: &[&'a Item],
    keys: impl Fn(&Item) -> Vec<String>,
) -> BTreeMap<String, Vec<&'a Item>> {
    group_keeping(items, keys, |i| !i.is_retired())
}

/// Groups keyed by the values of every item; only items that `keep`
/// are listed in them.
fn group_keeping<'a>(
    items: &[&'a Item],
    keys: impl Fn(&Item) -> Vec<String>,
    keep: impl Fn(&Item) -> bool,
) -> BTreeMap<String, Vec<&'a Item>> {
    let mut out: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
    for item in items {
        for key in keys(item) {
            let list = out.entry(key).or_default();
            if keep(item) {
                list.push(item);
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn paginate<'a>(
    out: &mut Vec<ListingPage<'a>>,
    first_rel: &str,
    title_key: &'static str,
    title_value: Option<String>,
    parents: Vec<(ParentTitle, String)>,
    items: &[&'a Item],
    per_page: usize,
    archive: bool,
    filters: Vec<FilterGroup>,
) {
    let pages = items.len().div_ceil(per_page).max(1);
    for number in 1..=pages {
        let start = (number - 1) * per_page;
        let end = (start + per_page).min(items.len());
        out.push(ListingPage {
            rel: urls::page(first_rel, number),
            number,
            parents: parents.clone(),
            title_key,
            title_value: title_value.clone(),
            body: Body::Items {
                first_rel: first_rel.to_string(),
                pages,
                total: items.len(),
                items: items[start..end].to_vec(),
                archive,
                filters: if number == 1 {
                    filters.clone()
                } else {
                    Vec::new()
                },
            },
        });
    }
}

impl Renderer<'_> {
    /// Write a listing page, unless the sink still has the one made from
    /// the same key: the page's own context (its meta and what the listing
    /// inserts) on top of the language's key (generator, theme, the shared
    /// context). A commit changes a few listing pages; the others, about a
    /// third of a site's pages, are no longer rendered again every build.
    pub(super) fn write_listing(
        &self,
        listing: &ListingPage,
        sink: &dyn crate::sink::Sink,
    ) -> Result<(), RenderError> {
        let lang = self.site().config.language;
        let own = self.listing_context(listing, lang);
        let template = listing.template();
        let key = self.keys.page(lang, template, &own.clone().into_json(), "");
        self.write_keyed(sink, &urls::file_of(&listing.rel), &key, || {
            let mut ctx = self.languages[&lang].base.clone();
            ctx.extend(own);
            self.render(lang, template, &ctx)
        })
    }

    /// What a listing page's context holds beyond the shared context of
    /// its language: `page` and the listing's own values.
    fn listing_context(&self, listing: &ListingPage, lang: crate::model::Language) -> Context {
        let mut crumbs = vec![self.crumb(&self.string(lang, "home"), "")];
        let strings = self.strings(lang);
        for (title, rel) in &listing.parents {
            crumbs.push(self.crumb(&title.text(strings), rel));
        }
        let title = listing.title(strings);
        let mut ctx = Context::new();
        ctx.insert("page", &self.meta(title, &listing.rel, crumbs));
        listing.insert(&mut ctx, &self.lookup, lang, strings);
        ctx
    }
}
