//! Stage 1, load: the content folder → [`RawSite`] + diagnostics.
//!
//! Reads `site.toml`, every `department.toml`, guide and catalog item, and
//! lists attachment files. Every problem local to one file (syntax, unknown
//! fields, types, dates) is reported here; problems between files
//! (duplicates, dangling references) are `validate`'s. Never stops at the
//! first problem; fails only on I/O errors of the root itself.

mod cache;
pub(crate) mod catalog;
pub(crate) mod department;
pub mod fields;
mod front_matter;
pub mod guardrails;
mod identity;
pub mod power;
pub mod report;
pub(crate) mod site;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::model::file_type;
use crate::model::{Attachment, AttachmentContent, CatalogItem, Department, PowerItem, SiteConfig};

pub use cache::ItemCache;
pub use catalog::{Guardrails, load_item as load_catalog_item, read_item as read_catalog_item};
pub use department::is_valid_slug;
pub use front_matter::split_front_matter;
pub use site::{load_site_config, site_utc_offset};

/// Everything read from the content repository, before cross-file checks.
#[derive(Debug)]
pub struct RawSite {
    /// `None` when `site.toml` is missing or broken (already reported).
    pub config: Option<SiteConfig>,
    /// Sorted by slug.
    pub departments: Vec<Department>,
    /// Sorted by path.
    pub items: Vec<CatalogItem>,
    /// 权力清单 items (`powers/**/*.toml`), sorted by path.
    pub powers: Vec<PowerItem>,
    /// Keyed by (department slug, path under `files/`).
    pub attachments: BTreeMap<(String, String), Attachment>,
    /// `content/_index.md`: optional home-page text.
    pub home: Option<String>,
    /// Annual reports (`reports/<year>.toml`), sorted by department and path.
    pub reports: Vec<report::Report>,
}

/// Read the site at `root`.
pub fn load(root: &Path) -> io::Result<(RawSite, Diagnostics)> {
    load_reusing(root, None)
}

/// Like [`load`], with the same result, but reusing what `cache` holds
/// from earlier loads: when only catalog items were reported changed
/// ([`ItemCache::item_changed`]), only those files are read; otherwise
/// the tree is walked again and only items whose file changed (size or
/// modification time) are parsed again.
pub fn load_reusing(
    root: &Path,
    cache: Option<&mut ItemCache>,
) -> io::Result<(RawSite, Diagnostics)> {
    let Some(cache) = cache else {
        let (tree, mut diagnostics) = load_tree(root)?;
        let items = parse_items(root, &tree.item_paths, None);
        return Ok(tree.into_raw_site(items.into_iter().map(|(i, d, _)| (i, d)), &mut diagnostics));
    };
    let changed = std::mem::take(&mut cache.changed_items);
    if let Some(tree) = cache.tree.as_mut()
        && tree.apply_item_changes(root, &changed)
    {
        for rel in &changed {
            cache.entries.remove(rel);
        }
        let missing: Vec<(String, PathBuf)> = tree
            .item_paths
            .iter()
            .filter(|(_, rel)| !cache.entries.contains_key(rel))
            .cloned()
            .collect();
        for ((_, rel), (item, d, fresh)) in missing.iter().zip(parse_items(root, &missing, None)) {
            cache.entries.insert(
                rel.clone(),
                cache::CachedItem {
                    stamp: fresh.or_else(|| cache::FileStamp::of(&root.join(rel))),
                    item,
                    diagnostics: d,
                },
            );
        }
        let tree = cache.tree.as_ref().expect("checked above").clone();
        let items: Vec<_> = tree
            .item_paths
            .iter()
            .map(|(_, rel)| {
                let hit = &cache.entries[rel];
                (hit.item.clone(), hit.diagnostics.clone())
            })
            .collect();
        let mut diagnostics = tree.diagnostics.clone();
        return Ok(tree.into_raw_site(items, &mut diagnostics));
    }

    // Something other than an item changed (or this is the first load):
    // read the tree again, parse only the items whose file changed.
    cache.tree = None;
    let (tree, mut diagnostics) = load_tree(root)?;
    let parsed = parse_items(root, &tree.item_paths, Some(&cache.entries));
    let current: std::collections::HashSet<&Path> = tree
        .item_paths
        .iter()
        .map(|(_, rel)| rel.as_path())
        .collect();
    cache
        .entries
        .retain(|rel, _| current.contains(rel.as_path()));
    let mut items = Vec::with_capacity(parsed.len());
    for ((_, rel), (item, d, fresh)) in tree.item_paths.iter().zip(parsed) {
        if let Some(stamp) = fresh {
            cache.entries.insert(
                rel.clone(),
                cache::CachedItem {
                    stamp: Some(stamp),
                    item: item.clone(),
                    diagnostics: d.clone(),
                },
            );
        }
        items.push((item, d));
    }
    cache.tree = Some(tree.clone());
    Ok(tree.into_raw_site(items, &mut diagnostics))
}

