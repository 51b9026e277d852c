//! Live reload and what `serve` adds to pages: the reload script, the
//! error overlay and the draft banner. Only `serve` calls this; `build`
//! output never contains any of it.

use std::io::Write;
use std::sync::Mutex;

/// Where the browser listens for rebuilds (server-sent events).
pub const EVENTS_PATH: &str = "/__gongkai/events";
/// The reload script.
pub const SCRIPT_PATH: &str = "/__gongkai/live.js";

/// Reloads the page when the server announces a rebuild newer than the
/// one the page was served from. The generation travels with the page,
/// so a rebuild that happens between loading the page and connecting is
/// not missed. EventSource reconnects by itself after a restart.
pub const SCRIPT: &str = r#"// gongkai serve: reload this page when the site is rebuilt.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-generation") : null;
  var events = new EventSource("/__gongkai/events");
  events.addEventListener("rebuild", function (event) {
    var generation = String(JSON.parse(event.data).generation);
    if (generation !== shown) {
      events.close();
      location.reload();
    }
  });
})();
"#;

/// What `serve` adds to one HTML page.
pub struct Additions<'a> {
    /// The rebuild the page belongs to.
    pub generation: u64,
    /// The errors of the last build, as the terminal shows them (plain
    /// text), when it failed.
    pub errors: Option<(usize, &'a str)>,
    /// The page is a draft item's.
    pub draft: bool,
}

/// `html` with the overlay and banner after `<body…>` and the reload
/// script before `</body>` (or at the ends, for a page without them).
pub fn inject(html: &[u8], additions: &Additions) -> Vec<u8> {
    let mut top = String::new();
    if let Some((count, text)) = additions.errors {
        top.push_str(&overlay(count, text));
    }
    if additions.draft {
        top.push_str(DRAFT_BANNER);
    }
    let script = format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{}\"></script>\n",
        additions.generation
    );
    let body_start = find(html, b"<body")
        .and_then(|i| find(&html[i..], b">").map(|j| i + j + 1))
        .unwrap_or(0);
    let body_end = rfind(html, b"</body>")
        .unwrap_or(html.len())
        .max(body_start);
    let mut out = Vec::with_capacity(html.len() + top.len() + script.len());
    out.extend_from_slice(&html[..body_start]);
    out.extend_from_slice(top.as_bytes());
    out.extend_from_slice(&html[body_start..body_end]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[body_end..]);
    out
}

/// A page of its own for when there is no page to show the errors on
/// (the first build failed).
pub fn error_page(count: usize, text: &str, generation: u64) -> Vec<u8> {
    let html = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
                <title>gongkai serve: 内容有错误</title>\n</head>\n<body>\n</body>\n</html>\n";
    inject(
        html.as_bytes(),
        &Additions {
            generation,
            errors: Some((count, text)),
            draft: false,
        },
    )
}

fn overlay(count: usize, text: &str) -> String {
    format!(
        "<div id=\"gongkai-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;\
         background:#fff;color:#000;padding:1.5rem;font:16px/1.5 system-ui,sans-serif;border:6px solid #b00020\">\n\
         <h1 style=\"margin:0 0 .5rem;font-size:1.4rem;color:#b00020\">内容有 {count} 处错误，网站未能重新生成 · \
         {count} error(s): the site was not rebuilt</h1>\n\
         <p style=\"margin:0 0 1rem\">改正后保存文件，本提示会自动消失；下面是上次成功生成的页面。· \
         Fix the file and save: this message goes away by itself. Below it is the last good build.</p>\n\
         <pre style=\"white-space:pre-wrap;background:#f6f6f6;padding:1rem;margin:0;font:14px/1.45 ui-monospace,monospace\">{}</pre>\n\
         </div>\n",
        crate::text::escape(text)
    )
}

const DRAFT_BANNER: &str = "<div class=\"gongkai-draft\" role=\"note\" style=\"background:#fff3cd;color:#000;\
    border-bottom:3px solid #b26a00;padding:.5rem 1rem;font:16px/1.5 system-ui,sans-serif\">\
    <strong>草稿 · Draft</strong>：本页仅在 gongkai serve 预览中显示，gongkai build 不会发布。\
    删除 <code>draft = true</code> 后才会发布。· Shown only while previewing; not published until \
    <code>draft = true</code> is removed.</div>\n";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The open event streams of the browsers showing a page.
#[derive(Default)]
pub struct Listeners {
    streams: Mutex<Vec<Box<dyn Write + Send>>>,
}

impl Listeners {
    /// Take over a connection: send the headers of an event stream and the
    /// current generation, and keep it for [`Listeners::announce`].
    pub fn add(&self, mut stream: Box<dyn Write + Send>, generation: u64, ok: bool) {
        let headers = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                       Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\n\
                       retry: 500\n\n";
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if stream.write_all(headers.as_bytes()).is_ok() && send(&mut stream, generation, ok).is_ok()
        {
            streams.push(stream);
        }
    }

    /// Tell every browser that rebuild `generation` is ready; forget the
    /// ones that have gone.
    pub fn announce(&self, generation: u64, ok: bool) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        streams.retain_mut(|s| send(s, generation, ok).is_ok());
    }
}

fn send(stream: &mut Box<dyn Write + Send>, generation: u64, ok: bool) -> std::io::Result<()> {
    write!(
        stream,
        "event: rebuild\ndata: {{\"generation\":{generation},\"ok\":{ok}}}\n\n"
    )?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_inside_body() {
        let page = b"<html><head></head><body class=\"x\"><main>m</main></body></html>";
        let out = String::from_utf8(inject(
            page,
            &Additions {
                generation: 3,
                errors: Some((1, "error: <bad> & worse")),
                draft: true,
            },
        ))
        .unwrap();
        let body = out.find("<body class=\"x\">").unwrap();
        let overlay = out.find("gongkai-errors").unwrap();
        let banner = out.find("gongkai-draft").unwrap();
        let main = out.find("<main>").unwrap();
        let script = out.find("data-generation=\"3\"").unwrap();
        assert!(body < overlay && overlay < banner && banner < main && main < script);
        assert!(out.ends_with("</script>\n</body></html>"));
        assert!(out.contains("error: &lt;bad&gt; &amp; worse"));
    }

    #[test]
    fn plain_page_gets_only_the_script() {
        let out = String::from_utf8(inject(
            b"<p>no body tag</p>",
            &Additions {
                generation: 1,
                errors: None,
                draft: false,
            },
        ))
        .unwrap();
        assert_eq!(
            out,
            "<p>no body tag</p><script src=\"/__gongkai/live.js\" data-generation=\"1\"></script>\n"
        );
    }
}
