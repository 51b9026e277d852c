//! A build that finds the previous build's ledger (`.gongkai-cache/`)
//! makes only what changed, and its output is byte-identical to a clean
//! build of the same commit: random sequences of commits (add, amend, move,
//! retire, delete, make exempt, change a template, change site.toml, tag)
//! are applied to a repository, and after each one the incremental build
//! is compared with a clean build (fresh cache, fresh output) of a copy.
//! Files whose bytes did not change keep their inode and time, and an
//! exempt item's title is in no file.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use support::{SiteTest, copy_dir, git_dated, run_in, snapshot_dir};

#[derive(Clone, Debug)]
enum Step {
    Add,
    /// An item exempt from its first commit: its 索引号 is never published.
    AddExempt,
    /// The `n`th live item (modulo their number), as every step below.
    Amend(usize),
    Move(usize),
    Retire(usize),
    Delete(usize),
    Exempt(usize),
    /// Made a draft again: its last published revision stays on the site.
    Redraft(usize),
    Template,
    SiteToml,
    Tag,
}

#[derive(Clone, Debug)]
struct ItemFile {
    n: u32,
    folder: String,
    amendments: u32,
    retired: bool,
    exempt: bool,
    draft: bool,
    /// Built while not exempt: its URLs stay, naming nothing.
    published: std::cell::Cell<bool>,
}

impl ItemFile {
    fn path(&self) -> String {
        format!("content/bgt/catalog/{}2024-{:05}.md", self.folder, self.n)
    }

    /// Unique in the whole site: the check that an exempt item is gone.
    fn title(&self) -> String {
        format!("关于第{}号事项的通知（标记Q{}Z）", self.n, self.n)
    }

    fn text(&self) -> String {
        let mut text = format!(
            "+++\nindex_no = \"11530100MB0A00001B/2024-{:05}\"\ntitle = \"{}\"\npublished = 2024-01-01\ncategory = '综合政务\\政务公开'\n",
            self.n,
            self.title()
        );
        if self.retired {
            text.push_str("status = \"repealed\"\nretired = 2024-01-02\n");
        }
        if self.exempt {
            text.push_str("disclosure = \"exempt\"\n");
        }
        if self.draft {
            text.push_str("draft = true\n");
        }
        text.push_str("+++\n\n现将有关事项通知如下。\n");
        for k in 0..self.amendments {
            text.push_str(&format!("\n第{k}次修订的内容。\n"));
        }
        text
    }
}

/// A site in a git repository, one commit a day, built incrementally into
/// `<tmp>/inc`.
struct Repo {
    site: SiteTest,
    items: Vec<ItemFile>,
    next: u32,
    day: u32,
    versions: u32,
}

impl Repo {
    fn new() -> Repo {
        let site = SiteTest::from_fixture("minimal");
        fs::remove_file(site.root().join("content/bgt/catalog/2024-00001.md")).unwrap();
        let mut repo = Repo {
            site,
            items: Vec::new(),
            next: 1,
            day: 0,
            versions: 0,
        };
        git_dated(
            repo.site.root(),
            &["init", "-q", "-b", "main"],
            &repo.date(),
        );
        for _ in 0..3 {
            repo.apply(&Step::Add);
        }
        repo.commit();
        // A second revision: snapshots from the start.
        repo.apply(&Step::Amend(0));
        repo.commit();
        repo
    }

    fn date(&self) -> String {
        let (month, day) = (1 + self.day / 28, 1 + self.day % 28);
        format!("2024-{month:02}-{day:02}T10:00:00+08:00")
    }

    fn commit(&mut self) {
        self.day += 1;
        let date = self.date();
        git_dated(self.site.root(), &["add", "-A"], &date);
        git_dated(
            self.site.root(),
            &["commit", "-q", "--allow-empty", "-m", "step"],
            &date,
        );
    }

    fn write(&self, item: &ItemFile) {
        self.site.write(&item.path(), &item.text());
    }

    fn pick(&self, n: usize) -> Option<usize> {
        (!self.items.is_empty()).then(|| n % self.items.len())
    }

