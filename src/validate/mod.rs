//! Stage 2, validate: [`RawSite`] + as-of date → [`Site`] + diagnostics.
//!
//! Checks that span files (duplicate 索引号, dangling `superseded_by`,
//! vocabularies, patterns, attachments, the 20-working-day rule) and
//! decides each item's validity on the as-of date. This is the one place
//! where `exempt` items and drafts are dropped: later stages never see
//! them, so they cannot leak into any output file.

pub mod guide;
mod history;
pub mod power;
pub mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostics::{
    Diagnostic, Diagnostics, Severity, did_you_mean, quoted_alternatives, suggestions,
};
use crate::history::History;
use crate::load::RawSite;
use crate::model::file_type::{self, Mismatch};
use crate::model::{
    Attachment, AttachmentContent, Audience, CatalogItem, Date, Department, Disclosure, Guide,
    PowerItem, SiteConfig, Status,
};

pub use self::history::{
    Document, Release, ReleaseEntry, Removal, Revision, Withdrawn, WithheldIds,
};
use crate::history::Commit;
use crate::urls;
use crate::vocabulary::split_category;

/// 条例 第二十六条: proactive information is published within 20 working
/// days of being formed or changed.
const PUBLICATION_LIMIT_WORKING_DAYS: i64 = 20;

/// The site as it will be published.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub as_of: Date,
    /// Sorted by slug.
    pub departments: Vec<Department>,
    /// Published items (current and retired), newest first: by 发布日期
    /// descending, then 索引号 ascending.
    pub items: Vec<Item>,
    /// Published 权力清单 items, sorted by code.
    pub powers: Vec<Power>,
    /// Departments' guides (current, and deleted ones kept online), by slug.
    pub guides: Vec<Document<Guide>>,
    /// Departments' own files across time (current, and deleted ones kept
    /// online), by slug; `departments` holds the current ones.
    pub department_pages: Vec<Document<Department>>,
    /// (department, path under files/) → size in bytes, of attachments of
    /// published items: the only files of `files/` that are copied.
    pub attachments: BTreeMap<(String, String), u64>,
    pub home: Option<String>,
    pub withheld: Withheld,
    /// Items whose latest revision is exempt: their URLs show a neutral page.
    pub withdrawn: Vec<Withdrawn>,
    /// Git tags, newest first.
    pub releases: Vec<Release>,
    /// The history the site was built from: `None` outside git.
    pub history: Option<HistoryInfo>,
    /// Annual reports, by department slug and year.
    pub reports: Vec<crate::model::report::Report>,
    /// Annual reports across time (current, and deleted ones kept online),
    /// by `<slug>/<year>`; `reports` holds the current ones.
    pub report_pages: Vec<Document<crate::model::report::Report>>,
}

/// What the site says about where it comes from.
#[derive(Clone, Debug)]
pub struct HistoryInfo {
    pub tip: Commit,
    pub version: Option<String>,
}

/// What was kept out of the output, counted for the build report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Withheld {
    pub exempt: usize,
    pub drafts: usize,
}

/// A published catalog item and what the as-of date makes of it.
pub type Item = Document<CatalogItem>;

/// A published power and its validity.
pub type Power = Document<PowerItem>;

