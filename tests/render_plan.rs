//! The page plan counts every HTML page the writers write: the search
//! stage sizes its files by `render::html_pages`, so a writer that writes
//! a page the plan does not list would silently change that layout.
//! Written through a counting sink, over every fixture that builds, the
//! example site, and the example site in a git history with amendments
//! (an annual report's too), a revision restoring earlier bytes, a deleted
//! report, a withdrawn item and a department deleted while another takes
//! its slug as a former one.

mod support;

use std::collections::BTreeSet;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use gongkai::build::load_and_validate;
use gongkai::model::{Audience, Date};
use gongkai::render::{self, BuildInfo, Theme};
use gongkai::sink::Sink;
use gongkai::urls;
use support::{AS_OF, SiteTest, copy_dir, fixture_path, git_dated};

/// Records the HTML files written.
#[derive(Default)]
struct HtmlSink(Mutex<BTreeSet<String>>);

impl Sink for HtmlSink {
    fn write(&self, rel: &str, _: &[u8]) -> io::Result<()> {
        if rel.ends_with(".html") {
            self.0.lock().unwrap().insert(rel.to_string());
        }
        Ok(())
    }

    fn copy(&self, rel: &str, _: &str) -> io::Result<()> {
        self.write(rel, &[])
    }
}

/// (HTML files written, minus the documented exceptions; `html_pages`).
fn written_and_counted(root: &Path, as_of: Option<Date>) -> (usize, usize) {
    let snapshot = load_and_validate(root, as_of, Audience::Publish).unwrap();
    let site = snapshot.site.expect("the site validates");
    let theme = Theme::load(root, &site.config.theme).unwrap();
    let sink = HtmlSink::default();
    render::render(&site, &theme, &BuildInfo::default(), "", &sink, &|| {}).unwrap();
    // Not counted (render/plan.rs says why): the site map, and the neutral
    // pages at a withdrawn item's former URLs.
    let mut exceptions: BTreeSet<String> = [urls::file_of(urls::SITE_MAP)].into();
    for w in &site.withdrawn {
        exceptions.extend(urls::pages_of(&w.key).iter().map(|r| urls::file_of(r)));
        exceptions.extend(w.blobs.iter().map(|b| urls::snapshot(&w.key, b)));
    }
    let written = sink.0.into_inner().unwrap();
    let counted_written = written.difference(&exceptions).count();
    (counted_written, render::html_pages(&site))
}

#[test]
fn every_fixture_and_the_example_site_write_exactly_the_planned_pages() {
    let as_of = Date::parse_iso(AS_OF);
    let mut sites: Vec<_> = std::fs::read_dir(fixture_path(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("site.toml").is_file())
        .collect();
    sites.sort();
    let mut checked = 0;
    for dir in sites {
        let snapshot = load_and_validate(&dir, as_of, Audience::Publish).unwrap();
        if snapshot.site.is_none() || snapshot.diagnostics.has_errors() {
            continue; // a fixture of invalid content: it does not build
        }
        let (written, counted) = written_and_counted(&dir, as_of);
        assert_eq!(written, counted, "{}", dir.display());
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} fixtures build");
    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (written, counted) = written_and_counted(example, as_of);
    assert_eq!(written, counted, "the example site");
}

#[test]
fn a_site_with_revisions_deletions_and_withdrawals_writes_exactly_the_planned_pages() {
    let site = SiteTest::from_fixture("minimal");
    let root = site.root();
    std::fs::remove_dir_all(root).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &root.join("content"));
    std::fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
    let git = |args: &[&str], day: &str| git_dated(root, args, &format!("{day}T10:00:00+08:00"));
    let commit = |day: &str, message: &str| {
        git(&["add", "-A"], day);
        git(&["commit", "-q", "-m", message], day);
    };
    let append = |rel: &str, text: &str| {
        let path = root.join(rel);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(text.as_bytes());
        std::fs::write(path, bytes).unwrap();
    };
    let item = "content/fgw/catalog/2019/2019-00016.md";
    let original = std::fs::read(root.join(item)).unwrap();
    git(&["init", "-q", "-b", "main"], "2026-01-05");
    commit("2026-01-05", "first");
    append(item, "\n补充说明。\n");
    append("content/fgw/guide.md", "\n补充说明。\n");
    append("content/fgw/powers/530100-CF-FGW-001.toml", "\n");
    append("content/fgw/department.toml", "# 修订\n");
    let reports = root.join("content/fgw/reports");
    let mut report_files: Vec<_> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    report_files.sort();
    let narrative = report_files.iter().find(|f| f.ends_with(".md")).unwrap();
    append(
        &format!("content/fgw/reports/{narrative}"),
        "\n补充说明。\n",
    );
    commit("2026-02-02", "amend");
    // Back to the first bytes: one snapshot serves both revisions.
    std::fs::write(root.join(item), &original).unwrap();
    commit("2026-03-02", "restore");
    // An item made exempt is withdrawn.
    let withdrawn = "content/fgw/catalog/2020/2020-00012.md";
    let text = std::fs::read_to_string(root.join(withdrawn)).unwrap();
    let text = text.replacen("+++\n", "+++\ndisclosure = \"exempt\"\n", 1);
    std::fs::write(root.join(withdrawn), text).unwrap();
    // A report deleted (its tables and its narrative).
    let last_year = report_files.last().unwrap().split('.').next().unwrap();
    for f in report_files.iter().filter(|f| f.starts_with(last_year)) {
        git(
            &["rm", "-q", &format!("content/fgw/reports/{f}")],
            "2026-04-06",
        );
    }
    // A department deleted, its slug kept by another as a former one.
    git(&["rm", "-q", "-r", "content/jyj"], "2026-04-06");
    append("content/sthjj/department.toml", "aliases = [\"jyj\"]\n");
    commit("2026-04-06", "withdraw, merge");

    let (written, counted) = written_and_counted(root, None);
    assert_eq!(written, counted);
}

