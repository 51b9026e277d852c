//! `gongkai serve`: the real binary on a free port in a temporary copy of a
//! fixture; pages fetched over HTTP, edits made on disk, rebuilds awaited
//! by polling (generous timeouts, no timing assertions).

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{BIN, SiteTest, list_entries, list_files, read_text};

/// Long enough for a slow CI machine; a passing test never waits this long.
const PATIENCE: Duration = Duration::from_secs(60);

const ITEM_FILE: &str = "content/fgw/catalog/2024-00012.md";
const ITEM_PAGE: &str = "/items/11530100MB0X12345K/2024-00012/";
const ITEM_TITLE: &str = "示例市发展和改革委员会关于规范停车服务收费的通知";

/// A running `gongkai serve`; killed when dropped.
struct Serve {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    fn start(site: &SiteTest, port: u16) -> Serve {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(site.root())
            .current_dir(site.tmp())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gongkai serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = BufReader::new(child.stderr.take().expect("piped"));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut line = String::new();
            while err.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        out.read_line(&mut line).expect("read stdout");
        let port = line
            .strip_prefix("serving http://127.0.0.1:")
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "serve did not print its URL first: {line:?}\n{}",
                    stderr.lock().unwrap()
                )
            });
        // Keep reading stdout so that the server never blocks on it.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Serve {
            child,
            port,
            stderr,
        }
    }

    fn get(&self, path: &str) -> Response {
        http_get(self.port, path)
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Fetch `path` until `done` holds for the response.
    #[track_caller]
    fn poll(&self, path: &str, what: &str, done: impl Fn(&Response) -> bool) -> Response {
        let start = Instant::now();
        loop {
            let response = self.get(path);
            if done(&response) {
                return response;
            }
            if start.elapsed() > PATIENCE {
                panic!(
                    "{path} never {what}; last response {} :\n{}\n--- serve stderr ---\n{}",
                    response.status,
                    response.body,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Wait for the process to end; its exit code.
    fn wait(&mut self) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(
                start.elapsed() < PATIENCE,
                "serve did not exit\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: String,
    body: String,
}

fn http_get(port: u16, path: &str) -> Response {
    http_request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    )
}

/// Send `request` as it is; the whole response.
fn http_request(port: u16, request: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8(raw).expect("UTF-8 response");
    let (headers, body) = text.split_once("\r\n\r\n").expect("headers end");
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    Response {
        status,
        headers: headers.to_string(),
        body: body.to_string(),
    }
}

/// A browser's view of `/__gongkai/events`.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let mut headers = String::new();
        while line != "\r\n" {
            line.clear();
            reader.read_line(&mut line).unwrap();
            headers.push_str(&line);
        }
        assert!(headers.contains("text/event-stream"), "{headers}");
        Events { reader }
    }

    /// The next `rebuild` event: (generation, whether the build succeeded).
    fn next(&mut self) -> (u64, bool) {
        let mut event = String::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("event stream open");
            assert!(n > 0, "the event stream closed");
            if line == "\n" {
                if event.contains("event: rebuild") {
                    break;
                }
                event.clear();
                continue;
            }
            event.push_str(&line);
        }
        let data = event
            .lines()
            .find_map(|l| l.strip_prefix("data: "))
            .expect("data line");
        let json: serde_json::Value = serde_json::from_str(data).expect("JSON data");
        (
            json["generation"].as_u64().expect("generation"),
            json["ok"].as_bool().expect("ok"),
        )
    }
}

#[test]
fn an_edit_shows_then_an_error_overlays_the_page_then_the_fix_clears_it() {
    let site = SiteTest::from_fixture("full");
    let serve = Serve::start(&site, 0);

    let page = serve.get(ITEM_PAGE);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.headers.contains("text/html"), "{}", page.headers);
    assert!(page.body.contains(ITEM_TITLE));
    assert!(page.body.contains("src=\"/__gongkai/live.js\""));
    assert!(!page.body.contains("gongkai-errors"));

    let original = site.read_source(ITEM_FILE);
    let edited = original.replace(
        ITEM_TITLE,
        "示例市发展和改革委员会关于规范停车服务收费的通知（修订）",
    );
    site.write(ITEM_FILE, &edited);
    serve.poll(ITEM_PAGE, "showed the new title", |r| {
        r.status == 200 && r.body.contains("停车服务收费的通知（修订）")
    });
    // Listings follow once the whole site is rendered again.
    serve.poll("/catalog/", "listed the new title", |r| {
        r.body.contains("停车服务收费的通知（修订）")
    });

    let broken = edited.replace("published = 2024-03-05", "published = \"2024-03-05\"");
    assert_ne!(broken, edited);
    site.write(ITEM_FILE, &broken);
    let shown = serve.poll(ITEM_PAGE, "showed the error", |r| {
        r.body.contains("gongkai-errors")
    });
    assert!(shown.body.contains("date-in-string"), "{}", shown.body);
    assert!(
        shown.body.contains(&format!("{ITEM_FILE}:4:")),
        "the overlay names the file and line:\n{}",
        shown.body
    );
    assert!(shown.body.contains("write `published = 2024-03-05`"));
    // The last good page stays under the overlay.
    assert!(shown.body.contains("停车服务收费的通知（修订）"));
    // Every page shows it, not only the broken item's.
    assert!(serve.get("/").body.contains("gongkai-errors"));
    assert!(
        serve.log().contains("date-in-string"),
        "the terminal shows the diagnostic too:\n{}",
        serve.log()
    );

    site.write(ITEM_FILE, &original);
    let fixed = serve.poll(ITEM_PAGE, "cleared the error", |r| {
        !r.body.contains("gongkai-errors") && r.body.contains(ITEM_TITLE)
    });
    assert!(!fixed.body.contains("（修订）"));
}

