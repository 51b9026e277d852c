//! Versions and archives from git history: a scripted repository with fixed
//! dates that adds, amends, moves, retires, deletes, tags, branches and
//! merges, and withdraws an item, built at every commit.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use support::{Run, SiteTest, list_files, read_text, run_in};

const DEPT: &str = "content/bgt";
const PREFIX: &str = "11530100MB0A00001B/2024-000";

fn id(n: u32) -> String {
    format!("{PREFIX}{n:02}")
}

fn item(n: u32, title: &str, extra: &str, body: &str) -> String {
    format!(
        "+++\nindex_no = \"{}\"\ntitle = \"{title}\"\npublished = 2024-01-02\ncategory = '综合政务\\政务公开'\n{extra}+++\n\n{body}\n",
        id(n)
    )
}

/// A 权力清单 item with two steps; `extra` adds fields before the steps.
fn power(code: &str, name: &str, extra: &str) -> String {
    format!(
        "code = \"{code}\"\nname = \"{name}\"\ncategory = \"行政许可\"\nbasis = [\"《中华人民共和国行政许可法》第十二条\"]\nsubject = \"示例市办公厅\"\nlegal_limit_days = 20\n{extra}\n[[steps]]\nname = \"受理\"\nactor = \"窗口\"\nlimit_days = 5\n\n[[steps]]\nname = \"决定\"\nactor = \"局长\"\nlimit_days = 5\n"
    )
}

/// A site in a git repository of its own, outside the project's.
struct Repo {
    site: SiteTest,
    /// Commit ids, in the order they were made.
    commits: Vec<String>,
}

