//! Every document kind has the life cycle of a catalog item: revisions
//! with snapshots and exact sources, retirement when deleted (its URL keeps
//! working), a place in the manifest and in `gongkai history`/`show`.
//! Here: a department's guide, in a scripted git repository.

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
        let repo = Repo {
            site: SiteTest::from_fixture("minimal"),
        };
        repo.git(&["init", "-q", "-b", "main"], "2024-01-01");
        repo
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
