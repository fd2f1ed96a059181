//! Puts a finished build on disk without ever leaving a half-written site: files go into a
//! fresh sibling folder that is swapped in only when all were written, and quire deletes only
//! folders that carry its own marker.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Diagnostic, Error, Result};

/// Left in every output folder quire makes; its absence protects folders quire did not make.
pub const MARKER: &str = ".quire-output";
const MARKER_TEXT: &str = "This folder is made by quire and replaced by every `quire build`.\n";

/// Where a file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Made by the build; shared, so a page kept from an earlier build is not copied.
    Bytes(Arc<[u8]>),
    /// Copied from a file (static files, co-located assets).
    Copy(PathBuf),
    /// Built into the binary (the default theme's static files).
    Builtin(&'static [u8]),
}

/// One file of the built site; `path` is relative to the output root, with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
}

impl OutputFile {
    pub fn bytes(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile::shared(path, bytes.into().into())
    }

    pub fn shared(path: impl Into<String>, bytes: Arc<[u8]>) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes),
        }
    }

    /// The file's bytes, reading copied files from disk.
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match &self.contents {
            Contents::Bytes(b) => (&b[..]).into(),
            Contents::Builtin(b) => (*b).into(),
            Contents::Copy(p) => fs::read(p)?.into(),
        })
    }
}

/// The file a site path is stored in: `faq/a/` -> `faq/a/index.html`.
pub fn file_for_site_path(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    }
}

/// Refuses output folders whose replacement could destroy the author's own files.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<()> {
    let shown = out.strip_prefix(root).unwrap_or(out).to_path_buf();
    let refuse = |why: &str| -> Result<()> {
        Err(Diagnostic::error(&shown, format!("refusing to use this folder for output: {why}"))
            .help("set `output_dir:` in site.yaml or pass `--output` with a folder of its own, such as `public`")
            .into())
    };
    let root_real = root
        .canonicalize()
        .map_err(|e| Error::io(root, &e, "open the site folder"))?;
    let out_real = resolve_lexically(&root_real, out);
    if root_real.starts_with(&out_real) {
        return refuse("it is the site folder or contains it");
    }
    for protected in ["content", "themes", "templates", "static"] {
        if out_real.starts_with(root_real.join(protected)) {
            return refuse(&format!("it is inside {protected}/"));
        }
    }
    if out.join("content").exists() {
        return refuse("it contains a content/ folder");
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it is a file");
        }
        let empty = fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out.join(MARKER).exists() {
            return refuse(&format!(
                "it was not made by quire (it has no {MARKER} file), so quire will not replace it"
            ));
        }
    }
    Ok(())
}

/// `base/path` with `.` and `..` resolved without requiring the path to exist.
fn resolve_lexically(base: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Follow a symlink at the final place, if there is one, so a link to the site root is caught.
    out.canonicalize().unwrap_or(out)
}

/// Writes `files` as the new content of `out`, atomically replacing what was there.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, &e, "create the folder"))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    remove_stale_temp_dirs(&parent, &name);
    let staging = parent.join(format!(".{name}.quire-new-{}", std::process::id()));
    let previous = out.join(MARKER).is_file().then_some(out);
    if let Err(e) = write_tree(&staging, files, previous) {
        remove_own_dir(&staging);
        return Err(e);
    }
    swap_in(&staging, out, &parent, &name).inspect_err(|_| remove_own_dir(&staging))
}

