//! A site overrides any file of the default theme with its own
//! `themes/<name>/`, and the interface language follows `site.toml`.

mod support;

use support::SiteTest;

fn with_theme(theme_toml_line: &str) -> SiteTest {
    let site = SiteTest::from_fixture("minimal");
    let config = site.read_source("site.toml");
    site.write("site.toml", &format!("{config}{theme_toml_line}\n"));
    site
}

#[test]
fn a_site_theme_overrides_templates_and_static_files_and_keeps_the_rest() {
    let site = with_theme("theme = \"civic\"");
    site.write(
        "themes/civic/static/style.css",
        "/* civic */ body { color: #000; }\n",
    );
    site.write("themes/civic/static/extra.txt", "extra\n");
    site.write(
        "themes/civic/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>CIVIC-404 {{ t.not_found_title }}</h1>{% endblock main %}",
    );
    site.build().assert_success();

    assert_eq!(
        site.read("static/style.css"),
        "/* civic */ body { color: #000; }\n"
    );
    assert_eq!(site.read("static/extra.txt"), "extra\n");
    let not_found = site.read("404.html");
    assert!(
        not_found.contains("<h1>CIVIC-404 页面不存在</h1>"),
        "{not_found}"
    );
    // The default base template still wraps it, and other pages are untouched.
    assert!(not_found.contains("class=\"skip-link\""), "{not_found}");
    assert!(site.read("index.html").contains("<h1>最小站点</h1>"));
}

#[test]
fn a_missing_theme_folder_is_an_error_and_writes_nothing() {
    let site = with_theme("theme = \"nowhere\"");
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("themes/nowhere"), "{run}");
    assert!(!site.out().exists());
}

#[test]
fn a_template_error_names_the_template_and_writes_nothing() {
    let site = with_theme("theme = \"broken\"");
    site.write("themes/broken/templates/guide.html", "{% if %}");
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("guide.html"), "{run}");
    assert!(!site.out().exists());
}

#[test]
fn interface_language_follows_site_toml() {
    for (language, home, lang_attr) in [("zh-TW", "首頁", "zh-TW"), ("en", "Home", "en")] {
        let site = SiteTest::from_fixture("minimal");
        let config = site.read_source("site.toml").replace("zh-CN", language);
        site.write("site.toml", &config);
        site.build().assert_success();
        let index = site.read("index.html");
        assert!(
            index.contains(&format!("<html lang=\"{lang_attr}\">")),
            "{index}"
        );
        assert!(
            index.contains(&format!(">{home}</a>")),
            "{language}: {index}"
        );
    }
}

/// An unclosed block (a merge that drops a `}`) silently nests every later
/// rule inside it, e.g. inside `@media print`: count the braces.
#[test]
fn default_stylesheet_blocks_are_balanced() {
    let css = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
    )
    .unwrap();
    let mut depth = 0i32;
    for (n, line) in css.lines().enumerate() {
        if line.starts_with("@media") {
            assert_eq!(depth, 0, "style.css:{}: @media inside another block", n + 1);
        }
        for c in line.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        assert!(depth >= 0, "style.css:{}: `}}` without a block", n + 1);
    }
    assert_eq!(depth, 0, "style.css ends inside a block");
}

#[test]
fn a_theme_strings_file_missing_a_string_is_an_error_naming_it_and_writes_nothing() {
    let site = with_theme("theme = \"terse\"");
    let full = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/zh-CN.toml"),
    )
    .unwrap();
    // The same file without the `[power]` table's `title`.
    let mut in_power = false;
    let terse: String = full
        .lines()
        .filter(|line| {
            if line.starts_with('[') {
                in_power = *line == "[power]";
            }
            !(in_power && line.starts_with("title "))
        })
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(terse, full, "the [power] table has a title");
    site.write("themes/terse/i18n/zh-CN.toml", &terse);
    let run = site.build();
    run.assert_code(1);
    assert!(run.stderr.contains("i18n/zh-CN.toml"), "{run}");
    assert!(run.stderr.contains("`power.title`"), "{run}");
    assert!(!site.out().exists());
}
