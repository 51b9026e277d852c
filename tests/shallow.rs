//! A shallow clone (`git clone --depth 1`, the default checkout of most CI
//! services) lacks the commits before its horizon: `check` and `build`
//! stop with the fix, unless `--shallow-ok` asks for what the clone holds.

mod support;

use std::path::Path;
use std::process::Command;

use support::{AS_OF, SiteTest, git_dated as git, run_in};

const ITEM: &str = "content/bgt/catalog/2024-00001.md";

/// The minimal site with three commits of its one item, and a
/// `--depth 1` clone of it (through a file:// URL, which honours depth).
fn shallow_clone() -> (SiteTest, std::path::PathBuf) {
    let site = SiteTest::from_fixture("minimal");
    let root = site.root();
    let source = site.read_source(ITEM);
    git(
        root,
        &["init", "-q", "-b", "main"],
        "2024-03-05T10:00:00+08:00",
    );
    for (n, day) in ["2024-03-05", "2024-04-01", "2024-05-01"]
        .iter()
        .enumerate()
    {
        let date = format!("{day}T10:00:00+08:00");
        site.write(ITEM, &format!("{source}\n第{n}次修订。\n"));
        git(root, &["add", "-A"], &date);
        git(root, &["commit", "-q", "-m", &format!("修订 {n}")], &date);
    }
    let clone = site.tmp().join("clone");
    let url = format!("file://{}", root.display());
    let output = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&clone)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git clone");
    assert!(output.status.success(), "{output:?}");
    assert!(clone.join(".git/shallow").is_file(), "the clone is shallow");
    (site, clone)
}

fn gongkai(site: &SiteTest, args: &[&str], root: &Path) -> support::Run {
    let mut all: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    all.extend([
        "--root".as_ref(),
        root.as_os_str(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
    ]);
    run_in(site.tmp(), &all, &[])
}

#[track_caller]
fn assert_explains_the_fix(run: &support::Run) {
    for part in [
        "shallow clone",
        "git fetch --unshallow",
        "fetch-depth: 0",
        "GIT_DEPTH",
        "--shallow-ok",
    ] {
        assert!(run.stderr.contains(part), "no `{part}` in\n{run}");
    }
    assert!(!run.stderr.contains("could not be found"), "{run}");
    assert_eq!(run.stderr.matches("error").count(), 1, "one message\n{run}");
}

#[test]
fn check_and_build_stop_on_a_shallow_clone_with_the_fix() {
    let (site, clone) = shallow_clone();
    let out = site.tmp().join("out");

    let check = gongkai(&site, &["check"], &clone);
    check.assert_code(2);
    assert_explains_the_fix(&check);

    let build = gongkai(&site, &["build", "--out", out.to_str().unwrap()], &clone);
    build.assert_code(2);
    assert_explains_the_fix(&build);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn shallow_ok_builds_what_the_clone_holds_and_says_so() {
    let (site, clone) = shallow_clone();
    let out = site.tmp().join("out");

    let check = gongkai(&site, &["check", "--shallow-ok"], &clone);
    check.assert_success();
    assert!(check.stderr.contains("--shallow-ok"), "{check}");

    let build = gongkai(
        &site,
        &["build", "--shallow-ok", "--out", out.to_str().unwrap()],
        &clone,
    );
    build.assert_success();
    assert!(
        build
            .stderr
            .contains("archived revisions before the clone's horizon are not published"),
        "{build}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("api/manifest.json")).unwrap()).unwrap();
    let revisions = manifest["items"][0]["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 1, "only the clone's commit: {revisions:?}");
    assert_eq!(revisions[0]["date"], "2024-05-01");

    // Once the whole history is there, the plain build publishes it all,
    // and the boundary commit's cut record did not stay in the cache.
    git(
        &clone,
        &["fetch", "-q", "--unshallow"],
        "2024-05-01T10:00:00+08:00",
    );
    let full = site.tmp().join("full");
    gongkai(&site, &["build", "--out", full.to_str().unwrap()], &clone).assert_success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(full.join("api/manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["items"][0]["revisions"].as_array().unwrap().len(),
        3
    );
}
