//! Guide checks (条例 第十二条): `check` warns, per department, about each
//! element its guide.md lacks, naming it; the example site's guides and
//! department files state everything.

mod support;

use serde_json::Value;
use support::{SiteTest, run_in};

const COMPLETE: &str = "## 一、工作机构

本机关办公室是政府信息公开工作机构。

## 二、信息分类与编排体系

公开目录按主题分类和发布日期编排。

## 三、主动公开

主动公开的信息在本网站公开。

## 四、依申请公开

申请人可以书面提出申请，本机关自收到申请之日起20个工作日内答复。
";

const REMEDIES: &str = "
## 五、监督和救济

可以向上一级行政机关投诉、举报，也可以依法申请行政复议或者提起行政诉讼。
";

/// The `guide-incomplete` warnings of a check, as (file, message).
fn guide_warnings(site: &SiteTest) -> Vec<(String, String)> {
    let (run, json) = site.check_json();
    run.assert_success();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "guide-incomplete")
        .map(|d| {
            assert_eq!(d["severity"], "warning");
            assert_eq!(d["line"], 1);
            assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()));
            (
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_guide_without_remedies_is_warned_about_naming_them() {
    let site = SiteTest::from_fixture("powers");
    assert!(guide_warnings(&site).is_empty());
    site.write("content/bgt/guide.md", COMPLETE);
    let warnings = guide_warnings(&site);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let (file, message) = &warnings[0];
    assert_eq!(file, "content/bgt/guide.md");
    assert!(message.contains("监督和救济"), "{message}");
    for present in ["工作机构", "编排体系", "依申请公开", "办公地址"] {
        assert!(!message.contains(present), "{present} is there: {message}");
    }
}

#[test]
fn remedies_need_complaints_review_and_litigation() {
    let site = SiteTest::from_fixture("powers");
    site.write(
        "content/bgt/guide.md",
        &format!("{COMPLETE}\n## 五、监督和救济\n\n可以向上一级行政机关投诉。\n"),
    );
    let warnings = guide_warnings(&site);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].1.contains("监督和救济"));
}

#[test]
fn contact_details_may_come_from_department_toml() {
    let site = SiteTest::from_fixture("powers");
    site.write("content/bgt/guide.md", &format!("{COMPLETE}{REMEDIES}"));
    assert!(
        guide_warnings(&site).is_empty(),
        "address, hours and phone are in department.toml"
    );

    site.write("content/bgt/department.toml", "name = \"示例市办公厅\"\n");
    let warnings = guide_warnings(&site);
    assert_eq!(warnings.len(), 1);
    let message = &warnings[0].1;
    for missing in ["办公地址", "办公时间", "联系电话"] {
        assert!(message.contains(missing), "{missing} not named: {message}");
    }
    assert!(!message.contains("监督和救济"));
}

#[test]
fn a_traditional_chinese_guide_is_read_as_well() {
    let site = SiteTest::from_fixture("powers");
    site.write(
        "content/tjj/guide.md",
        "本局辦公室是政府信息公開工作機構。主動公開的信息按主題分類編排。依申請公開的，自收到申請之日起20個工作日內答覆。對本局工作有意見的，可以投訴、舉報，也可以依法申請行政複議或者提起行政訴訟。\n",
    );
    assert!(guide_warnings(&site).is_empty());
}

/// The guide check folds with the search table (OpenCC's), not a list of
/// the keywords' own characters: 與 (与) and Taiwan's 資訊 are read too.
#[test]
fn a_traditional_guide_is_folded_with_the_whole_table() {
    let site = SiteTest::from_fixture("powers");
    site.write(
        "content/tjj/guide.md",
        "本局辦公室是政府資訊公開工作機構。政府資訊分類與體系見公開目錄。主動公開的資訊在本網站公開。依申請公開的，自收到申請之日起20個工作日內答覆。對本局工作有意見的，可以投訴、舉報，也可以依法申請行政複議或者提起行政訴訟。\n",
    );
    assert_eq!(guide_warnings(&site), Vec::new());
}

#[test]
fn the_example_sites_guides_state_everything() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = run_in(
        std::path::Path::new(root),
        &["check", "--root", root, "--format", "json"],
        &[],
    );
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let guides: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "guide-incomplete" || d["code"] == "missing-guide")
        .collect();
    assert!(guides.is_empty(), "{guides:#?}");
}