/// Everything `load` reads except the catalog items themselves.
#[derive(Clone, Debug)]
struct Tree {
    config: Option<SiteConfig>,
    /// Names of the folders under `content/`, sorted.
    department_folders: Vec<String>,
    departments: Vec<Department>,
    /// (department slug, path) of every item file, in path order.
    item_paths: Vec<(String, PathBuf)>,
    /// Powers are few and read with the tree: a change to one is not an
    /// item change for the cache, so the tree is read again.
    powers: Vec<PowerItem>,
    attachments: BTreeMap<(String, String), Attachment>,
    home: Option<String>,
    reports: Vec<report::Report>,
    /// The problems found reading all this.
    diagnostics: Diagnostics,
}

impl Tree {
    fn into_raw_site(
        self,
        items: impl IntoIterator<Item = (Option<CatalogItem>, Diagnostics)>,
        diagnostics: &mut Diagnostics,
    ) -> (RawSite, Diagnostics) {
        let mut parsed = Vec::with_capacity(self.item_paths.len());
        for (item, d) in items {
            diagnostics.extend(d);
            parsed.extend(item);
        }
        let raw = RawSite {
            config: self.config,
            departments: self.departments,
            items: parsed,
            powers: self.powers,
            attachments: self.attachments,
            home: self.home,
            reports: self.reports,
        };
        (raw, std::mem::take(diagnostics))
    }

    /// Take in added, changed and deleted item files without walking the
    /// tree. False when a change is anything else (a link, a folder, a
    /// new department): the tree must be read again.
    fn apply_item_changes(&mut self, root: &Path, changed: &BTreeSet<PathBuf>) -> bool {
        let mut plan = Vec::with_capacity(changed.len());
        for rel in changed {
            let slug = match rel.iter().nth(1).and_then(|s| s.to_str()) {
                Some(slug) if self.department_folders.iter().any(|d| d == slug) => slug,
                _ => return false,
            };
            let exists = match std::fs::symlink_metadata(root.join(rel)) {
                Ok(meta) if meta.file_type().is_file() => true,
                Ok(_) => return false,
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(_) => return false,
            };
            plan.push((slug.to_string(), rel, exists));
        }
        for (slug, rel, exists) in plan {
            // Path order is the walk's order: components compared in turn.
            let at = self
                .item_paths
                .binary_search_by(|(_, p)| p.as_path().cmp(rel));
            match (at, exists) {
                (Ok(_), true) | (Err(_), false) => {}
                (Ok(i), false) => {
                    self.item_paths.remove(i);
                }
                (Err(i), true) => self.item_paths.insert(i, (slug, rel.clone())),
            }
        }
        true
    }
}

/// Parse the items at `paths` in parallel, in their order, reusing the
/// `previous` entries whose stamp is unchanged. The third value is the
/// stamp of a file parsed afresh (when `previous` is given).
#[allow(clippy::type_complexity)]
fn parse_items(
    root: &Path,
    paths: &[(String, PathBuf)],
    previous: Option<&std::collections::HashMap<PathBuf, cache::CachedItem>>,
) -> Vec<(Option<CatalogItem>, Diagnostics, Option<cache::FileStamp>)> {
    // Parsing is independent per file: do it in parallel, then keep path
    // order so that diagnostics and output never depend on scheduling.
    let opened = SiteRoot::open(root);
    paths
        .par_iter()
        .map(|(slug, rel)| {
            let Some(previous) = previous else {
                let (item, d) = parse_item(&opened, slug, rel);
                return (item, d, None);
            };
            let stamp = cache::FileStamp::of(&root.join(rel));
            if let Some(hit) = previous.get(rel)
                && stamp.is_some()
                && hit.stamp == stamp
            {
                return (hit.item.clone(), hit.diagnostics.clone(), None);
            }
            let (item, d) = parse_item(&opened, slug, rel);
            (item, d, stamp)
        })
        .collect()
}

