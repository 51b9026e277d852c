//! The content repository through gix: commits, the catalog and power
//! files each commit changed, blobs, tags. Only this module and
//! `crate::git` import gix; everything above works on plain ids and
//! strings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gix::ObjectId;

use super::cache::{CommitRecord, FileChange};

/// The commit trailer (`git commit --trailer "Public-Note: …"`) whose value
/// is the public reason for a deletion or the public note of a change.
pub const PUBLIC_NOTE: &str = "Public-Note";

/// A git repository holding a site, possibly in a subfolder.
pub struct Repo {
    repo: gix::ThreadSafeRepository,
    /// The site root relative to the work tree, as path components.
    prefix: Vec<String>,
    /// Where the history cache lives: `<site root>/.gongkai-cache`.
    pub cache_dir: PathBuf,
    /// In a shallow clone, the commits whose parents it lacks
    /// (`.git/shallow`): the history is read as if they had none.
    pub shallow: std::collections::BTreeSet<String>,
}

/// What could not be read from the repository, and gix's (or the file
/// system's) error when there is one.
#[derive(Debug)]
pub struct GitError {
    pub context: String,
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl GitError {
    pub fn new(context: impl Into<String>) -> GitError {
        GitError {
            context: context.into(),
            source: None,
        }
    }
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {source}", self.context),
            None => f.write_str(&self.context),
        }
    }
}

impl std::error::Error for GitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

fn err(context: &str, e: impl std::error::Error + Send + Sync + 'static) -> GitError {
    GitError {
        context: context.to_string(),
        source: Some(Box::new(e)),
    }
}

/// Which part of the site tree a path walk is in; only catalog files
/// (`content/<dept>/catalog/**/*.md`), power files
/// (`content/<dept>/powers/**/*.toml`), guides (`content/<dept>/guide.md`),
/// department files (`content/<dept>/department.toml`) and annual reports
/// (`content/<dept>/reports/<year>.{toml,md}`) make up document histories.
#[derive(Clone, Copy)]
enum Level {
    Content,
    Department,
    Catalog,
    Powers,
    Reports,
}

struct Entry {
    name: String,
    id: ObjectId,
    is_tree: bool,
    is_blob: bool,
}

impl Repo {
    /// The repository whose work tree contains `root`, if any.
    pub fn discover(root: &Path) -> Option<Repo> {
        let repo = gix::discover(root).ok()?;
        let workdir = repo.workdir()?.canonicalize().ok()?;
        let root = root.canonicalize().ok()?;
        let relative = root.strip_prefix(&workdir).ok()?;
        let prefix = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let shallow = match repo.shallow_commits() {
            Ok(Some(commits)) => commits.iter().map(ObjectId::to_string).collect(),
            _ => Default::default(),
        };
        Some(Repo {
            repo: repo.into_sync(),
            prefix,
            cache_dir: root.join(".gongkai-cache"),
            shallow,
        })
    }

