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

/// Answer requests until the server is unblocked.
pub fn run_worker(server: &Server, state: &State) {
    for request in server.incoming_requests() {
        // A browser that went away mid-answer is no error of the site.
        let _ = answer(request, state);
    }
}

fn answer(request: Request, state: &State) -> std::io::Result<()> {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    match path {
        live::EVENTS_PATH => {
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
    let key = crate::render::urls::file_of(&rel);
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
pub fn spawn_workers(server: &Arc<Server>, state: &Arc<State>, count: usize) {
    for _ in 0..count {
        let server = Arc::clone(server);
        let state = Arc::clone(state);
        std::thread::spawn(move || run_worker(&server, &state));
    }
}

#[cfg(test)]
mod tests {
    use super::content_type;

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
