//! The pipeline: load → validate → render → write, in that order, as plain
//! function calls. The library's entry points for `build` and `check`.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::git;
use crate::history::{self, GitError, History};
use crate::load;
use crate::model::{Audience, Date, Disclosure};
use crate::render::{self, BuildInfo, RenderError, Theme, ThemeError};
use crate::seal;
use crate::validate::{self, Site, Withheld};
use crate::write::{Previous, Sink, Staging};

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
    /// Build from a shallow clone with the history it holds (`--shallow-ok`).
    pub shallow_ok: bool,
    /// A minisign secret key (without password): sign the manifest into
    /// `api/manifest.json.minisig`.
    pub sign_key: Option<PathBuf>,
    /// What identifies this gongkai beyond its version (the CLI passes its
    /// executable's size and time): pages made by another build of gongkai
    /// are made again.
    pub generator: String,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            as_of: None,
            audience: Audience::Publish,
            shallow_ok: false,
            sign_key: None,
            generator: String::new(),
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
    /// A file or folder cannot be read or written: what was being done,
    /// and the error.
    Io { context: String, source: io::Error },
    /// The theme cannot be used: the file at fault, and why.
    Theme(ThemeError),
    /// A page cannot be rendered, or the output cannot be written.
    Render(RenderError),
    /// The search index cannot be built.
    Search(tantivy::TantivyError),
    /// The repository cannot be read: what was being read, and gix's error.
    Git(GitError),
    /// What the command names is not there: no repository, no such
    /// revision, no commit yet.
    NotFound(String),
    /// The site is in a shallow clone and `--shallow-ok` was not given.
    Shallow,
}

impl BuildError {
    /// `map_err(BuildError::io("reading the site"))`.
    pub fn io(context: impl Into<String>) -> impl FnOnce(io::Error) -> BuildError {
        let context = context.into();
        move |source| BuildError::Io { context, source }
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Content(d) => write!(f, "the content has {} error(s)", d.error_count()),
            BuildError::Io { context, source } => write!(f, "{context}: {source}"),
            BuildError::Theme(e) => write!(f, "theme: {e}"),
            BuildError::Render(e) => write!(f, "{e}"),
            BuildError::Search(e) => write!(f, "search index: {e}"),
            BuildError::Git(e) => write!(f, "{e}"),
            BuildError::NotFound(e) => f.write_str(e),
            BuildError::Shallow => f.write_str(SHALLOW_CLONE),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Io { source, .. } => Some(source),
            BuildError::Theme(e) => Some(e),
            BuildError::Render(e) => Some(e),
            BuildError::Search(e) => Some(e),
            BuildError::Git(e) => Some(e),
            BuildError::Content(_) | BuildError::NotFound(_) | BuildError::Shallow => None,
        }
    }
}

#[derive(Debug)]
pub struct BuildReport {
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
    pub out: PathBuf,
    pub items: usize,
    pub pages: usize,
    /// Every file written into the output folder, pages included.
    pub files: usize,
    /// Of `files`: linked from the previous output without being made
    /// again, and made again but found byte-identical (both keep their
    /// time). The rest were written.
    pub reused: usize,
    pub unchanged: usize,
    pub withheld: Withheld,
    pub build: BuildInfo,
    /// Set when the site is not in a git repository.
    pub without_git: bool,
    /// Set when it was built from a shallow clone (`--shallow-ok`).
    pub shallow: bool,
}

/// Why a shallow clone stops `check` and `build`, and the fixes.
pub const SHALLOW_CLONE: &str = "the site is in a shallow clone (`git clone --depth …`, the default checkout of most CI services): \
its history ends at the clone's first commit, so the revisions, withdrawals and archived snapshots before it cannot be published
  fix: fetch the whole history: `git fetch --unshallow`
       GitHub Actions: `actions/checkout` with `fetch-depth: 0`
       GitLab CI: `variables: GIT_DEPTH: \"0\"`
       or, knowing that archived revisions before the clone's horizon are left out, pass `--shallow-ok`";

