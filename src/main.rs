//! The command line: the only place that knows about clap, terminals,
//! colours, the process environment and exit codes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use cli::exit::{Failure, Outcome, exit, site_root};
use gongkai::build::{self, BuildError, BuildOptions};
use gongkai::diagnostics::Diagnostics;
use gongkai::history::log;
use gongkai::model::{Audience, Date};
use gongkai::serve::ServeOptions;
use indicatif::{ProgressBar, ProgressStyle};

mod cli;

// Rendering tens of thousands of pages is allocation-heavy; mimalloc cuts
// the build's time spent in the allocator roughly in half.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "Static-site generator for government information-disclosure catalogs (政府信息公开)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --out).
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override base_url of site.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Build as of this date (YYYY-MM-DD) instead of the HEAD commit date.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Build from a shallow clone with only the history it holds:
        /// archived revisions before the clone's first commit are left out.
        #[arg(long)]
        shallow_ok: bool,
        /// Sign api/manifest.json with this minisign secret key (made
        /// with `minisign -G -W`; default: $GONGKAI_SIGN_KEY). Keep it out
        /// of the repository.
        #[arg(long, value_name = "PATH")]
        sign_key: Option<PathBuf>,
    },
    /// Check the content and report every problem.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Also list every URL that the build at this git revision (tag,
        /// commit, branch) published and the current build would not, and
        /// fail if there is one.
        #[arg(long, value_name = "REV")]
        since: Option<String>,
        /// Check a shallow clone's content without its full history.
        #[arg(long)]
        shallow_ok: bool,
    },
    /// Print the revisions of one item: date, commit, blob, status, message.
    History {
        /// The item's 索引号, or a power's 职权编码.
        index_no: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the source of one item as it was (default: its latest revision).
    Show {
        /// The item's 索引号, or a power's 职权编码.
        index_no: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// A blob or commit id (or its first characters).
        #[arg(long, conflicts_with = "as_of")]
        rev: Option<String>,
        /// The revision current at the end of this day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Preview the site, drafts included, and rebuild it on every save.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// First port tried on 127.0.0.1 (the next free one is used if it is taken).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the web browser.
        #[arg(long)]
        open: bool,
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Search the site as the browser does (the same index and scores).
    Search(cli::search::SearchArgs),
    /// List the vocabularies: 主题分类, 文种, 职权类型 (site.toml's or the national ones).
    Vocab(cli::vocab::VocabArgs),
    /// Write a WACZ web archive of the site as built at a release (default:
    /// HEAD), for web archives and pywb to replay.
    Archive {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// A tag, commit or branch.
        #[arg(long, value_name = "TAG")]
        rev: Option<String>,
        /// The .wacz file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a published site (folder or http:// URL) against its signed
    /// manifest: the signature, then every file's SHA-256.
    Verify(cli::verify::VerifyArgs),
    /// Create a new catalog item or department, ready to fill in.
    New {
        #[command(subcommand)]
        what: cli::new::NewCommand,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("`{s}` is not a date like 2024-03-01"))
}

fn main() -> ExitCode {
    without_transparent_huge_pages();
    let cli = Cli::parse();
    exit(run(cli.command))
}

/// Where the kernel backs every anonymous mapping with transparent huge
/// pages (`/sys/kernel/mm/transparent_hugepage/enabled` = `always`, the
/// default of many distributions), each first touch of the allocator's
/// memory zeroes 2 MiB: a one-commit rebuild of 10,000 items spent a
/// sixth of its CPU in the kernel's `clear_page_erms`, and peak memory
/// grew with the partly used huge pages. A build touches its memory once
/// and streams its output; it gains nothing from huge pages.
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and
    // changes only this process's (and its children's) paging policy.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn run(command: Command) -> Outcome {
    match command {
        Command::Build {
            root,
            out,
            base_url,
            as_of,
            shallow_ok,
            sign_key,
        } => run_build(BuildOptions {
            root,
            out,
            base_url,
            as_of,
            audience: Audience::Publish,
            shallow_ok,
            // CI keeps the key in a secret file named by the environment.
            sign_key: sign_key.or_else(|| {
                std::env::var_os("GONGKAI_SIGN_KEY")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            }),
            generator: generator(),
        }),
        Command::Check {
            root,
            format,
            as_of,
            since,
            shallow_ok,
        } => run_check(&root, format, as_of, since.as_deref(), shallow_ok),
        Command::History {
            index_no,
            root,
            format,
        } => run_history(&root, &index_no, format),
        Command::Show {
            index_no,
            root,
            rev,
            as_of,
        } => {
            let selector = match (&rev, as_of) {
                (Some(rev), _) => log::Selector::Rev(rev),
                (None, Some(date)) => log::Selector::AsOf(date),
                (None, None) => log::Selector::Latest,
            };
            run_show(&root, &index_no, selector)
        }
        Command::Serve {
            root,
            port,
            open,
            as_of,
        } => cli::serve::run(ServeOptions { root, port, as_of }, open),
        Command::New { what } => cli::new::run(what),
        Command::Search(args) => cli::search::run(args),
        Command::Vocab(args) => cli::vocab::run(args),
        Command::Verify(args) => cli::verify::run(args),
        Command::Archive { root, rev, out } => run_archive(&root, rev.as_deref(), &out),
    }
}

fn unknown_item(history: &gongkai::history::History, index_no: &str) -> Failure {
    let keys = history
        .items
        .events
        .keys()
        .chain(history.powers.events.keys());
    let hint = gongkai::diagnostics::did_you_mean(index_no, keys.map(String::as_str))
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    Failure::Absent(format!(
        "no item with 索引号 (or power with 职权编码) `{index_no}` in the history{hint}"
    ))
}

fn run_history(root: &Path, index_no: &str, format: Format) -> Outcome {
    site_root(root)?;
    let history = build::read_history(root)?;
    let entries = log::log(&history, index_no);
    if entries.is_empty() {
        return Err(unknown_item(&history, index_no));
    }
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&entries).expect("json")),
        Format::Human => {
            for e in &entries {
                println!(
                    "{}  {}  {}  {:<10}  {}",
                    e.date,
                    &e.commit[..10.min(e.commit.len())],
                    e.blob
                        .as_deref()
                        .unwrap_or("-                                       "),
                    e.status,
                    e.message
                );
            }
        }
    }
    Ok(())
}

