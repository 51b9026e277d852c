//! Stage 1, load: the content folder → [`RawSite`] + diagnostics.
//!
//! Reads `site.toml`, every `department.toml`, guide and catalog item, and
//! lists attachment files. Every problem local to one file (syntax, unknown
//! fields, types, dates) is reported here; problems between files
//! (duplicates, dangling references) are `validate`'s. Never stops at the
//! first problem; fails only on I/O errors of the root itself.

mod catalog;
mod department;
pub mod fields;
mod front_matter;
mod site;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::model::{Attachment, CatalogItem, Department, SiteConfig};

pub use catalog::load_item as load_catalog_item;
pub use front_matter::split_front_matter;

/// Everything read from the content repository, before cross-file checks.
#[derive(Debug)]
pub struct RawSite {
    /// `None` when `site.toml` is missing or broken (already reported).
    pub config: Option<SiteConfig>,
    /// Sorted by slug.
    pub departments: Vec<Department>,
    /// Sorted by path.
    pub items: Vec<CatalogItem>,
    /// Keyed by (department slug, path under `files/`).
    pub attachments: BTreeMap<(String, String), Attachment>,
    /// `content/_index.md`: optional home-page text.
    pub home: Option<String>,
}

/// Read the site at `root`.
pub fn load(root: &Path) -> io::Result<(RawSite, Diagnostics)> {
    let mut diagnostics = Diagnostics::default();
    let config = site::load_site_config(root, &mut diagnostics);

    let content = root.join("content");
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
        let raw = RawSite {
            config,
            departments: Vec::new(),
            items: Vec::new(),
            attachments: BTreeMap::new(),
            home: None,
        };
        return Ok((raw, diagnostics));
    }

    let home = read_optional(root, Path::new("content/_index.md"), &mut diagnostics);

    let mut department_dirs: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(&content)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.file_type()?.is_dir() {
            continue;
        }
        department_dirs.push((name, entry.path()));
    }
    department_dirs.sort();

    let mut departments = Vec::new();
    let mut item_paths = Vec::new();
    let mut attachments = BTreeMap::new();
    for (slug, dir) in &department_dirs {
        if let Some(d) = department::load_department(root, slug, dir, &mut diagnostics) {
            departments.push(d);
        }
        collect_department_files(
            root,
            slug,
            dir,
            &mut item_paths,
            &mut attachments,
            &mut diagnostics,
        );
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

    // Parsing is independent per file: do it in parallel, then restore path
    // order so that diagnostics and output never depend on scheduling.
    let parsed: Vec<(Option<CatalogItem>, Diagnostics)> = item_paths
        .par_iter()
        .map(|(slug, rel)| {
            let mut d = Diagnostics::default();
            let item = match read_source(root, rel) {
                Ok(source) => catalog::load_item(source, slug, &mut d),
                Err(e) => {
                    d.push(e);
                    None
                }
            };
            (item, d)
        })
        .collect();
    let mut items = Vec::with_capacity(parsed.len());
    for (item, d) in parsed {
        diagnostics.extend(d);
        items.extend(item);
    }

    let raw = RawSite {
        config,
        departments,
        items,
        attachments,
        home,
    };
    Ok((raw, diagnostics))
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
    // WalkDir follows a link at the folder it starts from; a linked
    // catalog/ or files/ could publish anything on the machine.
    for linked in [&catalog, &files] {
        if is_link(linked) {
            diagnostics.push(
                Diagnostic::for_path(
                    Severity::Error,
                    "linked-folder",
                    &relative(root, linked),
                    "this folder is a symbolic link; its contents are not read",
                )
                .with_help(
                    "move the files into the repository instead of linking to a folder elsewhere",
                ),
            );
        }
    }
    let catalog_linked = is_link(&catalog);
    let files_linked = is_link(&files);
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
            diagnostics.push(
                Diagnostic::for_path(
                    Severity::Warning,
                    "not-a-file",
                    &rel,
                    "symbolic links are ignored",
                )
                .with_help("copy the file here instead of linking to it"),
            );
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
    for entry in WalkDir::new(&files)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|_| !files_linked)
        .flatten()
    {
        // Only regular files: a symbolic link could publish something from
        // outside `content/`.
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(under) = entry.path().strip_prefix(&files) else {
            continue;
        };
        let path = slash_path(under);
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        attachments.insert(
            (slug.to_string(), path.clone()),
            Attachment {
                department: slug.to_string(),
                path,
                size,
            },
        );
    }
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

/// Read a UTF-8 text file of the site; `rel` is relative to `root`.
pub fn read_source(root: &Path, rel: &Path) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(root.join(rel)).map_err(|e| {
        Diagnostic::for_path(
            Severity::Error,
            "unreadable",
            rel,
            format!("cannot read this file: {e}"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::for_path(
            Severity::Error,
            "not-utf8",
            rel,
            format!(
                "this file is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .with_help("save the file as UTF-8 (not GBK/GB2312)")
    })?;
    Ok(SourceFile::new(rel, text))
}

fn read_optional(root: &Path, rel: &Path, diagnostics: &mut Diagnostics) -> Option<String> {
    if !root.join(rel).is_file() {
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