    fn local(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local();
        // Revisions of a file are deltas of one another, in chains up to 50
        // long: without a cache of delta bases every read inflates the
        // whole chain again (30 s instead of 1 s on 30,000 revisions).
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                64 * 1024 * 1024,
            ))
        });
        repo
    }

    /// HEAD's commit, `None` in a repository without commits.
    pub fn head(&self) -> Option<String> {
        let repo = self.local();
        let id = repo.head_commit().ok()?.id;
        Some(id.to_string())
    }

    /// A revision as git understands it (`v2024.1`, `HEAD~3`, an id) → commit id.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        let repo = self.local();
        let id = repo
            .rev_parse_single(rev)
            .map_err(|e| err(&format!("`{rev}` is not a revision of this repository"), e))?;
        let commit = id
            .object()
            .map_err(|e| err(rev, e))?
            .peel_to_commit()
            .map_err(|e| err(&format!("`{rev}` does not name a commit"), e))?;
        Ok(commit.id.to_string())
    }

    /// Every commit reachable from `tip`, with what it changed in the
    /// catalog and the powers relative to each parent. Commits found in `known` are not
    /// read again.
    pub fn commits(
        &self,
        tip: &str,
        known: &BTreeMap<String, CommitRecord>,
    ) -> Result<BTreeMap<String, CommitRecord>, GitError> {
        let repo = self.local();
        let mut records = BTreeMap::new();
        let mut stack = vec![tip.to_string()];
        while let Some(id) = stack.pop() {
            if records.contains_key(&id) {
                continue;
            }
            // A boundary commit's record is made without its parents; a
            // record cached from a full clone would name parents this
            // clone lacks.
            let record = match known.get(&id) {
                Some(record) if !self.shallow.contains(&id) => record.clone(),
                _ => self.read_commit(&repo, &id)?,
            };
            stack.extend(
                record
                    .parents
                    .iter()
                    .filter(|p| !records.contains_key(*p))
                    .cloned(),
            );
            records.insert(id, record);
        }
        Ok(records)
    }

    fn read_commit(&self, repo: &gix::Repository, id: &str) -> Result<CommitRecord, GitError> {
        let oid = ObjectId::from_hex(id.as_bytes()).map_err(|e| err(id, e))?;
        let commit = repo.find_commit(oid).map_err(|e| err(id, e))?;
        let time = commit.time().map_err(|e| err(id, e))?;
        let message = commit.message().ok();
        let summary = message
            .as_ref()
            .map(|m| m.summary().to_string())
            .unwrap_or_default();
        let public_note = message.as_ref().and_then(|m| m.body()).and_then(|body| {
            let notes: Vec<String> = body
                .trailers()
                .filter(|t| t.token.eq_ignore_ascii_case(PUBLIC_NOTE.as_bytes()))
                .map(|t| t.value.to_string())
                .filter(|v| !v.trim().is_empty())
                .collect();
            (!notes.is_empty()).then(|| notes.join(" "))
        });
        let tree = commit.tree_id().map_err(|e| err(id, e))?.detach();
        let parents: Vec<ObjectId> = if self.shallow.contains(id) {
            Vec::new()
        } else {
            commit.parent_ids().map(|p| p.detach()).collect()
        };
        let content = self.content_tree(repo, tree)?;
        let mut changes = Vec::new();
        if parents.is_empty() {
            let mut list = Vec::new();
            self.diff(repo, None, content, "content", Level::Content, &mut list)?;
            changes.push(list);
        }
        for parent in &parents {
            let parent_tree = repo
                .find_commit(*parent)
                .and_then(|c| c.tree_id().map(|t| t.detach()))
                .map_err(|e| err(&parent.to_string(), e))?;
            let parent_content = self.content_tree(repo, parent_tree)?;
            let mut list = Vec::new();
            self.diff(
                repo,
                parent_content,
                content,
                "content",
                Level::Content,
                &mut list,
            )?;
            changes.push(list);
        }
        Ok(CommitRecord {
            parents: parents.iter().map(ObjectId::to_string).collect(),
            seconds: time.seconds,
            offset: time.offset,
            summary,
            public_note,
            changes,
        })
    }

    /// The `content/` tree of the site within a commit's tree.
    fn content_tree(
        &self,
        repo: &gix::Repository,
        tree: ObjectId,
    ) -> Result<Option<ObjectId>, GitError> {
        let mut current = tree;
        for name in self.prefix.iter().map(String::as_str).chain(["content"]) {
            match entries(repo, current)?
                .into_iter()
                .find(|e| e.is_tree && e.name == name)
            {
                Some(e) => current = e.id,
                None => return Ok(None),
            }
        }
        Ok(Some(current))
    }

    /// Catalog, power, guide, department and report files that differ between two trees, descending only into
    /// subtrees whose ids differ.
    fn diff(
        &self,
        repo: &gix::Repository,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        path: &str,
        level: Level,
        out: &mut Vec<FileChange>,
    ) -> Result<(), GitError> {
        if old == new {
            return Ok(());
        }
        let mut children: BTreeMap<String, (Option<Entry>, Option<Entry>)> = BTreeMap::new();
        for (side, tree) in [(0, old), (1, new)] {
            let Some(tree) = tree else { continue };
            for entry in entries(repo, tree)? {
                let slot = children.entry(entry.name.clone()).or_default();
                if side == 0 {
                    slot.0 = Some(entry);
                } else {
                    slot.1 = Some(entry);
                }
            }
        }
        for (name, (old, new)) in children {
            let child_path = format!("{path}/{name}");
            let tree_of = |e: &Option<Entry>| e.as_ref().filter(|e| e.is_tree).map(|e| e.id);
            let next = match level {
                Level::Content => Some(Level::Department),
                Level::Department if name == "catalog" => Some(Level::Catalog),
                Level::Department if name == "powers" => Some(Level::Powers),
                Level::Department if name == "reports" => Some(Level::Reports),
                Level::Department => None,
                Level::Catalog => Some(Level::Catalog),
                Level::Powers => Some(Level::Powers),
                Level::Reports => None,
            };
            if let Some(next) = next {
                self.diff(repo, tree_of(&old), tree_of(&new), &child_path, next, out)?;
            }
            let tracked = match level {
                Level::Department => name == "guide.md" || name == "department.toml",
                Level::Catalog => name.ends_with(".md"),
                Level::Powers => name.ends_with(".toml"),
                Level::Reports => name.ends_with(".toml") || name.ends_with(".md"),
                _ => false,
            };
            if tracked {
                let blob_of =
                    |e: &Option<Entry>| e.as_ref().filter(|e| e.is_blob).map(|e| e.id.to_string());
                let (old, new) = (blob_of(&old), blob_of(&new));
                if old != new {
                    out.push(FileChange {
                        path: child_path,
                        old,
                        new,
                    });
                }
            }
        }
        Ok(())
    }

    /// The bytes of a blob.
    pub fn read_blob(&self, repo: &gix::Repository, id: &str) -> Result<Vec<u8>, GitError> {
        let oid = ObjectId::from_hex(id.as_bytes()).map_err(|e| err(id, e))?;
        let blob = repo.find_blob(oid).map_err(|e| err(id, e))?;
        // A copy of its length: gix's buffer is sized for delta decoding
        // (39 kB on average for a 5 kB revision; 1.1 GB of 1.7 GB peak on
        // the first read of 29,000 revisions when it was kept). Dropping
        // `blob` returns the buffer to the handle for the next read.
        Ok(blob.data.to_vec())
    }

    /// A handle for reading objects on the current thread.
    pub fn reader(&self) -> gix::Repository {
        self.local()
    }

    /// Tags (lightweight or annotated) that point to commits: name → commit id.
    pub fn tags(&self) -> Result<Vec<(String, String)>, GitError> {
        let repo = self.local();
        let references = repo.references().map_err(|e| err("tags", e))?;
        let mut tags = Vec::new();
        for reference in references.tags().map_err(|e| err("tags", e))? {
            let Ok(mut reference) = reference else {
                continue;
            };
            let name = reference.name().shorten().to_string();
            if let Ok(commit) = reference.peel_to_commit() {
                tags.push((name, commit.id.to_string()));
            }
        }
        tags.sort();
        Ok(tags)
    }

    /// Write the site as it was at `commit` (site.toml, content/, themes/)
    /// into `dest`, for building an earlier state.
    pub fn checkout_site(&self, commit: &str, dest: &Path) -> Result<(), GitError> {
        let repo = self.local();
        let oid = ObjectId::from_hex(commit.as_bytes()).map_err(|e| err(commit, e))?;
        let mut tree = repo
            .find_commit(oid)
            .and_then(|c| c.tree_id().map(|t| t.detach()))
            .map_err(|e| err(commit, e))?;
        for name in &self.prefix {
            tree = entries(&repo, tree)?
                .into_iter()
                .find(|e| e.is_tree && &e.name == name)
                .map(|e| e.id)
                .ok_or_else(|| GitError::new(format!("the site is not in commit {commit}")))?;
        }
        for entry in entries(&repo, tree)? {
            let wanted = match entry.name.as_str() {
                "site.toml" => entry.is_blob,
                "content" | "themes" => entry.is_tree,
                _ => false,
            };
            if wanted {
                write_entry(&repo, &entry, &dest.join(&entry.name))?;
            }
        }
        Ok(())
    }
}

