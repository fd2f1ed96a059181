//! Watches the files a site is made from (site.yaml, content/, templates/, static/, themes/)
//! and turns bursts of file-system events into one `FileChanges` per rebuild: an editor's save
//! that writes three times, or a `git checkout` touching hundreds of files, is one rebuild.
//! Editor temp and swap files are ignored; files and folders that are created, removed or
//! renamed (a new section included) mark the change as structural.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::content::is_editor_temp;
use crate::error::{Diagnostic, Result};
use crate::memo::FileChanges;

/// The folders of a site whose files go into the build.
pub const WATCHED_DIRS: &[&str] = &["content", "templates", "static", "themes"];

/// A burst is over when no relevant event came for this long: editors finish a save within a
/// few milliseconds, and every millisecond here is added to the save-to-browser time.
const QUIET: Duration = Duration::from_millis(20);
/// Once every file written in a burst is closed again (and nothing was created, removed or
/// renamed), the save is over: wait only this long for a follow-up.
const SETTLED: Duration = Duration::from_millis(4);
/// A burst that goes on longer than this (a large checkout) is rebuilt in parts. It is also how
/// long a save that truncated a file and has not written it yet is waited for.
const LONGEST_BURST: Duration = Duration::from_millis(500);
/// Whether the platform's watcher reports a written file being closed (inotify does). Where it
/// does not, a file still being written cannot be told from one written and done.
const CLOSES_REPORTED: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// A running watch of one site folder.
pub struct Watcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    /// Lets tests queue events of their own.
    #[cfg(test)]
    sender: std::sync::mpsc::Sender<notify::Result<Event>>,
}

impl Watcher {
    /// Starts watching the site in `root` (an absolute path, as the builds are given).
    pub fn new(root: &Path) -> Result<Watcher> {
        let (sender, events) = channel();
        #[cfg(test)]
        let test_sender = sender.clone();
        let mut watcher = notify::recommended_watcher(sender).map_err(|e| watch_error(root, &e))?;
        // The root itself, not recursively: site.yaml, and the watched folders appearing later.
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(root, &e))?;
        let mut watch = Watcher {
            root: root.to_path_buf(),
            watcher,
            events,
            #[cfg(test)]
            sender: test_sender,
        };
        for dir in WATCHED_DIRS {
            watch.watch_dir(dir)?;
        }
        Ok(watch)
    }

    fn watch_dir(&mut self, dir: &str) -> Result<()> {
        let path = self.root.join(dir);
        if !path.is_dir() {
            return Ok(());
        }
        self.watcher
            .watch(&path, RecursiveMode::Recursive)
            .map_err(|e| watch_error(&path, &e).into())
    }

    /// Waits for the next change that matters to the build and for its burst to end. `None`
    /// when the watcher stopped.
    pub fn next_changes(&mut self) -> Option<FileChanges> {
        let mut changes = FileChanges::default();
        let mut writes = Writes::default();
        while changes.is_empty() {
            let event = self.events.recv().ok()?;
            self.add(event, &mut changes, &mut writes);
        }
        let started = Instant::now();
        let mut last = Instant::now();
        while last.elapsed() < writes.quiet(&changes) && started.elapsed() < LONGEST_BURST {
            let left = (writes.quiet(&changes).saturating_sub(last.elapsed()))
                .min(LONGEST_BURST.saturating_sub(started.elapsed()));
            match self.events.recv_timeout(left) {
                Ok(event) => {
                    if self.add(event, &mut changes, &mut writes) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(changes)
    }

    /// Adds what `event` changed to `changes`; false when it does not matter to the build.
    fn add(
        &mut self,
        event: notify::Result<Event>,
        changes: &mut FileChanges,
        writes: &mut Writes,
    ) -> bool {
        let event = match event {
            Ok(e) => e,
            // The watcher lost events or failed: nothing kept can be trusted.
            Err(_) => {
                *changes = FileChanges::everything();
                return true;
            }
        };
        if event.need_rescan() {
            *changes = FileChanges::everything();
            return true;
        }
        let structural = match event.kind {
            // Reads (ours included) change nothing; a closed written file was reported by its writes.
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => false,
            EventKind::Access(_) => return false,
            EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_)) => false,
            _ => true,
        };
        let mut relevant = false;
        for path in &event.paths {
            let Some(dir) = self.relevant(path) else {
                continue;
            };
            relevant = true;
            match event.kind {
                EventKind::Modify(ModifyKind::Data(_)) => {
                    writes.open.insert(path.clone());
                }
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                    writes.open.remove(path);
                    writes.closed = true;
                }
                _ => {}
            }
            changes.paths.insert(path.clone());
            changes.structure |= structural;
            // A watched folder created (or renamed into place) after the start is watched from now on.
            if structural && path.parent() == Some(self.root.as_path()) {
                let _ = self.watch_dir(dir);
            }
        }
        relevant
    }

    /// The watched top-level entry `path` is under, or `None` when the build never reads it.
    fn relevant(&self, path: &Path) -> Option<&'static str> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let first = parts.next()?;
        if first == CONFIG_FILE {
            return Some(CONFIG_FILE);
        }
        let dir = WATCHED_DIRS.iter().find(|d| **d == first)?;
        if parts.any(|name| is_editor_temp(&name)) {
            return None;
        }
        Some(dir)
    }

    /// How the terminal names a change: `content/faq/a.md changed`, or `3 files changed`.
    pub fn describe(&self, changes: &FileChanges) -> String {
        match changes.paths.len() {
            1 => {
                let path = changes.paths.first().expect("one path");
                let shown = path.strip_prefix(&self.root).unwrap_or(path);
                format!("{} changed", shown.display())
            }
            0 => "files changed".into(),
            n => format!("{n} files changed"),
        }
    }
}

