//! Every input a fuzz campaign (`fuzz/run.sh`) found a bug with, run again
//! on stable: `tests/fuzz-regressions/<target>/<file>` goes through the
//! same code as the fuzz target `<target>` (fuzz/src/targets.rs).
//!
//! `GONGKAI_FUZZ_REPLAY=fuzz/corpus` runs a whole campaign's corpus the
//! same way instead (`fuzz/replay.sh`): the inputs a campaign learned on
//! one commit, through the code of another, without instrumenting it.

#[path = "../fuzz/src/checks.rs"]
mod checks;
#[path = "../fuzz/src/targets.rs"]
mod targets;

use std::path::Path;

#[test]
fn every_saved_fuzz_input_passes_its_target() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = match std::env::var_os("GONGKAI_FUZZ_REPLAY") {
        Some(dir) => here.join(dir),
        None => here.join("tests/fuzz-regressions"),
    };
    let mut ran = 0;
    for entry in std::fs::read_dir(&root).expect("tests/fuzz-regressions") {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        let Some((_, run)) = targets::TARGETS.iter().find(|(t, _)| *t == name) else {
            panic!("{} is not named after a fuzz target", dir.display());
        };
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} fails again", file.display());
            ran += 1;
        }
    }
    assert!(ran > 0, "no saved input found");
    eprintln!("{ran} inputs from {} passed", root.display());
}

/// The property of the Markdown target catches what it is meant to, so a
/// passing run means something.
#[test]
fn the_markdown_property_sees_script() {
    for html in [
        "<h2 id=\"x\" onfocus=\"alert(1)\">x</h2>",
        "<p><script>alert(1)</script></p>",
        "<svg><script>alert(1)</script></svg>",
        "<a href=\" JaVa&#x09;Script:alert(1)\">x</a>",
        "<a href=\"vbscript:x\">x</a>",
        "<img src=\"data:image/svg+xml,&lt;svg onload=alert(1)&gt;\">",
        "<img ONERROR=alert(1) src=x>",
    ] {
        assert!(!checks::script_hazards(html).is_empty(), "{html}");
    }
    for html in [
        "<p>onload=alert(1) and javascript:alert(1) as text</p>",
        "<img alt=\"data: 2024\" src=\"a.png\">",
        "<textarea><img onerror=alert(1)></textarea>",
        "<a href=\"https://example.gov.cn/a?javascript:x\">x</a>",
    ] {
        assert!(checks::script_hazards(html).is_empty(), "{html}");
    }
}
