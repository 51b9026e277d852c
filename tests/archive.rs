//! Archives that archivists check with their own tools (issue 20): Memento
//! TimeMaps, the signed manifest and `gongkai verify`, and the WACZ of a
//! release, read by warcio, py-wacz and pywb.

mod support;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use support::{SiteTest, git_dated};

const ITEM: &str = "content/bgt/catalog/2024-00001.md";
const INDEX_NO: &str = "11530100MB0A00001B/2024-00001";
const POWER: &str = "content/bgt/powers/530100-XK-BGT-001.toml";

fn item(body: &str) -> String {
    format!(
        "+++\nindex_no = \"{INDEX_NO}\"\ntitle = \"示例市人民政府办公室关于公布政府信息公开工作机构的通知\"\npublished = 2024-03-05\ncategory = '综合政务\\政务公开'\n+++\n\n{body}\n"
    )
}

const POWER_TEXT: &str = "code = \"530100-XK-BGT-001\"\nname = \"政府信息公开申请\"\ncategory = \"行政许可\"\nbasis = [\"《中华人民共和国行政许可法》第十二条\"]\nsubject = \"示例市办公厅\"\nlegal_limit_days = 20\n\n[[steps]]\nname = \"受理\"\nactor = \"窗口\"\nlimit_days = 5\n\n[[steps]]\nname = \"决定\"\nactor = \"局长\"\nlimit_days = 5\n";

/// The minimal site in a repository of its own: the item in three
/// revisions (the last one tagged `v2`), a power in one.
pub struct History {
    pub site: SiteTest,
}

impl History {
    fn new() -> History {
        let site = SiteTest::from_fixture("minimal");
        let root = site.root();
        let git = |args: &[&str], date: &str| git_dated(root, args, date);
        git(&["init", "-q", "-b", "main"], "2024-03-05T09:00:00+08:00");
        site.write(ITEM, &item("现将本机关政府信息公开工作机构公布如下。"));
        site.write(POWER, POWER_TEXT);
        git(&["add", "-A"], "2024-03-05T09:00:00+08:00");
        git(
            &["commit", "-q", "-m", "first"],
            "2024-03-05T09:00:00+08:00",
        );
        git(&["tag", "v1"], "2024-03-05T09:00:00+08:00");
        site.write(
            ITEM,
            &item("现将本机关政府信息公开工作机构公布如下：办公室。"),
        );
        git(
            &["commit", "-q", "-am", "second"],
            "2024-04-01T10:15:30+08:00",
        );
        site.write(
            ITEM,
            &item("现将本机关政府信息公开工作机构公布如下：办公室，电话 12345。"),
        );
        git(
            &["commit", "-q", "-am", "third"],
            "2024-05-02T11:30:00+08:00",
        );
        git(&["tag", "v2"], "2024-05-02T11:30:00+08:00");
        History { site }
    }

