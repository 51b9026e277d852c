//! Entry points for the fuzz targets in `fuzz/` and their regression tests
//! (`tests/fuzz_regressions.rs`): each takes untrusted text, runs it
//! through the same functions `build` runs, and panics only on a bug.
//! Not an API: hidden from the documentation, free to change.

use std::sync::OnceLock;

use crate::diagnostics::{Diagnostics, SourceFile};
use crate::index::{Filter, SearchDoc, SearchIndex, analyzer};
use crate::load;
use crate::render::flowchart::{self, FlowLabels};
use crate::render::{markdown, report as report_render};
use crate::validate::{power, report};

/// Which reader [`fields`] feeds.
#[derive(Clone, Copy, Debug)]
pub enum FieldsFile {
    CatalogItem,
    Department,
    Site,
    Guide,
}

impl FieldsFile {
    /// The reader chosen by the first byte of a fuzz input.
    pub fn from_byte(b: u8) -> FieldsFile {
        match b % 4 {
            0 => FieldsFile::CatalogItem,
            1 => FieldsFile::Department,
            2 => FieldsFile::Site,
            _ => FieldsFile::Guide,
        }
    }
}

/// One catalog item, `department.toml`, `site.toml` or `guide.md`, then
/// its diagnostics as the terminal and `--json` show them (spans must
/// fall inside the text, on character boundaries).
pub fn fields(kind: FieldsFile, text: &str) {
    let mut diagnostics = Diagnostics::default();
    match kind {
        FieldsFile::CatalogItem => {
            let source = SourceFile::new("content/fgw/catalog/2024-00001.md", text);
            if let Some(item) = load::catalog::load_item(source, "fgw", &mut diagnostics) {
                // The body as the item page shows it.
                let _ = markdown::to_html(&item.source.text[item.body.clone()]);
            }
        }
        FieldsFile::Department => {
            let source = SourceFile::new("content/fgw/department.toml", text);
            let _ = load::department::parse_department(source, "fgw", &mut diagnostics);
        }
        FieldsFile::Site => {
            let source = SourceFile::new("site.toml", text);
            let _ = load::site::parse_site_config(source, &mut diagnostics);
        }
        FieldsFile::Guide => {
            let source = SourceFile::new("content/fgw/guide.md", text);
            let guide = load::department::parse_guide(source, &mut diagnostics);
            let department = SourceFile::new("content/fgw/department.toml", "name = \"示例\"\n");
            if let Some(department) =
                load::department::parse_department(department, "fgw", &mut diagnostics)
            {
                let department = crate::model::Department {
                    guide,
                    ..department
                };
                crate::validate::guide::check_guides(&[department], &mut diagnostics);
            }
        }
    }
    show(&diagnostics);
}

/// Render diagnostics both ways, as `check` does.
fn show(diagnostics: &Diagnostics) {
    let _ = diagnostics.render_human(false);
    let _ = diagnostics.to_json();
}

/// Up to three files in one fuzz input, separated by NUL (which no text
/// file of a site holds).
fn parts(text: &str) -> impl Iterator<Item = &str> {
    text.split('\0').take(3)
}

/// Two annual reports of one department (2023 and 2024, NUL between them,
/// then the 2024 narrative) through reading, every check across them and
/// the charts of the report page.
pub fn annual_report(text: &str, government: bool) {
    let mut diagnostics = Diagnostics::default();
    let mut files = parts(text);
    let mut reports = Vec::new();
    for year in [2023, 2024] {
        let Some(toml) = files.next() else { break };
        let source = SourceFile::new(format!("content/csj/reports/{year}.toml"), toml);
        if let Some(mut r) = load::report::parse_report(source, "csj", &mut diagnostics) {
            if year == 2024
                && let Some(md) = files.next()
            {
                let md = SourceFile::new("content/csj/reports/2024.md", md);
                r.narrative = Some(load::report::parse_narrative(&md, &mut diagnostics));
                r.narrative_source = Some(md);
            }
            reports.push(r);
        }
    }
    let department = SourceFile::new(
        "content/csj/department.toml",
        if government {
            "name = \"示例市人民政府\"\n"
        } else {
            "name = \"示例市财政局\"\nparent = \"csszf\"\n"
        },
    );
    let departments: Vec<_> =
        load::department::parse_department(department, "csj", &mut diagnostics)
            .into_iter()
            .collect();
    let reports = report::check(reports, &departments, &[], &mut diagnostics);
    let mut trend = Vec::new();
    for r in &reports {
        let _ = report_render::outcome_chart(r, "办理结果", "件");
        // As the report page draws the trend of new applications.
        trend.push((r.year(), r.application("new").map_or(0, |row| row.cells[6])));
    }
    let _ = report_render::trend_chart(&trend, "申请数量", "年", "件");
    show(&diagnostics);
}

