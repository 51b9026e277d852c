//! `gongkai new catalog --from`: real government documents (see
//! `tests/fixtures/import/README.md`) in the encodings and shapes they
//! arrive in, and a Word file with headings, numbered paragraphs and a
//! table, imported as drafts that check, build and search once the editor
//! removes `draft = true`.

mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use support::{AS_OF, Run, SiteTest, fixture_path};

/// A department of the `full` fixture with an `index_pattern`; its
/// highest 2024 number is 2024-00012.
const DEPT: &str = "fgw";
const DATE: &str = "2024-06-03";
const FIRST_NEW: u32 = 13;

fn index_no(n: u32) -> String {
    format!("11530100MB0X12345K/2024-{n:05}")
}

fn import(site: &SiteTest, from: &Path) -> Run {
    let root = site.root().to_string_lossy().into_owned();
    let from = from.to_string_lossy().into_owned();
    site.run(&[
        "new", "catalog", "--root", &root, "--dept", DEPT, "--date", DATE, "--from", &from,
    ])
}

/// The files `new` printed, in order.
fn written(run: &Run) -> Vec<PathBuf> {
    run.assert_success();
    run.stdout.lines().map(PathBuf::from).collect()
}

fn body(text: &str) -> &str {
    text.splitn(3, "+++\n").nth(2).expect("front matter")
}