/// The files of a burst written to and not closed yet.
#[derive(Default)]
struct Writes {
    open: BTreeSet<PathBuf>,
    /// A written file was closed.
    closed: bool,
}

impl Writes {
    /// Whether the burst looks like saves that are over: files written and closed, nothing
    /// created, removed or renamed (as editors saving through a temporary file do).
    fn settled(&self, changes: &FileChanges) -> bool {
        self.closed && self.open.is_empty() && !changes.structure
    }

    /// How long a burst must go without a relevant event to be over. A file written to and not
    /// closed is still being saved: `std::fs::write` and editors saving in place empty the file
    /// first, and a writer paused between that and its write (a busy machine) would otherwise
    /// have the empty file built and served. Its close ends the wait, or `LONGEST_BURST` does.
    fn quiet(&self, changes: &FileChanges) -> Duration {
        if self.settled(changes) {
            SETTLED
        } else if CLOSES_REPORTED && !self.open.is_empty() {
            LONGEST_BURST
        } else {
            QUIET
        }
    }
}

fn watch_error(path: &Path, e: &notify::Error) -> Diagnostic {
    let hint = match e.kind {
        notify::ErrorKind::MaxFilesWatch => {
            "the system's limit of watched folders is reached; raise it (on Linux: sysctl fs.inotify.max_user_watches=524288)"
        }
        _ => "check that the folder exists and is readable",
    };
    Diagnostic::error(path, format!("could not watch for changes: {e}")).help(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange};

    #[test]
    fn a_burst_of_events_is_one_change_and_reads_and_temp_files_are_not_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let mut watch = Watcher::new(&root).unwrap();
        let event = |kind, path: &str| Ok(Event::new(kind).add_path(root.join(path)));
        // What a `git checkout` of 300 files looks like, queued before the watcher looks.
        for i in 0..300 {
            let kind = EventKind::Create(CreateKind::File);
            watch
                .sender
                .send(event(kind, &format!("content/faq/{i}.md")))
                .unwrap();
        }
        let save = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        watch
            .sender
            .send(event(save, "content/faq/.0.md.swp"))
            .unwrap();
        watch.sender.send(event(save, "public/index.html")).unwrap();
        let changes = watch.next_changes().unwrap();
        assert_eq!(changes.paths.len(), 300);
        assert!(changes.structure);
        assert!(!changes.paths.iter().any(|p| p.ends_with(".0.md.swp")));
        assert_eq!(watch.describe(&changes), "300 files changed");

        // Reads never start a rebuild; a save does, and is not structural.
        let read = EventKind::Access(AccessKind::Open(AccessMode::Any));
        watch.sender.send(event(read, "content/faq/0.md")).unwrap();
        watch.sender.send(event(save, "content/faq/1.md")).unwrap();
        let changes = watch.next_changes().unwrap();
        assert_eq!(
            changes.paths.iter().collect::<Vec<_>>(),
            [&root.join("content/faq/1.md")]
        );
        assert!(!changes.structure);
        assert_eq!(watch.describe(&changes), "content/faq/1.md changed");
    }

    #[test]
    fn a_save_is_over_once_its_written_files_are_closed_and_nothing_moved() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let mut watch = Watcher::new(&root).unwrap();
        let event = |kind, path: &str| Ok(Event::new(kind).add_path(root.join(path)));
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let close = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let (mut changes, mut writes) = (FileChanges::default(), Writes::default());
        watch.add(event(write, "content/a.md"), &mut changes, &mut writes);
        watch.add(event(write, "content/b.md"), &mut changes, &mut writes);
        assert!(!writes.settled(&changes), "both files are still open");
        // A file emptied by its save and not written yet is not built until it is closed.
        let saving = if CLOSES_REPORTED {
            LONGEST_BURST
        } else {
            QUIET
        };
        assert_eq!(writes.quiet(&changes), saving);
        watch.add(event(close, "content/a.md"), &mut changes, &mut writes);
        assert!(!writes.settled(&changes), "b.md is still open");
        assert_eq!(writes.quiet(&changes), saving);
        watch.add(event(close, "content/b.md"), &mut changes, &mut writes);
        assert!(writes.settled(&changes));
        assert_eq!(writes.quiet(&changes), SETTLED);
        // A rename (an editor's temporary file moved into place) may be followed by more.
        let renamed = EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::Any));
        watch.add(event(renamed, "content/c.md"), &mut changes, &mut writes);
        assert!(!writes.settled(&changes));
        assert_eq!(writes.quiet(&changes), QUIET);
    }

    #[test]
    fn only_site_files_matter_and_temp_files_never() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let watch = Watcher::new(&root).unwrap();
        let rel = |p: &str| watch.relevant(&root.join(p));
        assert_eq!(rel("site.yaml"), Some("site.yaml"));
        assert_eq!(rel("content/faq/a.md"), Some("content"));
        assert_eq!(rel("themes/default/static/style.css"), Some("themes"));
        assert_eq!(rel("public/index.html"), None);
        assert_eq!(rel("README.md"), None);
        assert_eq!(rel("content/faq/.a.md.swp"), None);
        assert_eq!(rel("content/faq/a.md~"), None);
        assert_eq!(rel("content/.git/HEAD"), None);
    }
}
