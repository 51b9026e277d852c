//! Answers HTTP requests from the site held in memory (tiny_http, a few
//! worker threads: one editor's browser needs no async runtime).

use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Request, Response, Server, StatusCode};

use super::State;
use super::live::{self, Additions};

/// How long a request for a page that the running full render has not
/// reached yet waits for it before the previous version is served.
const WAIT_FOR_RENDER: Duration = Duration::from_secs(20);

/// Answer requests until the server is unblocked. `port` is the one the
/// server listens on: requests must be addressed to it.
pub fn run_worker(server: &Server, state: &State, port: u16) {
    for request in server.incoming_requests() {
        // A browser that went away mid-answer is no error of the site.
        let _ = answer(request, state, port);
    }
}

fn answer(request: Request, state: &State, port: u16) -> std::io::Result<()> {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if let Err(refusal) = check_host(&request, port) {
        return refuse(request, refusal, port);
    }
    match path {
        live::EVENTS_PATH => {
            let origin = header_values(&request, "Origin").next().map(str::to_string);
            if let Some(origin) = origin
                && !is_allowed_origin(&origin, port)
            {
                return refuse(request, Refusal::Origin(origin), port);
            }
            let (generation, ok) = {
                let current = state.current();
                (current.generation, current.errors.is_none())
            };
            state.listeners.add(request.into_writer(), generation, ok);
            Ok(())
        }
        live::SCRIPT_PATH => request.respond(
            Response::from_string(live::SCRIPT)
                .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store")),
        ),
        _ => answer_file(request, path, state),
    }
}

fn answer_file(request: Request, path: &str, state: &State) -> std::io::Result<()> {
    let Some(rel) = path
        .strip_prefix('/')
        .and_then(|p| percent_encoding::percent_decode_str(p).decode_utf8().ok())
    else {
        return request.respond(Response::empty(400));
    };
    let key = crate::urls::file_of(&rel);
    let (found, current) = state.lookup(&key, WAIT_FOR_RENDER);
    let (status, key, body) = match found {
        Some(body) => (200, key, Some(body)),
        None => {
            // `/items/x` for the folder `/items/x/`.
            let folder = format!("{rel}/index.html");
            if !rel.is_empty() && !rel.ends_with('/') && current.files.contains_key(&folder) {
                let location = format!("{path}/");
                return request
                    .respond(Response::empty(301).with_header(header("Location", &location)));
            }
            let not_found = "404.html".to_string();
            let body = current.files.get(&not_found).cloned();
            (404, not_found, body)
        }
    };
    let bytes = match body {
        Some(body) => body.read()?,
        // Nothing built yet: the first build failed.
        None if current.errors.is_some() => {
            let (count, text) = current.errors.as_ref().expect("checked");
            return respond_html(
                request,
                500,
                live::error_page(*count, text, current.generation),
            );
        }
        None => return request.respond(Response::empty(404)),
    };
    let content_type = content_type(&key);
    if content_type.starts_with("text/html") {
        let additions = Additions {
            generation: current.generation,
            errors: current.errors.as_ref().map(|(n, text)| (*n, text.as_str())),
            draft: current.drafts.contains(&key),
        };
        return respond_html(request, status, live::inject(&bytes, &additions));
    }
    request.respond(
        Response::from_data(bytes)
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", content_type))
            .with_header(header("Cache-Control", "no-store")),
    )
}

fn respond_html(request: Request, status: u16, html: Vec<u8>) -> std::io::Result<()> {
    request.respond(
        Response::from_data(html)
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store")),
    )
}

/// Why a request is not answered.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// An HTTP/1.1 request without `Host`, or one with several.
    BadHost,
    /// `Host` names something other than this machine: a page of another
    /// site whose name now resolves to 127.0.0.1 (DNS rebinding).
    Host(String),
    /// The event stream opened by a page of another origin.
    Origin(String),
}

/// The preview, drafts included, is for the editor's browser only. A web
/// page on another site can make the browser send requests here by
/// pointing its own host name at 127.0.0.1 (DNS rebinding); the browser
/// then sends that name as `Host`. So a request is answered only when
/// `Host` is a loopback name with this server's port. A request without
/// `Host` cannot come from a browser (browsers always send it), so an
/// HTTP/1.0 one is answered; HTTP/1.1 requires it (RFC 9112, 3.2).
fn check_host(request: &Request, port: u16) -> Result<(), Refusal> {
    let mut hosts = header_values(request, "Host");
    match (hosts.next(), hosts.next()) {
        (Some(host), None) if is_allowed_authority(host, port) => Ok(()),
        (Some(host), None) => Err(Refusal::Host(host.to_string())),
        (None, _) if request.http_version() == &tiny_http::HTTPVersion(1, 0) => Ok(()),
        _ => Err(Refusal::BadHost),
    }
}

