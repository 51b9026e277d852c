//! Every document kind has the life cycle of a catalog item: revisions
//! with snapshots and exact sources, retirement when deleted (its URL keeps
//! working), a place in the manifest and in `gongkai history`/`show`.
//! Here: a department's guide, its department file and its annual
//! reports, in a scripted git repository.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{SiteTest, git_dated, git_hash_objects, read_text, run_in};

const GUIDE: &str = "content/bgt/guide.md";

fn guide(extra: &str) -> String {
    format!(
        "+++\ntitle = \"示例市办公厅政府信息公开指南\"\n+++\n\n## 一、工作机构\n\n本厅办公室是政府信息公开工作机构。\n{extra}"
    )
}

/// A site in a git repository of its own; every commit on its own day.
struct Repo {
    site: SiteTest,
}

impl Repo {
    fn new() -> Repo {
        Repo::of("minimal")
    }

    fn of(fixture: &str) -> Repo {
        let repo = Repo {
            site: SiteTest::from_fixture(fixture),
        };
        repo.git(&["init", "-q", "-b", "main"], "2024-01-01");
        repo
    }

    fn append(&self, rel: &str, text: &str) {
        let mut all = self.site.read_source(rel);
        all.push_str(text);
        self.site.write(rel, &all);
    }

    fn git(&self, args: &[&str], day: &str) {
        git_dated(self.site.root(), args, &format!("{day}T10:00:00+08:00"));
    }

    fn commit(&self, day: &str, message: &str) {
        self.git(&["add", "-A"], day);
        self.git(&["commit", "-q", "-m", message], day);
    }

    /// Build as of the last commit into `<tmp>/<name>`.
    fn build(&self, name: &str) -> (PathBuf, Value) {
        let out = self.site.tmp().join(name);
        let root = self.site.root();
        let args = [
            "build".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ];
        run_in(self.site.tmp(), &args, &[]).assert_success();
        let manifest = serde_json::from_str(&read_text(&out.join("api/manifest.json"))).unwrap();
        (out, manifest)
    }

    fn cli(&self, args: &[&str]) -> String {
        let mut all = args.to_vec();
        let root = self.site.root().to_str().unwrap();
        all.extend(["--root", root]);
        let run = run_in(self.site.tmp(), &all, &[]);
        run.assert_success();
        run.stdout.clone()
    }
}

fn guide_entry(manifest: &Value) -> &Value {
    manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "guide" && e["id"] == "bgt")
        .expect("the guide is in the manifest")
}

fn file_of(out: &Path, url: &str) -> PathBuf {
    out.join(url.trim_start_matches('/'))
}