    fn build(&self, out: &Path, extra: &[&str]) {
        let mut args = vec![
            "build".as_ref(),
            "--root".as_ref(),
            self.site.root().as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        self.site.run(&args).assert_success();
    }
}

static BUILT: LazyLock<(History, PathBuf)> = LazyLock::new(|| {
    let h = History::new();
    let out = h.site.tmp().join("public");
    h.build(&out, &[]);
    (h, out)
});

/// One link of an RFC 6690 document: the target and its parameters.
#[derive(Debug)]
struct LinkValue {
    target: String,
    params: Vec<(String, String)>,
}

impl LinkValue {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A strict reader of the link format: `<URI>` then `; name="value"`
/// parameters, links separated by commas (quoted values may hold commas).
fn parse_link_format(text: &str) -> Vec<LinkValue> {
    let mut links = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        assert!(rest.starts_with('<'), "a link starts with `<`: {rest}");
        let end = rest.find('>').expect("`>` closes the target");
        let target = rest[1..end].to_string();
        rest = rest[end + 1..].trim_start();
        let mut params = Vec::new();
        while let Some(after) = rest.strip_prefix(';') {
            let after = after.trim_start();
            let eq = after.find('=').expect("a parameter has a value");
            let name = after[..eq].trim().to_string();
            let value_part = &after[eq + 1..];
            assert!(value_part.starts_with('"'), "quoted value: {value_part}");
            let close = value_part[1..].find('"').expect("closing quote") + 1;
            params.push((name, value_part[1..close].to_string()));
            rest = value_part[close + 1..].trim_start();
        }
        links.push(LinkValue { target, params });
        rest = match rest.strip_prefix(',') {
            Some(r) => r.trim_start(),
            None => {
                assert!(rest.is_empty(), "links are separated by commas: {rest}");
                rest
            }
        };
    }
    links
}

/// Site-relative file of an absolute URL of the test site.
fn file_of_url(url: &str) -> String {
    let rel = url
        .strip_prefix("https://xxgk.example.gov.cn/")
        .unwrap_or_else(|| panic!("{url} is on the site"));
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

#[test]
fn timemap_lists_three_mementos_in_order_and_each_exists() {
    let (_, out) = &*BUILT;
    let tm_rel = format!("items/{INDEX_NO}/timemap.link");
    let text = std::fs::read_to_string(out.join(&tm_rel)).expect("the item's TimeMap");
    let links = parse_link_format(&text);
    assert_eq!(links[0].param("rel"), Some("original"));
    assert_eq!(
        links[0].target,
        format!("https://xxgk.example.gov.cn/items/{INDEX_NO}/")
    );
    assert_eq!(links[1].param("rel"), Some("self"));
    assert_eq!(links[1].param("type"), Some("application/link-format"));
    assert_eq!(
        links[1].target,
        format!("https://xxgk.example.gov.cn/{tm_rel}")
    );
    assert_eq!(
        links[1].param("from"),
        Some("Tue, 05 Mar 2024 01:00:00 GMT")
    );
    assert_eq!(
        links[1].param("until"),
        Some("Thu, 02 May 2024 03:30:00 GMT")
    );
    let mementos: Vec<&LinkValue> = links[2..].iter().collect();
    let rels: Vec<_> = mementos.iter().map(|l| l.param("rel").unwrap()).collect();
    assert_eq!(rels, ["first memento", "memento", "last memento"]);
    let dates: Vec<_> = mementos
        .iter()
        .map(|l| l.param("datetime").unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "Tue, 05 Mar 2024 01:00:00 GMT",
            "Mon, 01 Apr 2024 02:15:30 GMT",
            "Thu, 02 May 2024 03:30:00 GMT"
        ]
    );
    for m in &mementos {
        let file = out.join(file_of_url(&m.target));
        assert!(file.is_file(), "{} is in the output", m.target);
    }
    // The third snapshot holds the third revision's words.
    let last = std::fs::read_to_string(out.join(file_of_url(&mementos[2].target))).unwrap();
    assert!(last.contains("电话 12345"));

    // Pages point to it.
    let page = std::fs::read_to_string(out.join(format!("items/{INDEX_NO}/index.html"))).unwrap();
    assert!(page.contains(&format!(
        "<link rel=\"timemap\" type=\"application/link-format\" href=\"https://xxgk.example.gov.cn/{tm_rel}\">"
    )));
    let snapshot = std::fs::read_to_string(out.join(file_of_url(&mementos[0].target))).unwrap();
    assert!(snapshot.contains(&format!(
        "<link rel=\"original\" href=\"https://xxgk.example.gov.cn/items/{INDEX_NO}/\">"
    )));
    assert!(snapshot.contains("rel=\"timemap\""));
}

#[test]
fn a_power_with_one_revision_has_a_first_last_memento() {
    let (_, out) = &*BUILT;
    let text = std::fs::read_to_string(out.join("powers/530100-XK-BGT-001/timemap.link"))
        .expect("the power's TimeMap");
    let links = parse_link_format(&text);
    assert_eq!(links.len(), 3);
    assert_eq!(links[2].param("rel"), Some("first last memento"));
    assert!(out.join(file_of_url(&links[2].target)).is_file());
}

#[test]
fn the_server_configuration_sends_memento_headers_for_snapshots() {
    let (_, out) = &*BUILT;
    let nginx = std::fs::read_to_string(out.join("_gongkai/nginx.conf")).unwrap();
    assert!(nginx.contains("application/link-format link;"));
    assert_eq!(
        nginx.matches("add_header Memento-Datetime").count(),
        5,
        "three item snapshots, one power snapshot and one of the department page:\n{nginx}"
    );
    let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
    assert!(headers.contains("Memento-Datetime: Thu, 02 May 2024 03:30:00 GMT"));
}

/// `minisign -G -W` (Debian's minisign): a key pair without a password.
fn keypair(dir: &Path) -> (PathBuf, PathBuf) {
    let (public, secret) = (dir.join("editor.pub"), dir.join("editor.key"));
    let status = std::process::Command::new("minisign")
        .args(["-G", "-W", "-p"])
        .arg(&public)
        .arg("-s")
        .arg(&secret)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("minisign is installed (scripts/test.sh installs it)");
    assert!(status.success());
    (public, secret)
}

fn verify(h: &History, site: &str, pubkey: &Path) -> support::Run {
    h.site.run(&[
        "verify".as_ref(),
        "--site".as_ref(),
        site.as_ref(),
        "--pubkey".as_ref(),
        pubkey.as_os_str(),
    ])
}

static SIGNED: LazyLock<(History, PathBuf, PathBuf)> = LazyLock::new(|| {
    let h = History::new();
    let keys = h.site.tmp().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let (public, secret) = keypair(&keys);
    let out = h.site.tmp().join("signed");
    h.build(&out, &["--sign-key", secret.to_str().unwrap()]);
    (h, out, public)
});

#[test]
fn minisign_verifies_the_manifest_which_hashes_every_file_and_names_the_commit() {
    let (h, out, public) = &*SIGNED;
    let manifest_path = out.join("api/manifest.json");
    let run = std::process::Command::new("minisign")
        .arg("-Vm")
        .arg(&manifest_path)
        .arg("-p")
        .arg(public)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "minisign -V: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let head = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(h.site.root())
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    assert_eq!(manifest["build"]["commit"], head.trim());
    let files = manifest["files"].as_object().unwrap();
    let mut expected = support::list_files(out);
    expected.retain(|f| !f.starts_with("api/manifest.json"));
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), expected);
    for (rel, hash) in files {
        let bytes = std::fs::read(out.join(rel)).unwrap();
        assert_eq!(
            hash.as_str().unwrap(),
            gongkai::seal::sha256_hex(&bytes),
            "{rel}"
        );
    }
}

