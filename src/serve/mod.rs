//! `gongkai serve`: the editor's loop. Builds the site in memory (never
//! `public/`), with drafts, and serves it on 127.0.0.1; watches
//! `content/`, `themes/` and `site.toml`; after each save rebuilds and
//! tells open pages to reload. A broken file never stops the server: the
//! last good pages are served with the errors shown over them.
//!
//! Threads: tiny_http workers answer requests from [`State`] (`http.rs`);
//! the watcher (`watch.rs`) hands batches of [`Change`]s to one builder
//! thread (`rebuild.rs`), which publishes each result to [`State`] and
//! announces it to the browsers (`live.rs`). Only this module imports
//! notify and the HTTP server.

mod http;
mod live;
pub mod memory;
mod rebuild;
mod watch;

use std::collections::HashSet;
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::model::Date;

use live::Listeners;
use memory::{Body, Files};
pub use rebuild::{Outcome, RebuildReport};
pub use watch::Change;

/// Ports tried after the requested one when it is taken.
const PORT_ATTEMPTS: u16 = 100;
/// Enough for a browser's parallel requests (and an open event stream,
/// which does not hold a worker).
const HTTP_WORKERS: usize = 4;

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// The first port tried; 0 lets the system choose.
    pub port: u16,
    /// Overrides the HEAD commit date, as for `build`.
    pub as_of: Option<Date>,
}

