//! A failed build leaves the previous output byte for byte as it was; a
//! successful one replaces it whole; no staging folder is left behind
//! (SPEC, Output guarantees).

mod support;

use std::fs;

use support::{SiteTest, list_entries, snapshot_dir};

/// Break the site in one of several ways, then check that the failed build
/// touched nothing.
fn assert_failed_build_keeps_output(break_site: impl FnOnce(&SiteTest)) -> support::Run {
    let site = SiteTest::from_fixture("full");
    site.build().assert_success();
    let before = snapshot_dir(&site.out());
    assert!(before.contains_key("index.html"));

    break_site(&site);
    let entries_before = list_entries(site.tmp());
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("error"), "{run}");

    let after = snapshot_dir(&site.out());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the list of output files changed\n{run}"
    );
    let changed: Vec<&String> = before.keys().filter(|k| before[*k] != after[*k]).collect();
    assert!(changed.is_empty(), "changed: {changed:#?}\n{run}");
    assert_eq!(
        list_entries(site.tmp()),
        entries_before,
        "the failed build created or removed something (a staging folder?)\n{run}"
    );
    assert!(!site.tmp().join(".public.staging").exists());
    assert!(!site.tmp().join(".public.old").exists());
    run
}

#[test]
fn invalid_toml_in_an_item_keeps_the_previous_output() {
    assert_failed_build_keeps_output(|site| {
        site.write(
            "content/fgw/catalog/2024-00012.md",
            "+++\nindex_no = \"11530100MB0X12345K/2024-00012\"\ntitle = \"没有闭合\n+++\n\n正文\n",
        );
    });
}

#[test]
fn broken_site_toml_keeps_the_previous_output() {
    assert_failed_build_keeps_output(|site| {
        site.write("site.toml", "title = [\n");
    });
}

#[test]
fn a_cross_file_error_keeps_the_previous_output() {
    // Every file is valid on its own; two share a 索引号.
    assert_failed_build_keeps_output(|site| {
        let text = site.read_source("content/fgw/catalog/2023-00003.md");
        site.write(
            "content/fgw/catalog/2023-00003.md",
            &text.replace("2023-00003", "2024-00012"),
        );
    });
}

#[test]
fn a_deleted_department_file_keeps_the_previous_output() {
    assert_failed_build_keeps_output(|site| {
        fs::remove_file(site.root().join("content/jyj/department.toml")).unwrap();
    });
}

#[test]
fn a_successful_build_replaces_the_output_whole() {
    let site = SiteTest::from_fixture("minimal");
    fs::create_dir_all(site.out().join("old-folder")).unwrap();
    fs::write(site.out().join("stale.html"), "stale").unwrap();
    fs::write(site.out().join("old-folder/stale.txt"), "stale").unwrap();
    site.build().assert_success();
    let files = site.out_files();
    assert!(files.iter().any(|f| f == "index.html"));
    assert!(
        !files.iter().any(|f| f.contains("stale")),
        "files of an earlier build are gone: {files:#?}"
    );
    assert_eq!(
        list_entries(site.tmp())
            .into_iter()
            .filter(|e| !e.starts_with("site") && !e.starts_with("public"))
            .collect::<Vec<_>>(),
        Vec::<String>::new(),
        "only the site and its output remain"
    );
}

#[test]
fn a_staging_folder_left_by_a_killed_build_is_cleaned_up() {
    let site = SiteTest::from_fixture("minimal");
    let staging = site.tmp().join(".public.staging");
    fs::create_dir_all(staging.join("items")).unwrap();
    fs::write(staging.join("items/half-written.html"), "<html").unwrap();
    let old = site.tmp().join(".public.old");
    fs::create_dir_all(&old).unwrap();
    fs::write(old.join("index.html"), "old").unwrap();

    site.build().assert_success();
    assert!(!staging.exists(), "staging folder left behind");
    assert!(!old.exists(), "previous output left behind");
    assert!(
        !site.out_files().iter().any(|f| f.contains("half-written")),
        "a killed build's files never reach the output"
    );
}

#[test]
fn a_failed_first_build_creates_no_output_folder() {
    let site = SiteTest::from_fixture("minimal");
    site.write("content/bgt/catalog/bad.md", "+++\ntitle = 1\n+++\n");
    let before = list_entries(site.tmp());
    site.build().assert_code(1);
    assert_eq!(list_entries(site.tmp()), before);
    assert!(!site.out().exists());
}

#[test]
fn a_render_error_keeps_the_previous_output() {
    // The content is valid; a site theme override fails while the pages
    // are being written into the staging folder, which must be thrown away.
    let run = assert_failed_build_keeps_output(|site| {
        site.write(
            "themes/default/templates/404.html",
            "{% extends \"base.html\" %}{% block main %}{{ no_such_variable.field }}{% endblock main %}\n",
        );
    });
    assert!(run.stderr.contains("no_such_variable"), "{run}");
}
