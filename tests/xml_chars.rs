//! Characters XML 1.0 forbids (C0 controls but TAB, LF, CR; U+FFFE,
//! U+FFFF): a `check` error with file, line and column wherever content
//! holds one, raw or as a TOML escape; and never in any output, even from
//! text that is not a content file (git commit messages, old revisions).

mod support;

use std::path::Path;
use std::process::Command;

use support::SiteTest;

const ITEM: &str = "content/bgt/catalog/2024-00001.md";

/// XML 1.0 §2.2 `Char`, as a test of its own (not the crate's function).
fn forbidden_in_xml(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r' | ' '..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// `(file, line, column)` of every `forbidden-character` error.
fn forbidden(site: &SiteTest) -> Vec<(String, u64, u64)> {
    let (run, json) = site.check_json();
    run.assert_code(1);
    let found: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "forbidden-character")
        .map(|d| {
            assert_eq!(d["severity"], "error", "{run}");
            assert!(
                d["help"].as_str().is_some_and(|h| !h.is_empty()),
                "a fix is given\n{run}"
            );
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    site.build().assert_code(1);
    found
}

#[test]
fn an_escape_in_a_title_and_in_organization_is_an_error_at_its_place() {
    let site = SiteTest::from_fixture("minimal");
    let item = site.read_source(ITEM).replace(
        "title = \"示例市人民政府办公室关于公布政府信息公开工作机构的通知\"",
        "title = \"通知\\u0001\"",
    );
    site.write(ITEM, &item);
    let config = site.read_source("site.toml") + "organization = \"示例市\\U0000001F人民政府\"\n";
    site.write("site.toml", &config);
    assert_eq!(
        forbidden(&site),
        vec![(ITEM.to_string(), 3, 12), ("site.toml".to_string(), 4, 20),]
    );
}

/// A change to a file's text.
type Edit = fn(String) -> String;

#[test]
fn a_raw_character_in_any_file_is_an_error_at_its_place() {
    let department = "content/bgt/department.toml";
    // One site per file: a department whose department.toml cannot be
    // read is not read further.
    let cases: [(&str, Edit, u64, u64); 4] = [
        (ITEM, |t| t + "第二段\u{1}。\n", 9, 4),
        (department, |t| t.replace('\n', "\u{c}\n"), 1, 20),
        (
            "content/bgt/guide.md",
            |_| "# 指南\n\n办公\u{ffff}时间\n".into(),
            3,
            3,
        ),
        ("content/_index.md", |_| "\u{1b}[31m首页\n".into(), 1, 1),
    ];
    for (file, edit, line, column) in cases {
        let site = SiteTest::from_fixture("minimal");
        let before = std::fs::read_to_string(site.root().join(file)).unwrap_or_default();
        site.write(file, &edit(before));
        assert_eq!(forbidden(&site), vec![(file.to_string(), line, column)]);
    }
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "编辑\u{1}")
        .env("GIT_AUTHOR_EMAIL", "editor@example.gov.cn")
        .env("GIT_COMMITTER_NAME", "编辑")
        .env("GIT_COMMITTER_EMAIL", "editor@example.gov.cn")
        .env("GIT_AUTHOR_DATE", "2024-03-06T10:00:00+08:00")
        .env("GIT_COMMITTER_DATE", "2024-03-06T10:00:00+08:00")
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn history_text_never_brings_one_into_the_output() {
    // An old revision committed with a control character in its title
    // (before `check` refused it), fixed by a commit whose message holds
    // one too; another item deleted by such a commit. Today's content is
    // clean, so the site builds; its history is not.
    let site = SiteTest::from_fixture("minimal");
    let root = site.root();
    let second = "content/bgt/catalog/2024-00002.md";
    git(root, &["init", "-q", "-b", "main"]);
    let clean = site.read_source(ITEM);
    // TOML allows no raw control character in a string: escapes.
    site.write(
        ITEM,
        &clean.replace("title = \"", "title = \"旧\\u0001标题\u{ffff}"),
    );
    site.write(
        second,
        &clean
            .replace("2024-00001\"", "2024-00002\"")
            .replace("title = \"", "title = \"将被删除\\u000B"),
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "首次发布\u{1}"]);
    site.write(ITEM, &clean);
    std::fs::remove_file(root.join(second)).unwrap();
    git(root, &["add", "-A"]);
    git(
        root,
        &[
            "commit",
            "-q",
            "-m",
            "修正标题\u{2}并删除\u{1f}\n\n正文\u{7}\n\nPublic-Note: 修正标题\u{2}并删除\u{1f}",
        ],
    );

    site.build().assert_success();
    let mut xml = 0;
    for file in site.out_files() {
        // A revision's source is published byte for byte, by design.
        if file.ends_with(".md") {
            continue;
        }
        let bytes = std::fs::read(site.out().join(&file)).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if let Some(c) = text.chars().find(|&c| forbidden_in_xml(c)) {
            panic!("{file} holds {c:?}");
        }
        if file.ends_with(".xml") || file.ends_with(".svg") {
            xml += 1;
            if let Err(e) = roxmltree::Document::parse(&text) {
                panic!("{file} is not well-formed XML: {e}");
            }
        }
    }
    assert!(xml >= 2, "the feeds and the sitemap were read");
    // The texts themselves are shown, without the characters (the public
    // note; the commit message never is).
    let history = site.read("items/11530100MB0A00001B/2024-00001/history/index.html");
    assert!(history.contains("修正标题并删除"), "{history}");
    assert!(
        site.out_files()
            .iter()
            .filter(|f| f.ends_with(".html"))
            .any(|f| site.read(f).contains("旧标题")),
        "the old title is shown"
    );
}