impl Repo {
    fn new() -> Repo {
        let site = SiteTest::from_fixture("minimal");
        std::fs::remove_file(site.root().join(format!("{DEPT}/catalog/2024-00001.md")))
            .expect("remove the fixture's item");
        let repo = Repo {
            site,
            commits: Vec::new(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn root(&self) -> &Path {
        self.site.root()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_at(args, "2024-01-01T09:00:00+08:00")
    }

    fn git_at(&self, args: &[&str], date: &str) -> String {
        let output = Command::new("git")
            .args(args)
            .current_dir(self.root())
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
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    fn write(&self, rel: &str, text: String) {
        self.site.write(&format!("{DEPT}/catalog/{rel}"), &text);
    }

    fn write_power(&self, rel: &str, text: String) {
        self.site.write(&format!("{DEPT}/powers/{rel}"), &text);
    }

    fn commit(&mut self, day: &str, message: &str) -> String {
        let date = format!("{day}T10:00:00+08:00");
        self.git_at(&["add", "-A"], &date);
        self.git_at(&["commit", "-q", "-m", message], &date);
        let id = self.git(&["rev-parse", "HEAD"]);
        self.commits.push(id.clone());
        id
    }

    fn build(&self, out: &Path) -> Run {
        let run = run_in(
            self.site.tmp(),
            &[
                "build".as_ref(),
                "--root".as_ref(),
                self.root().as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
            ],
            &[],
        );
        run.assert_success();
        run
    }
}

/// The scripted history, built at HEAD.
struct Built {
    repo: Repo,
    /// c[1] … c[9]; c[0] unused.
    c: Vec<String>,
    out: std::path::PathBuf,
    manifest: serde_json::Value,
}

static BUILT: LazyLock<Built> = LazyLock::new(|| {
    let mut repo = Repo::new();
    let first = "第一版正文：本办法自发布之日起施行。";
    // c1: six items, one of them exempt from the start.
    repo.write("a.md", item(1, "甲通知", "", first));
    repo.write("b.md", item(2, "乙通知", "", "乙的正文。"));
    repo.write("c.md", item(3, "丙办法", "", "丙的正文。"));
    repo.write(
        "d.md",
        item(
            4,
            "不予公开的内部事项",
            "disclosure = \"exempt\"\n",
            "绝密标记XYZ",
        ),
    );
    repo.write("e.md", item(5, "戊通知", "", "戊的正文。"));
    repo.write("f.md", item(6, "后来撤回的通知", "", "撤回标记QWE"));
    // Powers: XK-001 amended in c3, CF-001 moved in c3 and amended in c8,
    // QX-001 deleted in c5, JC-001 withdrawn in c6, NB-001 exempt throughout.
    repo.write_power(
        "xk-001.toml",
        power("XK-001", "甲许可", "supervision = \"监督电话：第一版\"\n"),
    );
    repo.write_power("cf-001.toml", power("CF-001", "乙许可", ""));
    repo.write_power("qx-001.toml", power("QX-001", "丙许可", ""));
    repo.write_power(
        "jc-001.toml",
        power("JC-001", "后来撤回的权力", "office = \"权力撤回标记RTY\"\n"),
    );
    repo.write_power(
        "nb-001.toml",
        power(
            "NB-001",
            "不予公开的权力",
            "disclosure = \"exempt\"\noffice = \"权力绝密标记UIO\"\n",
        ),
    );
    let c1 = repo.commit("2024-01-02", "首次发布");
    // c2: a new item; tagged v2024.1.
    repo.write("g.md", item(7, "己通知", "", "己的正文。"));
    let c2 = repo.commit("2024-02-01", "新增己通知");
    repo.git(&["tag", "v2024.1"]);
    // c3: B moves into a folder unchanged; A is amended.
    std::fs::create_dir_all(repo.root().join(format!("{DEPT}/catalog/2024"))).unwrap();
    repo.git(&[
        "mv",
        &format!("{DEPT}/catalog/b.md"),
        &format!("{DEPT}/catalog/2024/b.md"),
    ]);
    repo.write(
        "a.md",
        item(1, "甲通知", "", "第二版正文：本规定自发布之日起施行。"),
    );
    std::fs::create_dir_all(repo.root().join(format!("{DEPT}/powers/2024"))).unwrap();
    repo.git(&[
        "mv",
        &format!("{DEPT}/powers/cf-001.toml"),
        &format!("{DEPT}/powers/2024/cf.toml"),
    ]);
    repo.write_power(
        "xk-001.toml",
        power("XK-001", "甲许可", "supervision = \"监督电话：第二版\"\n"),
    );
    let c3 = repo.commit(
        "2024-03-01",
        "修改甲通知；移动乙通知\n\nPublic-Note: 调整施行日期的表述",
    );
    // c4: C is repealed.
    repo.write(
        "c.md",
        item(
            3,
            "丙办法",
            "status = \"repealed\"\nretired = 2024-04-01\nretired_reason = \"已被新办法取代\"\n",
            "丙的正文。",
        ),
    );
    let c4 = repo.commit("2024-04-01", "废止丙办法");
    // c5: E is deleted.
    repo.git(&["rm", "-q", &format!("{DEPT}/catalog/e.md")]);
    repo.git(&["rm", "-q", &format!("{DEPT}/powers/qx-001.toml")]);
    let c5 = repo.commit(
        "2024-05-01",
        "删除过时的戊通知\n\nPublic-Note: 依据市政府决定废止",
    );
    // c6: F becomes exempt: withdrawn. Tagged v2024.2.
    repo.write(
        "f.md",
        item(
            6,
            "后来撤回的通知",
            "disclosure = \"exempt\"\n",
            "撤回标记QWE",
        ),
    );
    repo.write_power(
        "jc-001.toml",
        power(
            "JC-001",
            "后来撤回的权力",
            "disclosure = \"exempt\"\noffice = \"权力撤回标记RTY\"\n",
        ),
    );
    let c6 = repo.commit("2024-06-03", "撤回");
    repo.git(&["tag", "v2024.2"]);
    // c7 on a branch amends B; c8 on main amends G; c9 merges.
    repo.git(&["checkout", "-q", "-b", "edit"]);
    repo.write("2024/b.md", item(2, "乙通知", "", "乙的正文，分支上修改。"));
    let c7 = repo.commit("2024-07-01", "分支：修改乙通知");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("g.md", item(7, "己通知", "", "己的正文，已修改。"));
    repo.write_power(
        "2024/cf.toml",
        power("CF-001", "乙许可", "fee = \"按件收费\"\n"),
    );
    let c8 = repo.commit("2024-07-02", "修改己通知");
    repo.git_at(
        &["merge", "-q", "--no-ff", "-m", "合并分支", "edit"],
        "2024-07-03T10:00:00+08:00",
    );
    let c9 = repo.git(&["rev-parse", "HEAD"]);
    repo.commits.push(c9.clone());
    repo.git(&["tag", "v2024.3"]);

    let out = repo.site.tmp().join("public");
    repo.build(&out);
    let manifest = serde_json::from_str(&read_text(&out.join("api/manifest.json"))).unwrap();
    Built {
        c: vec![String::new(), c1, c2, c3, c4, c5, c6, c7, c8, c9],
        repo,
        out,
        manifest,
    }
});

/// The files of an output that are URLs: the `.gz` copies beside text
/// files are how a server sends them, not URLs of their own (the words a
/// copy holds are its file's, which the tests read).
fn published(out: &Path) -> Vec<String> {
    list_files(out)
        .into_iter()
        .filter(|f| !f.ends_with(".gz"))
        .collect()
}

fn manifest_item(b: &Built, n: u32) -> &serde_json::Value {
    let id = id(n);
    b.manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap_or_else(|| panic!("{id} is not in the manifest"))
}

fn manifest_power<'a>(b: &'a Built, code: &str) -> &'a serde_json::Value {
    b.manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == code && i["type"] == "power")
        .unwrap_or_else(|| panic!("{code} is not in the manifest"))
}

fn power_commits(b: &Built, code: &str) -> Vec<String> {
    manifest_power(b, code)["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["commit"].as_str().unwrap().to_string())
        .collect()
}

fn revision_commits(b: &Built, n: u32) -> Vec<String> {
    manifest_item(b, n)["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["commit"].as_str().unwrap().to_string())
        .collect()
}

fn read(b: &Built, url: &str) -> String {
    let rel = url.trim_start_matches('/');
    let rel = if rel.ends_with('/') || rel.is_empty() {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    read_text(&b.out.join(rel))
}

#[test]
fn manifest_names_the_build() {
    let b = &*BUILT;
    assert_eq!(b.manifest["build"]["commit"], b.c[9].as_str());
    assert_eq!(b.manifest["build"]["as_of"], "2024-07-03");
    assert_eq!(b.manifest["build"]["version"], "v2024.3");
    let home = read(b, "/");
    assert!(home.contains("v2024.3"), "footer names the release");
    assert!(home.contains(&b.c[9][..10]), "footer names the commit");
}

#[test]
fn revisions_are_the_commits_that_changed_each_item_oldest_first() {
    let b = &*BUILT;
    let c = &b.c;
    assert_eq!(revision_commits(b, 1), [c[1].clone(), c[3].clone()]);
    assert_eq!(revision_commits(b, 3), [c[1].clone(), c[4].clone()]);
    assert_eq!(revision_commits(b, 7), [c[2].clone(), c[8].clone()]);
    let a = manifest_item(b, 1);
    assert_eq!(a["revisions"][0]["date"], "2024-01-02");
    assert_eq!(a["revisions"][1]["date"], "2024-03-01");
}

#[test]
fn a_moved_item_keeps_its_history_and_a_merge_adds_no_revision() {
    let b = &*BUILT;
    // B was moved in c3 without a change (no revision), changed on a branch
    // in c7, and merged in c9 (no revision: the merge took the branch's bytes).
    assert_eq!(revision_commits(b, 2), [b.c[1].clone(), b.c[7].clone()]);
}

#[test]
fn every_published_source_hashes_to_its_blob() {
    let b = &*BUILT;
    let mut checked = 0;
    for item in b.manifest["items"].as_array().unwrap() {
        for r in item["revisions"].as_array().unwrap() {
            let rel = r["source_url"].as_str().unwrap().trim_start_matches('/');
            let output = Command::new("git")
                .args(["hash-object", "--no-filters"])
                .arg(b.out.join(rel))
                .output()
                .expect("git hash-object");
            let hash = String::from_utf8_lossy(&output.stdout).trim().to_string();
            assert_eq!(hash, r["blob"].as_str().unwrap(), "{rel}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} sources checked");
}

#[test]
fn the_first_snapshot_shows_the_first_revision() {
    let b = &*BUILT;
    let a = manifest_item(b, 1);
    let first = read(b, a["revisions"][0]["snapshot_url"].as_str().unwrap());
    assert!(first.contains("本办法自发布之日起施行"), "{first}");
    assert!(
        !first.contains("本规定"),
        "the first snapshot shows later text"
    );
    assert!(first.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(first.contains(&format!(
        r#"<link rel="canonical" href="https://xxgk.example.gov.cn/items/{}/">"#,
        id(1)
    )));
    assert!(first.contains("第 1 个版本（共 2 个）"), "{first}");
    assert!(first.contains("2024-01-02"));
    let second = read(b, a["revisions"][1]["source_url"].as_str().unwrap());
    assert!(second.contains("本规定自发布之日起施行"));
    let current = read(b, a["url"].as_str().unwrap());
    assert!(current.contains("本规定自发布之日起施行"));
}

#[test]
fn the_history_page_lists_revisions_with_messages_and_a_word_level_diff() {
    let b = &*BUILT;
    let page = read(b, &format!("/items/{}/history/", id(1)));
    // The public note, never the commit message (an internal working note).
    assert!(page.contains("调整施行日期的表述"), "{page}");
    assert!(!page.contains("修改甲通知；移动乙通知"), "{page}");
    assert!(page.contains(&b.c[3][..7]));
    // 办法 → 规定 changes two characters, not the whole line.
    assert!(page.contains("删除：</span>办法</del>"), "{page}");
    assert!(page.contains("新增：</span>规定</ins>"), "{page}");
    let current = read(b, &format!("/items/{}/", id(1)));
    assert!(current.contains(&format!("/items/{}/history/", id(1))));
}

#[test]
fn a_repealed_item_is_retired_with_its_banner() {
    let b = &*BUILT;
    let c = manifest_item(b, 3);
    assert_eq!(c["status"], "repealed");
    assert_eq!(c["retired"], "2024-04-01");
    let page = read(b, c["url"].as_str().unwrap());
    assert!(page.contains("本文件已废止。") && page.contains("已被新办法取代"));
}

#[test]
fn a_deleted_item_is_retired_with_its_last_revision() {
    let b = &*BUILT;
    let e = manifest_item(b, 5);
    assert_eq!(e["retired"], "2024-05-01");
    assert_eq!(revision_commits(b, 5), [b.c[1].clone()]);
    let page = read(b, e["url"].as_str().unwrap());
    assert!(page.contains("本文件已删除。"), "{page}");
    assert!(
        page.contains("依据市政府决定废止") && !page.contains("删除过时的戊通知"),
        "the deleting commit's Public-Note is the reason, not its message: {page}"
    );
    assert!(page.contains("戊的正文。"));
    let archive = read(b, "/archive/");
    assert!(
        archive.contains("戊通知"),
        "the deleted item is in the archive"
    );
    let catalog = read(b, "/catalog/");
    assert!(
        !catalog.contains("戊通知"),
        "and not in the current catalog"
    );
    let year = read(b, "/archive/year/2024/");
    assert!(year.contains("戊通知"));
}

#[test]
fn an_exempt_item_leaves_no_trace() {
    let b = &*BUILT;
    let d = id(4);
    for rel in list_files(&b.out) {
        let bytes = std::fs::read(b.out.join(&rel)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "绝密标记XYZ",
            "不予公开的内部事项",
            d.as_str(),
            "2024-00004",
        ] {
            assert!(!text.contains(secret), "{rel} contains {secret}");
            assert!(!rel.contains("2024-00004"), "{rel}");
        }
    }
}

#[test]
fn a_withdrawn_item_keeps_its_urls_naming_nothing() {
    let b = &*BUILT;
    let f = id(6);
    assert!(
        b.manifest["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != f.as_str()),
        "withdrawn items are not in the manifest"
    );
    let page = read(b, &format!("/items/{f}/"));
    assert!(page.contains("本信息已不再公开"), "{page}");
    let files: Vec<String> = published(&b.out)
        .into_iter()
        .filter(|r| r.starts_with(&format!("items/{f}/")))
        .collect();
    assert_eq!(
        files.len(),
        5,
        "page, history, TimeMap, snapshot, source: {files:?}"
    );
    for rel in list_files(&b.out) {
        let text = String::from_utf8_lossy(&std::fs::read(b.out.join(&rel)).unwrap()).into_owned();
        assert!(
            !text.contains("后来撤回的通知"),
            "{rel} names the withdrawn title"
        );
        assert!(
            !text.contains("撤回标记QWE"),
            "{rel} shows withdrawn content"
        );
    }
}

#[test]
fn the_versions_page_lists_tags_with_their_changes() {
    let b = &*BUILT;
    let page = read(b, "/versions/");
    let p1 = page.find("v2024.1").expect("v2024.1 listed");
    let p2 = page.find("v2024.2").expect("v2024.2 listed");
    let p3 = page.find("v2024.3").expect("v2024.3 listed");
    assert!(p3 < p2 && p2 < p1, "newest first");
    let section = |from: usize, to: usize| &page[from..to];
    let v3 = section(p3, p2);
    assert!(v3.contains("乙通知") && v3.contains("己通知") && v3.contains("修改"));
    let v2 = section(p2, p1);
    assert!(v2.contains("甲通知"), "v2024.2 amended A: {v2}");
    assert!(
        v2.contains("丙办法") && v2.contains("戊通知"),
        "v2024.2 retired C and E"
    );
    let v1 = &page[p1..];
    assert!(v1.contains("己通知") && v1.contains("新增"));
    // Entries link to the snapshot that the release published.
    let a_second = manifest_item(b, 1)["revisions"][1]["snapshot_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(v2.contains(&a_second), "{v2}");
    assert!(!page.contains("后来撤回的通知"));
}

#[test]
fn history_and_show_print_what_was() {
    let b = &*BUILT;
    let root = b.repo.root();
    let run = run_in(root, &["history", &id(1)], &[]);
    run.assert_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{run}");
    assert!(lines[0].starts_with("2024-01-02") && lines[0].contains(&b.c[1][..10]));
    assert!(lines[1].contains("修改甲通知"));
    let deleted = run_in(root, &["history", &id(5)], &[]);
    assert!(
        deleted.stdout.lines().last().unwrap().contains("deleted"),
        "{deleted}"
    );

    let blob = manifest_item(b, 1)["revisions"][0]["blob"]
        .as_str()
        .unwrap()
        .to_string();
    let show = run_in(root, &["show", &id(1), "--rev", &blob[..8]], &[]);
    show.assert_success();
    assert!(show.stdout.contains("本办法自发布之日起施行"));
    let as_of = run_in(root, &["show", &id(1), "--as-of", "2024-02-15"], &[]);
    assert!(as_of.stdout.contains("本办法"), "{as_of}");
    let later = run_in(root, &["show", &id(1), "--as-of", "2024-03-01"], &[]);
    assert!(later.stdout.contains("本规定"), "{later}");
    let gone = run_in(root, &["show", &id(5), "--as-of", "2024-06-01"], &[]);
    gone.assert_code(1);
    assert!(gone.stderr.contains("deleted on 2024-05-01"), "{gone}");
    run_in(root, &["history", "11530100MB0A00001B/2024-00099"], &[]).assert_code(1);
}

#[test]
fn no_url_of_an_earlier_commit_is_missing_later() {
    // A separate repository: this test checks out every commit.
    let b = &*BUILT;
    let tmp = tempfile::tempdir().unwrap();
    let clone = tmp.path().join("clone");
    let status = Command::new("git")
        .args(["clone", "-q"])
        .arg(b.repo.root())
        .arg(&clone)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
    let mut built: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for commit in &b.repo.commits {
        let ok = Command::new("git")
            .args(["checkout", "-q", "--detach", commit])
            .current_dir(&clone)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .unwrap();
        assert!(ok.success());
        let out = tmp.path().join("out");
        run_in(
            tmp.path(),
            &[
                "build".as_ref(),
                "--root".as_ref(),
                clone.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
            ],
            &[],
        )
        .assert_success();
        let files: BTreeSet<String> = published(&out).into_iter().collect();
        // Consecutive = a commit and each of its parents (the merge has two).
        let parents = b.repo.git(&["rev-list", "--parents", "-n", "1", commit]);
        for parent in parents.split_whitespace().skip(1) {
            let earlier = &built[parent];
            let lost: Vec<&String> = earlier.difference(&files).collect();
            assert!(lost.is_empty(), "{parent} → {commit}: lost {lost:?}");
        }
        built.insert(commit.clone(), files);
    }
    assert_eq!(built.len(), 9);
}

#[test]
fn check_since_lists_urls_that_would_break() {
    let b = &*BUILT;
    let tmp = tempfile::tempdir().unwrap();
    let clone = tmp.path().join("clone");
    assert!(
        Command::new("git")
            .args(["clone", "-q"])
            .arg(b.repo.root())
            .arg(&clone)
            .status()
            .unwrap()
            .success()
    );
    let since = |rev: &str| run_in(&clone, &["check", "--since", rev], &[]);
    since("v2024.1").assert_success();
    // Renaming the department without an alias breaks its URLs…
    std::fs::rename(clone.join("content/bgt"), clone.join("content/bangongting")).unwrap();
    let broken = since("v2024.1");
    broken.assert_code(1);
    assert!(broken.stdout.contains("/departments/bgt/"), "{broken}");
    assert!(
        !broken.stdout.contains("/items/"),
        "items keep their URLs: {broken}"
    );
    // With --format json, one document holds the check and the lost URLs.
    let json = run_in(
        &clone,
        &["check", "--since", "v2024.1", "--format", "json"],
        &[],
    );
    json.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("one JSON document");
    assert_eq!(doc["errors"], 0, "{json}");
    let lost = doc["since"]["lost"].as_array().expect("since.lost");
    assert!(
        lost.iter()
            .any(|u| u.as_str().unwrap().starts_with("/departments/bgt/")),
        "{json}"
    );
    // …and the alias mends them.
    let toml = clone.join("content/bangongting/department.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}aliases = [\"bgt\"]\n")).unwrap();
    since("v2024.1").assert_success();
    run_in(&clone, &["check", "--since", "no-such-tag"], &[]).assert_code(2);
}

#[test]
fn the_cache_changes_nothing_and_is_safe_to_delete() {
    let b = &*BUILT;
    let cache = b.repo.root().join(".gongkai-cache");
    assert!(
        cache.join("history.json").is_file(),
        "the build cached the history"
    );
    let again = b.repo.site.tmp().join("again");
    let fresh = b.repo.site.tmp().join("fresh");
    b.repo.build(&again);
    // Other tests may build the same repository; remove a copy of the cache.
    let copy = tempfile::tempdir().unwrap();
    support::copy_dir(b.repo.root(), &copy.path().join("site"));
    std::fs::remove_dir_all(copy.path().join("site/.gongkai-cache")).unwrap();
    run_in(
        copy.path(),
        &["build", "--root", "site", "--out", fresh.to_str().unwrap()],
        &[],
    )
    .assert_success();
    let a = list_files(&again);
    assert_eq!(a, list_files(&fresh));
    for rel in &a {
        assert_eq!(
            std::fs::read(again.join(rel)).unwrap(),
            std::fs::read(fresh.join(rel)).unwrap(),
            "{rel} differs between cached and uncached builds"
        );
    }
}

#[test]
fn a_damaged_revision_cache_is_detected_and_repaired() {
    let b = &*BUILT;
    let expected = b.repo.site.tmp().join("before-damage");
    b.repo.build(&expected);
    let copy = tempfile::tempdir().unwrap();
    support::copy_dir(b.repo.root(), &copy.path().join("site"));
    let blobs = copy.path().join("site/.gongkai-cache/blobs.bin");
    let bytes = std::fs::read(&blobs).expect("the build cached the revisions");
    // Same length, different bytes: every cached revision is now wrong.
    let mut damaged = bytes.clone();
    let mut hits = 0;
    for i in 0..damaged.len().saturating_sub(8) {
        if &damaged[i..i + 8] == b"index_no" {
            damaged[i + 7] = b'O';
            hits += 1;
        }
    }
    assert!(hits > 5, "the cache holds the revisions' text");
    std::fs::write(&blobs, &damaged).unwrap();

    let build = |name: &str| {
        let out = copy.path().join(name);
        run_in(
            copy.path(),
            &["build", "--root", "site", "--out", out.to_str().unwrap()],
            &[],
        )
        .assert_success();
        out
    };
    let first = build("first");
    let repaired = std::fs::metadata(&blobs).unwrap().len();
    assert!(
        repaired > damaged.len() as u64,
        "the damaged records were read from git again and appended"
    );
    let second = build("second");
    assert_eq!(
        std::fs::metadata(&blobs).unwrap().len(),
        repaired,
        "once repaired, nothing more is read from git"
    );
    let files = list_files(&expected);
    for out in [&first, &second] {
        assert_eq!(files, list_files(out));
        for rel in &files {
            assert_eq!(
                std::fs::read(expected.join(rel)).unwrap(),
                std::fs::read(out.join(rel)).unwrap(),
                "{rel} differs after the cache was damaged"
            );
        }
    }
}

/// At province scale nearly every revision is a file of the current tree:
/// the history shares the texts `load` read instead of holding a second
/// copy, and the revision cache keeps past revisions only.
#[test]
fn the_history_shares_the_loaded_texts_and_caches_past_revisions_only() {
    let b = &*BUILT;
    let copy = tempfile::tempdir().unwrap();
    let root = copy.path().join("site");
    support::copy_dir(b.repo.root(), &root);
    let _ = std::fs::remove_dir_all(root.join(".gongkai-cache"));
    let (raw, _) = gongkai::load::load(&root).unwrap();
    let repo = gongkai::history::Repo::discover(&root).unwrap();
    let tip = repo.head().unwrap();
    let offset = gongkai::load::site_utc_offset(&root);
    let history =
        gongkai::history::read(&repo, &tip, offset, gongkai::history::Current::Loaded(&raw))
            .unwrap();
    assert!(raw.items.len() > 3 && !raw.powers.is_empty());
    for item in &raw.items {
        let revision = history
            .items
            .parsed(&item.blob)
            .expect("the tip's revision");
        assert!(
            std::sync::Arc::ptr_eq(&revision.source.text, &item.source.text),
            "{} is held twice",
            item.source.path.display()
        );
    }
    for power in &raw.powers {
        let revision = history
            .powers
            .parsed(&power.blob)
            .expect("the tip's revision");
        assert!(std::sync::Arc::ptr_eq(
            &revision.source.text,
            &power.source.text
        ));
    }
    let cache = std::fs::read(root.join(".gongkai-cache/blobs.bin")).unwrap();
    let cache = String::from_utf8_lossy(&cache);
    assert!(cache.contains("index_no"), "past revisions are cached");
    for blob in raw
        .items
        .iter()
        .map(|i| &i.blob)
        .chain(raw.powers.iter().map(|p| &p.blob))
    {
        assert!(
            !cache.contains(blob.as_str()),
            "{blob} is a current file, not cached"
        );
    }
    // Without the loaded tree (`gongkai history`, `show`): the current
    // files are read raw from the work tree, the same history, and still
    // none of them is read from git into the cache. An item edited since
    // the last commit is not taken for its committed revision.
    let edited = &raw.items[0];
    let path = root.join(&edited.source.path);
    std::fs::write(&path, format!("{}\n追加一行。\n", edited.source.text)).unwrap();
    let alone = gongkai::history::read(
        &repo,
        &tip,
        offset,
        gongkai::history::Current::WorkTree(&root),
    )
    .unwrap();
    assert_eq!(alone.items.blobs.len(), history.items.blobs.len());
    for (blob, revision) in &history.items.blobs {
        let other = &alone.items.blobs[blob];
        assert_eq!(
            revision.as_ref().map(|r| (&r.title, &r.source.text)),
            other.as_ref().map(|r| (&r.title, &r.source.text))
        );
    }
    let committed = alone
        .items
        .parsed(&edited.blob)
        .expect("the tip's revision");
    assert_eq!(committed.source.text, edited.source.text);
    let after = std::fs::read(root.join(".gongkai-cache/blobs.bin")).unwrap();
    let after = String::from_utf8_lossy(&after);
    for item in raw.items.iter().skip(1) {
        assert!(
            !after.contains(item.blob.as_str()),
            "{} was read from git, not from the work tree",
            item.source.path.display()
        );
    }
}

#[test]
fn powers_have_their_commits_as_revisions_oldest_first() {
    let b = &*BUILT;
    let c = &b.c;
    assert_eq!(power_commits(b, "XK-001"), [c[1].clone(), c[3].clone()]);
    let xk = manifest_power(b, "XK-001");
    assert_eq!(xk["revisions"][0]["date"], "2024-01-02");
    assert_eq!(xk["revisions"][1]["date"], "2024-03-01");
    assert!(xk["retired"].is_null() && xk.get("deleted").is_none());
    // Moved unchanged in c3 (no revision), amended at its new path in c8.
    assert_eq!(power_commits(b, "CF-001"), [c[1].clone(), c[8].clone()]);
    let page = read(b, "/powers/XK-001/");
    for r in xk["revisions"].as_array().unwrap() {
        assert!(page.contains(r["snapshot_url"].as_str().unwrap()), "{page}");
        assert!(page.contains(r["source_url"].as_str().unwrap()));
    }
    assert!(page.contains("调整施行日期的表述") && page.contains("2024-03-01"));
    assert!(!page.contains("修改甲通知；移动乙通知"), "{page}");
    // The second revision shows what changed in the source, word by word.
    let diff = &page[page.find(r#"<details class="diff">"#).expect("a diff")..];
    assert!(diff.contains("<del") && diff.contains("<ins"), "{diff}");
    assert!(diff.contains("删除：</span>一</del>版"), "{diff}");
    assert!(diff.contains("新增：</span>二</ins>版"), "{diff}");
}

#[test]
fn a_power_snapshot_shows_its_revision() {
    let b = &*BUILT;
    let xk = manifest_power(b, "XK-001");
    let first = read(b, xk["revisions"][0]["snapshot_url"].as_str().unwrap());
    assert!(first.contains("监督电话：第一版"), "{first}");
    assert!(!first.contains("监督电话：第二版"));
    assert!(first.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(
        first.contains(
            r#"<link rel="canonical" href="https://xxgk.example.gov.cn/powers/XK-001/">"#
        )
    );
    assert!(first.contains("第 1 个版本（共 2 个）"), "{first}");
    let source = read(b, xk["revisions"][0]["source_url"].as_str().unwrap());
    assert!(source.contains("监督电话：第一版"));
    let current = read(b, "/powers/XK-001/");
    assert!(current.contains("监督电话：第二版"));
}

#[test]
fn a_deleted_power_is_retired_and_keeps_its_url() {
    let b = &*BUILT;
    let qx = manifest_power(b, "QX-001");
    assert_eq!(qx["retired"], "2024-05-01");
    assert_eq!(qx["deleted"], "2024-05-01");
    assert_eq!(power_commits(b, "QX-001"), [b.c[1].clone()]);
    let page = read(b, qx["url"].as_str().unwrap());
    assert!(page.contains("丙许可"), "{page}");
    assert!(page.contains("本文件已于 2024-05-01 删除。"), "{page}");
    assert!(
        page.contains("依据市政府决定废止") && !page.contains("删除过时的戊通知"),
        "the deleting commit's Public-Note, not its message: {page}"
    );
    assert!(page.contains("已删除"));
    let snapshot = read(b, qx["revisions"][0]["snapshot_url"].as_str().unwrap());
    assert!(snapshot.contains("本文件已于 2024-05-01 删除。"));
    // Listed with the retired powers, not the current ones.
    let catalog = read(b, "/powers/");
    let retired_at = catalog.find("丙许可").expect("listed");
    assert!(catalog.find("甲许可").unwrap() < retired_at);
}

#[test]
fn an_exempt_or_withdrawn_power_leaves_only_a_neutral_page() {
    let b = &*BUILT;
    let codes: Vec<&str> = b.manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"JC-001") && !codes.contains(&"NB-001"));
    let page = read(b, "/powers/JC-001/");
    assert!(page.contains("本信息已不再公开"), "{page}");
    let files: Vec<String> = published(&b.out)
        .into_iter()
        .filter(|r| r.starts_with("powers/JC-001/"))
        .collect();
    assert_eq!(files.len(), 4, "page, TimeMap, snapshot, source: {files:?}");
    for rel in list_files(&b.out) {
        assert!(!rel.contains("NB-001"), "{rel}");
        let text = String::from_utf8_lossy(&std::fs::read(b.out.join(&rel)).unwrap()).into_owned();
        for secret in [
            "后来撤回的权力",
            "权力撤回标记RTY",
            "不予公开的权力",
            "权力绝密标记UIO",
            "NB-001",
            "JC-001",
        ] {
            // The web server's rules name the withdrawn power's URLs (410
            // Gone), and only those; a server does not serve them. The
            // manifest's `files` lists them with the hash of their neutral
            // page, so that `verify` covers them too.
            let rules =
                ["_gongkai/nginx.conf", "_redirects", "api/manifest.json"].contains(&rel.as_str());
            if rules && secret == "JC-001" {
                continue;
            }
            assert!(!text.contains(secret), "{rel} contains {secret}");
        }
    }
}

#[test]
fn history_and_show_know_powers() {
    let b = &*BUILT;
    let root = b.repo.root();
    let run = run_in(root, &["history", "XK-001"], &[]);
    run.assert_success();
    assert_eq!(run.stdout.lines().count(), 2, "{run}");
    let deleted = run_in(root, &["history", "QX-001"], &[]);
    assert!(
        deleted.stdout.lines().last().unwrap().contains("deleted"),
        "{deleted}"
    );
    let show = run_in(root, &["show", "XK-001", "--as-of", "2024-02-15"], &[]);
    show.assert_success();
    assert!(show.stdout.contains("监督电话：第一版"), "{show}");
}

#[test]
fn an_uncommitted_power_change_is_a_revision_without_a_commit() {
    let b = &*BUILT;
    let copy = tempfile::tempdir().unwrap();
    let root = copy.path().join("site");
    support::copy_dir(b.repo.root(), &root);
    std::fs::write(
        root.join(format!("{DEPT}/powers/xk-001.toml")),
        power("XK-001", "甲许可", "supervision = \"监督电话：第三版\"\n"),
    )
    .unwrap();
    let out = copy.path().join("out");
    run_in(
        copy.path(),
        &["build", "--root", "site", "--out", out.to_str().unwrap()],
        &[],
    )
    .assert_success();
    let manifest: serde_json::Value =
        serde_json::from_str(&read_text(&out.join("api/manifest.json"))).unwrap();
    let xk = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "XK-001")
        .unwrap();
    let revisions = xk["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 3, "{xk}");
    assert_eq!(revisions[1]["commit"], b.c[3].as_str());
    assert!(revisions[2]["commit"].is_null() && revisions[2]["date"].is_null());
    let source = read_text(
        &out.join(
            revisions[2]["source_url"]
                .as_str()
                .unwrap()
                .trim_start_matches('/'),
        ),
    );
    assert!(source.contains("监督电话：第三版"));
}

#[test]
fn a_power_is_dated_in_the_sitemap_by_its_last_revision() {
    let b = &*BUILT;
    let sitemap = read_text(&b.out.join("sitemap.xml"));
    let at = sitemap
        .find("https://xxgk.example.gov.cn/powers/XK-001/")
        .expect("listed");
    assert!(
        sitemap[at..]
            .split("</url>")
            .next()
            .unwrap()
            .contains("2024-03-01"),
        "{sitemap}"
    );
}

#[test]
fn the_versions_page_lists_power_changes() {
    let b = &*BUILT;
    let page = read(b, "/versions/");
    let p1 = page.find("v2024.1").unwrap();
    let p2 = page.find("v2024.2").unwrap();
    let p3 = page.find("v2024.3").unwrap();
    let (v3, v2, v1) = (&page[p3..p2], &page[p2..p1], &page[p1..]);
    let xk = manifest_power(b, "XK-001");
    let snapshot = |n: usize| xk["revisions"][n]["snapshot_url"].as_str().unwrap();
    assert!(v1.contains("甲许可") && v1.contains(snapshot(0)), "{v1}");
    assert!(v2.contains(snapshot(1)), "v2024.2 amended XK-001: {v2}");
    assert!(v2.contains("丙许可"), "v2024.2 retired the deleted QX-001");
    assert!(v3.contains("乙许可") && !v3.contains("甲许可"), "{v3}");
    assert!(!page.contains("后来撤回的权力") && !page.contains("JC-001"));
}

/// Every file of a build, as text (binary files lossily).
fn all_output(out: &Path) -> Vec<(String, String)> {
    list_files(out)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(out.join(&rel)).unwrap();
            (rel, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

#[test]
fn a_deletion_publishes_its_public_note_never_its_commit_message() {
    let mut repo = Repo::new();
    repo.write("a.md", item(1, "甲通知", "", "甲的正文。"));
    repo.write("t.md", item(2, "乙通知", "", "乙的正文。"));
    repo.write("n.md", item(3, "丙通知", "", "丙的正文。"));
    repo.commit("2024-01-02", "add first items");
    repo.git(&["rm", "-q", &format!("{DEPT}/catalog/t.md")]);
    let plain = repo.commit("2024-02-01", "remove test item");
    repo.git(&["rm", "-q", &format!("{DEPT}/catalog/n.md")]);
    repo.commit(
        "2024-03-01",
        "drop the old notice\n\nPublic-Note: 依据……废止",
    );
    let out = repo.site.tmp().join("public");
    repo.build(&out);
    for (rel, text) in all_output(&out) {
        for word in ["remove test item", "drop the old notice", "add first items"] {
            assert!(
                !text.contains(word),
                "{rel} shows the commit message {word:?}"
            );
        }
    }
    let deleted = read_text(&out.join(format!("items/{}/index.html", id(2))));
    assert!(deleted.contains("本文件已删除。"), "{deleted}");
    assert!(deleted.contains("原因：未说明"), "{deleted}");
    let noted = read_text(&out.join(format!("items/{}/index.html", id(3))));
    assert!(noted.contains("原因：依据……废止"), "{noted}");

    // check names the deletion without a note: its path and its commit.
    let json = check_json(&repo);
    let warnings: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "deletion-without-note")
        .collect();
    assert_eq!(warnings.len(), 1, "{json:#}");
    assert_eq!(warnings[0]["severity"], "warning");
    assert_eq!(warnings[0]["file"], format!("{DEPT}/catalog/t.md"));
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap()
            .contains(&plain[..7]),
        "{json:#}"
    );

    // Deleted but not committed yet: the warning says how to commit it.
    std::fs::remove_file(repo.root().join(format!("{DEPT}/catalog/a.md"))).unwrap();
    let json = check_json(&repo);
    let uncommitted = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["code"] == "deletion-without-note" && d["file"] == format!("{DEPT}/catalog/a.md")
        })
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(
        uncommitted["help"]
            .as_str()
            .unwrap()
            .contains("--trailer \"Public-Note:"),
        "{uncommitted}"
    );
}

/// `gongkai check --format json` on the repository's site, which succeeds.
fn check_json(repo: &Repo) -> serde_json::Value {
    let check = run_in(
        repo.site.tmp(),
        &[
            "check".as_ref(),
            "--root".as_ref(),
            repo.root().as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
        &[],
    );
    check.assert_success();
    serde_json::from_str(&check.stdout).unwrap()
}
/// The `<entry>` of item `n` in an Atom feed.
fn feed_entry(feed: &str, n: u32) -> &str {
    let url = format!("https://xxgk.example.gov.cn/items/{}/", id(n));
    feed.split("<entry>")
        .find(|e| e.contains(&format!("<id>{url}</id>")))
        .unwrap_or_else(|| panic!("{url} not in the feed\n{feed}"))
}

#[test]
fn a_revision_moves_the_feed_and_sitemap_dates() {
    let b = &*BUILT;
    // G: 发布日期 2024-01-02, amended on 2024-07-02 (c8); B's branch
    // revision is dated by its own commit (2024-07-01).
    let feed = read_text(&b.out.join("atom.xml"));
    let g = feed_entry(&feed, 7);
    assert!(
        g.contains("<published>2024-01-02T00:00:00Z</published>"),
        "{g}"
    );
    assert!(g.contains("<updated>2024-07-02T00:00:00Z</updated>"), "{g}");
    let b_entry = feed_entry(&feed, 2);
    assert!(
        b_entry.contains("<updated>2024-07-01T00:00:00Z</updated>"),
        "{b_entry}"
    );
    let head = feed.split("<entry>").next().unwrap();
    assert!(
        head.contains("<updated>2024-07-02T00:00:00Z</updated>"),
        "{head}"
    );
    let dept_feed = read_text(&b.out.join("departments/bgt/atom.xml"));
    assert!(
        feed_entry(&dept_feed, 7).contains("<updated>2024-07-02T00:00:00Z</updated>"),
        "{dept_feed}"
    );

    let sitemap = read_text(&b.out.join("sitemap.xml"));
    let lastmod = |n: u32| {
        let url = format!("https://xxgk.example.gov.cn/items/{}/", id(n));
        let at = sitemap.find(&format!("<loc>{url}</loc>")).expect("listed");
        sitemap[at..].split("</url>").next().unwrap().to_string()
    };
    assert!(
        lastmod(7).contains("<lastmod>2024-07-02</lastmod>"),
        "{sitemap}"
    );
    assert!(
        lastmod(1).contains("<lastmod>2024-03-01</lastmod>"),
        "{sitemap}"
    );
}