/// A Word document as Word writes it: content types, package relations,
/// and `word/document.xml` with styled paragraphs split into several runs
/// (as editing leaves them), full-width indents and a table.
fn docx(paragraphs: &[&str], table: &[&[&str]]) -> Vec<u8> {
    let run = |text: &str| {
        // Split each paragraph into two runs, as Word does after an edit.
        let cut = text.char_indices().nth(3).map_or(text.len(), |(i, _)| i);
        format!(
            "<w:r><w:rPr><w:rFonts w:ascii=\"仿宋_GB2312\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:t>{}</w:t></w:r>",
            &text[..cut],
            &text[cut..]
        )
    };
    let mut body = String::new();
    for p in paragraphs {
        body.push_str("<w:p><w:pPr><w:ind w:firstLine=\"640\"/></w:pPr>");
        body.push_str(&run(p));
        body.push_str("</w:p>");
    }
    body.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>");
    for row in table {
        body.push_str("<w:tr>");
        for cell in *row {
            body.push_str("<w:tc><w:tcPr/><w:p>");
            body.push_str(&run(cell));
            body.push_str("</w:p></w:tc>");
        }
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl><w:p><w:r><w:t>2017年10月24日</w:t></w:r></w:p>");
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let files = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>".to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>".to_string(),
        ),
        ("word/document.xml", document),
    ];
    for (name, text) in files {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The Word file: the Luoyang 实施方案's title, 文号-less opening,
/// its four heading levels, numbered paragraphs, and a 任务分工 table.
fn luoyang_docx() -> Vec<u8> {
    docx(
        &[
            "洛阳市加强政务诚信建设实施方案",
            "洛政办〔2017〕120号",
            "一、总体要求",
            "（一）指导思想",
            "全面贯彻落实党的十八大和十九大精神，深入贯彻习近平总书记系列重要讲话精神。",
            "（二）基本原则",
            "1．坚持依法行政",
            "（1）切实履行法定职责",
            "1. 坚持依法行政。切实履行法定职责必须为、法无授权不可为。",
            "2. 坚持政务公开。按照“公开为常态，不公开为例外”原则。",
            "洛阳市人民政府办公室",
        ],
        &[
            &["任务", "牵头单位", "完成时限"],
            &["建立政务诚信专项督导机制", "市政府信用办", "2017年底"],
            &["推进政务公开 | 透明", "市政府办公室", "长期"],
        ],
    )
}

#[test]
fn a_word_document_keeps_headings_numbered_paragraphs_and_its_table() {
    let site = SiteTest::from_fixture("full");
    let file = site.tmp().join("洛阳实施方案.docx");
    std::fs::write(&file, luoyang_docx()).unwrap();
    let run = import(&site, &file);
    let paths = written(&run);
    assert_eq!(paths.len(), 1, "{run}");
    let text = std::fs::read_to_string(&paths[0]).unwrap();
    assert!(text.contains("draft = true"), "{text}");
    assert!(
        text.contains("title = \"洛阳市加强政务诚信建设实施方案\" # from the document: confirm"),
        "{text}"
    );
    assert!(
        text.contains("doc_no = \"洛政办〔2017〕120号\" # from the document: confirm"),
        "{text}"
    );
    assert!(
        text.contains("written = 2017-10-24 # from the document: confirm"),
        "{text}"
    );
    // The signature: the last paragraph above the date (tables aside).
    assert!(
        text.contains("publisher = \"洛阳市人民政府办公室\""),
        "{text}"
    );
    let body = body(&text);
    for line in [
        "## 一、总体要求\n",
        "### （一）指导思想\n",
        "#### 1．坚持依法行政\n",
        "##### （1）切实履行法定职责\n",
        "\n1\\. 坚持依法行政。切实履行法定职责必须为、法无授权不可为。\n",
        "\n2\\. 坚持政务公开。",
        "| 任务 | 牵头单位 | 完成时限 |\n| --- | --- | --- |\n| 建立政务诚信专项督导机制 | 市政府信用办 | 2017年底 |\n",
        "| 推进政务公开 \\| 透明 | 市政府办公室 | 长期 |\n",
    ] {
        assert!(body.contains(line), "{line:?} not in:\n{body}");
    }
    assert!(
        !body.contains("洛阳市加强政务诚信建设实施方案"),
        "the title is the page's heading, not a body line:\n{body}"
    );
    let page = publish_and_read(&site, &paths);
    assert!(
        page.contains(">一、总体要求</h2>") && page.contains(">（1）切实履行法定职责</h5>"),
        "{page}"
    );
    assert!(
        page.contains("<p>1. 坚持依法行政。") && !page.contains("<li>坚持"),
        "a numbered paragraph stays a paragraph: {page}"
    );
    assert!(page.contains("<td>市政府信用办</td>"), "{page}");
}

/// Remove `draft = true` from `paths`, build, and return the first item's page.
fn publish_and_read(site: &SiteTest, paths: &[PathBuf]) -> String {
    for path in paths {
        let text = std::fs::read_to_string(path).unwrap();
        // The editor's part: confirm, fill in what the document did not say.
        let text = text
            .replace("draft = true\n", "")
            .replace("（请填写标题）", "关于加强政府信用体系建设的实施意见");
        std::fs::write(path, text).unwrap();
    }
    site.build().assert_success();
    let text = std::fs::read_to_string(&paths[0]).unwrap();
    let index_no = text
        .lines()
        .find_map(|l| l.strip_prefix("index_no = \""))
        .and_then(|r| r.strip_suffix('"'))
        .unwrap()
        .to_string();
    site.read(&format!("items/{index_no}/index.html"))
}

#[test]
fn five_real_documents_import_check_build_and_search() {
    let site = SiteTest::from_fixture("full");
    let run = import(&site, &fixture_path("import"));
    let paths = written(&run);
    assert_eq!(paths.len(), 5, "{run}");
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    // Numbered one after another, as `new catalog` numbers them.
    for (i, text) in texts.iter().enumerate() {
        let id = format!("index_no = \"{}\"", index_no(FIRST_NEW + i as u32));
        assert!(text.contains(&id), "{id} in {text}");
        assert!(text.contains("draft = true"));
    }

    // 1: UTF-8, Traditional: date line, then the title, the heading levels.
    let luoyang = &texts[0];
    assert!(luoyang.contains("title = \"洛陽市加強政務(wù)誠信建設(shè)實施方案\""));
    assert!(luoyang.contains("written = 2017-10-24 # from the document: confirm"));
    let b = body(luoyang);
    assert!(b.contains("\n## 一、總體要求\n"), "{b}");
    assert!(b.contains("\n### (一)指導(dǎo)思想\n"), "{b}");
    assert!(b.contains("\n1\\. 堅持依法行政。"), "{b}");
    // 2: GB18030 with CRLF: decoded, title taken from the first line.
    let hubei = &texts[1];
    assert!(
        hubei.contains("title = \"深化政务公开 进一步规范权力运行\""),
        "{hubei}"
    );
    assert!(body(hubei).contains("近年来,党中央、国务院高度重视政务公开工作"));
    assert!(!hubei.contains('\r') && !hubei.contains('\u{fffd}'));
    // 3: one line without line breaks: the spaces between Chinese
    // sentences were its paragraph breaks.
    let b = body(&texts[2]);
    assert!(
        b.contains("\n## 一、政府信用体系建设的指导思想、基本原则和总体目标\n"),
        "{b}"
    );
    assert!(b.contains("\n### (一)指导思想\n"), "{b}");
    // 4: UTF-8 with BOM, Traditional: no BOM in the title.
    assert!(
        texts[3].contains("title = \"第一篇:打造“誠信政府”實施方案\""),
        "{}",
        texts[3]
    );
    assert!(body(&texts[3]).contains("\n## 一、指導思想\n"));
    // 5: blank lines between paragraphs are not paragraphs.
    assert!(!body(&texts[4]).contains("\n\n\n"));

    let page = publish_and_read(&site, &paths);
    assert!(page.contains(">一、總體要求</h2>"), "{page}");
    let (check, json) = site.check_json();
    assert_eq!(json["errors"], 0, "{check}");

    let root = site.root().to_string_lossy().into_owned();
    // Each found by a phrase of its own, Simplified or Traditional.
    for (query, k) in [
        ("洛阳市加强政务", 0),
        ("规范權力运行", 1),
        ("政府信用体系建设", 2),
        ("誠信政府", 3),
        ("阳光政务", 4),
    ] {
        let run = site.run(&["search", query, "--json", "--as-of", AS_OF, "--root", &root]);
        run.assert_success();
        let rows: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
        let want = index_no(FIRST_NEW + k);
        assert!(
            rows.iter().any(|r| r["id"] == want.as_str()),
            "{query} → {want}: {run}"
        );
    }
}

#[test]
fn a_document_that_cannot_be_read_writes_nothing() {
    let site = SiteTest::from_fixture("full");
    let dir = site.tmp().join("docs");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "一、总体要求\n").unwrap();
    std::fs::write(dir.join("b.docx"), "not a zip").unwrap();
    let run = import(&site, &dir);
    run.assert_code(2);
    assert!(
        run.stderr.contains("b.docx") && run.stderr.contains("not a .docx file"),
        "{run}"
    );
    assert!(
        !site
            .root()
            .join(format!("content/{DEPT}/catalog/2024-{FIRST_NEW:05}.md"))
            .exists(),
        "nothing written"
    );
}
