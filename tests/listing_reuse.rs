//! Listing pages carry a key (`render/listings.rs`, `write_listing`): a
//! render into a sink that kept the previous render's files makes again
//! only the listing pages whose context changed. Rendered in process
//! through a sink that keeps every key, as `write::Staging` does.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;
use std::sync::Mutex;

use gongkai::build::load_and_validate;
use gongkai::model::{Audience, Date};
use gongkai::render::{self, BuildInfo, Theme};
use gongkai::sink::{Digest, Key, Sink};
use support::{AS_OF, SiteTest};

/// Keeps the key each file was written with (the previous render's, for
/// `reuse`) and records the HTML files made in this render.
#[derive(Default)]
struct KeptSink {
    previous: BTreeMap<String, Key>,
    keys: Mutex<BTreeMap<String, Key>>,
    made: Mutex<BTreeSet<String>>,
}

impl KeptSink {
    fn after(previous: KeptSink) -> KeptSink {
        KeptSink {
            previous: previous.keys.into_inner().unwrap(),
            ..KeptSink::default()
        }
    }

    fn made(&self, rel: &str) {
        if rel.ends_with(".html") {
            self.made.lock().unwrap().insert(rel.to_string());
        }
    }
}

impl Sink for KeptSink {
    fn write(&self, rel: &str, _: &[u8]) -> io::Result<()> {
        self.made(rel);
        Ok(())
    }

    fn copy(&self, rel: &str, _: &str) -> io::Result<()> {
        self.write(rel, &[])
    }

    fn write_keyed(&self, rel: &str, key: &Key, _: &[u8]) -> io::Result<()> {
        self.made(rel);
        self.keys.lock().unwrap().insert(rel.to_string(), *key);
        Ok(())
    }

    fn reuse(&self, rels: &[&str], key: &Key) -> io::Result<Option<Vec<Digest>>> {
        if !rels.iter().all(|r| self.previous.get(*r) == Some(key)) {
            return Ok(None);
        }
        let mut keys = self.keys.lock().unwrap();
        for rel in rels {
            keys.insert(rel.to_string(), *key);
        }
        Ok(Some(vec![[0; 32]; rels.len()]))
    }
}

fn render_into(root: &Path, sink: &KeptSink) {
    let snapshot = load_and_validate(root, Date::parse_iso(AS_OF), Audience::Publish).unwrap();
    let site = snapshot.site.expect("the site validates");
    let theme = Theme::load(root, &site.config.theme).unwrap();
    render::render(&site, &theme, &BuildInfo::default(), "", sink, &|| {}).unwrap();
}

fn listings(made: &BTreeSet<String>) -> Vec<&String> {
    made.iter()
        .filter(|rel| rel.starts_with("catalog/") || rel.starts_with("archive/"))
        .collect()
}

#[test]
fn listing_pages_are_made_again_only_when_their_context_changed() {
    let site = SiteTest::from_fixture("minimal");
    let root = site.root();
    let first = KeptSink::default();
    render_into(root, &first);
    let all = first.made.lock().unwrap().clone();
    assert!(all.contains("catalog/index.html"), "{all:?}");
    assert!(listings(&all).len() >= 3, "{all:?}");

    // Nothing changed: no listing page is made again.
    let second = KeptSink::after(first);
    render_into(root, &second);
    let remade = second.made.lock().unwrap().clone();
    assert!(listings(&remade).is_empty(), "{:?}", listings(&remade));

    // An item's title changed: the listings that show it are made again.
    let item = walkdir(root.join("content").as_path())
        .into_iter()
        .find(|p| p.to_string_lossy().contains("/catalog/"))
        .expect("the fixture has an item");
    let text = std::fs::read_to_string(&item).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title"))
        .expect("a title")
        .to_string();
    std::fs::write(&item, text.replace(&title_line, "title = \"改过的标题\"")).unwrap();
    let third = KeptSink::after(second);
    render_into(root, &third);
    let remade = third.made.lock().unwrap().clone();
    assert!(remade.contains("catalog/index.html"), "{remade:?}");
}

/// An item page's key holds its Markdown as it is, and not the description
/// and JSON-LD made from it (`render/item.rs`): a page whose text alone
/// changed (so did its description) is made again; an unchanged one is not.
#[test]
fn an_item_page_is_made_again_when_only_its_text_changed() {
    let site = SiteTest::from_fixture("minimal");
    let root = site.root();
    let page = "items/11530100MB0A00001B/2024-00001/index.html";
    let first = KeptSink::default();
    render_into(root, &first);
    assert!(first.made.lock().unwrap().contains(page));

    let second = KeptSink::after(first);
    render_into(root, &second);
    assert!(!second.made.lock().unwrap().contains(page));

    let item = root.join("content/bgt/catalog/2024-00001.md");
    let text = std::fs::read_to_string(&item).unwrap();
    let changed = text.replace("现将本机关", "现将本级机关");
    assert_ne!(text, changed);
    std::fs::write(&item, changed).unwrap();
    let third = KeptSink::after(second);
    render_into(root, &third);
    assert!(third.made.lock().unwrap().contains(page));
}

/// Every file under `dir`, sorted.
fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(walkdir(&path));
        } else {
            all.push(path);
        }
    }
    all.sort();
    all
}