/// Read `site.toml`, the departments and the list of item files.
fn load_tree(root: &Path) -> io::Result<(Tree, Diagnostics)> {
    let mut diagnostics = Diagnostics::default();
    let config = site::load_site_config(root, &mut diagnostics);
    let mut tree = Tree {
        config,
        department_folders: Vec::new(),
        departments: Vec::new(),
        item_paths: Vec::new(),
        powers: Vec::new(),
        attachments: BTreeMap::new(),
        home: None,
        reports: Vec::new(),
        diagnostics: Diagnostics::default(),
    };

    let content = root.join("content");
    if refuse_link(root, &content, &mut diagnostics) {
        tree.diagnostics = diagnostics.clone();
        return Ok((tree, diagnostics));
    }
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::for_path(
                Severity::Error,
                "missing-content",
                Path::new("content"),
                "the site has no `content/` folder",
            )
            .with_help(
                "create `content/<department>/department.toml` with at least `name = \"…\"`",
            ),
        );
        tree.diagnostics = diagnostics.clone();
        return Ok((tree, diagnostics));
    }

    tree.home = read_optional(root, Path::new("content/_index.md"), &mut diagnostics);

    let mut department_dirs: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(&content)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        // Files here (other than `_index.md`, read above) are ignored; a
        // link to a folder is refused, not skipped.
        let linked_folder = kind.is_symlink() && entry.path().is_dir();
        if linked_folder && refuse_link(root, &entry.path(), &mut diagnostics) {
            continue;
        }
        if kind.is_dir() {
            department_dirs.push((name, entry.path()));
        }
    }
    department_dirs.sort();

    for (slug, dir) in &department_dirs {
        if let Some(d) = department::load_department(root, slug, dir, &mut diagnostics) {
            tree.departments.push(d);
        }
        collect_department_files(
            root,
            slug,
            dir,
            &mut tree.item_paths,
            &mut tree.attachments,
            &mut diagnostics,
        );
        load_reports(root, slug, dir, &mut tree.reports, &mut diagnostics);
        collect_powers(root, slug, dir, &mut tree.powers, &mut diagnostics);
    }
    if department_dirs.is_empty() {
        diagnostics.push(
            Diagnostic::for_path(
                Severity::Error,
                "no-departments",
                Path::new("content"),
                "the site has no department",
            )
            .with_help(
                "create `content/<department>/department.toml` with at least `name = \"…\"`",
            ),
        );
    }
    tree.department_folders = department_dirs.into_iter().map(|(name, _)| name).collect();
    tree.diagnostics = diagnostics.clone();
    Ok((tree, diagnostics))
}

fn parse_item(root: &SiteRoot, slug: &str, rel: &Path) -> (Option<CatalogItem>, Diagnostics) {
    let mut d = Diagnostics::default();
    let item = match read_source_in(root, rel) {
        Ok(source) => catalog::load_item(source, slug, &mut d),
        Err(e) => {
            d.push(e);
            None
        }
    };
    (item, d)
}

fn collect_department_files(
    root: &Path,
    slug: &str,
    dir: &Path,
    item_paths: &mut Vec<(String, PathBuf)>,
    attachments: &mut BTreeMap<(String, String), Attachment>,
    diagnostics: &mut Diagnostics,
) {
    let catalog = dir.join("catalog");
    let files = dir.join("files");
    let catalog_linked = refuse_link(root, &catalog, diagnostics);
    let files_linked = refuse_link(root, &files, diagnostics);
    for entry in WalkDir::new(&catalog)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|_| !catalog_linked)
        .flatten()
    {
        let rel = relative(root, entry.path());
        if entry.file_type().is_dir() {
            continue;
        }
        let is_markdown = entry.path().extension().is_some_and(|e| e == "md");
        if !entry.file_type().is_file() {
            diagnostics.push(not_a_file(&rel, entry.path_is_symlink()));
        } else if is_markdown {
            item_paths.push((slug.to_string(), rel));
        } else {
            diagnostics.push(
                Diagnostic::for_path(
                    Severity::Warning,
                    "ignored-file",
                    &rel,
                    "only `.md` files are read in `catalog/`; this file is ignored",
                )
                .with_help("move attachments to the department's `files/` folder"),
            );
        }
    }
    let files = dir.join("files");
    let mut found = Vec::new();
    for entry in WalkDir::new(&files)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|_| !files_linked)
        .flatten()
    {
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        let Ok(under) = entry.path().strip_prefix(&files) else {
            continue;
        };
        // A link (to a file or a folder) could publish something from
        // outside `content/`: it is listed, to be named if an item uses
        // it, and never read.
        let content = if kind.is_symlink() {
            Some(AttachmentContent::Linked)
        } else if !kind.is_file() {
            Some(AttachmentContent::Unreadable)
        } else {
            None
        };
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        found.push((slash_path(under), entry.into_path(), size, content));
    }
    // Reading the first bytes of each file is the slow part: in parallel,
    // in path order.
    let judged: Vec<_> = found
        .into_par_iter()
        .map(|(path, full, size, content)| {
            let content = content.unwrap_or_else(|| judge_attachment(&full, &path));
            (path, size, content)
        })
        .collect();
    for (path, size, content) in judged {
        attachments.insert(
            (slug.to_string(), path.clone()),
            Attachment {
                department: slug.to_string(),
                path,
                size,
                content,
            },
        );
    }
}

