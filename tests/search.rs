//! Search: `gongkai search` on the `search` fixture, the files under
//! `public/search/`, and the analyzer of search.js against the Rust one.

mod support;

use std::path::Path;
use std::process::Command;

use gongkai::index::analyzer;
use support::{AS_OF, Shared, SiteTest};

static BUILT: Shared = Shared::new();

/// The `search` fixture, built once for the tests that read the output.
fn built() -> std::sync::Arc<SiteTest> {
    BUILT.get(|| {
        let site = SiteTest::from_fixture("search");
        site.build().assert_success();
        site
    })
}

const SIMPLIFIED: &str = "11530100MB0A00001B/2024-00001";
const TRADITIONAL: &str = "11530100MB0Z67890M/2023-00001";
const LONG_WORD: &str = "11530100MB0A00001B/2022-00001";
const RETIRED: &str = "11530100MB0A00001B/2021-00001";
const POWER: &str = "530100-XK-BGT-001";

/// The ids `gongkai search --json` prints for `query` (plus `extra` flags).
fn ids(query: &str, extra: &[&str]) -> Vec<String> {
    let site = SiteTest::from_fixture("search");
    let mut args = vec!["search", query, "--json", "--as-of", AS_OF, "--root"];
    let root = site.root().to_string_lossy().into_owned();
    args.push(&root);
    args.extend(extra);
    let run = site.run(&args);
    run.assert_success();
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{run}"));
    rows.iter()
        .map(|r| {
            let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["id", "score", "title", "url"], "{run}");
            r["id"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn a_traditional_query_finds_a_simplified_document() {
    assert_eq!(ids("政務公開", &[]), [SIMPLIFIED]);
}

#[test]
fn a_simplified_query_finds_a_traditional_document() {
    assert_eq!(ids("资讯公开", &[]), [TRADITIONAL]);
    assert_eq!(ids("非物质文化遗产", &[]), [TRADITIONAL]);
}

#[test]
fn two_characters_inside_a_longer_word_are_found() {
    // 生态环境保护: 环境 and 态环 are not words of their own.
    assert_eq!(ids("环境", &[]), [LONG_WORD]);
    assert_eq!(ids("态环", &[]), [LONG_WORD]);
}

#[test]
fn years_and_document_numbers_are_found() {
    assert_eq!(ids("2024", &[]), [SIMPLIFIED]);
    assert_eq!(ids("示政办发〔2024〕12号", &[]), [SIMPLIFIED]);
    assert_eq!(ids("12号", &[]), [SIMPLIFIED]);
}

#[test]
fn every_token_must_match() {
    assert_eq!(ids("政务公开 环境", &[]), Vec::<String>::new());
    assert_eq!(ids("政务 通知", &[]), [SIMPLIFIED]);
}

#[test]
fn powers_are_found_by_name_and_basis() {
    assert_eq!(ids("广告设施", &[]), [POWER]);
    assert_eq!(ids("户外广告设置管理条例", &[]), [POWER]);
}

#[test]
fn power_categories_are_filters_too() {
    assert_eq!(ids("示例", &["--category", "行政许可"]), [POWER]);
    let page = built().read("search/index.html");
    assert!(
        page.contains(r#"<option value="行政许可">行政许可</option>"#),
        "the category filter offers the power's category"
    );
}

#[test]
fn retired_items_are_found_only_when_asked_for() {
    assert!(ids("停车", &[]).is_empty());
    assert_eq!(ids("停车", &["--retired"]), [RETIRED]);
    assert_eq!(ids("停车", &["--status", "repealed"]), [RETIRED]);
}

#[test]
fn filters_narrow_the_results() {
    let all = ids("示例", &["--retired"]);
    assert_eq!(all.len(), 5, "four items and a power: {all:?}");
    assert_eq!(ids("示例", &["--department", "wlj"]), [TRADITIONAL]);
    assert_eq!(ids("示例", &["--year", "2022"]), [LONG_WORD]);
    assert_eq!(ids("示例", &["--kind", "通知"]), [SIMPLIFIED]);
}

#[test]
fn exempt_and_draft_items_are_never_hits() {
    for query in ["XQZEXEMPT", "xqzexempt", "机密免予", "XQZDRAFT", "草稿尚未"] {
        assert!(ids(query, &["--retired"]).is_empty(), "{query}");
    }
}

#[test]
fn exempt_and_draft_text_is_in_no_search_file() {
    let site = built();
    let files: Vec<String> = site
        .out_files()
        .into_iter()
        .filter(|f| f.starts_with("search/"))
        .collect();
    assert!(
        files.contains(&"search/index.json".to_string()),
        "{files:?}"
    );
    for file in &files {
        let text = site.read(file).to_lowercase();
        for needle in [
            "xqzexempt",
            "机密",
            "免予",
            "xqzdraft",
            "草稿",
            "2024-00002",
            "2024-00003",
        ] {
            assert!(!text.contains(needle), "{file} holds {needle}");
        }
    }
}

/// The search files of the fixture as the exporter first wrote them, so
/// that moving the stage or making it faster cannot move a score, a byte
/// of a shard or the layout unnoticed (a wanted change raises
/// `index::export::FORMAT` and updates this digest).
#[test]
fn the_search_files_are_pinned() {
    use sha1::{Digest, Sha1};
    let site = built();
    let mut h = Sha1::new();
    for file in site.out_files() {
        if file.starts_with("search/") && file.ends_with(".json") {
            h.update(file.as_bytes());
            h.update([0]);
            h.update(std::fs::read(site.out().join(&file)).unwrap());
            h.update([0]);
        }
    }
    let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(digest, "fe4e2d99bd1e5009fe8f61e89b7897df9c9818eb");
}

/// The search stage runs beside the item pages; the search page, made
/// after both, carries the entry the stage wrote, so that a first query
/// does not wait for `search/index.json`.
#[test]
fn the_search_page_carries_the_entry_of_the_index() {
    let site = built();
    let entry = site.read("search/index.json");
    assert!(entry.len() > 100, "{entry}");
    let page = site.read("search/index.html");
    let carried = page
        .split_once(r#"<script type="application/json" id="search-entry">"#)
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map(|(json, _)| json)
        .expect("the search page has the entry's element");
    let carried = carried.replace("\\u003c", "<").replace("\\u003e", ">");
    assert_eq!(carried, entry.trim_end());
}

#[test]
fn the_search_files_are_few() {
    let site = built();
    let out = site.out_files();
    let pages = out.iter().filter(|f| f.ends_with(".html")).count();
    let search = out
        .iter()
        .filter(|f| f.starts_with("search/") && f.ends_with(".json"))
        .count();
    assert!(
        search <= (pages / 20).max(3),
        "{search} search files for {pages} pages"
    );
    let page = site.read("search/index.html");
    assert!(page.contains(r#"action="/search/""#), "the search form");
    assert!(
        page.contains("<noscript>"),
        "says what to do without JavaScript"
    );
    let home = site.read("index.html");
    assert!(home.contains(r#"<form class="site-search" method="get" action="/search/""#));
}

// ---------------------------------------------------------------- analyzer

#[test]
fn the_analyzer_keeps_tokens_of_tricky_inputs() {
    let cases: &[(&str, &[&str])] = &[
        ("關於〔2024〕12號文", &["关于", "2024", "12", "号文"]),
        ("ＡＢＣ１２３", &["abc123"]),
        ("一", &["一"]),
        ("政务公开（试行）", &["政务", "务公", "公开", "试行"]),
        ("GB/T 7714-2015", &["gb", "t", "7714", "2015"]),
        ("第3季度", &["第", "3", "季度"]),
    ];
    for (text, want) in cases {
        assert_eq!(analyzer::analyze(text), *want, "{text}");
    }
}

/// Several hundred strings mixing every class of character the analyzer
/// knows, deterministically.
fn parity_strings() -> Vec<String> {
    let pools: [&[char]; 9] = [
        &['政', '务', '公', '开', '信', '息', '环', '境', '〇', '々'],
        &['政', '務', '開', '資', '訊', '臺', '灣', '裡', '著', '乾'],
        &['Ａ', 'ｚ', '１', '９', '（', '）', '　', '，', '〔', '〕'],
        &['a', 'B', 'z', '0', '7', ' ', '-', '/', '.', '_'],
        &['É', 'é', 'ß', 'Ω', 'ж', 'Ж', '×', '÷', 'ÿ', 'Þ'],
        &['ガ', 'ベ', 'ー', 'ジ', 'ぁ', '・', 'ゝ', '한', '국', '゠'],
        &[
            '😀',
            '𠀀',
            '𪚥',
            '\u{2F800}',
            '\u{FA0E}',
            '\u{3400}',
            '\n',
            '\t',
            '“',
            '”',
        ],
        &['號', '關', '於', '發', '佈', '條', '例', '規', '劃', '經'],
        &['〇', '一', '二', '年', '月', '日', '第', '号', '文', '件'],
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    (0..400)
        .map(|_| {
            let len = 1 + next(24);
            (0..len)
                .map(|_| {
                    let pool = pools[next(pools.len())];
                    pool[next(pool.len())]
                })
                .collect()
        })
        .collect()
}

/// With `GONGKAI_PARITY_CORPUS=<folder>` (as `fuzz/run.sh` sets it after
/// the search target), every UTF-8 file of the folder is compared too.
#[test]
fn the_browser_analyzer_gives_the_same_tokens() {
    let mut strings = parity_strings();
    if let Some(corpus) = std::env::var_os("GONGKAI_PARITY_CORPUS") {
        let mut files: Vec<_> = std::fs::read_dir(corpus)
            .expect("GONGKAI_PARITY_CORPUS is a folder")
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        strings.extend(
            files
                .iter()
                .filter_map(|f| String::from_utf8(std::fs::read(f).unwrap()).ok()),
        );
    }
    let cases: Vec<serde_json::Value> = strings
        .iter()
        .map(|s| {
            serde_json::json!({
                "text": s,
                "tokens": analyzer::analyze(s),
                "query": analyzer::query_tokens(s),
            })
        })
        .collect();
    let fixture = serde_json::json!({
        "fold": analyzer::fold_table_string(),
        "cases": cases,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parity.json");
    std::fs::write(&path, serde_json::to_vec(&fixture).unwrap()).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("node")
        .arg(root.join("tests/search_parity.js"))
        .arg(root.join("themes/default/static/search.js"))
        .arg(&path)
        .output()
        .expect("node runs (the browser tests need it too)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = format!("{} strings, 0 differ", strings.len());
    assert!(stdout.contains(&want), "{stdout}");
}

#[test]
fn retired_matches_are_counted_and_offered() {
    let site = SiteTest::from_fixture("search");
    let root = site.root().to_string_lossy().into_owned();
    let run = site.run(&[
        "search",
        "示例市旧版停车收费办法",
        "--as-of",
        AS_OF,
        "--root",
        &root,
    ]);
    run.assert_success();
    assert!(
        run.stdout
            .contains("1 more in repealed or expired documents (--retired to show them)"),
        "{run}"
    );
    let shown = site.run(&[
        "search",
        "示例市旧版停车收费办法",
        "--retired",
        "--as-of",
        AS_OF,
        "--root",
        &root,
    ]);
    assert!(shown.stdout.contains(RETIRED), "{shown}");
    assert!(!shown.stdout.contains("more in repealed"), "{shown}");
    // `--json` keeps its rows on stdout and tells on stderr.
    let json = site.run(&[
        "search", "停车", "--json", "--as-of", AS_OF, "--root", &root,
    ]);
    assert_eq!(json.stdout.trim(), "[]", "{json}");
    assert!(
        json.stderr
            .contains("1 more in repealed or expired documents"),
        "{json}"
    );
}

// ---------------------------------------------------------------- the kept index

/// `gongkai search` keeps its index in `.gongkai-cache/search.bin`: a
/// second call on the same content reads it (the file is not written
/// again: same inode, same modification time) and prints the same results;
/// after an edit the index is made again and the new words are found; a
/// damaged file is made again too.
#[test]
fn a_second_search_reuses_the_index_until_the_content_changes() {
    use std::os::unix::fs::MetadataExt;
    let site = SiteTest::from_fixture("search");
    let root = site.root().to_string_lossy().into_owned();
    let search = |query: &str| {
        let run = site.run(&["search", query, "--json", "--as-of", AS_OF, "--root", &root]);
        run.assert_success();
        run.stdout.clone()
    };
    let cache = site.root().join(".gongkai-cache/search.bin");
    let stamp = || {
        let meta = std::fs::metadata(&cache).expect("the index is kept");
        (meta.ino(), meta.modified().unwrap(), meta.len())
    };
    let first = search("政务公开");
    assert!(first.contains(SIMPLIFIED), "{first}");
    let kept = stamp();
    // Older than the racy window, so that the stat check alone decides.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(search("政务公开"), first);
    assert_eq!(stamp(), kept, "the second call wrote the index again");
    // The kept index folds Traditional queries as the built one does.
    assert_eq!(search("政務公開"), first);
    assert_eq!(search("xqzfresh"), "[]\n");
    assert_eq!(stamp(), kept);
    // Filters and the count of retired matches read the kept documents
    // exactly as the built index's.
    let filtered = || {
        let run = site.run(&[
            "search",
            "公开",
            "--department",
            "bgt",
            "--limit",
            "100",
            "--as-of",
            AS_OF,
            "--root",
            &root,
        ]);
        run.assert_success();
        run.stdout.clone()
    };
    let from_kept = filtered();
    assert_eq!(stamp(), kept);
    assert!(
        from_kept.contains("/items/") && from_kept.contains("more in repealed"),
        "{from_kept}"
    );
    std::fs::remove_file(&cache).unwrap();
    assert_eq!(
        filtered(),
        from_kept,
        "the kept index filters as the built one"
    );
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let kept = stamp();

    let file = "content/bgt/catalog/2024-00001.md";
    let text = site.read_source(file);
    site.write(file, &text.replace("做好政务公开工作", "做好xqzfresh工作"));
    let found = search("xqzfresh");
    assert!(found.contains(SIMPLIFIED), "the edit is searched: {found}");
    assert_ne!(stamp(), kept, "the index was made again");

    // A damaged index is not read: it is made again.
    let bytes = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(search("xqzfresh"), found);
    assert_eq!(std::fs::read(&cache).unwrap().len(), bytes.len());
}
