//! What a command came to, and the one function that turns it into an
//! exit status (README.md, "Exit status"):
//!
//! - 0: done (warnings allowed);
//! - 1: the content has errors (or `check --since` found URLs that would
//!   break), holds no such item or revision (`history`, `show`), or the
//!   site, its repository or the output cannot be read or written;
//! - 2: the command names something that is not there or cannot be used:
//!   a root that is not a folder, an unknown `--since` revision or
//!   department, a shallow clone without `--shallow-ok`, bad arguments
//!   (clap exits 2 itself).

use std::path::Path;
use std::process::ExitCode;

use gongkai::build::BuildError;

/// Why a command did not succeed. Diagnostics are printed by the command
/// before it returns [`Failure::Content`]; the other variants carry their
/// message, which [`exit`] prints.
#[derive(Debug)]
pub enum Failure {
    Content,
    /// The content holds no such item, or no such revision of it.
    Absent(String),
    /// The site, its repository or the output cannot be read or written.
    Environment(String),
    /// The command asked for something that is not there.
    Usage(String),
}

pub type Outcome = Result<(), Failure>;

/// The one mapping of outcomes to exit statuses.
pub fn exit(outcome: Outcome) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Content) => ExitCode::from(1),
        Err(Failure::Absent(message) | Failure::Environment(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The one check of `--root`, before a command reads anything.
pub fn site_root(root: &Path) -> Result<(), Failure> {
    if root.is_dir() {
        Ok(())
    } else {
        Err(Failure::Usage(format!(
            "{} is not a folder",
            root.display()
        )))
    }
}

impl From<BuildError> for Failure {
    /// `Content` carries diagnostics the caller prints before this.
    fn from(e: BuildError) -> Failure {
        match e {
            BuildError::Content(_) => Failure::Content,
            BuildError::Shallow | BuildError::NotFound(_) => Failure::Usage(e.to_string()),
            BuildError::Io { .. }
            | BuildError::Theme(_)
            | BuildError::Render(_)
            | BuildError::Search(_)
            | BuildError::Git(_) => Failure::Environment(e.to_string()),
        }
    }
}