/// `Err` with [`SHALLOW_CLONE`] when `root` is in a shallow clone and the
/// caller did not accept one; `Ok(true)` when it is and they did.
pub fn shallow_clone(root: &Path, accepted: bool) -> Result<bool, BuildError> {
    match git::is_shallow(root) {
        false => Ok(false),
        true if accepted => Ok(true),
        true => Err(BuildError::Shallow),
    }
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
    let repo = history::Repo::discover(root);
    let tip = repo.as_ref().and_then(|r| r.head());
    match (&repo, &tip) {
        (Some(repo), Some(tip)) => load_and_validate_at(root, repo, tip, as_of, audience),
        _ => {
            let (raw, diagnostics) = load::load(root)?;
            Ok(validate_loaded(
                root,
                raw,
                diagnostics,
                as_of,
                audience,
                None,
            ))
        }
    }
}

/// Load and validate the site as it was at `commit` (checked out into
/// `root`), with the history up to that commit. The tree is loaded first:
/// the history shares its files' texts (see [`history::read`]).
pub fn load_and_validate_at(
    root: &Path,
    repo: &history::Repo,
    commit: &str,
    as_of: Option<Date>,
    audience: Audience,
) -> io::Result<Snapshot> {
    let (raw, diagnostics) = load::load(root)?;
    let history = history::read(
        repo,
        commit,
        load::site_utc_offset(root),
        history::Current::Loaded(&raw),
    )
    .map_err(io::Error::other)?;
    Ok(validate_loaded(
        root,
        raw,
        diagnostics,
        as_of,
        audience,
        Some(&history),
    ))
}

/// The second half of [`load_and_validate`], for a caller that loaded the
/// content itself (`serve` reuses the files that did not change).
pub fn validate_loaded(
    root: &Path,
    raw: load::RawSite,
    mut diagnostics: Diagnostics,
    as_of: Option<Date>,
    audience: Audience,
    history: Option<&History>,
) -> Snapshot {
    let head = match history {
        Some(h) => Some(git::HeadCommit {
            id: h.tip().id.clone(),
            date: h.tip().date,
        }),
        None => git::head_commit(
            root,
            raw.config
                .as_ref()
                .map_or_else(|| load::site_utc_offset(root), |c| c.timezone),
        ),
    };
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
    let (site, more) = validate::validate(raw, as_of, audience, history);
    diagnostics.extend(more);
    diagnostics.sort();
    let build = BuildInfo {
        commit: head.map(|h| h.id),
        as_of: Some(as_of),
        version: history.and_then(|h| h.version.clone()),
        generator: String::new(),
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
    let shallow = shallow_clone(&options.root, options.shallow_ok)?;
    // Read before the work, so that a wrong path fails in a second.
    let sign_key = match &options.sign_key {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(BuildError::io(format!("signing key {}", path.display())))?,
        ),
        None => None,
    };
    let out = options.out_dir();
    // The previous build's ledger is read while the site loads: neither
    // needs the other, and each takes a tenth of a rebuild.
    let (snapshot, previous) = std::thread::scope(|scope| {
        let previous = scope.spawn(|| Previous::read(&options.root, &out));
        // The analyzer's character table, first needed by the guide check
        // (validate) on this thread, after the load: made beside it.
        scope.spawn(crate::text::fold::prepare);
        let snapshot = load_and_validate(&options.root, options.as_of, options.audience);
        let previous = previous
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (snapshot, previous)
    });
    let snapshot = snapshot.map_err(BuildError::io(format!(
        "cannot read {}",
        options.root.display()
    )))?;
    let Snapshot {
        site,
        diagnostics,
        mut build,
        without_git,
    } = snapshot;
    build.generator = options.generator.clone();
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
    let theme = Theme::load(&options.root, &site.config.theme).map_err(BuildError::Theme)?;
    let staging = Staging::from_previous(previous).map_err(BuildError::io(format!(
        "cannot prepare the output folder {}",
        out.display()
    )))?;
    on_total(render::progress_total(&site));
    let sealing = seal::Sealing::new(&staging, &options.root);
    let sink = render::server::Precompress(&sealing);
    // As `search_and_render`, but each item's text is freed once its pages
    // are written (`render::Texts`); the search stage holds its own
    // references to the texts, taken first.
    let cache = options.root.join(".gongkai-cache");
    let html_pages = render::html_pages(&site);
    let documents = crate::index::documents(&site);
    let base_url = site.config.base_url.clone();
    let texts = render::Texts::take(&mut site, &options.root);
    let search =
        || crate::index::stage_documents(documents, &base_url, html_pages, &sink, Some(&cache));
    // A rebuild's search stage is mostly the sequential merging of kept
    // analyses: it runs beside the item pages, on the core it would leave
    // idle. A first build's stages each keep every core busy, and beside
    // the pages the search stage's texts and index would sit beside the
    // pages' work (at 100,000 items, 4.5 % more peak memory, measured when
    // the pages still held their texts too): it runs first.
    let rendered = if staging.has_previous() {
        render::render_with(&site, Some(&texts), &theme, &build, search, &sink, progress)
    } else {
        search().map_err(RenderError::from).and_then(|entry| {
            let entry = || Ok(entry);
            render::render_with(&site, Some(&texts), &theme, &build, entry, &sink, progress)
        })
    };
    match rendered {
        Ok(report) => {
            // Rendered: the site (its texts above all) is not needed for the
            // manifest and the ledger, which hold a record of every file.
            let withheld = {
                let site = site;
                site.withheld
            };
            drop(theme);
            if let Some(manifest) = sealing.seal() {
                let written = render::server::Precompress(&staging)
                    .write(seal::MANIFEST, &manifest)
                    .map_err(BuildError::io("cannot write the manifest"))
                    .and_then(|()| match &sign_key {
                        Some(key) => {
                            let signature = seal::sign(&manifest, key, build.commit.as_deref())
                                .map_err(|e| {
                                    BuildError::io("signing the manifest")(io::Error::other(e))
                                })?;
                            staging
                                .write(seal::SIGNATURE, signature.as_bytes())
                                .map_err(BuildError::io("cannot write the manifest's signature"))
                        }
                        None => Ok(()),
                    });
                if let Err(e) = written {
                    staging.abandon();
                    return Err(e);
                }
            }
            let written = staging.commit().map_err(BuildError::io(format!(
                "cannot put the new output in place of {}",
                out.display()
            )))?;
            Ok(BuildReport {
                diagnostics,
                out,
                items: report.items,
                pages: report.pages,
                files: written.files,
                reused: written.reused,
                unchanged: written.unchanged,
                withheld,
                build,
                without_git,
                shallow,
            })
        }
        Err(e) => {
            staging.abandon();
            Err(BuildError::Render(e))
        }
    }
}

