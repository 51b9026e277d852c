//! What templates see: plain serialisable views of the site's data, with
//! every URL already made (templates never build URLs themselves).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{CatalogItem, Date, Department, Language, Payload, Validity};
use crate::validate::{Item, Removal, Site};

use super::theme::Strings;
use super::urls::{self, Urls};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemSummary {
    pub index_no: String,
    pub title: String,
    pub url: String,
    pub published: Date,
    pub doc_no: Option<String>,
    pub kind: Option<String>,
    pub department: String,
    pub validity: &'static str,
    /// 有效, 已废止…: looked up here once instead of by every template.
    pub validity_label: String,
    pub retired_on: Option<Date>,
    /// Language of the title (a zh-TW department's items in a zh-CN list).
    pub lang: Language,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttachmentView {
    pub name: String,
    pub url: String,
    /// File type shown to readers, e.g. `PDF`.
    pub format: String,
    pub size: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemView {
    pub index_no: String,
    pub title: String,
    pub url: String,
    pub department: Link,
    pub publisher: String,
    pub category: String,
    /// `一级 › 二级`, for reading.
    pub category_label: String,
    /// Facet listings exist for current items only: `None` when retired.
    pub category_url: Option<String>,
    pub kind: Option<String>,
    pub kind_url: Option<String>,
    pub doc_no: Option<String>,
    pub written: Option<Date>,
    pub published: Date,
    pub year_url: Option<String>,
    pub effective: Option<Date>,
    pub expires: Option<Date>,
    pub validity: &'static str,
    pub validity_label: String,
    /// 本文件已废止。 / 本文件已失效。 for retired items.
    pub retired_banner: Option<String>,
    pub retired_on: Option<Date>,
    pub retired_reason: Option<String>,
    pub superseded_by: Option<Link>,
    /// Items that name this one as their replacement.
    pub replaces: Vec<Link>,
    pub keywords: Vec<String>,
    pub attachments: Vec<AttachmentView>,
    pub blob: String,
    pub snapshot_url: String,
    pub source_url: String,
    pub history_url: String,
    /// `lang` of the content when it differs from the page's.
    pub lang: Language,
}

/// What a document is on the date it is shown for: the current item on
/// the as-of date, a revision on its own date.
#[derive(Clone, Copy, Debug)]
pub struct DocumentState {
    /// `deleted` or a validity key.
    pub key: &'static str,
    pub retired: bool,
    pub retired_on: Option<Date>,
}

impl DocumentState {
    pub fn of_item(item: &Item) -> DocumentState {
        DocumentState {
            key: item.state(),
            retired: item.is_retired(),
            retired_on: item.retired_on,
        }
    }

    pub fn of_revision(validity: Validity, retired_on: Option<Date>) -> DocumentState {
        DocumentState {
            key: validity.key(),
            retired: validity.is_retired(),
            retired_on,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct DepartmentView {
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    pub code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub office_hours: Option<String>,
    pub parent: Option<Link>,
    pub url: String,
    pub guide_url: Option<String>,
    /// `None` when the department has no current item.
    pub catalog_url: Option<String>,
    /// `None` when the department has no retired item.
    pub archive_url: Option<String>,
    pub feed_url: String,
    pub current_count: usize,
    /// Content language, when the department writes in another one.
    pub lang: Option<Language>,
}

/// Lookups shared by all views of one build.
pub struct Lookup<'a> {
    pub site: &'a Site,
    pub urls: &'a Urls,
    pub departments: BTreeMap<&'a str, &'a Department>,
    pub items: BTreeMap<&'a str, &'a Item>,
    /// Replacement 索引号 → items it replaces, in site order.
    pub replaced_by: BTreeMap<&'a str, Vec<&'a Item>>,
    /// Department slug → (current items, retired items).
    pub counts: BTreeMap<&'a str, (usize, usize)>,
    /// The theme's interface strings, by language (none when pages are
    /// only planned).
    pub strings: BTreeMap<Language, Strings>,
}

impl<'a> Lookup<'a> {
    pub fn new(site: &'a Site, urls: &'a Urls) -> Lookup<'a> {
        let departments = site
            .departments
            .iter()
            .map(|d| (d.slug.as_str(), d))
            .collect();
        let items = site.items.iter().map(|i| (i.id(), i)).collect();
        let mut replaced_by: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
        let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for item in &site.items {
            let count = counts.entry(item.doc.department.as_str()).or_default();
            if item.is_retired() {
                count.1 += 1;
            } else {
                count.0 += 1;
            }
            if let Some(target) = &item.doc.superseded_by {
                replaced_by
                    .entry(target.value.as_str())
                    .or_default()
                    .push(item);
            }
        }
        Lookup {
            site,
            urls,
            departments,
            items,
            replaced_by,
            counts,
            strings: BTreeMap::new(),
        }
    }

    pub fn department_name(&self, slug: &str) -> String {
        self.departments
            .get(slug)
            .map_or_else(|| slug.to_string(), |d| d.name.clone())
    }

    /// The language an item's or department's content is written in.
    pub fn content_language(&self, slug: &str) -> Language {
        self.departments
            .get(slug)
            .and_then(|d| d.language)
            .unwrap_or(self.site.config.language)
    }

    pub fn link(&self, item: &Item) -> Link {
        Link {
            title: item.doc.title.clone(),
            url: self.urls.href(&urls::item(item.id())),
        }
    }

    fn label(&self, lang: Language, table: &'static str, key: &str) -> Option<String> {
        let strings = self.strings.get(&lang)?;
        strings.get(&format!("{table}.{key}")).map(str::to_string)
    }

    pub fn summary(&self, item: &Item, lang: Language) -> ItemSummary {
        let c = &item.doc;
        ItemSummary {
            index_no: c.index_no.value.clone(),
            title: c.title.clone(),
            url: self.urls.href(&urls::item(&c.index_no.value)),
            published: c.published.value,
            doc_no: c.doc_no.clone(),
            kind: c.kind.as_ref().map(|k| k.value.clone()),
            department: self.department_name(&c.department),
            validity: item.state(),
            validity_label: self
                .label(lang, "validity", item.state())
                .unwrap_or_else(|| item.state().to_string()),
            retired_on: item.retired_on,
            lang: self.content_language(&c.department),
        }
    }

    pub fn item(&self, item: &Item, lang: Language) -> ItemView {
        let mut view = self.document(&item.doc, DocumentState::of_item(item), lang);
        if let Some(removal) = &item.removed
            && view.retired_reason.is_none()
        {
            view.retired_reason = self.removal_reason(removal, lang);
        }
        view
    }

    /// The public reason for a deletion: the deleting commit's
    /// `Public-Note:`, else a neutral "no reason given"; never the commit
    /// message, which is an internal working note.
    pub fn removal_reason(&self, removal: &Removal, lang: Language) -> Option<String> {
        removal
            .commit
            .as_ref()
            .and_then(|c| c.public_note.clone())
            .or_else(|| self.label(lang, "public_note", "none"))
    }

    /// The view of one revision of a document (`c`) in a given state.
    pub fn document(&self, c: &CatalogItem, state: DocumentState, lang: Language) -> ItemView {
        let u = self.urls;
        let department_name = self.department_name(&c.department);
        let attachments = c
            .attachments
            .iter()
            .filter_map(|a| {
                let key = (c.department.clone(), a.value.clone());
                let size = *self.site.attachments.get(&key)?;
                let name = a.value.rsplit('/').next().unwrap_or(&a.value).to_string();
                let format = name
                    .rsplit_once('.')
                    .map(|(_, ext)| ext.to_uppercase())
                    .unwrap_or_default();
                Some(AttachmentView {
                    url: u.href(&urls::attachment(&c.department, &a.value)),
                    size: human_size(size),
                    format,
                    name,
                })
            })
            .collect();
        let superseded_by = c
            .superseded_by
            .as_ref()
            .and_then(|s| self.items.get(s.value.as_str()))
            .map(|i| self.link(i));
        let replaces = self
            .replaced_by
            .get(c.index_no.value.as_str())
            .map(|v| v.iter().map(|i| self.link(i)).collect())
            .unwrap_or_default();
        let current = !state.retired;
        ItemView {
            index_no: c.index_no.value.clone(),
            title: c.title.clone(),
            url: u.href(&urls::item(&c.index_no.value)),
            department: Link {
                title: department_name.clone(),
                url: u.href(&urls::department(&c.department)),
            },
            publisher: c.publisher.clone().unwrap_or(department_name),
            category: c.category.value.clone(),
            category_label: c.category.value.replace('\\', " › "),
            category_url: current.then(|| u.href(&urls::category(&c.category.value))),
            kind: c.kind.as_ref().map(|k| k.value.clone()),
            kind_url: c
                .kind
                .as_ref()
                .filter(|_| current)
                .map(|k| u.href(&urls::facet(urls::CATALOG, "kind", &k.value))),
            doc_no: c.doc_no.clone(),
            written: c.written.as_ref().map(|w| w.value),
            published: c.published.value,
            year_url: current.then(|| {
                u.href(&urls::facet(
                    urls::CATALOG,
                    "year",
                    &c.published.value.year().to_string(),
                ))
            }),
            effective: c.effective,
            expires: c.expires,
            validity: state.key,
            validity_label: self
                .label(lang, "validity", state.key)
                .unwrap_or_else(|| state.key.to_string()),
            retired_banner: self.label(lang, "retired_banner", state.key),
            retired_on: state.retired_on,
            retired_reason: c.retired_reason.clone(),
            superseded_by,
            replaces,
            keywords: c.keywords.clone(),
            attachments,
            blob: c.blob.clone(),
            snapshot_url: u.href(&urls::snapshot(&c.key(), &c.blob)),
            source_url: u.href(&urls::source(&c.key(), &c.blob)),
            history_url: u.href(&urls::history(&c.key()).expect("items have a history page")),
            lang: self.content_language(&c.department),
        }
    }

    pub fn department(&self, d: &Department) -> DepartmentView {
        let (current_count, archived_count) = self
            .counts
            .get(d.slug.as_str())
            .copied()
            .unwrap_or_default();
        let u = self.urls;
        DepartmentView {
            slug: d.slug.clone(),
            name: d.name.clone(),
            short_name: d.short_name.clone(),
            code: d.code.clone(),
            address: d.address.clone(),
            phone: d.phone.clone(),
            fax: d.fax.clone(),
            email: d.email.clone(),
            office_hours: d.office_hours.clone(),
            parent: d
                .parent
                .as_ref()
                .map(|p| match self.departments.get(p.as_str()) {
                    Some(parent) => Link {
                        title: parent.name.clone(),
                        url: u.href(&urls::department(&parent.slug)),
                    },
                    None => Link {
                        title: p.clone(),
                        url: String::new(),
                    },
                }),
            url: u.href(&urls::department(&d.slug)),
            guide_url: d.guide.as_ref().map(|_| u.href(&urls::guide(&d.slug))),
            catalog_url: (current_count > 0)
                .then(|| u.href(&urls::facet(urls::CATALOG, "department", &d.slug))),
            archive_url: (archived_count > 0)
                .then(|| u.href(&urls::facet(urls::ARCHIVE, "department", &d.slug))),
            feed_url: u.href(&urls::department_feed(&d.slug)),
            current_count,
            lang: d.language,
        }
    }
}

/// `12.3 KB`, for attachment sizes.
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// One choice of a search filter.
#[derive(Clone, Debug, Serialize)]
pub struct OptionView {
    pub value: String,
    pub label: String,
}

/// A `<select>` of the search form.
#[derive(Clone, Debug, Serialize)]
pub struct FilterView {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<OptionView>,
}

/// The search page: where the index is, the filters and, for the script,
/// its interface strings as JSON (safe inside `<script>`).
#[derive(Clone, Debug, Serialize)]
pub struct SearchPageView {
    pub index_url: String,
    pub script_url: String,
    pub catalog_url: String,
    pub filters: Vec<FilterView>,
    pub strings_json: String,
    /// The entry of the index (`search/index.json`), so that a first query
    /// does not wait for it.
    pub entry_json: String,
}

/// The values of the search filters: departments, 主题分类, 文种 and years of
/// the published items, and every validity.
pub fn search_page(site: &Site, u: &Urls, strings: &Strings, entry: &str) -> SearchPageView {
    let table = |name: &str| -> BTreeMap<String, String> {
        strings
            .table(name)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect()
    };
    let s = table("search");
    let validity = table("validity");
    let label = |key: &str| s.get(key).cloned().unwrap_or_default();
    let mut used: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    for item in &site.items {
        let c = &item.doc;
        used.entry("department")
            .or_default()
            .insert(c.department.clone());
        used.entry("category")
            .or_default()
            .insert(c.category.value.clone());
        if let Some(k) = &c.kind {
            used.entry("kind").or_default().insert(k.value.clone());
        }
        used.entry("year")
            .or_default()
            .insert(c.published.value.year().to_string());
    }
    // Powers are documents of the search too: their departments and
    // categories (行政许可, 行政处罚, …) are filter values.
    for power in &site.powers {
        let p = &power.doc;
        used.entry("department")
            .or_default()
            .insert(p.department.clone());
        used.entry("category")
            .or_default()
            .insert(p.category.value.clone());
    }
    let mut values = |facet: &str| used.remove(facet).unwrap_or_default();
    let department_names: BTreeMap<&str, &str> = site
        .departments
        .iter()
        .map(|d| (d.slug.as_str(), d.name.as_str()))
        .collect();
    let options = |values: Vec<String>, label: &dyn Fn(&str) -> String| {
        values
            .into_iter()
            .map(|v| OptionView {
                label: label(&v),
                value: v,
            })
            .collect::<Vec<_>>()
    };
    let departments = options(values("department").into_iter().collect(), &|v| {
        department_names
            .get(v)
            .map_or(v.to_string(), |n| n.to_string())
    });
    let categories = options(values("category").into_iter().collect(), &|v| {
        v.replace('\\', " › ")
    });
    let kinds = options(values("kind").into_iter().collect(), &|v| v.to_string());
    let years = options(values("year").into_iter().rev().collect(), &|v| {
        v.to_string()
    });
    let mut states = vec![OptionView {
        value: "all".into(),
        label: label("all_states"),
    }];
    for state in [
        "in-force", "amended", "pending", "repealed", "expired", "deleted",
    ] {
        states.push(OptionView {
            value: state.into(),
            label: validity.get(state).cloned().unwrap_or_else(|| state.into()),
        });
    }
    let filters = vec![
        FilterView {
            name: "department",
            label: label("department"),
            options: departments,
        },
        FilterView {
            name: "category",
            label: label("category"),
            options: categories,
        },
        FilterView {
            name: "kind",
            label: label("kind"),
            options: kinds,
        },
        FilterView {
            name: "year",
            label: label("year"),
            options: years,
        },
        FilterView {
            name: "status",
            label: label("status"),
            options: states,
        },
    ];
    let script_strings = serde_json::json!({ "search": s, "validity": validity });
    let strings_json = script_json(&serde_json::to_string(&script_strings).expect("json"));
    SearchPageView {
        index_url: u.href(urls::SEARCH_INDEX),
        script_url: u.href("static/search.js"),
        catalog_url: u.href(urls::CATALOG),
        filters,
        strings_json,
        entry_json: script_json(entry),
    }
}

/// JSON that is safe inside `<script type="application/json">`: editors'
/// text (department names, categories) cannot close the element.
pub fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