/// Writes `files` under `dir`; a made file whose bytes equal the one at its path in
/// `previous` (the site being replaced) is a hard link to it instead, so unchanged files keep
/// their modification time (deploy tools and browser caches see only real changes) and are
/// not written again.
fn write_tree(dir: &Path, files: &[OutputFile], previous: Option<&Path>) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e, "create the output folder"))?;
    fs::write(dir.join(MARKER), MARKER_TEXT)
        .map_err(|e| Error::io(dir, &e, "write to the output folder"))?;
    // Every folder, made level by level so each level's folders are made in parallel.
    let mut dirs: Vec<&Path> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent())
        .flat_map(|p| p.ancestors())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    dirs.sort_by_key(|p| (p.components().count(), *p));
    dirs.dedup();
    for level in dirs.chunk_by(|a, b| a.components().count() == b.components().count()) {
        level.par_iter().try_for_each(|d| {
            let d = dir.join(d);
            fs::create_dir(&d).map_err(|e| Error::io(&d, &e, "create the folder"))
        })?;
    }
    files.par_iter().try_for_each(|f| {
        let dest = dir.join(&f.path);
        let made = |bytes: &[u8]| match previous.map(|p| p.join(&f.path)) {
            Some(old) if same_bytes(&old, bytes) && fs::hard_link(&old, &dest).is_ok() => Ok(()),
            _ => fs::write(&dest, bytes),
        };
        let written = match &f.contents {
            Contents::Bytes(b) => made(b),
            Contents::Builtin(b) => made(b),
            Contents::Copy(src) => fs::copy(src, &dest).map(|_| ()),
        };
        written.map_err(|e| {
            let what = match &f.contents {
                Contents::Copy(src) => format!("copy {} into the output", src.display()),
                _ => "write the output file".to_owned(),
            };
            Error::io(Path::new(&f.path), &e, &what)
        })
    })
}

/// Whether the file at `path` holds exactly `bytes` (its size is looked at first).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
}

/// Replaces `out` with `staging`; the old site stays whole until the new one is in place.
fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<()> {
    if !out.exists() {
        return fs::rename(staging, out)
            .map_err(|e| Error::io(out, &e, "move the new site into place"));
    }
    if exchange(staging, out).is_ok() {
        remove_own_dir(staging); // now holds the old site
        return Ok(());
    }
    // No atomic exchange on this file system: two renames, the old site kept until the second is done.
    let old = parent.join(format!(".{name}.quire-old-{}", std::process::id()));
    fs::rename(out, &old).map_err(|e| Error::io(out, &e, "move the old site aside"))?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(Error::io(out, &e, "move the new site into place"));
    }
    remove_own_dir(&old);
    Ok(())
}

/// Swaps two paths in one step (Linux renameat2 with RENAME_EXCHANGE).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::raw::{c_char, c_int, c_uint};
    use std::os::unix::ffi::OsStrExt;
    unsafe extern "C" {
        fn renameat2(
            olddirfd: c_int,
            oldpath: *const c_char,
            newdirfd: c_int,
            newpath: *const c_char,
            flags: c_uint,
        ) -> c_int;
    }
    const AT_FDCWD: c_int = -100;
    const RENAME_EXCHANGE: c_uint = 2;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let rc = unsafe { renameat2(AT_FDCWD, a.as_ptr(), AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// Deletes a folder only if quire made it (it carries the marker).
fn remove_own_dir(dir: &Path) {
    if dir.join(MARKER).is_file() {
        let _ = fs::remove_dir_all(dir);
    } else if dir.is_dir()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false)
    {
        let _ = fs::remove_dir(dir);
    }
}

/// Clears staging folders left by builds that were killed, and brings back a site that a
/// killed build had moved aside but not yet replaced.
fn remove_stale_temp_dirs(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let out = parent.join(name);
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if file_name.starts_with(&format!(".{name}.quire-old-")) && !out.exists() {
            let _ = fs::rename(&path, &out);
        } else if file_name.starts_with(&format!(".{name}.quire-")) {
            remove_own_dir(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_map_to_index_files() {
        assert_eq!(file_for_site_path(""), "index.html");
        assert_eq!(file_for_site_path("faq/a/"), "faq/a/index.html");
        assert_eq!(file_for_site_path("style.css"), "style.css");
    }

    #[test]
    fn replaces_own_output_and_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &[OutputFile::bytes("a/index.html", "one")]).unwrap();
        write_site(&out, &[OutputFile::bytes("b.txt", "two")]).unwrap();
        assert!(!out.join("a").exists());
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"], "no temp folders are left behind");

        let foreign = tmp.path().join("mine");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "x").unwrap();
        let err = check_output_dir(tmp.path(), &foreign).unwrap_err();
        assert!(err.diagnostics[0].message.contains("was not made by quire"));
        assert!(check_output_dir(tmp.path(), tmp.path()).is_err());
    }
}