/// Whether the file at `full` (named `name` under `files/`) may be
/// published: its type is allowed and its first bytes fit the type.
fn judge_attachment(full: &Path, name: &str) -> AttachmentContent {
    let Some(file_type) = file_type::by_name(name) else {
        return AttachmentContent::NotAllowed;
    };
    let mut head = Vec::with_capacity(file_type::HEAD_BYTES);
    let read = std::fs::File::open(full)
        .and_then(|f| f.take(file_type::HEAD_BYTES as u64).read_to_end(&mut head));
    match read {
        Err(_) => AttachmentContent::Unreadable,
        Ok(_) => match file_type::check_content(file_type, &head) {
            Ok(()) => AttachmentContent::Allowed,
            Err(m) => AttachmentContent::Mismatch(m),
        },
    }
}

/// `reports/<year>.toml` files (with their optional `<year>.md`).
fn load_reports(
    root: &Path,
    slug: &str,
    dir: &Path,
    reports: &mut Vec<report::Report>,
    diagnostics: &mut Diagnostics,
) {
    let folder = dir.join("reports");
    if refuse_link(root, &folder, diagnostics) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return;
    };
    let mut names: Vec<(String, bool)> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let kind = e.file_type();
        if name.starts_with('.') {
            continue;
        }
        if kind.as_ref().is_ok_and(|t| t.is_symlink()) {
            diagnostics.push(not_a_file(&relative(root, &e.path()), true));
            continue;
        }
        names.push((name, kind.is_ok_and(|t| t.is_file())));
    }
    names.sort();
    let tomls: BTreeSet<String> = names
        .iter()
        .filter_map(|(n, f)| {
            (*f).then(|| n.strip_suffix(".toml").map(str::to_string))
                .flatten()
        })
        .collect();
    for (name, is_file) in &names {
        let rel = relative(root, &folder.join(name));
        let stem = name.strip_suffix(".toml");
        if !is_file {
            diagnostics.push(
                Diagnostic::for_path(Severity::Warning, "ignored-file", &rel, "only files `<year>.toml` and `<year>.md` are read in `reports/`; this is ignored")
                    .with_help("keep one file per year directly in `reports/`, e.g. `reports/2024.toml`"),
            );
        } else if let Some(stem) = stem {
            if stem.len() != 4 || !stem.bytes().all(|b| b.is_ascii_digit()) {
                diagnostics.push(
                    Diagnostic::for_path(
                        Severity::Error,
                        "report-file-name",
                        &rel,
                        format!("an annual report is named after its year, not `{name}`"),
                    )
                    .with_help("rename it to the year it covers, e.g. `reports/2024.toml`"),
                );
                continue;
            }
            if let Some(r) = report::load_report(root, slug, &rel, diagnostics) {
                reports.push(r);
            }
        } else if let Some(stem) = name.strip_suffix(".md") {
            if !tomls.contains(stem) {
                diagnostics.push(
                    Diagnostic::for_path(Severity::Warning, "report-narrative", &rel, format!("this narrative has no `{stem}.toml` next to it and is not shown"))
                        .with_help(format!("add `reports/{stem}.toml` with the report's tables (`gongkai new report --dept {slug} --year {stem}`)")),
                );
            }
        } else {
            diagnostics.push(
                Diagnostic::for_path(Severity::Warning, "ignored-file", &rel, "only `<year>.toml` and `<year>.md` are read in `reports/`; this file is ignored")
                    .with_help("move attachments to the department's `files/` folder"),
            );
        }
    }
}