/// Stages 2b and 3 into the same sink: the search files beside the item
/// pages, then the pages that carry the search entry.
pub fn search_and_render(
    site: &Site,
    theme: &Theme,
    build: &BuildInfo,
    sink: &dyn crate::write::Sink,
    progress: &(dyn Fn() + Sync),
) -> Result<render::RenderReport, render::RenderError> {
    let search = || crate::index::stage(site, render::html_pages(site), sink, None);
    render::render_with(site, None, theme, build, search, sink, progress)
}

/// Records the paths a render would write, writing nothing.
#[derive(Default)]
struct PathSink(std::sync::Mutex<std::collections::BTreeSet<String>>);

impl crate::sink::Sink for PathSink {
    fn write(&self, rel: &str, _: &[u8]) -> io::Result<()> {
        self.0.lock().expect("not poisoned").insert(rel.to_string());
        Ok(())
    }

    fn copy(&self, rel: &str, _: &str) -> io::Result<()> {
        self.write(rel, &[])
    }
}

/// The files (as site-relative paths) that a build of `snapshot` would
/// write, with the theme of the site at `theme_root`.
fn published_paths(theme_root: &Path, snapshot: Snapshot) -> Result<Vec<String>, BuildError> {
    let Snapshot {
        site,
        diagnostics,
        build,
        ..
    } = snapshot;
    let site = match site {
        Some(site) if !diagnostics.has_errors() => site,
        _ => return Err(BuildError::Content(diagnostics)),
    };
    let theme = Theme::load(theme_root, &site.config.theme).map_err(BuildError::Theme)?;
    let sink = PathSink::default();
    search_and_render(&site, &theme, &build, &sink, &|| {}).map_err(BuildError::Render)?;
    Ok(sink
        .0
        .into_inner()
        .expect("not poisoned")
        .into_iter()
        .collect())
}

/// What `check --since REV` found.
#[derive(Debug)]
pub struct LostUrls {
    /// The commit REV names.
    pub commit: String,
    /// Site-relative URLs that the build at REV published and the current
    /// build does not: pages as `items/…/`, other files by name.
    pub lost: Vec<String>,
    /// How many files each build publishes.
    pub then: usize,
    pub now: usize,
}

