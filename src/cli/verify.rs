//! `gongkai verify`: a published site against its signed manifest.

use gongkai::seal::{self, Difference};

use crate::cli::exit::{Failure, Outcome};

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
pub fn run(args: VerifyArgs) -> Outcome {
    let site = seal::Site::parse(&args.site).map_err(|e| Failure::Usage(e.to_string()))?;
    let result = seal::verify(&site, &args.pubkey)
        .map_err(|e| Failure::Environment(format!("verify failed: {e}")))?;
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
        Ok(())
    } else {
        eprintln!(
            "verify: {} of {} files differ from the signed manifest{skipped}",
            result.differences.len(),
            result.checked
        );
        Err(Failure::Content)
    }
}
