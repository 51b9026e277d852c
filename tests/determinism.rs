//! Byte-identical output for the same content, whatever the machine's time
//! zone, locale, thread count or folder names (SPEC, Output guarantees).

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use support::{SiteTest, snapshot_dir};

/// Environments that must not change a byte of the output.
const ENVIRONMENTS: &[&[(&str, &str)]] = &[
    &[
        ("TZ", "UTC"),
        ("LANG", "C"),
        ("LC_ALL", "C"),
        ("RAYON_NUM_THREADS", "1"),
    ],
    &[
        ("TZ", "Asia/Shanghai"),
        ("LANG", "zh_CN.UTF-8"),
        ("LC_ALL", "zh_CN.UTF-8"),
        ("RAYON_NUM_THREADS", "4"),
    ],
    &[
        ("TZ", "America/Los_Angeles"),
        ("LANG", "en_US.UTF-8"),
        ("LC_ALL", "en_US.UTF-8"),
        ("RAYON_NUM_THREADS", "3"),
    ],
];

/// Build the fixture into `<tmp>/<name>` with `env` and extra arguments.
fn build(site: &SiteTest, name: &str, env: &[(&str, &str)], extra: &[&str]) -> Output {
    let out = site.tmp().join(name);
    let root = site.root().to_str().expect("UTF-8 temp path").to_string();
    let out_arg = out.to_str().expect("UTF-8 temp path").to_string();
    let mut args = vec!["build", "--root", &root, "--out", &out_arg];
    args.extend_from_slice(extra);
    site.run_with_env(&args, env).assert_success();
    snapshot_dir(&out)
}

type Output = BTreeMap<String, Vec<u8>>;

#[track_caller]
fn assert_same(a: &Output, b: &Output, what: &str) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "{what}: the lists of files differ");
    let differing: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
    assert!(
        differing.is_empty(),
        "{what}: these files differ: {differing:#?}"
    );
}

#[test]
fn same_bytes_in_every_time_zone_locale_and_thread_count() {
    let site = SiteTest::from_fixture("full");
    let as_of = ["--as-of", support::AS_OF];
    let first = build(&site, "out-0", ENVIRONMENTS[0], &as_of);
    assert!(first.len() > 50, "the full site has many files");
    for (n, env) in ENVIRONMENTS.iter().enumerate().skip(1) {
        let other = build(&site, &format!("out-{n}"), env, &as_of);
        assert_same(&first, &other, &format!("environment {env:?}"));
    }
}

#[test]
fn same_bytes_from_another_folder() {
    // Two copies of the fixture under different temporary folders, built
    // into differently named output folders.
    let a = SiteTest::from_fixture("full");
    let b = SiteTest::from_fixture("full");
    let as_of = ["--as-of", support::AS_OF];
    let out_a = build(&a, "public", &[], &as_of);
    let out_b = build(&b, "elsewhere", &[], &as_of);
    assert_same(&out_a, &out_b, "another folder");
}

#[test]
fn same_bytes_without_as_of_outside_git() {
    // Outside git the as-of date comes from the content (newest 发布日期),
    // never from the clock: two builds a moment apart, in different time
    // zones, agree.
    let site = SiteTest::from_fixture("full");
    let first = build(&site, "out-a", ENVIRONMENTS[1], &[]);
    let second = build(&site, "out-b", ENVIRONMENTS[2], &[]);
    assert_same(&first, &second, "without --as-of");
    let manifest: serde_json::Value =
        serde_json::from_slice(&first["api/manifest.json"]).expect("manifest is JSON");
    assert_eq!(
        manifest["build"]["as_of"], "2026-11-02",
        "newest 发布日期 of the published items"
    );
}

#[test]
fn rebuilding_over_the_previous_output_changes_nothing() {
    let site = SiteTest::from_fixture("full");
    site.build().assert_success();
    let first = snapshot_dir(&site.out());
    site.build().assert_success();
    assert_same(&first, &snapshot_dir(&site.out()), "second build");
    assert!(!Path::new(&site.tmp().join(".public.old")).exists());
}
