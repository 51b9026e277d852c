//! Shared helpers of the integration tests: copy a fixture into a fresh
//! temporary folder, run the real `gongkai` binary on it, and look at what
//! it wrote.
//!
//! Every build and check passes `--as-of` [`AS_OF`], and the fixture is
//! copied outside any git repository, so that results never depend on the
//! project's own git HEAD or on the clock.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use regex::Regex;
use tempfile::TempDir;

/// The as-of date of every test build (a Monday).
pub const AS_OF: &str = "2026-11-23";

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

/// `tests/fixtures/<name>`.
pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A copy of a fixture site in a temporary folder:
/// `<tmp>/site/` is the site root, `<tmp>/public/` the default output.
pub struct SiteTest {
    tmp: TempDir,
    root: PathBuf,
}

impl SiteTest {
    /// Copy `tests/fixtures/<name>` into a fresh temporary folder.
    pub fn from_fixture(name: &str) -> SiteTest {
        let tmp = tempfile::Builder::new()
            .prefix("gongkai-test-")
            .tempdir()
            .expect("create a temporary folder");
        let root = tmp.path().join("site");
        copy_dir(&fixture_path(name), &root);
        assert_outside_git(tmp.path());
        SiteTest { tmp, root }
    }

    /// The temporary folder holding the site (and, by default, the output).
    pub fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The output folder used by [`SiteTest::build`]: `<tmp>/public`.
    pub fn out(&self) -> PathBuf {
        self.tmp.path().join("public")
    }

    /// Run `gongkai` with `args` (paths are taken as they are; the working
    /// folder is the temporary folder).
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Like [`SiteTest::run`], with extra environment variables.
    pub fn run_with_env<S: AsRef<OsStr>>(&self, args: &[S], env: &[(&str, &str)]) -> Run {
        run_in(self.tmp.path(), args, env)
    }

    /// `gongkai build --root <site> --out <tmp>/public --as-of AS_OF`.
    pub fn build(&self) -> Run {
        self.build_into(&self.out(), &[])
    }

    /// `gongkai build --root <site> --out <out> --as-of AS_OF <extra…>`.
    pub fn build_into(&self, out: &Path, extra: &[&str]) -> Run {
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("build"),
            OsStr::new("--root"),
            self.root.as_os_str(),
            OsStr::new("--out"),
            out.as_os_str(),
            OsStr::new("--as-of"),
            OsStr::new(AS_OF),
        ];
        args.extend(extra.iter().map(OsStr::new));
        self.run(&args)
    }

    /// `gongkai check --root <site> --as-of AS_OF --format <format>`.
    pub fn check(&self, format: &str) -> Run {
        let args: Vec<&OsStr> = vec![
            OsStr::new("check"),
            OsStr::new("--root"),
            self.root.as_os_str(),
            OsStr::new("--as-of"),
            OsStr::new(AS_OF),
            OsStr::new("--format"),
            OsStr::new(format),
        ];
        self.run(&args)
    }

    /// `check --format json`, parsed.
    pub fn check_json(&self) -> (Run, serde_json::Value) {
        let run = self.check("json");
        let json = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("check --format json printed invalid JSON ({e})\n{run}"));
        (run, json)
    }

    /// Write a file of the site (path relative to the site root).
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent folder");
        }
        fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Read a file of the site (path relative to the site root).
    pub fn read_source(&self, rel: &str) -> String {
        let path = self.root.join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Read an output file (path relative to [`SiteTest::out`]).
    pub fn read(&self, rel: &str) -> String {
        read_text(&self.out().join(rel))
    }

    /// Every file of [`SiteTest::out`], relative, `/`-separated, sorted;
    /// the `.gz` copies of text files left out (`tests/server.rs` checks
    /// them).
    pub fn out_files(&self) -> Vec<String> {
        list_files(&self.out())
            .into_iter()
            .filter(|f| !f.ends_with(".gz"))
            .collect()
    }

    /// `api/manifest.json` of [`SiteTest::out`], parsed.
    pub fn manifest(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("api/manifest.json")).expect("manifest is JSON")
    }
}

/// A site built once and shared by the tests that only read it, for as
/// long as one of them runs; the last one to finish removes its folder
/// (a later test builds it again).
pub struct Shared(Mutex<Weak<SiteTest>>);

impl Shared {
    pub const fn new() -> Shared {
        Shared(Mutex::new(Weak::new()))
    }

    pub fn get(&self, init: impl FnOnce() -> SiteTest) -> Arc<SiteTest> {
        let mut weak = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(site) = weak.upgrade() {
            return site;
        }
        let site = Arc::new(init());
        *weak = Arc::downgrade(&site);
        site
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared::new()
    }
}

