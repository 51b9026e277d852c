//! `gongkai serve` on the terminal: the URL, one line per rebuild, the
//! content's problems when they change, Ctrl+C to stop.

use std::io::Write;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use gongkai::serve::{self, Event, Outcome, RebuildReport, ServeOptions};

use super::exit::{self, Failure, site_root};
use crate::print_diagnostics;

pub fn run(options: ServeOptions, open: bool) -> exit::Outcome {
    site_root(&options.root)?;
    let (stop_tx, stop_rx) = mpsc::channel();
    // SIGINT (Ctrl+C) and SIGTERM end the loop; the process then exits
    // with status 0, as after any finished command.
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| Failure::Environment(format!("cannot handle Ctrl+C: {e}")))?;
    let terminal = Terminal::default();
    let report = Arc::new(move |event: Event| terminal.show(&event, open));
    match serve::serve(&options, report, stop_rx) {
        Ok(()) => {
            eprintln!("stopped");
            Ok(())
        }
        Err(e) => Err(Failure::Environment(e.to_string())),
    }
}

#[derive(Default)]
struct Terminal {
    /// The problems printed last, so that each is printed once, not after
    /// every save.
    shown_problems: Mutex<String>,
}

impl Terminal {
    fn show(&self, event: &Event, open: bool) {
        match event {
            Event::Ready { url, first } => {
                self.show_problems(first);
                println!(
                    "serving {url} with drafts, from memory (public/ is not written); {}; press Ctrl+C to stop",
                    summary(first)
                );
                let _ = std::io::stdout().flush();
                if open {
                    open_browser(url);
                }
            }
            Event::Rebuilt(report) => {
                self.show_problems(report);
                let changed = match report.changes.as_slice() {
                    [] => String::new(),
                    [one] => format!(" after a change to {}", one.path().display()),
                    [first, rest @ ..] => format!(
                        " after changes to {} and {} more",
                        first.path().display(),
                        rest.len()
                    ),
                };
                eprintln!("{}{changed}", summary(report));
            }
            Event::WatchError(e) => eprintln!("warning: watching for changes: {e}"),
        }
    }

    fn show_problems(&self, report: &RebuildReport) {
        let text = report.diagnostics.render_human(false);
        let mut shown = self
            .shown_problems
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if *shown != text {
            print_diagnostics(&report.diagnostics);
            *shown = text;
        }
        if let Outcome::Failed(message) = &report.outcome {
            eprintln!("error: {message}");
        }
    }
}

fn summary(report: &RebuildReport) -> String {
    let ms = report.elapsed.as_millis();
    let edited = report
        .edited_shown_after
        .map(|t| format!(" (edited pages served after {} ms)", t.as_millis()))
        .unwrap_or_default();
    match &report.outcome {
        Outcome::Rebuilt => format!("rebuilt {} items in {ms} ms{edited}", report.items),
        Outcome::ContentErrors => format!(
            "not rebuilt: {} error(s) (shown in the browser too); the last good pages are served",
            report.diagnostics.error_count()
        ),
        Outcome::Failed(_) => "not rebuilt; the last good pages are served".to_string(),
        Outcome::Superseded => format!("left after {ms} ms{edited} for a newer change"),
    }
}

/// Ask the desktop to open `url`; a failure only costs the editor a click.
fn open_browser(url: &str) {
    let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let spawned = std::process::Command::new(program)
        .args(args)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("note: cannot open a browser ({program} failed); open {url} yourself");
    }
}