/// Read `powers/**/*.toml` of one department, in path order. Symbolic
/// links are never followed (as in `catalog/`).
fn collect_powers(
    root: &Path,
    slug: &str,
    dir: &Path,
    powers: &mut Vec<PowerItem>,
    diagnostics: &mut Diagnostics,
) {
    let folder = dir.join("powers");
    if refuse_link(root, &folder, diagnostics) {
        return;
    }
    for entry in WalkDir::new(&folder)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = relative(root, entry.path());
        if !entry.file_type().is_file() {
            diagnostics.push(not_a_file(&rel, entry.path_is_symlink()));
            continue;
        }
        if entry.path().extension().is_none_or(|e| e != "toml") {
            diagnostics.push(
                Diagnostic::for_path(
                    Severity::Warning,
                    "ignored-file",
                    &rel,
                    "only `.toml` files are read in `powers/`; this file is ignored",
                )
                .with_help(
                    "write each power as `powers/<code>.toml` (`gongkai new power` makes one)",
                ),
            );
            continue;
        }
        match read_source(root, &rel) {
            Ok(source) => powers.extend(power::load_power(source, slug, diagnostics)),
            Err(d) => diagnostics.push(d),
        }
    }
}

/// What a walk that never follows links says of an entry that is not a
/// regular file or folder: a link is an error (it could publish anything
/// on the machine), a socket or device is skipped.
fn not_a_file(rel: &Path, is_link: bool) -> Diagnostic {
    if is_link {
        return linked_file(rel, rel);
    }
    Diagnostic::for_path(
        Severity::Warning,
        "not-a-file",
        rel,
        "this is not a regular file; it is ignored",
    )
    .with_help("only regular files are read")
}

/// Whether `folder` is a symbolic link, which is then reported and not
/// read: WalkDir follows a link at the folder it starts from, and a linked
/// folder could publish anything on the machine.
fn refuse_link(root: &Path, folder: &Path, diagnostics: &mut Diagnostics) -> bool {
    if !is_link(folder) {
        return false;
    }
    diagnostics.push(
        Diagnostic::for_path(
            Severity::Error,
            "linked-folder",
            &relative(root, folder),
            "this folder is a symbolic link; its contents are not read",
        )
        .with_help("move the files into the repository instead of linking to a folder elsewhere"),
    );
    true
}

fn is_link(path: &Path) -> bool {
    path.symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
}

/// `path` relative to `root`, for messages and output.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    PathBuf::from(slash_path(path.strip_prefix(root).unwrap_or(path)))
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The first symbolic link on the way from `root` to `rel` (`rel` itself
/// included), relative to `root`. `root` itself may be a link: the site is
/// wherever the editor keeps it.
pub fn link_on_the_way(root: &Path, rel: &Path) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    let mut so_far = PathBuf::new();
    for part in rel.components() {
        path.push(part);
        so_far.push(part);
        if is_link(&path) {
            return Some(PathBuf::from(slash_path(&so_far)));
        }
    }
    None
}

/// The error for a file of the site reached through `link`.
pub fn linked_file(rel: &Path, link: &Path) -> Diagnostic {
    let message = if link == rel {
        "this file is a symbolic link; nothing reached through a link is published".to_string()
    } else {
        format!(
            "this file is reached through the symbolic link `{}`; nothing reached through a link is published",
            link.display()
        )
    };
    Diagnostic::for_path(Severity::Error, "linked-file", rel, message)
        .with_help("copy the file into the repository instead of linking to it")
}

/// Whether anything (a file, a folder, a link, even a broken one) is at
/// `rel`: a link is then refused by [`read_file`], never silently missed.
pub fn exists(root: &Path, rel: &Path) -> bool {
    root.join(rel).symlink_metadata().is_ok()
}

/// The site root, opened once (`O_PATH`) for the many files read under it:
/// each file's `openat2` is then relative to it, with no `open` and
/// `close` of the root per file.
pub struct SiteRoot<'a> {
    path: &'a Path,
    #[cfg(target_os = "linux")]
    dir: Result<std::os::fd::OwnedFd, rustix::io::Errno>,
}