/// Build the site as it was at `rev` and as it is now (without writing
/// either) and list what the current build would stop publishing.
pub fn lost_urls_since(root: &Path, rev: &str) -> Result<LostUrls, BuildError> {
    shallow_clone(root, false)?;
    let repo = history::Repo::discover(root).ok_or_else(|| {
        BuildError::NotFound(format!(
            "{} is not in a git repository: there is no earlier build to compare with",
            root.display()
        ))
    })?;
    let commit = repo
        .resolve(rev)
        .map_err(|e| BuildError::NotFound(e.to_string()))?;
    let checkout = tempfile::Builder::new()
        .prefix("gongkai-since-")
        .tempdir()
        .map_err(BuildError::io(format!(
            "cannot create a folder for the site at {rev}"
        )))?;
    repo.checkout_site(&commit, checkout.path())
        .map_err(BuildError::Git)?;
    let then = load_and_validate_at(checkout.path(), &repo, &commit, None, Audience::Publish)
        .map_err(BuildError::io(format!("cannot read the site at {rev}")))?;
    // The current theme renders both builds: URLs do not depend on it, and
    // an old theme may lack templates that the current code needs.
    let then = published_paths(root, then).map_err(|e| match e {
        BuildError::Content(d) => BuildError::Git(GitError::new(format!(
            "the site at {rev} does not build ({} error(s)); compare with a revision that does",
            d.error_count()
        ))),
        other => other,
    })?;
    let now = load_and_validate(root, None, Audience::Publish)
        .map_err(BuildError::io(format!("cannot read {}", root.display())))?;
    let now = published_paths(root, now)?;
    let current: std::collections::BTreeSet<&str> = now.iter().map(String::as_str).collect();
    let lost = then
        .iter()
        .filter(|path| !current.contains(path.as_str()))
        // The search index's parts are renumbered as the site grows; only
        // its entry file and page are URLs.
        .filter(|path| !crate::index::export::is_part(path))
        .map(|path| path.strip_suffix("index.html").unwrap_or(path).to_string())
        .collect();
    Ok(LostUrls {
        commit,
        lost,
        then: then.len(),
        now: now.len(),
    })
}

/// The history of the repository holding `root`, up to HEAD (`history`,
/// `show`): the current files are read raw, not loaded as a site.
pub fn read_history(root: &Path) -> Result<History, BuildError> {
    shallow_clone(root, false)?;
    let repo = history::Repo::discover(root).ok_or_else(|| {
        BuildError::NotFound(format!(
            "{} is not in a git repository: there is no history to read",
            root.display()
        ))
    })?;
    let tip = repo
        .head()
        .ok_or_else(|| BuildError::NotFound("the repository has no commit yet".to_string()))?;
    history::read(
        &repo,
        &tip,
        load::site_utc_offset(root),
        history::Current::WorkTree(root),
    )
    .map_err(BuildError::Git)
}

/// The search index of the site at `root`, as `build` would publish it
/// (`gongkai search`): the one kept in `.gongkai-cache/search.bin` when it
/// was made from the same content, history, as-of date and gongkai;
/// otherwise loaded, validated, indexed, and kept for the next call.
pub fn search_index(
    root: &Path,
    as_of: Option<Date>,
) -> Result<crate::index::store::Search, BuildError> {
    use crate::index::store;
    let head = git::head_commit(root, load::site_utc_offset(root)).map(|h| h.id);
    let stored = store::Stored::open(root).ok();
    let (known, written) = stored
        .as_ref()
        .map_or((&[][..], None), |s| (&s.files[..], s.written));
    let files = store::fingerprint(root, known, written);
    let key = store::content_key(&files, head.as_deref(), as_of);
    if let Some(search) = stored.and_then(|s| store::Search::reuse(s, &key)) {
        return Ok(search);
    }
    let snapshot = load_and_validate(root, as_of, Audience::Publish)
        .map_err(BuildError::io(format!("cannot read {}", root.display())))?;
    let site = match snapshot.site {
        Some(site) if !snapshot.diagnostics.has_errors() => site,
        _ => return Err(BuildError::Content(snapshot.diagnostics)),
    };
    let analyses = root
        .join(".gongkai-cache")
        .join(crate::index::analysis::FILE);
    let (mut index, _) =
        crate::index::SearchIndex::build_cached(crate::index::documents(&site), &analyses)
            .map_err(BuildError::Search)?;
    index.base_url = Some(site.config.base_url.clone());
    // Only a cache: a site folder that cannot be written is still searched.
    let _ = store::write(root, &key, &files, &index);
    Ok(store::Search::built(index))
}