pub fn validate(
    raw: RawSite,
    as_of: Date,
    audience: Audience,
    history: Option<&History>,
) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let RawSite {
        config,
        departments,
        items,
        powers,
        attachments,
        home,
        reports,
    } = raw;

    check_aliases(&departments, &mut diagnostics);
    guide::check_guides(&departments, &mut diagnostics);
    power::check_powers(&powers, config.as_ref(), &mut diagnostics);
    let department_names: BTreeMap<&str, &Department> =
        departments.iter().map(|d| (d.slug.as_str(), d)).collect();

    // 索引号 must be unique: name both files.
    let mut by_index_no: BTreeMap<&str, &CatalogItem> = BTreeMap::new();
    for item in items.iter().filter(|i| !i.index_no.value.is_empty()) {
        if let Some(problem) = index_no_problem(&item.index_no.value) {
            diagnostics.push(
                item.source
                    .error("bad-index-no", item.index_no.span.clone(), format!("索引号 \"{}\" {problem}", item.index_no.value))
                    .with_help("an index number uses ASCII letters, digits, `-`, `_`, `.` and `/` between parts, e.g. \"11530100MB0X12345K/2024-00012\""),
            );
        }
        match by_index_no.get(item.index_no.value.as_str()) {
            Some(first) => diagnostics.push(
                item.source
                    .error(
                        "duplicate-index-no",
                        item.index_no.span.clone(),
                        format!(
                            "索引号 \"{}\" is already used by {}",
                            item.index_no.value,
                            first.source.path.display()
                        ),
                    )
                    .with_related(&first.source, first.index_no.span.clone(), "first used here")
                    .with_help("every item needs its own index number; give this one the next free number (`gongkai new catalog` finds it)"),
            ),
            None => {
                by_index_no.insert(&item.index_no.value, item);
            }
        }
    }

    if let Some(config) = &config {
        let categories: BTreeSet<&str> = config.categories.iter().map(String::as_str).collect();
        let kinds: BTreeSet<&str> = config.kinds.iter().map(String::as_str).collect();
        for item in &items {
            check_item(
                item,
                config,
                &categories,
                &kinds,
                &department_names,
                &by_index_no,
                &attachments,
                as_of,
                audience,
                &mut diagnostics,
            );
        }
    }

    let Some(config) = config else {
        return (None, diagnostics);
    };

    let mut withheld = Withheld::default();
    let (powers, power_ids) = history::sort_out(powers, audience, as_of, &mut withheld);
    let (mut powers, withdrawn_powers) = history::merge(powers, &power_ids, history, as_of);
    powers.sort_by(|a, b| a.id().cmp(b.id()));
    // Two files with one code are an error already; one page each.
    powers.dedup_by(|a, b| a.id() == b.id());
    let (published, withheld_ids) = history::sort_out(items, audience, as_of, &mut withheld);
    let (mut published, mut withdrawn) = history::merge(published, &withheld_ids, history, as_of);
    withdrawn.extend(withdrawn_powers);
    published.sort_by(|a, b| {
        b.doc
            .published
            .value
            .cmp(&a.doc.published.value)
            .then_with(|| a.id().cmp(b.id()))
    });
    // Attachments of every published revision, as long as the file exists.
    let used_attachments = published
        .iter()
        .flat_map(|item| {
            let revisions = item.revisions.iter().filter_map(|r| r.doc.as_deref());
            std::iter::once(&item.doc).chain(revisions).flat_map(|c| {
                c.attachments
                    .iter()
                    .map(|a| (c.department.clone(), a.value.clone()))
            })
        })
        // Only files judged publishable: a revision from history may name
        // a file that no current item is checked against.
        .filter_map(|key| {
            attachments
                .get(&key)
                .filter(|a| a.content == AttachmentContent::Allowed)
                .map(|a| (key, a.size))
        })
        .collect();
    let current_guides = departments.iter().filter_map(|d| d.guide.clone());
    let current_guides = current_guides
        .map(|g| Document::current(g, as_of))
        .collect();
    let (mut guides, _) = history::merge(current_guides, &WithheldIds::default(), history, as_of);
    guides.sort_by(|a, b| a.id().cmp(b.id()));
    // The guide is a document of its own.
    let current_departments = departments.iter().map(|d| Department {
        guide: None,
        ..d.clone()
    });
    let current_departments = current_departments
        .map(|d| Document::current(d, as_of))
        .collect();
    let (mut department_pages, _) =
        history::merge(current_departments, &WithheldIds::default(), history, as_of);
    department_pages.sort_by(|a, b| a.id().cmp(b.id()));
    check_public_notes(&published, &powers, &mut diagnostics);
    // A report in a folder whose department.toml is missing or broken (that
    // is reported already) has no department to be published under.
    let reports = reports
        .into_iter()
        .filter(|r| department_names.contains_key(r.department.as_str()))
        .collect();
    let mut reports = report::check(reports, &departments, &published, &mut diagnostics);
    // Checked like the others, but a draft report is not published.
    if audience == Audience::Publish {
        let before = reports.len();
        reports.retain(|r| !r.draft);
        withheld.drafts += before - reports.len();
    }
    let report_pages = report_pages(&reports, audience, history, as_of);
    let releases = history::releases(
        history,
        &published,
        &powers,
        &guides,
        &department_pages,
        &report_pages,
    );

    let site = Site {
        config,
        as_of,
        departments,
        items: published,
        powers,
        guides,
        department_pages,
        attachments: used_attachments,
        home,
        withheld,
        withdrawn,
        releases,
        history: history.map(|h| HistoryInfo {
            tip: h.tip().clone(),
            version: h.version.clone(),
        }),
        reports,
        report_pages,
    };
    (Some(site), diagnostics)
}