    /// Change the working tree as `step` says (a tag is made at once).
    fn apply(&mut self, step: &Step) {
        match *step {
            Step::Add | Step::AddExempt => {
                let item = ItemFile {
                    n: self.next,
                    folder: String::new(),
                    amendments: 0,
                    retired: false,
                    exempt: matches!(step, Step::AddExempt),
                    draft: false,
                    published: std::cell::Cell::new(false),
                };
                self.next += 1;
                self.write(&item);
                self.items.push(item);
            }
            Step::Amend(n) => {
                if let Some(i) = self.pick(n) {
                    self.items[i].amendments += 1;
                    self.write(&self.items[i]);
                }
            }
            Step::Move(n) => {
                if let Some(i) = self.pick(n) {
                    fs::remove_file(self.site.root().join(self.items[i].path())).unwrap();
                    self.items[i].folder = format!("m{}/", self.day);
                    self.write(&self.items[i]);
                }
            }
            Step::Retire(n) => {
                if let Some(i) = self.pick(n) {
                    self.items[i].retired = true;
                    self.write(&self.items[i]);
                }
            }
            Step::Delete(n) => {
                if let Some(i) = self.pick(n) {
                    let item = self.items.remove(i);
                    fs::remove_file(self.site.root().join(item.path())).unwrap();
                }
            }
            Step::Exempt(n) => {
                if let Some(i) = self.pick(n) {
                    self.items[i].exempt = true;
                    self.write(&self.items[i]);
                }
            }
            Step::Redraft(n) => {
                if let Some(i) = self.pick(n) {
                    self.items[i].draft = true;
                    self.items[i].amendments += 1;
                    self.write(&self.items[i]);
                }
            }
            Step::Template => {
                self.versions += 1;
                let builtin = fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("themes/default/templates/item_article.html"),
                )
                .unwrap();
                self.site.write(
                    "themes/default/templates/item_article.html",
                    &format!("{builtin}<p class=\"mark\">{}</p>\n", self.versions),
                );
            }
            Step::SiteToml => {
                self.versions += 1;
                let path = self.site.root().join("site.toml");
                let text = fs::read_to_string(&path).unwrap();
                let text = text.replacen(
                    "title = \"最小站点",
                    &format!("title = \"最小站点{}", self.versions),
                    1,
                );
                fs::write(path, text).unwrap();
            }
            Step::Tag => {
                self.versions += 1;
                git_dated(
                    self.site.root(),
                    &["tag", &format!("v{}", self.versions)],
                    &self.date(),
                );
            }
        }
    }

    fn build(&self, root: &Path, out: &Path) {
        let args = [
            "build".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ];
        run_in(self.site.tmp(), &args, &[]).assert_success();
    }

    fn inc(&self) -> PathBuf {
        self.site.tmp().join("inc")
    }

    /// Apply `step`, commit, build incrementally and cleanly, and compare.
    fn step(&mut self, step: &Step) -> Result<(), TestCaseError> {
        self.apply(step);
        if !matches!(step, Step::Tag) {
            self.commit();
        }
        self.check(&format!("{step:?}"))
    }

    fn check(&self, what: &str) -> Result<(), TestCaseError> {
        let before = stamps(&self.inc());
        self.build(self.site.root(), &self.inc());
        let incremental = snapshot_dir(&self.inc());

        // A copy of the repository without the cache, built into a new folder.
        let clean_root = self.site.tmp().join("clean-site");
        let clean_out = self.site.tmp().join("clean-out");
        let _ = fs::remove_dir_all(&clean_root);
        let _ = fs::remove_dir_all(&clean_out);
        copy_dir(self.site.root(), &clean_root);
        let _ = fs::remove_dir_all(clean_root.join(".gongkai-cache"));
        self.build(&clean_root, &clean_out);
        let clean = snapshot_dir(&clean_out);

        let inc_files: Vec<&String> = incremental.keys().collect();
        let clean_files: Vec<&String> = clean.keys().collect();
        prop_assert_eq!(inc_files, clean_files, "file lists differ after {}", what);
        // A patched output folder deletes what was not made again and the
        // folders that leaves empty.
        prop_assert_eq!(
            folders(&self.inc()),
            folders(&clean_out),
            "folder lists differ after {}",
            what
        );
        let differ: Vec<&String> = clean
            .iter()
            .filter(|(rel, bytes)| incremental[*rel] != **bytes)
            .map(|(rel, _)| rel)
            .collect();
        prop_assert!(
            differ.is_empty(),
            "differ from a clean build after {}: {:?}",
            what,
            differ
        );
        let after = stamps(&self.inc());
        for (rel, (bytes, stamp)) in &before {
            if let Some((now, kept)) = after.get(rel)
                && now == bytes
            {
                prop_assert_eq!(
                    stamp,
                    kept,
                    "{} kept its bytes but not its inode and time after {}",
                    rel,
                    what
                );
            }
        }
        for item in self.items.iter().filter(|i| i.exempt) {
            let marker = format!("标记Q{}Z", item.n);
            let index_no = format!("2024-{:05}", item.n);
            for (rel, bytes) in &incremental {
                let text = decoded(rel, bytes);
                prop_assert!(
                    !text.contains(&marker),
                    "exempt item {} is in {} after {}",
                    item.n,
                    rel,
                    what
                );
                prop_assert!(
                    item.published.get() || !(text.contains(&index_no) || rel.contains(&index_no)),
                    "the 索引号 of never published item {} is in {} after {}",
                    item.n,
                    rel,
                    what
                );
            }
        }
        for item in self.items.iter().filter(|i| !i.exempt) {
            item.published.set(true);
        }
        Ok(())
    }
}