#[test]
fn verify_passes_then_names_the_page_with_one_byte_changed() {
    let (h, out, public) = &*SIGNED;
    let copy = h.site.tmp().join("tampered");
    support::copy_dir(out, &copy);
    verify(h, copy.to_str().unwrap(), public).assert_success();
    let page = format!("items/{INDEX_NO}/index.html");
    let mut bytes = std::fs::read(copy.join(&page)).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(copy.join(&page), bytes).unwrap();
    let run = verify(h, copy.to_str().unwrap(), public);
    run.assert_code(1);
    assert_eq!(run.stdout.trim(), format!("changed: {page}"), "{run}");
    // A signature by another key proves nothing.
    let other = h.site.tmp().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let (other_public, _) = keypair(&other);
    let run = verify(h, out.to_str().unwrap(), &other_public);
    run.assert_code(1);
    assert!(run.stderr.contains("signature"), "{run}");
}

#[test]
fn two_builds_of_a_commit_give_the_same_manifest_and_timemaps() {
    let (h, out, public) = &*SIGNED;
    let again = h.site.tmp().join("again");
    let key = public.with_extension("key");
    h.build(&again, &["--sign-key", key.to_str().unwrap()]);
    assert_eq!(
        support::snapshot_dir(out)
            .into_iter()
            .filter(|(p, _)| !p.ends_with(".minisig"))
            .collect::<Vec<_>>(),
        support::snapshot_dir(&again)
            .into_iter()
            .filter(|(p, _)| !p.ends_with(".minisig"))
            .collect::<Vec<_>>()
    );
    // minisign signs with hedged Ed25519 (random noise): the signature
    // differs between builds, and each one holds (docs/archives.md).
    verify(h, again.to_str().unwrap(), public).assert_success();
    let sig = std::fs::read_to_string(again.join("api/manifest.json.minisig")).unwrap();
    let first = std::fs::read_to_string(out.join("api/manifest.json.minisig")).unwrap();
    let trusted = |s: &str| s.lines().nth(2).unwrap().to_string();
    assert_eq!(trusted(&sig), trusted(&first));
}