impl<'a> SiteRoot<'a> {
    pub fn open(path: &'a Path) -> SiteRoot<'a> {
        SiteRoot {
            path,
            #[cfg(target_os = "linux")]
            dir: {
                use rustix::fs::{Mode, OFlags};
                let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
                rustix::fs::open(path, flags, Mode::empty())
            },
        }
    }
}

/// Read a file of the site, `rel` relative to `root`. Every file the site
/// publishes is read here (or listed by a walk that never follows links),
/// so that nothing reached through a symbolic link is published.
pub fn read_file(root: &Path, rel: &Path) -> Result<Vec<u8>, Diagnostic> {
    read_file_in(&SiteRoot::open(root), rel)
}

/// [`read_file`] under a root opened once.
pub fn read_file_in(root: &SiteRoot, rel: &Path) -> Result<Vec<u8>, Diagnostic> {
    let unreadable = |e: io::Error| {
        Diagnostic::for_path(
            Severity::Error,
            "unreadable",
            rel,
            format!("cannot read this file: {e}"),
        )
    };
    match open_without_links(root, rel) {
        Some(Ok(mut file)) => {
            // Sized by one `fstat`: `File::read_to_end` sizes its buffer
            // with an `lseek` besides, a system call per file for nothing.
            let len = file.metadata().map_or(0, |m| m.len());
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0) + 1);
            (&mut file)
                .take(u64::MAX)
                .read_to_end(&mut bytes)
                .map_err(unreadable)?;
            return Ok(bytes);
        }
        // A link on the way: named below.
        Some(Err(e)) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {}
        Some(Err(e)) => return Err(unreadable(e)),
        None => {}
    }
    if let Some(link) = link_on_the_way(root.path, rel) {
        return Err(linked_file(rel, &link));
    }
    std::fs::read(root.path.join(rel)).map_err(unreadable)
}

/// `rel` opened under `root` by one `openat2` that refuses a symbolic link
/// in any part of `rel` (`RESOLVE_NO_SYMLINKS`): the check and the open are
/// one step, so nothing can be swapped in between, and one path walk
/// replaces an `lstat` per part (a tenth of loading a site). `None` where
/// the kernel has no `openat2` (before Linux 5.6, or a sandbox that
/// refuses it): [`read_file`] then checks each part itself.
#[cfg(target_os = "linux")]
fn open_without_links(root: &SiteRoot, rel: &Path) -> Option<io::Result<std::fs::File>> {
    use rustix::fs::{Mode, OFlags, ResolveFlags};
    use rustix::io::Errno;
    let dir = match &root.dir {
        Ok(dir) => dir,
        // The root itself cannot be opened: say why.
        Err(e) => return Some(Err((*e).into())),
    };
    let flags = OFlags::RDONLY | OFlags::CLOEXEC;
    match rustix::fs::openat2(dir, rel, flags, Mode::empty(), ResolveFlags::NO_SYMLINKS) {
        Ok(fd) => Some(Ok(std::fs::File::from(fd))),
        Err(Errno::NOSYS | Errno::PERM) => None,
        Err(e) => Some(Err(e.into())),
    }
}

#[cfg(not(target_os = "linux"))]
fn open_without_links(_: &SiteRoot, _: &Path) -> Option<io::Result<std::fs::File>> {
    None
}

/// The text of `source` read again from its file, for a stage that did
/// not keep it (`render::Texts`): the bytes must be the ones loaded and
/// checked, whose blob id is `blob`. A file edited since is an error, not
/// a page made from text nobody checked. Unlike [`read_file`] it does not
/// look for a link on the way (a third of a rebuild's reading): whatever
/// the path now leads to, only the bytes that were read without a link
/// and validated get through.
pub fn read_again(root: &Path, source: &SourceFile, blob: &str) -> io::Result<std::sync::Arc<str>> {
    let changed = || {
        io::Error::other(format!(
            "{} changed while the site was being built: build again",
            source.path.display()
        ))
    };
    let bytes = std::fs::read(root.join(&source.path)).map_err(|_| changed())?;
    if crate::git::blob_id(&bytes) != blob {
        return Err(changed());
    }
    let text = crate::text::utf8(&bytes).ok_or_else(changed)?;
    Ok(std::sync::Arc::from(text))
}

/// Read a UTF-8 text file of the site; `rel` is relative to `root`.
pub fn read_source(root: &Path, rel: &Path) -> Result<SourceFile, Diagnostic> {
    read_source_in(&SiteRoot::open(root), rel)
}