fn run_show(root: &Path, index_no: &str, selector: log::Selector) -> Outcome {
    site_root(root)?;
    let history = build::read_history(root)?;
    if !history.knows(index_no) {
        return Err(unknown_item(&history, index_no));
    }
    match log::show(&history, index_no, selector) {
        Ok(text) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| Failure::Environment(format!("cannot write to stdout: {e}")))
        }
        Err(message) => Err(Failure::Absent(message)),
    }
}

/// `check --since REV`: the URLs published at REV that the current content
/// would break. JSON goes into the check's own document (one document on
/// stdout), human output is printed here.
fn check_since(root: &Path, rev: &str, format: Format) -> (Outcome, Option<serde_json::Value>) {
    match build::lost_urls_since(root, rev) {
        Ok(report) => {
            let status = if report.lost.is_empty() {
                Ok(())
            } else {
                Err(Failure::Content)
            };
            if format == Format::Json {
                let lost: Vec<String> = report.lost.iter().map(|u| format!("/{u}")).collect();
                let json = serde_json::json!({"rev": rev, "commit": report.commit, "lost": lost});
                return (status, Some(json));
            }
            for url in &report.lost {
                println!("/{url}");
            }
            if report.lost.is_empty() {
                eprintln!(
                    "check --since {rev}: all {} files published at {} are still published ({} now)",
                    report.then,
                    &report.commit[..10],
                    report.now
                );
            } else {
                eprintln!(
                    "check --since {rev}: {} URL(s) published at {} would break; keep the files, add the old slug to `aliases` in department.toml, or restore them",
                    report.lost.len(),
                    &report.commit[..10]
                );
            }
            (status, None)
        }
        Err(BuildError::Content(d)) => {
            print_diagnostics(&d);
            (Err(Failure::Content), None)
        }
        Err(e) => (Err(e.into()), None),
    }
}

pub(crate) fn print_diagnostics(diagnostics: &Diagnostics) {
    if diagnostics.0.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", diagnostics.render_human(color));
}