/// A file's text, `.gz` copies unpacked.
fn decoded(rel: &str, bytes: &[u8]) -> String {
    if rel.ends_with(".gz") {
        use std::io::Read as _;
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .unwrap();
        text
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Every folder under `dir`, relative to it.
fn folders(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_dir())
        .map(|entry| entry.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

/// A file's inode and modification time (seconds, nanoseconds).
type Stamp = (u64, i64, i64);

/// Every file's bytes and stamp.
fn stamps(dir: &Path) -> BTreeMap<String, (Vec<u8>, Stamp)> {
    use std::os::unix::fs::MetadataExt;
    snapshot_dir(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let meta = fs::metadata(dir.join(&rel)).unwrap();
            (rel, (bytes, (meta.ino(), meta.mtime(), meta.mtime_nsec())))
        })
        .collect()
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Add),
        1 => Just(Step::AddExempt),
        3 => any::<usize>().prop_map(Step::Amend),
        2 => any::<usize>().prop_map(Step::Move),
        2 => any::<usize>().prop_map(Step::Retire),
        1 => any::<usize>().prop_map(Step::Delete),
        2 => any::<usize>().prop_map(Step::Exempt),
        1 => any::<usize>().prop_map(Step::Redraft),
        1 => Just(Step::Template),
        1 => Just(Step::SiteToml),
        1 => Just(Step::Tag),
    ]
}

proptest! {
    // Every case runs the binary twice per step: few cases, short runs.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn incremental_builds_equal_clean_builds(steps in prop::collection::vec(step(), 1..5)) {
        let mut repo = Repo::new();
        repo.check("the first commit")?;
        for step in &steps {
            repo.step(step)?;
        }
    }
}

/// One step of `kind` after a first incremental build.
fn one(kind: Step) {
    let mut repo = Repo::new();
    repo.build(repo.site.root(), &repo.inc());
    for item in &repo.items {
        item.published.set(true);
    }
    repo.step(&kind).unwrap();
}

#[test]
fn add() {
    one(Step::Add);
}

#[test]
fn add_exempt() {
    one(Step::AddExempt);
}

#[test]
fn amend() {
    one(Step::Amend(0));
}

#[test]
fn move_() {
    one(Step::Move(1));
}

#[test]
fn retire() {
    one(Step::Retire(1));
}

#[test]
fn delete() {
    one(Step::Delete(1));
}

#[test]
fn exempt() {
    one(Step::Exempt(1));
}

#[test]
fn redraft() {
    one(Step::Redraft(1));
}

#[test]
fn template() {
    one(Step::Template);
}

#[test]
fn site_toml() {
    one(Step::SiteToml);
}

#[test]
fn tag() {
    one(Step::Tag);
}

/// An edit of an item's text alone, not committed (an editor's working
/// tree): its page is made again from the new text, although nothing else
/// its page shows changed.
#[test]
fn an_edit_not_yet_committed() {
    let mut repo = Repo::new();
    repo.build(repo.site.root(), &repo.inc());
    repo.apply(&Step::Amend(1));
    repo.check("an edit not committed").unwrap();
}

/// Unchanged files are linked, not written: nothing is made again when
/// nothing changed, and the second build says so.
#[test]
fn a_build_with_nothing_changed_writes_nothing() {
    let repo = Repo::new();
    let inc = repo.inc();
    repo.build(repo.site.root(), &inc);
    let args = [
        "build".as_ref(),
        "--root".as_ref(),
        repo.site.root().as_os_str(),
        "--out".as_ref(),
        inc.as_os_str(),
    ];
    let run = run_in(repo.site.tmp(), &args, &[]);
    run.assert_success();
    assert!(run.stderr.contains(" 0 written)"), "{}", run.stderr);
}
