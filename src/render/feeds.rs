//! Atom feeds, sitemaps and robots.txt: machine formats written directly,
//! with every date taken from the content (never the clock).

use std::fmt::Write;

use crate::text::escape;
use crate::validate::{Item, Site};

use super::urls::{self, Urls};
use super::views::Lookup;

const FEED_ENTRIES: usize = 20;
/// sitemaps.org: at most 50,000 URLs per sitemap file.
const SITEMAP_LIMIT: usize = 50_000;

/// The site feed and one per department.
pub fn feeds(site: &Site, lookup: &Lookup) -> Vec<(String, String)> {
    let current: Vec<&Item> = site.items.iter().filter(|i| !i.is_retired()).collect();
    let mut out = vec![(
        "atom.xml".to_string(),
        atom(lookup, &site.config.title, "atom.xml", "", &current, site),
    )];
    for d in &site.departments {
        let items: Vec<&Item> = current
            .iter()
            .copied()
            .filter(|i| i.doc.department == d.slug)
            .collect();
        let title = format!("{} - {}", d.name, site.config.title);
        let path = urls::department_feed(&d.slug);
        out.push((
            path.clone(),
            atom(
                lookup,
                &title,
                &path,
                &urls::department(&d.slug),
                &items,
                site,
            ),
        ));
    }
    out
}

fn atom(
    lookup: &Lookup,
    title: &str,
    self_rel: &str,
    alternate_rel: &str,
    items: &[&Item],
    site: &Site,
) -> String {
    let u = lookup.urls;
    let entries = &items[..items.len().min(FEED_ENTRIES)];
    // A revision of an older item updates the feed too, not only the
    // newest 发布日期.
    let updated = entries
        .iter()
        .map(|i| last_changed(i))
        .max()
        .unwrap_or(site.as_of);
    let mut x = String::new();
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        site.config.language.code()
    );
    let _ = writeln!(x, "  <title>{}</title>", escape(title));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&u.absolute(self_rel))
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&u.absolute(alternate_rel))
    );
    let _ = writeln!(x, "  <id>{}</id>", escape(&u.absolute(self_rel)));
    let _ = writeln!(x, "  <updated>{updated}T00:00:00Z</updated>");
    let author = site
        .config
        .organization
        .as_deref()
        .unwrap_or(&site.config.title);
    let _ = writeln!(x, "  <author><name>{}</name></author>", escape(author));
    for item in entries {
        let c = &item.doc;
        let url = u.absolute(&urls::item(item.id()));
        let publisher = c
            .publisher
            .clone()
            .unwrap_or_else(|| lookup.department_name(&c.department));
        let mut summary = vec![format!("索引号 {}", c.index_no.value)];
        summary.extend(c.doc_no.iter().cloned());
        summary.push(c.category.value.replace('\\', " › "));
        let _ = writeln!(x, "  <entry>");
        let _ = writeln!(x, "    <title>{}</title>", escape(&c.title));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&url)
        );
        let _ = writeln!(x, "    <id>{}</id>", escape(&url));
        let _ = writeln!(
            x,
            "    <published>{}T00:00:00Z</published>",
            c.published.value
        );
        let _ = writeln!(x, "    <updated>{}T00:00:00Z</updated>", last_changed(item));
        let _ = writeln!(
            x,
            "    <author><name>{}</name></author>",
            escape(&publisher)
        );
        let _ = writeln!(x, "    <summary>{}</summary>", escape(&summary.join(" · ")));
        let _ = writeln!(x, "  </entry>");
    }
    x.push_str("</feed>\n");
    x
}

/// `sitemap.xml`, split into `sitemap-N.xml` under a sitemap index when
/// the site has more URLs than one sitemap may hold. Snapshots are left
/// out: they are `noindex`.
pub fn sitemaps<'a>(
    site: &Site,
    lookup: &Lookup,
    listings: impl Iterator<Item = &'a str>,
) -> Vec<(String, String)> {
    let u = lookup.urls;
    let mut entries: Vec<(String, Option<String>)> = vec![(u.absolute(""), None)];
    for d in &site.departments {
        entries.push((u.absolute(&urls::department(&d.slug)), None));
        if let Some(g) = &d.guide {
            entries.push((
                u.absolute(&urls::guide(&d.slug)),
                g.updated.map(|d| d.to_string()),
            ));
        }
    }
    entries.extend(listings.map(|rel| (u.absolute(rel), None)));
    let mut items: Vec<&Item> = site.items.iter().collect();
    items.sort_by(|a, b| a.id().cmp(b.id()));
    for item in items {
        let lastmod = last_changed(item);
        entries.push((
            u.absolute(&urls::item(item.id())),
            Some(lastmod.to_string()),
        ));
    }

    // 权力清单: the catalogs, then each power (dated by its retirement or
    // its last committed revision; undated outside git).
    entries.push((u.absolute(urls::POWERS), None));
    for d in &site.departments {
        if site.powers.iter().any(|p| p.doc.department == d.slug) {
            entries.push((u.absolute(&urls::department_powers(&d.slug)), None));
        }
    }
    for power in &site.powers {
        let lastmod = power
            .retired_on
            .or_else(|| power.revisions.last().and_then(|r| r.date()));
        entries.push((
            u.absolute(&urls::power(power.id())),
            lastmod.map(|d| d.to_string()),
        ));
    }

    let chunks: Vec<_> = entries.chunks(SITEMAP_LIMIT).collect();
    if chunks.len() == 1 {
        return vec![("sitemap.xml".into(), urlset(chunks[0]))];
    }
    let mut out = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in chunks.iter().enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        let _ = writeln!(
            index,
            "  <sitemap><loc>{}</loc></sitemap>",
            escape(&u.absolute(&name))
        );
        out.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    out.push(("sitemap.xml".into(), index));
    out
}

/// The day an item last changed for a reader: its 发布日期, its latest
/// committed revision (a commit date) or its retirement, whichever is last.
fn last_changed(item: &Item) -> crate::model::Date {
    item.revisions
        .iter()
        .filter_map(|r| r.date())
        .chain(item.retired_on)
        .fold(item.doc.published.value, Ord::max)
}

fn urlset(entries: &[(String, Option<String>)]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        match lastmod {
            Some(m) => {
                let _ = writeln!(
                    x,
                    "  <url><loc>{}</loc><lastmod>{m}</lastmod></url>",
                    escape(loc)
                );
            }
            None => {
                let _ = writeln!(x, "  <url><loc>{}</loc></url>", escape(loc));
            }
        }
    }
    x.push_str("</urlset>\n");
    x
}

pub fn robots(u: &Urls) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        u.absolute("sitemap.xml")
    )
}
