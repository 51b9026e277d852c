//! `gongkai new power`: a draft power that `gongkai check` accepts as it
//! is, with every field explained; never overwrites; usage errors exit 2.

mod support;

use std::path::Path;

use support::{Run, SiteTest};

fn new_power(site: &SiteTest, dept: &str, code: &str, category: &str) -> Run {
    let root = site.root().to_str().expect("UTF-8 path").to_string();
    site.run(&[
        "new",
        "power",
        "--root",
        &root,
        "--dept",
        dept,
        "--code",
        code,
        "--name",
        "新的许可事项",
        "--category",
        category,
    ])
}

#[test]
fn writes_a_draft_that_checks_clean_with_every_field_explained() {
    let site = SiteTest::from_fixture("powers");
    let run = new_power(&site, "tjj", "XK-900", "行政许可");
    run.assert_success();
    let path = run.stdout.trim();
    assert!(path.ends_with("content/tjj/powers/XK-900.toml"), "{run}");
    let text = std::fs::read_to_string(path).unwrap();
    for field in [
        "code = \"XK-900\"",
        "name = \"新的许可事项\"",
        "category = \"行政许可\"",
        "basis = [",
        "subject = \"示例市统计局\"",
        "# legal_limit_days",
        "# promised_limit_days",
        "# fee",
        "# materials",
        "responsibilities = [",
        "accountability = [",
        "supervision = \"示例市统计局，监督电话：0871-60000002\"",
        "# status",
        "# disclosure",
        "draft = true",
        "[[steps]]",
    ] {
        assert!(text.contains(field), "no {field} in\n{text}");
    }
    assert_eq!(text.matches("[[steps]]").count(), 2);

    let (run, json) = site.check_json();
    run.assert_success();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0, "{run}");

    // A draft: built without it, previewed with it.
    site.build().assert_success();
    assert!(!site.out().join("powers/XK-900").exists());

    // Without `draft = true`, its placeholders stop the build until they
    // are filled in; then it is published with its flowchart.
    let published = text.replace("draft = true\n", "");
    site.write("content/tjj/powers/XK-900.toml", &published);
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("error[placeholder]"), "{run}");
    site.write(
        "content/tjj/powers/XK-900.toml",
        &published
            .replace("（请填写：", "（")
            .replace("（请填写", "（"),
    );
    site.build().assert_success();
    let page = site.read("powers/XK-900/index.html");
    assert!(page.contains("新的许可事项") && page.contains("<svg"));
}

#[test]
fn never_overwrites_and_rejects_bad_requests() {
    let site = SiteTest::from_fixture("powers");
    new_power(&site, "tjj", "XK-900", "行政许可").assert_success();
    let file = site.root().join("content/tjj/powers/XK-900.toml");
    let before = std::fs::read(&file).unwrap();

    // The same code again: already used.
    let again = new_power(&site, "tjj", "XK-900", "行政许可");
    again.assert_code(2);
    assert!(again.stderr.contains("already used"), "{again}");
    assert_eq!(std::fs::read(&file).unwrap(), before);

    // A file of that name that is not a power yet is not overwritten either.
    site.write("content/bgt/powers/XK-901.toml", "# 草稿\n");
    let run = new_power(&site, "bgt", "XK-901", "行政许可");
    run.assert_code(1);
    assert!(run.stderr.contains("already exists"), "{run}");
    assert_eq!(
        site.read_source("content/bgt/powers/XK-901.toml"),
        "# 草稿\n"
    );

    let run = new_power(&site, "tjj", "XK-902", "行政审批");
    run.assert_code(2);
    assert!(run.stderr.contains("行政许可"), "{run}");
    let run = new_power(&site, "nope", "XK-903", "行政许可");
    run.assert_code(2);
    let run = new_power(&site, "tjj", "许可/1", "行政许可");
    run.assert_code(2);
    assert!(!Path::new(&site.root().join("content/tjj/powers/许可")).exists());
}