/// The published reports with their revisions, and deleted ones; a draft
/// left out of a publish build keeps its last published revision online.
fn report_pages(
    reports: &[crate::model::report::Report],
    audience: Audience,
    history: Option<&History>,
    as_of: Date,
) -> Vec<Document<crate::model::report::Report>> {
    let current = reports.iter().map(|r| Document::current(r.clone(), as_of));
    let mut withheld = WithheldIds::default();
    if audience == Audience::Publish
        && let Some(h) = history
    {
        // Ids with a draft on disk: those in history that are not current.
        let now: BTreeSet<&str> = reports.iter().map(|r| r.id.as_str()).collect();
        withheld.drafts = h
            .reports
            .events
            .iter()
            .filter(|(id, events)| {
                !now.contains(id.as_str())
                    && events
                        .last()
                        .and_then(|e| e.version.as_ref())
                        .is_some_and(|v| h.reports.parsed(&v.blob).is_some_and(|r| r.draft))
            })
            .map(|(id, _)| id.clone())
            .collect();
    }
    let (mut pages, _) = history::merge(current.collect(), &withheld, history, as_of);
    for page in &mut pages {
        for revision in &mut page.revisions {
            if let Some(doc) = revision.doc.as_mut().filter(|d| d.as_published) {
                *doc = std::sync::Arc::new(report::revision_notes(doc));
            }
        }
    }
    pages.sort_by(|a, b| a.id().cmp(b.id()));
    pages
}

/// Why an index number cannot be used as a permanent URL, if it cannot.
fn index_no_problem(index_no: &str) -> Option<String> {
    if index_no.is_empty() {
        return Some("is empty".into());
    }
    if !index_no
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
    {
        return Some(
            "contains characters other than ASCII letters, digits, `-`, `_`, `.` and `/`".into(),
        );
    }
    path_parts_problem(index_no)
}

/// Why a `/`-separated path (索引号, attachment) cannot be published
/// under its own name, if it cannot: each part is a segment.
fn path_parts_problem(path: &str) -> Option<String> {
    path.split('/')
        .find_map(|part| urls::segment_problem(part).map(|p| (part, p)))
        .map(|(part, problem)| format!("has a part \"{part}\" that {problem}"))
}