/// What `serve` tells the terminal.
pub enum Event<'a> {
    /// The first build is done and the site can be opened at `url`.
    Ready {
        url: &'a str,
        first: &'a RebuildReport,
    },
    Rebuilt(&'a RebuildReport),
    /// The file watcher failed; serving goes on.
    WatchError(&'a str),
}

/// Failures of the environment (not of the content): `serve` cannot start.
#[derive(Debug)]
pub enum ServeError {
    Bind { port: u16, error: io::Error },
    Http(String),
    Watch(String),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Bind { port, error } => write!(
                f,
                "cannot listen on 127.0.0.1 port {port} or the {} after it: {error}",
                PORT_ATTEMPTS - 1
            ),
            ServeError::Http(e) => write!(f, "cannot start the web server: {e}"),
            ServeError::Watch(e) => write!(f, "cannot watch the site for changes: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// Serve the site at `options.root` until `stop` receives (or its sender
/// is dropped).
pub fn serve(
    options: &ServeOptions,
    report: Arc<dyn Fn(Event) + Send + Sync>,
    stop: Receiver<()>,
) -> Result<(), ServeError> {
    let listener = bind(options.port).map_err(|error| ServeError::Bind {
        port: options.port,
        error,
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| ServeError::Http(e.to_string()))?
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let server = Arc::new(
        tiny_http::Server::from_listener(listener, None)
            .map_err(|e| ServeError::Http(e.to_string()))?,
    );
    let state = Arc::new(State::default());
    let mut builder = rebuild::Builder::new(&options.root, &url, options.as_of);

    // Changes that arrive while a rebuild runs are queued; `superseded`
    // makes the running full render give up for the newer content.
    let superseded = Arc::new(AtomicBool::new(false));
    let (changes_tx, changes_rx) = mpsc::channel::<Vec<Change>>();
    let watcher = {
        let superseded = Arc::clone(&superseded);
        let report = Arc::clone(&report);
        watch::Watcher::start(
            &options.root,
            move |changes| {
                superseded.store(true, Ordering::Relaxed);
                let _ = changes_tx.send(changes);
            },
            move |error| report(Event::WatchError(&error)),
        )
        .map_err(|e| ServeError::Watch(e.to_string()))?
    };

    let first = builder.rebuild(Vec::new(), &state, &AtomicBool::new(false));
    http::spawn_workers(&server, &state, HTTP_WORKERS, port);
    report(Event::Ready {
        url: &url,
        first: &first,
    });

    let builder_state = Arc::clone(&state);
    let builder_report = Arc::clone(&report);
    std::thread::spawn(move || {
        let mut watcher = watcher;
        while let Ok(mut changes) = changes_rx.recv() {
            while let Ok(more) = changes_rx.try_recv() {
                changes.extend(more);
            }
            changes.sort();
            changes.dedup();
            superseded.store(false, Ordering::Relaxed);
            let result = builder.rebuild(changes, &builder_state, &superseded);
            builder_report(Event::Rebuilt(&result));
            if let Err(e) = watcher.watch_folders() {
                builder_report(Event::WatchError(&e.to_string()));
            }
        }
    });

    let _ = stop.recv();
    for _ in 0..HTTP_WORKERS {
        server.unblock();
    }
    Ok(())
}

/// 127.0.0.1 only: a preview with drafts is for the editor's own machine.
fn bind(port: u16) -> io::Result<TcpListener> {
    if port == 0 {
        return TcpListener::bind((Ipv4Addr::LOCALHOST, 0));
    }
    let mut last_error = None;
    for candidate in port..=port.saturating_add(PORT_ATTEMPTS - 1) {
        match TcpListener::bind((Ipv4Addr::LOCALHOST, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.expect("at least one port tried"))
}

/// What is being served: replaced as a whole by each rebuild, so that a
/// request sees one consistent version.
#[derive(Clone, Default)]
pub struct Current {
    /// Counts the versions announced to browsers; pages carry it.
    pub generation: u64,
    /// The last complete render.
    pub files: Arc<Files>,
    /// Pages of edited items rendered ahead of the full render: newer
    /// than `files`.
    pub ahead: Arc<Files>,
    /// A full render is under way: `files` is out of date.
    pub rendering: bool,
    /// The errors of the last build (count, text), shown over every page.
    pub errors: Option<(usize, String)>,
    /// Output files of draft items' pages, which get a banner.
    pub drafts: Arc<HashSet<String>>,
}

#[derive(Default)]
pub struct State {
    current: Mutex<Arc<Current>>,
    /// Signalled whenever `current` changes.
    changed: Condvar,
    listeners: Listeners,
}

impl State {
    fn current(&self) -> Arc<Current> {
        Arc::clone(&self.current.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn has_pages(&self) -> bool {
        !self.current().files.is_empty()
    }

    /// The file at `key` and the version it belongs to. While a full
    /// render runs, a page that was not rendered ahead waits for it (at
    /// most `wait`): it may show the edit too.
    fn lookup(&self, key: &str, wait: Duration) -> (Option<Body>, Arc<Current>) {
        let deadline = Instant::now() + wait;
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(body) = current.ahead.get(key) {
                return (Some(body.clone()), Arc::clone(&current));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if !current.rendering || left.is_zero() {
                return (current.files.get(key).cloned(), Arc::clone(&current));
            }
            current = self
                .changed
                .wait_timeout(current, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Replace what is served; announce it to browsers when `announce`.
    fn update(&self, announce: bool, change: impl FnOnce(&mut Current)) {
        let (generation, ok) = {
            let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
            let mut next = Current::clone(&current);
            change(&mut next);
            if announce {
                next.generation += 1;
            }
            let result = (next.generation, next.errors.is_none());
            *current = Arc::new(next);
            result
        };
        self.changed.notify_all();
        if announce {
            self.listeners.announce(generation, ok);
        }
    }

    /// The edited items' pages are ready: show them now.
    fn show_edited(&self, ahead: Files, drafts: HashSet<String>) {
        self.update(true, |c| {
            c.ahead = Arc::new(ahead);
            c.rendering = true;
            c.errors = None;
            c.drafts = Arc::new(drafts);
        });
    }

    /// The whole site is rendered.
    fn show_all(&self, files: Files, drafts: HashSet<String>, announce: bool) {
        self.update(announce, |c| {
            c.files = Arc::new(files);
            c.ahead = Arc::default();
            c.rendering = false;
            c.errors = None;
            c.drafts = Arc::new(drafts);
        });
    }

    /// The build failed: keep the pages, show the errors over them.
    fn show_errors(&self, count: usize, text: String) {
        self.update(true, |c| {
            c.rendering = false;
            c.errors = Some((count, text));
        });
    }
}