fn header_values<'a>(request: &'a Request, name: &'static str) -> impl Iterator<Item = &'a str> {
    request
        .headers()
        .iter()
        .filter(move |h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// `host[:port]` names this machine's loopback interface and `port`.
/// Only the three names that always mean loopback: not `*.localhost`,
/// which some resolvers still send to DNS, nor other names that happen
/// to resolve to 127.0.0.1 today.
fn is_allowed_authority(authority: &str, port: u16) -> bool {
    let (host, given_port) = match authority.rsplit_once(':') {
        // `[::1]` alone has colons but no port.
        Some((host, p)) if !p.contains(']') => (host, Some(p)),
        _ => (authority, None),
    };
    let port_ok = match given_port {
        Some(p) => p.parse::<u16>() == Ok(port) && !p.starts_with('+'),
        None => port == 80,
    };
    port_ok
        && ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .any(|h| host.eq_ignore_ascii_case(h))
}

/// An `Origin` of a page served by this server.
fn is_allowed_origin(origin: &str, port: u16) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|authority| is_allowed_authority(authority, port))
}

/// 403 (400 for a missing `Host`) with a body that says why and what to
/// open instead, in Chinese first, as the theme's own text.
fn refuse(request: Request, refusal: Refusal, port: u16) -> std::io::Result<()> {
    let open = format!("http://127.0.0.1:{port}/");
    let (status, zh, en) = match &refusal {
        Refusal::BadHost => (
            400,
            "请求缺少 Host 头，或含有多个 Host 头。".to_string(),
            "The request has no Host header, or more than one.".to_string(),
        ),
        Refusal::Host(host) => (
            403,
            format!(
                "gongkai serve 只回答发往本机地址的请求，而本请求的主机名是 {host:?}。\
                 这样其他网站就无法读取预览中的页面和草稿（DNS 重绑定）。"
            ),
            format!(
                "gongkai serve answers only requests addressed to this machine, and this one \
                 is addressed to {host:?}. This keeps other web sites from reading the preview \
                 and its drafts (DNS rebinding)."
            ),
        ),
        Refusal::Origin(origin) => (
            403,
            format!("来自 {origin:?} 的页面不能订阅本预览的更新；只有预览自己的页面可以。"),
            format!(
                "A page from {origin:?} cannot follow this preview's rebuilds; only the preview's own pages can."
            ),
        ),
    };
    let body = format!(
        "{status} 拒绝访问：{zh}请在浏览器中打开 {open} 。\n\
         {status} Refused: {en} Open {open} in your browser instead.\n"
    );
    request.respond(
        Response::from_string(body)
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", "text/plain; charset=utf-8"))
            .with_header(header("X-Content-Type-Options", "nosniff"))
            .with_header(header("Cache-Control", "no-store")),
    )
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// The media type of an output file, by its extension.
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Keep the server's worker threads busy until it is unblocked.
pub fn spawn_workers(server: &Arc<Server>, state: &Arc<State>, count: usize, port: u16) {
    for _ in 0..count {
        let server = Arc::clone(server);
        let state = Arc::clone(state);
        std::thread::spawn(move || run_worker(&server, &state, port));
    }
}

#[cfg(test)]
mod tests {
    use super::{content_type, is_allowed_authority, is_allowed_origin};

    #[test]
    fn only_loopback_names_with_the_port_are_answered() {
        for ok in [
            "127.0.0.1:8123",
            "localhost:8123",
            "LocalHost:8123",
            "[::1]:8123",
        ] {
            assert!(is_allowed_authority(ok, 8123), "{ok}");
        }
        for bad in [
            "evil.example:8123",
            "evil.example",
            "127.0.0.1",
            "127.0.0.1:8124",
            "127.0.0.1:+8123",
            "127.0.0.1:08123x",
            "a.localhost:8123",
            "localhost.:8123",
            "127.0.0.2:8123",
            "localhost:8123@evil.example",
            "[::1]",
            "",
            ":8123",
        ] {
            assert!(!is_allowed_authority(bad, 8123), "{bad}");
        }
        assert!(is_allowed_authority("localhost", 80));
        assert!(is_allowed_authority("[::1]", 80));
        assert!(is_allowed_origin("http://localhost:8123", 8123));
        assert!(!is_allowed_origin("https://localhost:8123", 8123));
        assert!(!is_allowed_origin("null", 8123));
        assert!(!is_allowed_origin("http://evil.example:8123", 8123));
    }

    #[test]
    fn media_types() {
        assert_eq!(
            content_type("items/x/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type("atom.xml"), "application/atom+xml");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(
            content_type("items/x/revisions/abc.md"),
            "text/markdown; charset=utf-8"
        );
        assert_eq!(content_type("files/a/表.CSV"), "text/csv; charset=utf-8");
        assert_eq!(content_type("files/a/blob"), "application/octet-stream");
    }
}