/// A deleted item stays online as deleted, with a public 原因. That reason
/// comes only from the deleting commit's `Public-Note:` trailer (the commit
/// message is an internal note), so a deletion without one is pointed out.
fn check_public_notes(items: &[Item], powers: &[Power], diagnostics: &mut Diagnostics) {
    let removals = items
        .iter()
        .filter_map(|i| i.removed.as_ref())
        .chain(powers.iter().filter_map(|p| p.removed.as_ref()));
    for removal in removals {
        let Some(commit) = removal.commit.as_ref() else {
            diagnostics.push(
                Diagnostic::for_path(
                    Severity::Warning,
                    "deletion-without-note",
                    Path::new(&removal.path),
                    "this published file is deleted; its page will say \"no reason given\"",
                )
                .with_help(format!(
                    "commit the deletion with a public reason: git commit --trailer \"{}: 依据……废止\" (the commit message is never published)",
                    crate::history::PUBLIC_NOTE
                )),
            );
            continue;
        };
        if commit.public_note.is_some() {
            continue;
        }
        diagnostics.push(
            Diagnostic::for_path(
                Severity::Warning,
                "deletion-without-note",
                Path::new(&removal.path),
                format!(
                    "deleted by commit {} with no public reason; its page says \"no reason given\" (the commit message is never published)",
                    commit.short_id()
                ),
            )
            .with_help(format!(
                "before the commit is pushed, add the reason to it: git commit --amend --trailer \"{}: 依据……废止\" (to take a mistaken item off the site instead, see the README, \"Withdrawing an item published by mistake\")",
                crate::history::PUBLIC_NOTE
            )),
        );
    }
}