/// Power files (up to three, NUL between them) through reading and every
/// check; for a set without errors, the flowchart of each as SVG (which
/// the caller parses as XML).
pub fn powers(text: &str) -> Vec<String> {
    let mut diagnostics = Diagnostics::default();
    let mut items = Vec::new();
    for (i, toml) in parts(text).enumerate() {
        let source = SourceFile::new(format!("content/fgw/powers/{i}.toml"), toml);
        items.extend(load::power::load_power(source, "fgw", &mut diagnostics));
    }
    // The per-power checks need the site's vocabulary: the national one.
    let site = SourceFile::new(
        "site.toml",
        "title = \"示例\"\nbase_url = \"https://example.gov.cn/\"\nlanguage = \"zh-CN\"\n",
    );
    let config = load::site::parse_site_config(site, &mut diagnostics);
    power::check_powers(&items, config.as_ref(), &mut diagnostics);
    let checked: Vec<_> = items.iter().filter(|p| p.complete).collect();
    show(&diagnostics);
    if diagnostics.has_errors() {
        // `build` and `serve` render nothing from a site with errors.
        return Vec::new();
    }
    let labels = FlowLabels {
        title: "{name}办理流程图",
        limit: "{n}个工作日",
    };
    checked
        .iter()
        .map(|p| {
            let _ = flowchart::layout(p);
            flowchart::svg(p, &labels)
        })
        .collect()
}

/// Markdown of an item body, guide or narrative as a page shows it.
pub fn markdown(text: &str) -> String {
    markdown::to_html(text)
}

/// The analyzer on text and on a query, the text search indexes, and a
/// query against a small index, as `gongkai search` runs it.
pub fn search(text: &str) -> Vec<String> {
    let tokens = analyzer::analyze(text);
    let query = analyzer::query_tokens(text);
    assert!(
        query.iter().all(|t| tokens.contains(t)),
        "{query:?} ⊄ {tokens:?}"
    );
    let _ = crate::index::plain_text(text);
    let hits = small_index()
        .search(text, &Filter::default())
        .expect("search in RAM");
    assert!(hits.len() <= small_index().docs.len());
    tokens
}

fn small_index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let doc = |id: &str, title: &str, body: &str| SearchDoc {
            id: id.to_string(),
            title: title.to_string(),
            rel: format!("items/{id}/"),
            department: "fgw".to_string(),
            department_name: "示例市发展和改革委员会".to_string(),
            published: "2024-03-05".to_string(),
            doc_no: None,
            category: "综合政务\\政务公开".to_string(),
            kind: Some("通知".to_string()),
            year: "2024".to_string(),
            state: "in-force".to_string(),
            retired: false,
            body: body.to_string(),
            markdown: None,
        };
        SearchIndex::build(vec![
            doc(
                "A/2024-00001",
                "关于规范停车服务收费的通知",
                "停车服务收费标准 2024 年 parking fee",
            ),
            doc(
                "A/2024-00002",
                "政府信息公开工作年度报告",
                "政務公開 資訊 Ａｂｃ １２３ 〔2024〕12号",
            ),
            doc("A/2024-00003", "環境保護規劃", "环境 保护 规划 é ß Ω ж"),
        ])
        .expect("index in RAM")
    })
}
