//! Snapshots of rendered output (`tests/snapshots/*.snap`): a change to the
//! theme or the renderer shows up as a reviewable diff. After an intended
//! change: `INSTA_UPDATE=always cargo test --test snapshots` (or
//! `cargo insta review`), then read the diff of the .snap files.

mod support;

use support::{SiteTest, main_of};

/// The full fixture, built once per test (each snapshot test is small).
fn full() -> SiteTest {
    let site = SiteTest::from_fixture("full");
    site.build().assert_success();
    site
}

#[test]
fn item_page_main() {
    let site = full();
    let html = site.read("items/11530100MB0X12345K/2024-00012/index.html");
    insta::assert_snapshot!("item_page_main", main_of(&html));
}

#[test]
fn retired_item_page_main() {
    let site = full();
    let html = site.read("items/11530100MB0X12345K/2020-00007/index.html");
    insta::assert_snapshot!("retired_item_page_main", main_of(&html));
}

#[test]
fn catalog_listing_main() {
    let site = full();
    let html = site.read("catalog/index.html");
    insta::assert_snapshot!("catalog_listing_main", main_of(&html));
}

#[test]
fn manifest_json() {
    let site = full();
    let mut manifest = site.manifest();
    // The hash of every output file changes with any page's markup; the
    // hashes are checked against the files in tests/archive.rs.
    let files = manifest
        .as_object_mut()
        .unwrap()
        .remove("files")
        .expect("the manifest lists the files");
    assert!(files.as_object().unwrap().len() > 100);
    insta::assert_json_snapshot!("manifest", manifest);
}

#[test]
fn check_human_output_of_the_invalid_site() {
    let site = SiteTest::from_fixture("invalid");
    let run = site.check("human");
    run.assert_code(1);
    // stderr is a pipe here, so there are no colours to strip.
    assert!(!run.stderr.contains('\u{1b}'));
    insta::assert_snapshot!("check_invalid_human", run.stderr);
}

#[test]
fn report_page_main() {
    let site = SiteTest::from_fixture("reports");
    site.build().assert_success();
    let html = site.read("departments/csj/reports/2025/index.html");
    insta::assert_snapshot!("report_page_main", main_of(&html));
}