fn check_aliases(departments: &[Department], diagnostics: &mut Diagnostics) {
    let slugs: BTreeSet<&str> = departments.iter().map(|d| d.slug.as_str()).collect();
    let mut seen: BTreeMap<&str, &Department> = BTreeMap::new();
    for d in departments {
        for alias in &d.aliases {
            if slugs.contains(alias.as_str()) {
                diagnostics.push(
                    Diagnostic::for_path(
                        Severity::Error,
                        "alias-taken",
                        &d.source.path,
                        format!("alias `{alias}` is the folder name of a current department"),
                    )
                    .with_help(
                        "an alias is a former slug that no department uses any more; remove it",
                    ),
                );
            } else if let Some(other) = seen.insert(alias, d) {
                diagnostics.push(
                    Diagnostic::for_path(
                        Severity::Error,
                        "alias-taken",
                        &d.source.path,
                        format!("alias `{alias}` is also claimed by {}", other.source.path.display()),
                    )
                    .with_help("a former address can redirect to only one department; keep the alias in one file"),
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_item(
    item: &CatalogItem,
    config: &SiteConfig,
    categories: &BTreeSet<&str>,
    kinds: &BTreeSet<&str>,
    departments: &BTreeMap<&str, &Department>,
    by_index_no: &BTreeMap<&str, &CatalogItem>,
    attachments: &BTreeMap<(String, String), Attachment>,
    as_of: Date,
    audience: Audience,
    diagnostics: &mut Diagnostics,
) {
    let src = &item.source;
    let department = departments.get(item.department.as_str());

    if let Some(pattern) = department.and_then(|d| d.index_pattern.as_ref())
        && !item.index_no.value.is_empty()
        && !pattern.is_match(&item.index_no.value)
    {
        let dept = department.expect("pattern comes from the department");
        diagnostics.push(
            src.error(
                "index-pattern",
                item.index_no.span.clone(),
                format!(
                    "索引号 \"{}\" does not match the pattern of {}",
                    item.index_no.value, dept.name
                ),
            )
            .with_help(format!(
                "the department's index numbers must match `{}` (index_pattern in {})",
                pattern
                    .as_str()
                    .trim_start_matches("^(?:")
                    .trim_end_matches(")$"),
                dept.source.path.display()
            )),
        );
    }

    // A value that cannot be a path is reported on the item too: site.toml
    // may list it, but the item is what would publish it.
    let unusable = |value: &str, problem: &str, span: &std::ops::Range<usize>, what: &str| {
        src.error(
            "bad-url-segment",
            span.clone(),
            format!("{what} \"{value}\" {problem}"),
        )
        .with_help(format!(
            "it becomes the web address of a listing page; fix the entry in site.toml and here: {}",
            urls::SEGMENT_RULE
        ))
    };
    let category = &item.category.value;
    if let Some(problem) = urls::category_problem(category).filter(|_| !category.is_empty()) {
        diagnostics.push(unusable(category, problem, &item.category.span, "主题分类"));
    } else if !category.is_empty() && !categories.contains(category.as_str()) {
        let (top, _) = split_category(category);
        let fixed = category.replace(['/', '／', '＼'], "\\");
        let children: Vec<&str> = config
            .categories
            .iter()
            .filter_map(|c| c.strip_prefix(top).and_then(|rest| rest.strip_prefix('\\')))
            .collect();
        let help = if categories.contains(fixed.as_str()) {
            format!(
                "the two levels are separated by a backslash: category = \"{}\"",
                fixed.replace('\\', "\\\\")
            )
        } else if top == category && !children.is_empty() {
            format!(
                "\"{top}\" needs a second level, one of: {}",
                children.join("、")
            )
        } else if let Some(m) = did_you_mean(category, categories.iter().copied()) {
            format!(
                "did you mean \"{}\"? (write the backslash as \\\\ in a basic string)",
                m.replace('\\', "\\\\")
            )
        } else if children.is_empty() {
            "use one entry of the 主题分类 vocabulary, written `一级\\\\二级`, e.g. \"综合政务\\\\政务公开\"".to_string()
        } else {
            format!(
                "\"{top}\" is not followed by a known second level; use one of: {}",
                children.join("、")
            )
        };
        diagnostics.push(
            src.error(
                "unknown-category",
                item.category.span.clone(),
                format!("主题分类 \"{category}\" is not in the site's vocabulary"),
            )
            .with_help(help),
        );
    }
    if let Some(kind) = &item.kind
        && let Some(problem) = urls::segment_problem(&kind.value)
    {
        diagnostics.push(unusable(&kind.value, problem, &kind.span, "文种"));
    } else if let Some(kind) = &item.kind
        && !kinds.contains(kind.value.as_str())
    {
        let close = suggestions(&kind.value, config.kinds.iter().map(String::as_str));
        let help = if close.is_empty() {
            format!("kind is one of: {}", config.kinds.join("、"))
        } else {
            format!("did you mean {}?", quoted_alternatives(&close))
        };
        diagnostics.push(
            src.error(
                "unknown-kind",
                kind.span.clone(),
                format!("文种 \"{}\" is not in the site's vocabulary", kind.value),
            )
            .with_help(help),
        );
    }

    check_attachments(item, attachments, diagnostics);
    check_superseded_by(item, by_index_no, as_of, audience, diagnostics);
    if !item.complete {
        // Dates below would be compared with placeholders.
        return;
    }
    let published = item.published.value;
    if let Some(written) = &item.written {
        if written.value > published {
            diagnostics.push(
                src.error(
                    "written-after-published",
                    written.span.clone(),
                    format!("成文日期 {} is after 发布日期 {published}", written.value),
                )
                .with_help("a document is published after it is written; check both dates"),
            );
        } else {
            let days = written.value.working_days_until(published);
            if days > PUBLICATION_LIMIT_WORKING_DAYS {
                diagnostics.push(
                    src.warning(
                        "late-publication",
                        item.published.span.clone(),
                        format!(
                            "published {days} working days after it was written ({} → {published}); the limit is {PUBLICATION_LIMIT_WORKING_DAYS}",
                            written.value
                        ),
                    )
                    .with_help("条例 第二十六条: proactive information is published within 20 working days of being formed or changed; check the dates"),
                );
            }
        }
    }
    if published > as_of {
        diagnostics.push(
            src.warning(
                "published-in-future",
                item.published.span.clone(),
                format!("发布日期 {published} is after the build date {as_of}"),
            )
            .with_help("the build date is the day of HEAD's commit in the site's time zone (`timezone` in site.toml, default +08:00), or --as-of; a 发布日期 after it is a typo or an item committed before its day: fix the date, or commit it on or after that day"),
        );
    }

    match (item.status, &item.retired) {
        (Status::Repealed | Status::Expired, None) => {
            let word = if item.status == Status::Repealed {
                "repealed"
            } else {
                "expired"
            };
            diagnostics.push(
                src.error("missing-retired", item.status_span.clone(), format!("a {word} item needs the date it stopped being in force"))
                    .with_help("add `retired = 2024-03-01` (the date of the repeal or expiry) and, ideally, `retired_reason`"),
            );
        }
        (Status::InForce | Status::Amended, Some(retired)) => diagnostics.push(
            src.error(
                "retired-but-in-force",
                retired.span.clone(),
                "`retired` is set but the status says the item is in force",
            )
            .with_help("set status = \"repealed\" or \"expired\", or remove `retired`"),
        ),
        (_, Some(retired)) if retired.value < published => diagnostics.push(
            src.error(
                "retired-before-published",
                retired.span.clone(),
                format!(
                    "retired {} before it was published on {published}",
                    retired.value
                ),
            )
            .with_help("check the retirement date"),
        ),
        _ => {}
    }
    if let (Some(effective), Some(expires)) = (item.effective, item.expires)
        && expires < effective
    {
        diagnostics.push(
            src.error(
                "expires-before-effective",
                item.published.span.clone(),
                format!("expires {expires} before it takes effect on {effective}"),
            )
            .with_help("check `effective` and `expires`"),
        );
    }
}

fn check_superseded_by(
    item: &CatalogItem,
    by_index_no: &BTreeMap<&str, &CatalogItem>,
    as_of: Date,
    audience: Audience,
    diagnostics: &mut Diagnostics,
) {
    let src = &item.source;
    if let Some(target) = &item.superseded_by {
        match by_index_no.get(target.value.as_str()) {
            _ if target.value == item.index_no.value => diagnostics.push(
                src.error("superseded-by-self", target.span.clone(), "an item cannot be superseded by itself")
                    .with_help("superseded_by is the 索引号 of the new document that replaces this one"),
            ),
            None => {
                // Numbers of one department share a long prefix: only a
                // number a couple of keystrokes away is a plausible typo.
                let others = by_index_no
                    .keys()
                    .copied()
                    .filter(|k| *k != item.index_no.value && strsim::levenshtein(k, &target.value) <= 2);
                let help = match did_you_mean(&target.value, others) {
                    Some(m) => format!("did you mean \"{m}\"?"),
                    None => "superseded_by must be the 索引号 of an item of this site".to_string(),
                };
                diagnostics.push(
                    src.error("dangling-superseded-by", target.span.clone(), format!("superseded_by \"{}\" matches no item", target.value))
                        .with_help(help),
                );
            }
            Some(replacement) if replacement.disclosure == Disclosure::Exempt => diagnostics.push(
                src.error(
                    "superseded-by-unpublished",
                    target.span.clone(),
                    format!("superseded_by points to {}, which is not published (exempt)", replacement.source.path.display()),
                )
                .with_help("a published page cannot link to an exempt item; remove superseded_by or publish the replacement"),
            ),
            Some(replacement) if replacement.draft && audience == Audience::Publish => diagnostics.push(
                src.error(
                    "superseded-by-unpublished",
                    target.span.clone(),
                    format!("superseded_by points to {}, which is still a draft", replacement.source.path.display()),
                )
                .with_help("publish the replacement first (remove `draft = true`), or remove superseded_by for now"),
            ),
            Some(replacement) => {
                if replacement.validity_on(as_of).0.is_retired() {
                    diagnostics.push(
                        src.warning(
                            "superseded-by-retired",
                            target.span.clone(),
                            format!("the replacement {} is itself no longer in force", target.value),
                        )
                        .with_help("point superseded_by to the item that is in force now"),
                    );
                }
            }
        }
    }
}

fn check_attachments(
    item: &CatalogItem,
    attachments: &BTreeMap<(String, String), Attachment>,
    diagnostics: &mut Diagnostics,
) {
    let src = &item.source;
    for attachment in &item.attachments {
        let path = &attachment.value;
        let on_disk = format!("content/{}/files/{path}", item.department);
        let error = |code, message: String| src.error(code, attachment.span.clone(), message);
        let key = |p: &str| (item.department.clone(), p.to_string());
        // The link may be the file or any folder on the way to it.
        let linked = path
            .match_indices('/')
            .map(|(i, _)| &path[..i])
            .chain([path.as_str()])
            .find(|p| {
                attachments
                    .get(&key(p))
                    .is_some_and(|a| a.content == AttachmentContent::Linked)
            });
        let problem = if let Some(problem) = attachment_path_problem(path) {
            error("bad-attachment-path", format!("attachment \"{path}\" {problem}"))
                .with_help("attachments are paths inside the department's files/ folder, e.g. \"2024/收费标准.pdf\"")
        } else if file_type::by_name(path).is_none() {
            let ext = path
                .rsplit('/')
                .next()
                .and_then(|f| f.rsplit_once('.'))
                .map_or("files without an extension".to_string(), |(_, e)| {
                    format!(".{e} files")
                });
            error("attachment-type", format!("attachment \"{path}\": {ext} are not published: only document, image, archive and text types are, as anything else could run in a reader's browser"))
                .with_help(format!(
                    "attach only these types: {} (save the document as PDF, for instance)",
                    file_type::allowed_list()
                ))
        } else if let Some(link) = linked {
            error("linked-file", format!(
                "attachment \"{path}\" is reached through a symbolic link (content/{}/files/{link}); nothing reached through a link is published",
                item.department
            ))
            .with_help(format!("copy the file to {on_disk} instead of linking to it"))
        } else {
            match attachments.get(&key(path)).map(|a| a.content) {
                Some(AttachmentContent::Allowed) => continue,
                None => error(
                    "missing-attachment",
                    format!("attachment \"{path}\" does not exist"),
                )
                .with_help(format!("put the file at {on_disk} or correct the path")),
                Some(AttachmentContent::Mismatch(mismatch)) => {
                    let name = file_type::by_name(path).map_or("", |t| t.name);
                    let (message, help) = match mismatch {
                        Mismatch::NotThisType => (
                            format!("attachment \"{path}\" is not a {name} file: its first bytes are not those of one"),
                            format!("export the document again as {name}, or give {on_disk} the extension of what it really is"),
                        ),
                        Mismatch::Markup => (
                            format!("attachment \"{path}\" starts like HTML or XML, which a browser could run"),
                            "attach the document as PDF, or remove the markup at the start of the file".to_string(),
                        ),
                        Mismatch::NotText => (
                            format!("attachment \"{path}\" is not UTF-8 or GB18030 text"),
                            format!("save {on_disk} as UTF-8 text, or give it the extension of what it really is"),
                        ),
                    };
                    error("attachment-content", message).with_help(help)
                }
                Some(
                    AttachmentContent::Unreadable
                    | AttachmentContent::NotAllowed
                    | AttachmentContent::Linked,
                ) => error(
                    "unreadable",
                    format!("attachment \"{path}\" cannot be read"),
                )
                .with_help(format!("make {on_disk} a regular, readable file")),
            }
        };
        diagnostics.push(problem);
    }
}

/// Attachment paths are relative to `files/` and must stay inside it.
fn attachment_path_problem(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("is empty".into());
    }
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Some("must be a relative path with `/` separators".into());
    }
    path_parts_problem(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_numbers_that_escape_are_rejected() {
        assert!(index_no_problem("11530100MB0X12345K/2024-00012").is_none());
        assert!(index_no_problem("../etc/2024").is_some());
        assert!(index_no_problem("a//b").is_some());
        assert!(index_no_problem("索引/1").is_some());
        assert!(index_no_problem(&format!("A/{}", "1".repeat(300))).is_some());
        assert!(index_no_problem("A/.hidden").is_some());
    }

    #[test]
    fn attachment_paths_stay_inside_files() {
        assert!(attachment_path_problem("2024/表.csv").is_none());
        assert!(attachment_path_problem("../../site.toml").is_some());
        assert!(attachment_path_problem("/etc/passwd").is_some());
        assert!(attachment_path_problem("a\\b").is_some());
        assert!(attachment_path_problem(".git/config").is_some());
        assert!(attachment_path_problem("a/\u{1}.pdf").is_some());
    }
}