/// Replace a file of the site in one step (write elsewhere, rename), as
/// many editors save: the test must see exactly one rebuild per save.
fn save(site: &SiteTest, rel: &str, text: &str) {
    let scratch = site.tmp().join("scratch.md");
    std::fs::write(&scratch, text).unwrap();
    std::fs::rename(&scratch, site.root().join(rel)).unwrap();
}

#[test]
fn the_event_stream_announces_each_rebuild() {
    let site = SiteTest::from_fixture("full");
    let serve = Serve::start(&site, 0);
    let mut events = Events::connect(serve.port);
    let (first, ok) = events.next();
    assert!(ok);
    let page = serve.get(ITEM_PAGE);
    assert!(
        page.body.contains(&format!("data-generation=\"{first}\"")),
        "pages carry the generation the browser compares with"
    );

    let original = site.read_source(ITEM_FILE);
    save(
        &site,
        ITEM_FILE,
        &original.replace(ITEM_TITLE, "第一次修改"),
    );
    let (second, ok) = events.next();
    assert!(second > first && ok, "{second} {ok}");
    assert!(serve.get(ITEM_PAGE).body.contains("第一次修改"));

    save(&site, ITEM_FILE, &original.replace("title = ", "titel = "));
    let (third, ok) = events.next();
    assert!(third > second && !ok, "a failed build is announced too");

    save(&site, ITEM_FILE, &original);
    let (fourth, ok) = events.next();
    assert!(fourth > third && ok);
    assert!(serve.get(ITEM_PAGE).body.contains(ITEM_TITLE));
}

#[test]
fn interrupt_stops_the_server_cleanly() {
    let site = SiteTest::from_fixture("minimal");
    let mut serve = Serve::start(&site, 0);
    assert_eq!(serve.get("/").status, 200);
    serve.interrupt();
    assert_eq!(serve.wait(), Some(0), "{}", serve.log());
    assert!(serve.log().contains("stopped"), "{}", serve.log());
    assert!(TcpStream::connect(("127.0.0.1", serve.port)).is_err());
}

#[test]
fn drafts_are_shown_and_marked_and_nothing_is_written() {
    let site = SiteTest::from_fixture("full");
    let before = list_entries(site.tmp());
    let serve = Serve::start(&site, 0);
    let draft = serve.get("/items/11530100MB0Y54321L/2026-00031/");
    assert_eq!(draft.status, 200);
    assert!(draft.body.contains("DRAFTTITLEMARKER"));
    assert!(
        draft.body.contains("gongkai-draft"),
        "drafts carry a banner"
    );
    assert!(!serve.get(ITEM_PAGE).body.contains("gongkai-draft"));

    // Other files, as they are, with their media type.
    let css = serve.get("/static/style.css");
    assert_eq!(css.status, 200);
    assert!(css.headers.contains("text/css"));
    assert!(!css.body.contains("__gongkai"));
    let manifest = serve.get("/api/manifest.json");
    assert!(manifest.headers.contains("application/json"));
    assert!(manifest.body.contains("DRAFTTITLEMARKER"));
    let attachment = serve.get(&format!(
        "/departments/fgw/files/2024/{}",
        "%E6%94%B6%E8%B4%B9%E6%A0%87%E5%87%86.csv"
    ));
    assert_eq!(attachment.status, 200, "{}", attachment.body);
    assert_eq!(
        attachment.body,
        site.read_source("content/fgw/files/2024/收费标准.csv")
    );
    let missing = serve.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("__gongkai/live.js"));
    let folder = serve.get("/catalog");
    assert_eq!(folder.status, 301);
    assert!(folder.headers.contains("Location: /catalog/"));

    drop(serve);
    assert_eq!(list_entries(site.tmp()), before, "serve wrote files");

    // `build` output never carries what serve adds.
    site.build().assert_success();
    for file in list_files(&site.out()) {
        if file.ends_with(".html") {
            let html = read_text(&site.out().join(&file));
            assert!(!html.contains("__gongkai"), "{file}");
            assert!(!html.contains("gongkai-draft"), "{file}");
        }
    }
}

