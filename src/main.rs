//! The command line: the only place that knows about clap, terminals,
//! colours, the process environment and exit codes.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use gongkai::build::{self, BuildError, BuildOptions};
use gongkai::diagnostics::Diagnostics;
use gongkai::model::{Audience, Date};
use gongkai::serve::ServeOptions;
use indicatif::{ProgressBar, ProgressStyle};

mod cli;

// Rendering tens of thousands of pages is allocation-heavy; mimalloc cuts
// the build's time spent in the allocator roughly in half.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit statuses of the SPEC: 0 success, 1 content errors, 2 usage errors.
pub(crate) const EXIT_CONTENT: u8 = 1;
pub(crate) const EXIT_USAGE: u8 = 2;

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
    },
    /// Check the content and report every problem.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
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
    /// Create a new catalog item or department, ready to fill in.
    New {
        #[command(subcommand)]
        what: cli::new::NewCommand,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_iso(s).ok_or_else(|| format!("`{s}` is not a date like 2024-03-01"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            as_of,
        } => run_build(BuildOptions {
            root,
            out,
            base_url,
            as_of,
            audience: Audience::Publish,
        }),
        Command::Check {
            root,
            format,
            as_of,
        } => run_check(root, format, as_of),
        Command::Serve {
            root,
            port,
            open,
            as_of,
        } => cli::serve::run(ServeOptions { root, port, as_of }, open),
        Command::New { what } => cli::new::run(what),
    }
}

pub(crate) fn print_diagnostics(diagnostics: &Diagnostics) {
    if diagnostics.0.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", diagnostics.render_human(color));
}

fn run_check(root: PathBuf, format: Format, as_of: Option<Date>) -> ExitCode {
    if !root.is_dir() {
        eprintln!("error: {} is not a folder", root.display());
        return ExitCode::from(EXIT_USAGE);
    }
    let snapshot = match build::load_and_validate(&root, as_of, Audience::Publish) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", root.display());
            return ExitCode::from(EXIT_CONTENT);
        }
    };
    let d = &snapshot.diagnostics;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&d.to_json()).expect("json")
        ),
        Format::Human => {
            print_diagnostics(d);
            eprintln!("{}", summary_line(d));
        }
    }
    if d.has_errors() {
        ExitCode::from(EXIT_CONTENT)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary_line(d: &Diagnostics) -> String {
    match (d.error_count(), d.warning_count()) {
        (0, 0) => "check: no problems found".to_string(),
        (0, w) => format!("check: {w} warning(s), no errors"),
        (e, w) => format!(
            "check: {e} error(s), {w} warning(s): fix the errors above; nothing was published"
        ),
    }
}

fn run_build(options: BuildOptions) -> ExitCode {
    if !options.root.is_dir() {
        eprintln!("error: {} is not a folder", options.root.display());
        return ExitCode::from(EXIT_USAGE);
    }
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
            if terminal {
                eprintln!(
                    "built {} items ({} pages) into {} in {} ms; withheld: {} exempt, {} draft",
                    report.items,
                    report.pages,
                    report.out.display(),
                    started.elapsed().as_millis(),
                    report.withheld.exempt,
                    report.withheld.drafts
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(diagnostics)) => {
            bar.finish_and_clear();
            print_diagnostics(&diagnostics);
            eprintln!(
                "build failed: {} error(s); the previous output was left untouched",
                diagnostics.error_count()
            );
            ExitCode::from(EXIT_CONTENT)
        }
        Err(e) => {
            bar.finish_and_clear();
            eprintln!("build failed: {e}; the previous output was left untouched");
            ExitCode::from(EXIT_CONTENT)
        }
    }
}