/// Waits until `child` listens on `port`; fails when it exits first or
/// does not listen within two minutes (a loaded CI machine starts Python
/// slowly).
fn wait_for(child: &mut std::process::Child, port: u16, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{what} exited before listening: {status}");
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not listen on port {port} within two minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn verify_reads_a_site_over_http() {
    let (h, out, public) = &*SIGNED;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut server = std::process::Command::new("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &port.to_string(),
        ])
        .arg("--directory")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 runs a static server");
    wait_for(&mut server, port, "python3 -m http.server");
    let run = verify(h, &format!("http://127.0.0.1:{port}/"), public);
    let _ = server.kill();
    let _ = server.wait();
    run.assert_success();
    assert!(run.stderr.contains("not checked over HTTP"), "{run}");
}

/// A tool of the Python virtual environment that scripts/test.sh makes.
/// Missing tools fail the test: it must not pass without running them.
fn archive_tool(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/archive-venv/bin")
        .join(name);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/test.sh, which installs warcio, wacz and pywb into target/archive-venv",
        path.display()
    );
    path
}

fn run_tool(dir: &Path, tool: &str, args: &[&str]) -> String {
    let output = std::process::Command::new(archive_tool(tool))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{tool} {args:?}:\n{text}");
    text
}

fn archive(h: &History, rev: &str, out: &Path) {
    h.site
        .run(&[
            "archive".as_ref(),
            "--root".as_ref(),
            h.site.root().as_os_str(),
            "--rev".as_ref(),
            rev.as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .assert_success();
}

#[test]
fn the_wacz_of_a_release_is_deterministic_and_read_by_warcio_wacz_and_pywb() {
    let (h, out) = &*BUILT;
    let work = tempfile::tempdir().unwrap();
    let wacz = work.path().join("v2.wacz");
    archive(h, "v2", &wacz);
    let again = work.path().join("again.wacz");
    archive(h, "v2", &again);
    assert!(
        std::fs::read(&wacz).unwrap() == std::fs::read(&again).unwrap(),
        "two archives of one release are byte-identical"
    );

    // The WARC is stored, not deflated, so that replay can seek into it.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&wacz).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    for name in [
        "archive/data.warc",
        "indexes/index.cdx",
        "pages/pages.jsonl",
        "datapackage.json",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    let warc_path = work.path().join("data.warc");
    {
        let mut entry = zip.by_name("archive/data.warc").unwrap();
        assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
        let mut file = std::fs::File::create(&warc_path).unwrap();
        std::io::copy(&mut entry, &mut file).unwrap();
    }
    let cdx_lines = {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("indexes/index.cdx").unwrap(), &mut text)
            .unwrap();
        text.lines().count()
    };

    // warcio reads every record and checks every digest.
    let check = run_tool(work.path(), "warcio", &["check", "-v", "data.warc"]);
    let records = check.matches("WARC-Record-ID").count();
    assert_eq!(
        records,
        cdx_lines + 1,
        "the responses and the warcinfo:\n{check}"
    );
    assert_eq!(
        check.matches("digest pass").count(),
        cdx_lines,
        "every response's digests:\n{check}"
    );
    let index = run_tool(work.path(), "warcio", &["index", "data.warc"]);
    assert_eq!(index.lines().count(), records);
    // One response per file of the published site, server configuration
    // and the .gz copies aside.
    let served: Vec<String> = support::list_files(out)
        .into_iter()
        .filter(|f| !f.ends_with(".gz") && !gongkai::seal::server_only(f))
        .collect();
    assert_eq!(cdx_lines, served.len());

    let validate = run_tool(
        work.path(),
        "wacz",
        &["validate", "-f", wacz.to_str().unwrap()],
    );
    assert!(validate.contains("is valid"), "{validate}");

    // pywb indexes it into a collection and replays the item's page and
    // its first snapshot byte for byte (`id_`: as archived, not rewritten).
    run_tool(work.path(), "wb-manager", &["init", "release"]);
    run_tool(
        work.path(),
        "wb-manager",
        &["add", "--unpack-wacz", "release", wacz.to_str().unwrap()],
    );
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut wayback = std::process::Command::new(archive_tool("wayback"))
        .args(["-p", &port.to_string(), "-b", "127.0.0.1"])
        .current_dir(work.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&mut wayback, port, "pywb (wayback)");
    let tm = std::fs::read_to_string(out.join(format!("items/{INDEX_NO}/timemap.link"))).unwrap();
    let first_snapshot = parse_link_format(&tm)[2].target.clone();
    let replay = |url: &str| -> (Vec<u8>, Option<String>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut res = agent
            .get(format!(
                "http://127.0.0.1:{port}/release/20240502033000id_/{url}"
            ))
            .call()
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{url}");
        let memento = res
            .headers()
            .get("memento-datetime")
            .map(|v| v.to_str().unwrap().to_string());
        (res.body_mut().read_to_vec().unwrap(), memento)
    };
    let page_url = format!("https://xxgk.example.gov.cn/items/{INDEX_NO}/");
    let (page, _) = replay(&page_url);
    let (snapshot, memento) = replay(&first_snapshot);
    let _ = wayback.kill();
    let _ = wayback.wait();
    assert!(
        page == std::fs::read(out.join(file_of_url(&page_url))).unwrap(),
        "the item page as published"
    );
    assert!(
        snapshot == std::fs::read(out.join(file_of_url(&first_snapshot))).unwrap(),
        "the first snapshot as published"
    );
    assert!(String::from_utf8_lossy(&snapshot).contains("如下。"));
    assert!(memento.is_some());
}

/// The `reports` fixture in a repository of its own: the guide, the
/// department file and the 2025 report (its narrative, then its tables)
/// each amended twice, the last commit tagged `v1`.
static KINDS: LazyLock<(SiteTest, PathBuf)> = LazyLock::new(|| {
    let site = SiteTest::from_fixture("reports");
    let root = site.root();
    let git = |args: &[&str], date: &str| git_dated(root, args, date);
    let append = |rel: &str, text: &str| {
        let mut all = site.read_source(rel);
        all.push_str(text);
        site.write(rel, &all);
    };
    git(&["init", "-q", "-b", "main"], "2025-02-01T10:00:00+08:00");
    git(&["add", "-A"], "2025-02-01T10:00:00+08:00");
    git(
        &["commit", "-q", "-m", "first"],
        "2025-02-01T10:00:00+08:00",
    );
    append("content/csj/guide.md", "\n补充说明。\n");
    append("content/csj/department.toml", "# 一\n");
    append("content/csj/reports/2025.md", "\n补充说明。\n");
    git(
        &["commit", "-q", "-am", "second"],
        "2025-03-01T10:00:00+08:00",
    );
    append("content/csj/guide.md", "\n再次补充。\n");
    append("content/csj/department.toml", "# 二\n");
    append("content/csj/reports/2025.toml", "# 更正\n");
    git(
        &["commit", "-q", "-am", "third"],
        "2025-04-01T10:00:00+08:00",
    );
    git(&["tag", "v1"], "2025-04-01T10:00:00+08:00");
    let out = site.tmp().join("public");
    site.run(&[
        "build".as_ref(),
        "--root".as_ref(),
        site.root().as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .assert_success();
    (site, out)
});

/// The folders of a guide, a department page and an annual report.
const KIND_FOLDERS: [&str; 3] = [
    "departments/csj/guide",
    "departments/csj",
    "departments/csj/reports/2025",
];

#[test]
fn guides_department_pages_and_reports_have_timemaps_of_their_three_revisions() {
    let (_, out) = &*KINDS;
    for folder in KIND_FOLDERS {
        let tm_rel = format!("{folder}/timemap.link");
        let text = std::fs::read_to_string(out.join(&tm_rel))
            .unwrap_or_else(|_| panic!("{tm_rel} is written"));
        let links = parse_link_format(&text);
        let original = format!("https://xxgk.example.gov.cn/{folder}/");
        assert_eq!(links[0].param("rel"), Some("original"));
        assert_eq!(links[0].target, original);
        assert_eq!(links[1].param("rel"), Some("self"));
        let mementos = &links[2..];
        let rels: Vec<_> = mementos.iter().map(|l| l.param("rel").unwrap()).collect();
        assert_eq!(
            rels,
            ["first memento", "memento", "last memento"],
            "{tm_rel}"
        );
        let dates: Vec<_> = mementos
            .iter()
            .map(|l| l.param("datetime").unwrap())
            .collect();
        assert_eq!(
            dates,
            [
                "Sat, 01 Feb 2025 02:00:00 GMT",
                "Sat, 01 Mar 2025 02:00:00 GMT",
                "Tue, 01 Apr 2025 02:00:00 GMT"
            ],
            "{tm_rel}"
        );
        for m in mementos {
            let file = out.join(file_of_url(&m.target));
            assert!(file.is_file(), "{} is in the output", m.target);
            let snapshot = std::fs::read_to_string(file).unwrap();
            assert!(
                snapshot.contains(&format!("<link rel=\"original\" href=\"{original}\">")),
                "{} links its original",
                m.target
            );
            assert!(snapshot.contains(&format!(
                "<link rel=\"timemap\" type=\"application/link-format\" href=\"https://xxgk.example.gov.cn/{tm_rel}\">"
            )));
        }
        let page = std::fs::read_to_string(out.join(file_of_url(&original))).unwrap();
        assert!(
            page.contains(&format!(
                "<link rel=\"timemap\" type=\"application/link-format\" href=\"https://xxgk.example.gov.cn/{tm_rel}\">"
            )),
            "{original} links its TimeMap"
        );
    }
    // The server sends Memento headers for their snapshots too.
    let nginx = std::fs::read_to_string(out.join("_gongkai/nginx.conf")).unwrap();
    assert!(nginx.contains("location = /departments/csj/reports/2025/"));
}

#[test]
fn the_wacz_and_the_manifest_hold_every_report_revision_and_timemap() {
    let (site, out) = &*KINDS;
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("api/manifest.json")).unwrap()).unwrap();
    let report = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "report" && e["id"] == "csj/2025")
        .expect("the report is in the manifest");
    let mut wanted: Vec<String> = report["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["snapshot_url"]
                .as_str()
                .unwrap()
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    assert_eq!(wanted.len(), 3);
    wanted.extend(KIND_FOLDERS.map(|f| format!("{f}/timemap.link")));
    let files = manifest["files"].as_object().expect("every file's hash");
    for file in &wanted {
        assert!(files.contains_key(file), "{file} is sealed in the manifest");
    }

    let work = tempfile::tempdir().unwrap();
    let wacz = work.path().join("v1.wacz");
    site.run(&[
        "archive".as_ref(),
        "--root".as_ref(),
        site.root().as_os_str(),
        "--rev".as_ref(),
        "v1".as_ref(),
        "--out".as_ref(),
        wacz.as_os_str(),
    ])
    .assert_success();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&wacz).unwrap()).unwrap();
    let mut cdx = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("indexes/index.cdx").unwrap(), &mut cdx)
        .unwrap();
    for file in &wanted {
        let url = format!("https://xxgk.example.gov.cn/{file}");
        assert!(
            cdx.contains(&format!("\"url\": \"{url}\""))
                || cdx.contains(&format!("\"url\":\"{url}\"")),
            "{url} is archived:\n{cdx}"
        );
    }
}
