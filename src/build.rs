//! The pipeline: load → validate → render → write, in that order, as plain
//! function calls. The library's entry points for `build` and `check`.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::git;
use crate::load;
use crate::model::{Audience, Date, Disclosure};
use crate::render::{self, BuildInfo, Theme};
use crate::validate::{self, Site, Withheld};
use crate::write::Staging;

#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of site.toml.
    pub base_url: Option<String>,
    /// Overrides the HEAD commit date.
    pub as_of: Option<Date>,
    pub audience: Audience,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            as_of: None,
            audience: Audience::Publish,
        }
    }

    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

#[derive(Debug)]
pub enum BuildError {
    /// The content has errors; nothing was written.
    Content(Diagnostics),
    Io(io::Error),
    Theme(String),
    Render(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Content(d) => write!(f, "the content has {} error(s)", d.error_count()),
            BuildError::Io(e) => write!(f, "{e}"),
            BuildError::Theme(e) => write!(f, "theme: {e}"),
            BuildError::Render(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BuildError {}

#[derive(Debug)]
pub struct BuildReport {
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
    pub out: PathBuf,
    pub items: usize,
    pub pages: usize,
    pub withheld: Withheld,
    pub build: BuildInfo,
    /// Set when the site is not in a git repository.
    pub without_git: bool,
}

/// The as-of date and commit: HEAD's, unless overridden. Outside git, the
/// newest 发布日期 of the content stands in: still a function of the
/// content, never of the clock.
pub struct Snapshot {
    pub site: Option<Site>,
    pub diagnostics: Diagnostics,
    pub build: BuildInfo,
    pub without_git: bool,
}

/// Load and validate: everything `check` needs, and `build`'s first half.
pub fn load_and_validate(
    root: &Path,
    as_of: Option<Date>,
    audience: Audience,
) -> io::Result<Snapshot> {
    let (raw, diagnostics) = load::load(root)?;
    Ok(validate_loaded(root, raw, diagnostics, as_of, audience))
}

/// The second half of [`load_and_validate`], for a caller that loaded the
/// content itself (`serve` reuses the files that did not change).
pub fn validate_loaded(
    root: &Path,
    raw: load::RawSite,
    mut diagnostics: Diagnostics,
    as_of: Option<Date>,
    audience: Audience,
) -> Snapshot {
    let head = git::head_commit(root);
    let without_git = head.is_none();
    let as_of = as_of
        .or(head.as_ref().map(|h| h.date))
        // Only what will be published may decide it: the date of an
        // exempt item or a draft must not appear on the site.
        .or_else(|| {
            raw.items
                .iter()
                .filter(|i| {
                    i.complete
                        && i.disclosure == Disclosure::Active
                        && (!i.draft || audience == Audience::Preview)
                })
                .map(|i| i.published.value)
                .max()
        })
        .unwrap_or_else(|| Date::from_ymd(2000, 1, 1).expect("valid date"));
    let (site, more) = validate::validate(raw, as_of, audience);
    diagnostics.extend(more);
    diagnostics.sort();
    let build = BuildInfo {
        commit: head.map(|h| h.id),
        as_of: Some(as_of),
        version: None,
    };
    Snapshot {
        site,
        diagnostics,
        build,
        without_git,
    }
}

/// `gongkai build`. `progress` is called once per item page; `total` is
/// reported first.
pub fn build(
    options: &BuildOptions,
    on_total: &dyn Fn(usize),
    progress: &(dyn Fn() + Sync),
) -> Result<BuildReport, BuildError> {
    let snapshot = load_and_validate(&options.root, options.as_of, options.audience)
        .map_err(BuildError::Io)?;
    let Snapshot {
        site,
        diagnostics,
        build,
        without_git,
    } = snapshot;
    let mut site = match site {
        Some(site) if !diagnostics.has_errors() => site,
        _ => return Err(BuildError::Content(diagnostics)),
    };
    if let Some(base_url) = &options.base_url {
        site.config.base_url = if base_url.ends_with('/') {
            base_url.clone()
        } else {
            format!("{base_url}/")
        };
    }
    let theme =
        Theme::load(&options.root, &site.config.theme).map_err(|e| BuildError::Theme(e.0))?;
    let out = options.out_dir();
    let staging = Staging::create(&options.root, &out).map_err(BuildError::Io)?;
    on_total(render::progress_total(&site));
    match render::render(&site, &theme, &build, &staging, progress) {
        Ok(report) => {
            staging.commit().map_err(BuildError::Io)?;
            Ok(BuildReport {
                diagnostics,
                out,
                items: report.items,
                pages: report.pages,
                withheld: site.withheld,
                build,
                without_git,
            })
        }
        Err(e) => {
            staging.abandon();
            Err(BuildError::Render(e.to_string()))
        }
    }
}