/// [`read_source`] under a root opened once.
fn read_source_in(root: &SiteRoot, rel: &Path) -> Result<SourceFile, Diagnostic> {
    let bytes = read_file_in(root, rel)?;
    let Some(text) = crate::text::utf8(&bytes) else {
        let at = std::str::from_utf8(&bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        return Err(Diagnostic::for_path(
            Severity::Error,
            "not-utf8",
            rel,
            format!("this file is not UTF-8 text (invalid byte at offset {at})"),
        )
        .with_help("save the file as UTF-8 (not GBK/GB2312)"));
    };
    let source = SourceFile::new(rel, text);
    refuse_forbidden_characters(&source)?;
    Ok(source)
}

/// A character XML 1.0 forbids (a control character pasted from a word
/// processor or a PDF, most often) would make every feed and sitemap that
/// carries the text ill-formed. Every text file of the content passes
/// here, whatever its kind.
fn refuse_forbidden_characters(source: &SourceFile) -> Result<(), Diagnostic> {
    let Some((at, c)) = crate::text::first_forbidden(&source.text) else {
        return Ok(());
    };
    let count = source
        .text
        .chars()
        .filter(|&c| crate::text::is_forbidden(c))
        .count();
    let others = match count {
        1 => String::new(),
        n => format!(" (and {} more in this file)", n - 1),
    };
    // The character is invisible: say what it follows on its line.
    let line_start = source.text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before: Vec<char> = source.text[line_start..at].chars().collect();
    let after = match before.len() {
        0 => " at the start of the line".to_string(),
        n => format!(
            " after `{}`",
            before[n.saturating_sub(8)..].iter().collect::<String>()
        ),
    };
    Err(source
        .error(
            "forbidden-character",
            at..at + c.len_utf8(),
            format!(
                "this file holds the invisible character U+{:04X}{after}{others}, which feeds and sitemaps (XML) cannot carry",
                c as u32
            ),
        )
        .with_help(
            "delete it: place the cursor at this line and column and remove the character there (most editors do not show it; it often comes with text pasted from another program)",
        ))
}

fn read_optional(root: &Path, rel: &Path, diagnostics: &mut Diagnostics) -> Option<String> {
    if !exists(root, rel) {
        return None;
    }
    match read_source(root, rel) {
        Ok(source) => Some(source.text.to_string()),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    }
}

/// docs/content-model.md documents every key of every file kind: each
/// section's table names exactly the keys the code reads.
#[cfg(test)]
mod content_model_doc {
    use std::collections::BTreeSet;

    use super::fields::keys;
    use super::report;
    use crate::model::report::{APPEAL_GROUPS, ReportFormat, application_layout, proactive_layout};

    const DOC: &str = include_str!("../../docs/content-model.md");

    /// Section heading → the first-column keys of its table.
    fn documented() -> Vec<(String, BTreeSet<String>)> {
        let mut sections: Vec<(String, BTreeSet<String>)> = Vec::new();
        for line in DOC.lines() {
            if let Some(title) = line
                .strip_prefix("### ")
                .or_else(|| line.strip_prefix("## "))
            {
                sections.push((title.trim().to_string(), BTreeSet::new()));
            } else if let Some(rest) = line.strip_prefix("| `")
                && let Some((key, _)) = rest.split_once('`')
                && let Some((_, keys)) = sections.last_mut()
            {
                assert!(keys.insert(key.to_string()), "`{key}` twice");
            }
        }
        sections
    }

    /// The "required" column of a section's table: key → `yes` or `no`.
    fn documented_need(section: &str) -> Vec<(String, String)> {
        let mut inside = false;
        let mut rows = Vec::new();
        for line in DOC.lines() {
            if let Some(title) = line
                .strip_prefix("### ")
                .or_else(|| line.strip_prefix("## "))
            {
                inside = title.trim() == section;
            } else if inside && let Some(rest) = line.strip_prefix("| `") {
                let cells: Vec<&str> = rest.split('|').map(str::trim).collect();
                let key = cells[0].trim_end_matches('`');
                rows.push((key.to_string(), cells[1].to_string()));
            }
        }
        rows
    }

    /// What the tables say is required is what the reader requires: a
    /// field made required in code but documented as optional (or the
    /// reverse) fails here.
    #[test]
    fn the_documented_required_column_is_the_field_tables() {
        use super::fields::{Field, Need};
        let tables: [(&str, &[Field]); 8] = [
            ("site.toml", super::site::SITE_FIELDS),
            ("[vocabularies]", super::site::VOCABULARY_FIELDS),
            ("department.toml", super::department::DEPARTMENT_FIELDS),
            ("guide.md", super::department::GUIDE_FIELDS),
            ("Catalog item", super::catalog::CATALOG_FIELDS),
            ("Power", super::power::POWER_FIELDS),
            ("[[steps]]", super::power::STEP_FIELDS),
            ("Annual report", report::REPORT_FIELDS),
        ];
        let mut wrong = Vec::new();
        for (section, table) in tables {
            let rows = documented_need(section);
            assert!(!rows.is_empty(), "no table under `{section}`");
            for (key, need) in rows {
                let field = table.iter().find(|f| f.key == key).unwrap();
                let expected = match field.need {
                    Need::Required | Need::Validated => "yes",
                    Need::Optional => "no",
                };
                if need != expected {
                    wrong.push(format!(
                        "`{section}` `{key}`: documented required = {need}, the field table says {expected}"
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "docs/content-model.md: {wrong:#?}");
    }

    fn set(keys: impl IntoIterator<Item = impl ToString>) -> BTreeSet<String> {
        keys.into_iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn every_field_of_every_file_is_documented_and_nothing_else() {
        let formats = [ReportFormat::Y2021, ReportFormat::Y2019];
        let code: Vec<(&str, BTreeSet<String>)> = vec![
            ("site.toml", set(keys(super::site::SITE_FIELDS))),
            ("[vocabularies]", set(keys(super::site::VOCABULARY_FIELDS))),
            (
                "department.toml",
                set(keys(super::department::DEPARTMENT_FIELDS)),
            ),
            ("guide.md", set(keys(super::department::GUIDE_FIELDS))),
            ("Catalog item", set(keys(super::catalog::CATALOG_FIELDS))),
            ("Power", set(keys(super::power::POWER_FIELDS))),
            ("[[steps]]", set(keys(super::power::STEP_FIELDS))),
            ("next", set(super::power::NEXT_FIELDS)),
            ("Annual report", set(keys(report::REPORT_FIELDS))),
            (
                "[proactive]",
                set(formats
                    .iter()
                    .flat_map(|f| proactive_layout(*f))
                    .flat_map(|block| block.rows.iter().map(|(key, _)| *key))),
            ),
            (
                "[applications]",
                set(formats
                    .iter()
                    .flat_map(|f| application_layout(*f))
                    .map(|row| row.key)),
            ),
            ("[appeals]", set(APPEAL_GROUPS.iter().map(|(key, _)| *key))),
        ];
        let doc = documented();
        for (section, keys) in &code {
            let Some((_, written)) = doc.iter().find(|(title, _)| title == section) else {
                panic!("docs/content-model.md has no section `{section}`");
            };
            let missing: Vec<_> = keys.difference(written).collect();
            let unknown: Vec<_> = written.difference(keys).collect();
            assert!(
                missing.is_empty() && unknown.is_empty(),
                "docs/content-model.md, section `{section}`: undocumented {missing:?}, unknown to the code {unknown:?}"
            );
        }
        for (title, keys) in &doc {
            assert!(
                keys.is_empty() || code.iter().any(|(section, _)| section == title),
                "docs/content-model.md documents keys in `{title}`, which no field table checks"
            );
        }
    }
}

#[cfg(all(test, unix))]
mod links {
    use std::os::unix::fs::symlink;
    use std::path::Path;

    use super::read_file;

    /// A link anywhere on the way is refused, and named: the file itself,
    /// or a folder above it (whichever way the file is opened).
    #[test]
    fn a_file_reached_through_a_link_is_refused_and_the_link_named() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, outside) = (tmp.path().join("site"), tmp.path().join("outside"));
        std::fs::create_dir_all(root.join("content/bgt")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.md"), "SECRET").unwrap();
        std::fs::write(root.join("content/bgt/plain.md"), "plain").unwrap();
        symlink(outside.join("secret.md"), root.join("content/bgt/file.md")).unwrap();
        symlink(&outside, root.join("content/linked")).unwrap();

        assert_eq!(
            read_file(&root, Path::new("content/bgt/plain.md")).unwrap(),
            b"plain"
        );
        for (rel, link) in [
            ("content/bgt/file.md", "content/bgt/file.md"),
            ("content/linked/secret.md", "content/linked"),
        ] {
            let refused = read_file(&root, Path::new(rel)).unwrap_err();
            assert_eq!(refused.code, "linked-file", "{rel}");
            assert!(
                refused.message.contains(&format!("`{link}`")) || link == rel,
                "{rel}: {}",
                refused.message
            );
        }
        // A root reached through a link is the editor's choice, not content.
        symlink(&root, tmp.path().join("root-link")).unwrap();
        assert_eq!(
            read_file(
                &tmp.path().join("root-link"),
                Path::new("content/bgt/plain.md")
            )
            .unwrap(),
            b"plain"
        );
    }
}