fn write_entry(repo: &gix::Repository, entry: &Entry, dest: &Path) -> Result<(), GitError> {
    let io = |e: std::io::Error| err(&dest.display().to_string(), e);
    if entry.is_tree {
        std::fs::create_dir_all(dest).map_err(io)?;
        for child in entries(repo, entry.id)? {
            // Names come from git and could be anything: stay inside `dest`.
            if child.name.contains(['/', '\\']) || child.name == ".." || child.name == "." {
                continue;
            }
            write_entry(repo, &child, &dest.join(&child.name))?;
        }
    } else if entry.is_blob {
        let blob = repo.find_blob(entry.id).map_err(|e| err(&entry.name, e))?;
        std::fs::write(dest, &blob.data).map_err(io)?;
    }
    Ok(())
}

fn entries(repo: &gix::Repository, tree: ObjectId) -> Result<Vec<Entry>, GitError> {
    let tree = repo
        .find_tree(tree)
        .map_err(|e| err(&tree.to_string(), e))?;
    let decoded = tree.decode().map_err(|e| err("tree", e))?;
    Ok(decoded
        .entries
        .iter()
        .map(|e| Entry {
            name: e.filename.to_string(),
            id: e.oid.to_owned(),
            is_tree: e.mode.is_tree(),
            is_blob: e.mode.is_blob(),
        })
        .collect())
}