#[test]
fn a_guide_amended_twice_has_three_revisions_and_keeps_its_url_when_deleted() {
    let repo = Repo::new();
    repo.site.write(GUIDE, &guide(""));
    repo.commit("2024-02-01", "指南");
    repo.site
        .write(GUIDE, &guide("\n办公地址：示例市人民路1号。\n"));
    repo.commit("2024-03-01", "地址");
    repo.site
        .write(GUIDE, &guide("\n办公地址：示例市人民路2号。\n"));
    repo.commit("2024-04-01", "新地址");

    let (out, manifest) = repo.build("public");
    let entry = guide_entry(&manifest);
    assert_eq!(entry["url"], "/departments/bgt/guide/");
    let revisions = entry["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 3, "{entry:#}");
    let sources: Vec<PathBuf> = revisions
        .iter()
        .map(|r| file_of(&out, r["source_url"].as_str().unwrap()))
        .collect();
    let blobs: Vec<&str> = revisions
        .iter()
        .map(|r| r["blob"].as_str().unwrap())
        .collect();
    assert_eq!(git_hash_objects(&sources), blobs);
    for (n, r) in revisions.iter().enumerate() {
        let snapshot = read_text(&file_of(&out, r["snapshot_url"].as_str().unwrap()));
        assert!(snapshot.contains("noindex"), "snapshot {n} is not indexed");
        let address = ["", "人民路1号", "人民路2号"][n];
        assert!(
            snapshot.contains(address),
            "snapshot {n} shows its own text"
        );
    }
    assert_eq!(revisions[0]["date"], "2024-02-01");
    let history = read_text(&out.join("departments/bgt/guide/history/index.html"));
    assert_eq!(history.matches("revision-entry").count(), 3);
    let page = read_text(&out.join("departments/bgt/guide/index.html"));
    assert!(page.contains("/departments/bgt/guide/history/"));

    let log = repo.cli(&["history", "bgt/guide.md"]);
    assert_eq!(log.lines().count(), 3, "{log}");
    let first = repo.cli(&["show", "bgt/guide.md", "--rev", &blobs[0][..10]]);
    assert_eq!(first, guide(""));

    // Deleted: the page stays, retired, with every revision.
    repo.git(&["rm", "-q", GUIDE], "2024-05-01");
    repo.git(
        &["commit", "-q", "-m", "撤销", "-m", "Public-Note: 机构调整"],
        "2024-05-01",
    );
    let (out, manifest) = repo.build("after");
    let entry = guide_entry(&manifest);
    assert_eq!(entry["deleted"], "2024-05-01");
    assert_eq!(entry["revisions"].as_array().unwrap().len(), 3);
    let page = read_text(&out.join("departments/bgt/guide/index.html"));
    assert!(
        page.contains("2024-05-01"),
        "the page says when it was deleted"
    );
    assert!(
        page.contains("人民路2号"),
        "the page shows the last revision"
    );
    for r in entry["revisions"].as_array().unwrap() {
        assert!(file_of(&out, r["snapshot_url"].as_str().unwrap()).is_file());
        assert!(file_of(&out, r["source_url"].as_str().unwrap()).is_file());
    }
    assert!(repo.cli(&["history", "bgt/guide.md"]).contains("deleted"));
}

#[test]
fn a_deleted_department_keeps_its_page_and_its_revisions() {
    let repo = Repo::new();
    let toml = "content/tjj/department.toml";
    repo.site
        .write(toml, "name = \"示例市统计局\"\nphone = \"0871-1\"\n");
    repo.commit("2024-02-01", "统计局");
    repo.site
        .write(toml, "name = \"示例市统计局\"\nphone = \"0871-2\"\n");
    repo.commit("2024-03-01", "电话");
    let (out, manifest) = repo.build("public");
    let entry = |manifest: &Value| {
        manifest["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["type"] == "department" && e["id"] == "tjj")
            .cloned()
            .expect("the department is in the manifest")
    };
    let current = entry(&manifest);
    assert_eq!(current["url"], "/departments/tjj/");
    assert_eq!(current["revisions"].as_array().unwrap().len(), 2);
    let page = read_text(&out.join("departments/tjj/index.html"));
    assert!(page.contains("/departments/tjj/history/"));

    repo.git(&["rm", "-q", "-r", "content/tjj"], "2024-04-01");
    repo.git(
        &["commit", "-q", "-m", "撤并", "-m", "Public-Note: 机构改革"],
        "2024-04-01",
    );
    let (out, manifest) = repo.build("after");
    let deleted = entry(&manifest);
    assert_eq!(deleted["deleted"], "2024-04-01");
    let revisions = deleted["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 2);
    let sources: Vec<PathBuf> = revisions
        .iter()
        .map(|r| file_of(&out, r["source_url"].as_str().unwrap()))
        .collect();
    let blobs: Vec<&str> = revisions
        .iter()
        .map(|r| r["blob"].as_str().unwrap())
        .collect();
    assert_eq!(git_hash_objects(&sources), blobs);
    let page = read_text(&out.join("departments/tjj/index.html"));
    assert!(
        page.contains("示例市统计局") && page.contains("0871-2"),
        "{page}"
    );
    assert!(
        page.contains("2024-04-01"),
        "the page says when it was deleted"
    );
    let first = read_text(&file_of(
        &out,
        revisions[0]["snapshot_url"].as_str().unwrap(),
    ));
    assert!(first.contains("0871-1"));
    let log = repo.cli(&["history", "tjj/department.toml"]);
    assert_eq!(log.lines().count(), 3, "{log}");
}

fn entry<'a>(manifest: &'a Value, kind: &str, id: &str) -> &'a Value {
    manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == kind && e["id"] == id)
        .unwrap_or_else(|| panic!("the {kind} {id} is in the manifest"))
}

const REPORT: &str = "content/csj/reports/2025.toml";
const NARRATIVE: &str = "content/csj/reports/2025.md";

#[test]
fn a_report_amended_twice_has_three_revisions_each_with_its_exact_files() {
    let repo = Repo::of("reports");
    repo.commit("2025-02-01", "年报");
    // The narrative alone, then the tables alone: each is a revision of
    // the report, which is both files.
    repo.append(NARRATIVE, "\n本年度另有补充说明。\n");
    repo.commit("2025-03-01", "补充");
    repo.append(REPORT, "# 更正\n");
    repo.commit("2025-04-01", "更正");

    let (out, manifest) = repo.build("public");
    let report = entry(&manifest, "report", "csj/2025");
    assert_eq!(report["url"], "/departments/csj/reports/2025/");
    let revisions = report["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 3, "{report:#}");
    let dates: Vec<&str> = revisions
        .iter()
        .map(|r| r["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2025-02-01", "2025-03-01", "2025-04-01"]);
    let mut snapshots = Vec::new();
    for (n, r) in revisions.iter().enumerate() {
        let snapshot = read_text(&file_of(&out, r["snapshot_url"].as_str().unwrap()));
        assert!(snapshot.contains("noindex"), "snapshot {n} is not indexed");
        assert!(
            snapshot.contains("notice--snapshot"),
            "snapshot {n} says what it is"
        );
        assert_eq!(
            snapshot.contains("另有补充说明"),
            n > 0,
            "snapshot {n} shows its own narrative"
        );
        snapshots.push(r["snapshot_url"].as_str().unwrap().to_string());
        // Every file of the revision, byte for byte: the TOML first.
        let files = r["sources"].as_array().expect("TOML and narrative");
        assert_eq!(files.len(), 2);
        assert_eq!(files[0]["blob"], r["blob"]);
        assert_eq!(files[0]["source_url"], r["source_url"]);
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|f| file_of(&out, f["source_url"].as_str().unwrap()))
            .collect();
        let blobs: Vec<&str> = files.iter().map(|f| f["blob"].as_str().unwrap()).collect();
        assert_eq!(git_hash_objects(&paths), blobs, "revision {n}");
    }
    snapshots.dedup();
    assert_eq!(snapshots.len(), 3, "three revisions, three snapshots");
    assert_eq!(
        revisions[0]["blob"], revisions[1]["blob"],
        "the TOML did not change in the second revision"
    );
    assert_ne!(revisions[1]["sources"][1], revisions[0]["sources"][1]);
    let history = read_text(&out.join("departments/csj/reports/2025/history/index.html"));
    assert_eq!(history.matches("revision-entry").count(), 3);
    let page = read_text(&out.join("departments/csj/reports/2025/index.html"));
    assert!(page.contains("/departments/csj/reports/2025/history/"));

    let log = repo.cli(&["history", "csj/reports/2025"]);
    assert_eq!(log.lines().count(), 3, "{log}");
    let first = repo.cli(&["show", "csj/reports/2025", "--as-of", "2025-02-15"]);
    let toml = repo.site.read_source(REPORT);
    assert!(
        first.starts_with(toml.strip_suffix("# 更正\n").unwrap()),
        "{first}"
    );
    assert!(!first.contains("另有补充说明"));
}

#[test]
fn a_deleted_report_keeps_its_url_and_links_its_revisions() {
    let repo = Repo::of("reports");
    let report = "content/csj/reports/2024.toml";
    repo.commit("2025-02-01", "年报");
    repo.append(report, "# 更正\n");
    repo.commit("2025-03-01", "更正");
    repo.git(&["rm", "-q", report], "2025-04-01");
    repo.git(
        &["commit", "-q", "-m", "撤回", "-m", "Public-Note: 重复发布"],
        "2025-04-01",
    );
    let (out, manifest) = repo.build("public");
    let deleted = entry(&manifest, "report", "csj/2024");
    assert_eq!(deleted["deleted"], "2025-04-01");
    assert_eq!(deleted["url"], "/departments/csj/reports/2024/");
    let revisions = deleted["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 2);
    let sources: Vec<PathBuf> = revisions
        .iter()
        .map(|r| file_of(&out, r["source_url"].as_str().unwrap()))
        .collect();
    let blobs: Vec<&str> = revisions
        .iter()
        .map(|r| r["blob"].as_str().unwrap())
        .collect();
    assert_eq!(git_hash_objects(&sources), blobs);
    let page = read_text(&out.join("departments/csj/reports/2024/index.html"));
    assert!(
        page.contains("2025-04-01"),
        "the page says when it was deleted"
    );
    assert!(page.contains("/departments/csj/reports/2024/history/"));
    let history = read_text(&out.join("departments/csj/reports/2024/history/index.html"));
    for r in revisions {
        let snapshot = r["snapshot_url"].as_str().unwrap();
        assert!(history.contains(snapshot), "the history links {snapshot}");
        assert!(file_of(&out, snapshot).is_file());
    }
    assert!(
        repo.cli(&["history", "csj/reports/2024"])
            .contains("deleted")
    );
}