#[test]
fn added_and_deleted_items_appear_and_disappear() {
    let site = SiteTest::from_fixture("full");
    let serve = Serve::start(&site, 0);
    let new_file = "content/fgw/catalog/2024/2024-00013.md";
    let new_page = "/items/11530100MB0X12345K/2024-00013/";
    assert_eq!(serve.get(new_page).status, 404);
    let text = site
        .read_source(ITEM_FILE)
        .replace("2024-00012\"", "2024-00013\"")
        .replace(ITEM_TITLE, "新增的一条信息");
    site.write(new_file, &text);
    serve.poll(new_page, "appeared", |r| {
        r.status == 200 && r.body.contains("新增的一条信息")
    });
    std::fs::remove_file(site.root().join(new_file)).unwrap();
    serve.poll(new_page, "went away", |r| r.status == 404);
    assert_eq!(serve.get(ITEM_PAGE).status, 200);
}

#[test]
fn a_site_that_fails_its_first_build_is_served_with_its_errors() {
    let site = SiteTest::from_fixture("invalid");
    let serve = Serve::start(&site, 0);
    let page = serve.get("/");
    assert_eq!(page.status, 500);
    assert!(page.body.contains("gongkai-errors"));
    assert!(
        page.body.contains("content/bgt/catalog/01-typo.md"),
        "{}",
        page.body
    );
}

#[test]
fn a_taken_port_is_skipped() {
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = SiteTest::from_fixture("minimal");
    let serve = Serve::start(&site, port);
    assert_ne!(serve.port, port);
    assert!(serve.port > port);
    assert_eq!(serve.get("/").status, 200);
}

const DRAFT_PAGE: &str = "/items/11530100MB0Y54321L/2026-00031/";

fn get_with_host(port: u16, path: &str, host: &str) -> Response {
    http_request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

/// DNS rebinding: a page of evil.example whose name now resolves to
/// 127.0.0.1 must not read the preview (it has drafts).
#[test]
fn a_request_for_another_host_is_refused() {
    let site = SiteTest::from_fixture("full");
    let serve = Serve::start(&site, 0);
    let port = serve.port;
    for host in ["evil.example".to_string(), format!("evil.example:{port}")] {
        for path in [DRAFT_PAGE, "/", "/api/manifest.json", "/__gongkai/events"] {
            let r = get_with_host(port, path, &host);
            assert_eq!(r.status, 403, "{host} {path}: {}", r.body);
            assert!(!r.body.contains("DRAFTTITLEMARKER"), "{host} {path}");
            assert!(!r.headers.contains("text/event-stream"), "{host} {path}");
            assert!(r.body.contains("拒绝访问"), "{}", r.body);
            assert!(r.body.contains("DNS rebinding"), "{}", r.body);
            assert!(
                r.body.contains(&format!("http://127.0.0.1:{port}/")),
                "says what to open instead: {}",
                r.body
            );
        }
    }
    // The printed address and the loopback names, with the port, are answered.
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let r = get_with_host(port, DRAFT_PAGE, &host);
        assert_eq!(r.status, 200, "{host}: {}", r.body);
        assert!(r.body.contains("DRAFTTITLEMARKER"), "{host}");
    }
    // The right name on another port is another origin.
    let other = get_with_host(port, DRAFT_PAGE, &format!("127.0.0.1:{}", port ^ 1));
    assert_eq!(other.status, 403);
}

/// Browsers always send `Host`: without one, HTTP/1.0 is answered and
/// HTTP/1.1 is malformed (RFC 9112 3.2).
#[test]
fn a_request_without_host_is_answered_only_in_http_1_0() {
    let site = SiteTest::from_fixture("minimal");
    let serve = Serve::start(&site, 0);
    let old = http_request(serve.port, "GET / HTTP/1.0\r\n\r\n");
    assert_eq!(old.status, 200, "{}", old.body);
    let new = http_request(serve.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(new.status, 400, "{}", new.body);
    let twice = http_request(
        serve.port,
        &format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{0}\r\nHost: evil.example:{0}\r\nConnection: close\r\n\r\n",
            serve.port
        ),
    );
    assert_eq!(twice.status, 400, "{}", twice.body);
}

/// The event stream of another origin's page is refused; the preview's
/// own pages (same origin) may open it.
#[test]
fn the_event_stream_checks_origin() {
    let site = SiteTest::from_fixture("minimal");
    let serve = Serve::start(&site, 0);
    let port = serve.port;
    let events = |origin: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\r\n"
        )
        .unwrap();
        let mut status = String::new();
        BufReader::new(stream).read_line(&mut status).unwrap();
        status
    };
    for origin in [
        "http://evil.example",
        &format!("http://evil.example:{port}"),
        "null",
        &format!("https://127.0.0.1:{port}"),
    ] {
        let status = events(origin);
        assert!(status.starts_with("HTTP/1.1 403"), "{origin}: {status}");
    }
    for origin in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ] {
        let status = events(&origin);
        assert!(status.starts_with("HTTP/1.1 200"), "{origin}: {status}");
    }
}
