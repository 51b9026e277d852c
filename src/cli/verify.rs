//! `gongkai verify`: a published site against its signed manifest.

use std::process::ExitCode;

use gongkai::seal::{self, Difference};

use crate::{EXIT_CONTENT, EXIT_USAGE};

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The published site: a folder, or an http:// URL of its root.
    #[arg(long)]
    pub site: String,
    /// The editor's minisign public key: a `.pub` file, or the key itself
    /// (`RW…`, as `minisign -P` takes it).
    #[arg(long)]
    pub pubkey: String,
}

/// 0: signature and every file hold; 1: something differs (each file is
/// named on stdout) or the signature does not hold; 2: cannot read.
pub fn run(args: VerifyArgs) -> ExitCode {
    let site = match seal::Site::parse(&args.site) {
        Ok(site) => site,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let result = match seal::verify(&site, &args.pubkey) {
        Ok(result) => result,
        Err(e) => {
            eprintln!("verify failed: {e}");
            return ExitCode::from(EXIT_CONTENT);
        }
    };
    eprintln!(
        "signature good: {} (trusted comment: {})",
        seal::MANIFEST,
        result.trusted_comment
    );
    for (rel, difference) in &result.differences {
        let what = match difference {
            Difference::Changed => "changed",
            Difference::Missing => "missing",
            Difference::Extra => "not in the manifest",
        };
        println!("{what}: {rel}");
    }
    let skipped = if result.skipped > 0 {
        format!(
            " ({} server configuration files not checked over HTTP)",
            result.skipped
        )
    } else {
        String::new()
    };
    if result.differences.is_empty() {
        eprintln!(
            "verify: all {} files match the signed manifest{skipped}",
            result.checked
        );
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "verify: {} of {} files differ from the signed manifest{skipped}",
            result.differences.len(),
            result.checked
        );
        ExitCode::from(EXIT_CONTENT)
    }
}
