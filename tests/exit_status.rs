//! Exit statuses, as README.md documents them: 0 done, 1 content errors
//! or a site or output that cannot be read or written, 2 a command that
//! names something that is not there. Each kind of outcome is run through
//! `check`, `check --since` and `build` of the real binary: the status must
//! not depend on the command.

mod support;

use std::path::Path;

use support::{Run, SiteTest, git_dated};

/// A fixture committed into its own repository, so that `--since HEAD`
/// has a revision to compare with.
fn committed(fixture: &str) -> SiteTest {
    let site = SiteTest::from_fixture(fixture);
    let date = "2025-01-10T10:00:00+08:00";
    git_dated(site.root(), &["init", "-q"], date);
    git_dated(site.root(), &["add", "-A"], date);
    git_dated(site.root(), &["commit", "-q", "-m", "first"], date);
    site
}

/// `check`, `check --since <rev>` and `build`, in the site's folder.
fn three_commands(site: &SiteTest, root: &Path, rev: &str, env: &[(&str, &str)]) -> [Run; 3] {
    let root = root.to_str().expect("UTF-8 path");
    let out = site.out();
    let out = out.to_str().expect("UTF-8 path");
    [
        site.run_with_env(&["check", "--root", root], env),
        site.run_with_env(&["check", "--root", root, "--since", rev], env),
        site.run_with_env(&["build", "--root", root, "--out", out], env),
    ]
}

#[test]
fn content_errors_exit_1_in_every_command() {
    let site = committed("invalid");
    for run in three_commands(&site, site.root(), "HEAD", &[]) {
        run.assert_code(1);
    }
}

#[test]
fn a_root_that_is_not_a_folder_exits_2_in_every_command() {
    let site = SiteTest::from_fixture("minimal");
    let missing = site.tmp().join("no-such-site");
    for run in three_commands(&site, &missing, "HEAD", &[]) {
        run.assert_code(2);
        assert!(run.stderr.contains("is not a folder"), "{run}");
    }
}

#[test]
fn an_unreadable_file_exits_1_in_every_command() {
    let site = committed("minimal");
    // Root may read any file; a folder where a file should be cannot be
    // read by anyone.
    std::fs::remove_file(site.root().join("site.toml")).unwrap();
    std::fs::create_dir(site.root().join("site.toml")).unwrap();
    for run in three_commands(&site, site.root(), "HEAD", &[]) {
        run.assert_code(1);
    }
}

#[test]
fn an_unknown_since_revision_exits_2() {
    let site = committed("minimal");
    let [check, since, build] = three_commands(&site, site.root(), "no-such-tag", &[]);
    check.assert_code(0);
    since.assert_code(2);
    build.assert_code(0);
}

#[test]
fn a_folder_that_cannot_be_written_exits_1_in_check_since_and_build() {
    let site = committed("minimal");
    // `check --since` checks the earlier revision out into a temporary
    // folder; main exited 2 here but 1 for the same failure in `build`.
    let missing = site.tmp().join("no-such-tmp");
    let tmpdir = [("TMPDIR", missing.to_str().unwrap())];
    let [check, since, _] = three_commands(&site, site.root(), "HEAD", &tmpdir);
    check.assert_code(0);
    since.assert_code(1);
    assert!(since.stderr.contains("cannot create a folder"), "{since}");
    // The output folder under a file.
    let root = site.root().to_str().unwrap();
    let out = site.root().join("site.toml").join("public");
    let build = site.run(&["build", "--root", root, "--out", out.to_str().unwrap()]);
    build.assert_code(1);
    assert!(
        build.stderr.contains("cannot prepare the output folder"),
        "{build}"
    );
}

/// A theme whose strings file does not parse.
fn broken_strings(site: &SiteTest) {
    site.write("themes/default/i18n/zh-CN.toml", "home = \n");
}

#[test]
fn a_theme_that_cannot_be_used_exits_1_in_every_command_that_renders_naming_the_file() {
    let site = committed("minimal");
    broken_strings(&site);
    let [check, since, build] = three_commands(&site, site.root(), "HEAD", &[]);
    // `check` renders nothing; `check --since` and `build` render.
    check.assert_code(0);
    for run in [since, build] {
        run.assert_code(1);
        assert!(run.stderr.contains("i18n/zh-CN.toml"), "{run}");
    }
}

/// Errors below the CLI keep their cause: what the message names comes
/// with the error it came from.
#[test]
fn build_errors_chain_to_their_source() {
    use std::error::Error;

    use gongkai::build::{BuildError, BuildOptions, build};
    use gongkai::render::{RenderError, ThemeError};

    let chain = |e: &dyn Error| {
        let mut all = vec![e.to_string()];
        let mut source = e.source();
        while let Some(s) = source {
            all.push(s.to_string());
            source = s.source();
        }
        all
    };

    let site = SiteTest::from_fixture("minimal");
    broken_strings(&site);
    let mut options = BuildOptions::new(site.root());
    options.out = Some(site.out());
    let e = build(&options, &|_| {}, &|| {}).unwrap_err();
    // The strings are read when rendering starts.
    let BuildError::Render(RenderError::Theme(ThemeError::Toml { file, .. })) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(file, "i18n/zh-CN.toml");
    let causes = chain(&e);
    assert!(causes.len() >= 3, "{causes:?}");
    assert!(e.source().unwrap().is::<RenderError>());
    assert!(
        causes
            .last()
            .unwrap()
            .contains("string values must be quoted")
    );

    let site = SiteTest::from_fixture("minimal");
    site.write(
        "themes/default/templates/404.html",
        "{{ no_such_variable }}",
    );
    let mut options = BuildOptions::new(site.root());
    options.out = Some(site.out());
    let e = build(&options, &|_| {}, &|| {}).unwrap_err();
    assert!(
        matches!(&e, BuildError::Render(RenderError::Template(_))),
        "{e:?}"
    );
    let causes = chain(&e);
    assert!(causes.len() >= 3, "{causes:?}");
    assert!(e.to_string().contains("404.html"), "{e}");
    assert!(e.to_string().contains("no_such_variable"), "{e}");
}