/// Run the binary in `dir`.
pub fn run_in<S: AsRef<OsStr>>(dir: &Path, args: &[S], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let command = format!(
        "{}{} {}",
        env.iter()
            .map(|(k, v)| format!("{k}={v} "))
            .collect::<String>(),
        BIN,
        args.iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command}: {e}"));
    Run {
        command,
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The outcome of one run of the binary. Its `Display` shows the command
/// and both streams, for failure messages.
pub struct Run {
    pub command: String,
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panic, showing the command and both streams, unless the exit status
    /// is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, Some(code), "expected exit status {code}\n{self}");
        self
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Run {
        self.assert_code(0)
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "$ {}", self.command)?;
        writeln!(f, "exit status: {:?}", self.code)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}", self.stderr)
    }
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Copy a folder tree, byte for byte.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let mut entries: Vec<_> = fs::read_dir(from)
        .unwrap_or_else(|e| panic!("read {}: {e}", from.display()))
        .map(|e| e.expect("folder entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// Every regular file under `dir`, relative, `/`-separated, sorted. Empty
/// when `dir` does not exist.
pub fn list_files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.expect("folder entry");
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base");
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Every entry (files, folders, links) under `dir`, relative, sorted: to
/// see that nothing appeared anywhere.
pub fn list_entries(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.expect("folder entry");
            let path = entry.path();
            let rel = path.strip_prefix(base).expect("under base");
            out.push(rel.to_string_lossy().replace('\\', "/"));
            if entry.file_type().expect("file type").is_dir() {
                walk(base, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Every file under `dir` with its bytes.
pub fn snapshot_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(dir.join(&rel)).expect("read output file");
            (rel, bytes)
        })
        .collect()
}

pub fn read_text(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    String::from_utf8(bytes).unwrap_or_else(|_| panic!("{} is not UTF-8", path.display()))
}

/// The `<main …>…</main>` part of a page.
#[track_caller]
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("the page has a <main>");
    let end = html[start..]
        .find("</main>")
        .map(|i| start + i + "</main>".len())
        .expect("the page has a </main>");
    &html[start..end]
}

/// `git hash-object` of each file, in order, with one `git` process.
pub fn git_hash_objects(paths: &[PathBuf]) -> Vec<String> {
    if paths.is_empty() {
        return Vec::new();
    }
    let output = Command::new("git")
        .arg("hash-object")
        .arg("--no-filters")
        .arg("--")
        .args(paths)
        .output()
        .expect("git is installed");
    assert!(
        output.status.success(),
        "git hash-object failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ids: Vec<String> = String::from_utf8(output.stdout)
        .expect("hex ids")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(ids.len(), paths.len());
    ids
}

/// The tests rely on the fixture copy not being inside a git repository
/// (no HEAD commit in the manifest, no history).
fn assert_outside_git(dir: &Path) {
    let inside = Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(dir)
        .stderr(Stdio::null())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        !inside,
        "the temporary folder {} is inside a git repository; set TMPDIR to a folder outside any repository",
        dir.display()
    );
}

/// Values of `href="…"` and `src="…"` attributes (HTML-unescaped).
pub fn links_of(html: &str) -> Vec<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?i)\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex")
    });
    re.captures_iter(html)
        .map(|c| {
            c.get(1)
                .or_else(|| c.get(2))
                .map_or("", |m| m.as_str())
                .replace("&amp;", "&")
        })
        .collect()
}

/// Values of `id="…"` attributes.
pub fn ids_of(html: &str) -> BTreeSet<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r#"\sid="([^"]*)""#).expect("valid regex"));
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

/// The output file a root-relative href points to, if it is under
/// `base_path` (which starts and ends with `/`): percent-decoded, query and
/// fragment dropped, `/x/` → `x/index.html`.
pub fn file_of_href(href: &str, base_path: &str) -> Option<String> {
    let path = href.split(['#', '?']).next().unwrap_or("");
    let rest = path.strip_prefix(base_path)?;
    let decoded = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .ok()?
        .into_owned();
    if decoded.is_empty() || decoded.ends_with('/') {
        Some(format!("{decoded}index.html"))
    } else {
        Some(decoded)
    }
}

/// Check every internal link of every HTML page of `out`: a root-relative
/// `href`/`src` must lie under `base_path` and name an output file; a
/// same-page `#fragment` must name an `id` of the page. Returns the broken
/// links as `page: href (why)`.
pub fn broken_links(out: &Path, base_path: &str) -> Vec<String> {
    let files: BTreeSet<String> = list_files(out).into_iter().collect();
    let mut broken = Vec::new();
    for page in files.iter().filter(|f| f.ends_with(".html")) {
        let html = read_text(&out.join(page));
        let ids = ids_of(&html);
        for href in links_of(&html) {
            if let Some(fragment) = href.strip_prefix('#') {
                let fragment = percent_encoding::percent_decode_str(fragment)
                    .decode_utf8_lossy()
                    .into_owned();
                if !fragment.is_empty() && !ids.contains(&fragment) {
                    broken.push(format!("{page}: {href} (no element with this id)"));
                }
                continue;
            }
            if !href.starts_with('/') || href.starts_with("//") {
                continue;
            }
            match file_of_href(&href, base_path) {
                None => broken.push(format!("{page}: {href} (not under {base_path})")),
                Some(file) if !files.contains(&file) => {
                    broken.push(format!("{page}: {href} (no file {file})"))
                }
                Some(_) => {}
            }
        }
    }
    broken
}

/// Runs git in `root` as the editor, with author and committer dates set
/// to `date`, and no user or system configuration.
pub fn git_dated(root: &Path, args: &[&str], date: &str) {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "编辑")
        .env("GIT_AUTHOR_EMAIL", "editor@example.gov.cn")
        .env("GIT_COMMITTER_NAME", "编辑")
        .env("GIT_COMMITTER_EMAIL", "editor@example.gov.cn")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