/// Records every file's bytes.
#[derive(Default)]
struct BytesSink(Mutex<std::collections::BTreeMap<String, Vec<u8>>>);

impl Sink for BytesSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }

    fn copy(&self, rel: &str, from: &str) -> io::Result<()> {
        self.write(rel, from.as_bytes())
    }
}

/// `build` takes the items' texts out of the site before rendering and
/// reads each again from its file for its item's pages only (so that no
/// text is held longer than those pages): the same files as a render of
/// the whole site.
#[test]
fn a_render_with_the_texts_taken_out_writes_the_same_files() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    let as_of = Date::parse_iso(AS_OF);
    let snapshot = load_and_validate(example, as_of, Audience::Publish).unwrap();
    let mut site = snapshot.site.expect("the site validates");
    let theme = Theme::load(example, &site.config.theme).unwrap();
    let whole = BytesSink::default();
    render::render(&site, &theme, &BuildInfo::default(), "", &whole, &|| {}).unwrap();
    let texts = render::Texts::take(&mut site, example);
    assert!(site.items.len() > 3);
    // A deleted item's last revision, read from git, keeps its text.
    assert!(
        site.items
            .iter()
            .all(|i| i.doc.source.text.is_empty() == i.is_work_tree_file())
    );
    assert!(site.items.iter().any(|i| i.doc.source.text.is_empty()));
    let taken = BytesSink::default();
    let build = BuildInfo::default();
    let search = || Ok(String::new());
    render::render_with(&site, Some(&texts), &theme, &build, search, &taken, &|| {}).unwrap();
    let (whole, taken) = (whole.0.into_inner().unwrap(), taken.0.into_inner().unwrap());
    assert_eq!(
        whole.keys().collect::<Vec<_>>(),
        taken.keys().collect::<Vec<_>>()
    );
    for (rel, bytes) in &whole {
        assert!(taken[rel] == *bytes, "{rel} differs");
    }
}

/// A file edited after it was loaded and checked is not published: the
/// text read again must be the one whose blob id was loaded.
#[test]
fn a_file_edited_after_it_was_checked_stops_the_render() {
    let site_test = SiteTest::from_fixture("minimal");
    let root = site_test.root();
    let snapshot = load_and_validate(root, Date::parse_iso(AS_OF), Audience::Publish).unwrap();
    let mut site = snapshot.site.expect("the site validates");
    let theme = Theme::load(root, &site.config.theme).unwrap();
    let texts = render::Texts::take(&mut site, root);
    let rel = site.items[0].doc.source.path.clone();
    let text = site_test.read_source(&rel.to_string_lossy());
    site_test.write(
        &rel.to_string_lossy(),
        &format!("{text}\n<script>alert(1)</script>\n"),
    );
    let sink = HtmlSink::default();
    let search = || Ok(String::new());
    let build = BuildInfo::default();
    let error = render::render_with(&site, Some(&texts), &theme, &build, search, &sink, &|| {})
        .expect_err("the edited file stops the render");
    let message = error.to_string();
    assert_eq!(
        message,
        format!(
            "{} changed while the site was being built: build again",
            rel.display()
        )
    );
}

/// An item whose pages are all kept from the previous build is not read
/// again: after the same edit as above, a render into a folder that holds
/// the previous build goes through, unchanged (the edit is published by the
/// next build, whose load checks it, not by a page made from it unchecked).
#[test]
fn an_item_whose_pages_are_kept_is_not_read_again() {
    let site_test = SiteTest::from_fixture("minimal");
    let root = site_test.root();
    let out = site_test.tmp().join("public");
    let theme_and_site = || {
        let snapshot = load_and_validate(root, Date::parse_iso(AS_OF), Audience::Publish).unwrap();
        let mut site = snapshot.site.expect("the site validates");
        let theme = Theme::load(root, &site.config.theme).unwrap();
        let texts = render::Texts::take(&mut site, root);
        (site, theme, texts)
    };
    let build = BuildInfo::default();
    let render_into = |site, theme, texts| {
        let staging = gongkai::write::Staging::create(root, &out).unwrap();
        let search = || Ok(String::new());
        render::render_with(site, Some(texts), theme, &build, search, &staging, &|| {})?;
        Ok::<_, render::RenderError>(staging.commit().unwrap())
    };
    let (site, theme, texts) = theme_and_site();
    render_into(&site, &theme, &texts).unwrap();

    let (site, theme, texts) = theme_and_site();
    let rel = site.items[0].doc.source.path.clone();
    let text = site_test.read_source(&rel.to_string_lossy());
    site_test.write(
        &rel.to_string_lossy(),
        &format!("{text}\n<script>alert(1)</script>\n"),
    );
    let written = render_into(&site, &theme, &texts).expect("no page of the item is made");
    assert!(written.reused > 0, "{written:?}");
    let page =
        std::fs::read_to_string(out.join(urls::file_of(&urls::item(site.items[0].id())))).unwrap();
    assert!(!page.contains("alert(1)"));
}