fn run_check(
    root: &Path,
    format: Format,
    as_of: Option<Date>,
    since: Option<&str>,
    shallow_ok: bool,
) -> Outcome {
    site_root(root)?;
    if build::shallow_clone(root, shallow_ok)? {
        eprintln!("{SHALLOW_NOTE}");
    }
    let snapshot = build::load_and_validate(
        root,
        as_of,
        // The history is read (cached, so cheap), so that what a build
        // would publish about deletions (their public reason) is checked too.
        Audience::Publish,
    )
    .map_err(|e| Failure::Environment(format!("cannot read {}: {e}", root.display())))?;
    let d = &snapshot.diagnostics;
    if format == Format::Human {
        print_diagnostics(d);
        eprintln!("{}", summary_line(d));
    }
    let (status, since_json) = match since {
        _ if d.has_errors() => (Err(Failure::Content), None),
        Some(rev) => check_since(root, rev, format),
        None => (Ok(()), None),
    };
    if format == Format::Json {
        let mut json = d.to_json();
        if let Some(since_json) = since_json {
            json["since"] = since_json;
        }
        println!("{}", serde_json::to_string_pretty(&json).expect("json"));
    }
    status
}

const SHALLOW_NOTE: &str = "note: shallow clone (--shallow-ok): only the history the clone holds was read; archived revisions before the clone's horizon are not published";

fn summary_line(d: &Diagnostics) -> String {
    match (d.error_count(), d.warning_count()) {
        (0, 0) => "check: no problems found".to_string(),
        (0, w) => format!("check: {w} warning(s), no errors"),
        (e, w) => format!(
            "check: {e} error(s), {w} warning(s): fix the errors above; nothing was published"
        ),
    }
}

/// This executable's size and time: a rebuilt gongkai of the same version
/// does not reuse the pages an earlier one made.
fn generator() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let time = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            format!("{} {}", m.len(), time.as_nanos())
        })
        .unwrap_or_default()
}

fn run_build(options: BuildOptions) -> Outcome {
    site_root(&options.root)?;
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let bar = ProgressBar::hidden();
    let on_total = |total: usize| {
        if terminal {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_length(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} rendering items {pos}/{len} {wide_bar} {eta}",
                )
                .expect("valid template"),
            );
        }
    };
    let progress = || bar.inc(1);
    match build::build(&options, &on_total, &progress) {
        Ok(report) => {
            bar.finish_and_clear();
            print_diagnostics(&report.diagnostics);
            if report.shallow {
                eprintln!("{SHALLOW_NOTE}");
            }
            if report.without_git {
                eprintln!(
                    "note: {} is not in a git repository: building current content only (no revision history), as of {}",
                    options.root.display(),
                    report
                        .build
                        .as_of
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                );
            }
            // Always, not only on a terminal: a silent success reads as
            // "did anything happen?" in a script's log too.
            eprintln!(
                "built {} items: {} pages, {} files ({} reused, {} unchanged, {} written) in {:.1} s into {}; withheld: {} exempt, {} draft",
                report.items,
                report.pages,
                report.files,
                report.reused,
                report.unchanged,
                report.files - report.reused - report.unchanged,
                started.elapsed().as_secs_f64(),
                report.out.display(),
                report.withheld.exempt,
                report.withheld.drafts
            );
            Ok(())
        }
        Err(BuildError::Content(diagnostics)) => {
            bar.finish_and_clear();
            print_diagnostics(&diagnostics);
            eprintln!(
                "build failed: {} error(s); the previous output was left untouched",
                diagnostics.error_count()
            );
            Err(Failure::Content)
        }
        Err(e) => {
            bar.finish_and_clear();
            let failure = Failure::from(e);
            if matches!(failure, Failure::Environment(_)) {
                eprintln!("build failed; the previous output was left untouched");
            }
            Err(failure)
        }
    }
}

fn run_archive(root: &Path, rev: Option<&str>, out: &Path) -> Outcome {
    site_root(root)?;
    let started = Instant::now();
    match gongkai::archive::archive(root, rev, out) {
        Ok(report) => {
            eprintln!(
                "archived commit {} ({}): {} WARC records, {} bytes of WARC, {} bytes of WACZ in {:.1} s into {}",
                &report.commit[..10.min(report.commit.len())],
                report.version.as_deref().unwrap_or("untagged"),
                report.records,
                report.warc_bytes,
                report.wacz_bytes,
                started.elapsed().as_secs_f64(),
                out.display()
            );
            Ok(())
        }
        Err(BuildError::Content(diagnostics)) => {
            print_diagnostics(&diagnostics);
            eprintln!(
                "archive failed: the site at {} has {} error(s)",
                rev.unwrap_or("HEAD"),
                diagnostics.error_count()
            );
            Err(Failure::Content)
        }
        Err(e) => Err(e.into()),
    }
}
