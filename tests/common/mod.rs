//! Test harness: each test builds its own small site in a temp folder and runs the real
//! `quire` binary on it, asserting on the files written and the messages printed.
#![allow(dead_code)] // each test file uses a different part of the harness

pub mod browser;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestSite {
    dir: tempfile::TempDir,
}

/// The outcome of one `quire` run.
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the output unless the run succeeded.
    pub fn ok(self) -> Run {
        assert!(
            self.success,
            "quire failed:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics with the output unless the run failed.
    pub fn failed(self) -> Run {
        assert!(
            !self.success,
            "quire should have failed:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl TestSite {
    /// An empty folder with only a `site.yaml` naming the site.
    pub fn new() -> TestSite {
        TestSite::bare().file(
            "site.yaml",
            "title: Test site\nbase_url: https://example.org/\n",
        )
    }

    /// A folder with nothing in it.
    pub fn bare() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes a file (creating folders), replacing any earlier content.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> TestSite {
        self.write(path, contents);
        self
    }

    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }

    /// Replaces an existing file the way an editor's atomic save does: the new contents go to a
    /// temporary file beside it (a name the build ignores), which is renamed over it. A reader
    /// never sees the file empty or half written, as it can between the steps of `write`.
    pub fn replace(&self, path: &str, contents: impl AsRef<[u8]>) {
        let full = self.dir.path().join(path);
        let name = full.file_name().unwrap().to_string_lossy();
        let temporary = full.with_file_name(format!(".{name}.tmp"));
        std::fs::write(&temporary, contents).unwrap();
        std::fs::rename(temporary, full).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs `quire --root <site> ARGS...`.
    pub fn quire(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_quire"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .expect("run quire");
        Run {
            success: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn build(&self) -> Run {
        self.quire(&["build"])
    }

    /// Text of a file of the site folder (e.g. `public/index.html`).
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Every file below `rel` with its bytes, to prove a folder was left untouched.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<PathBuf, Vec<u8>> {
        let base = self.path(rel);
        walkdir::WalkDir::new(&base)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(&base).unwrap().to_path_buf(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    /// Names in the site folder, to check no temp folders are left beside the output.
    pub fn top_level_names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Front matter plus body, for brevity in tests.
pub fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n\n{body}\n")
}

/// Builds a good site (`content/ok.md`, `content/b.md`), applies `change`, and checks that the
/// next build fails with every `expected` text, leaves public/ byte for byte and no temp folder.
pub fn fails_keeping_site(change: impl FnOnce(&TestSite), expected: &[&str]) {
    let site = TestSite::new()
        .file("content/ok.md", page("Ok", "fine"))
        .file("content/b.md", page("B", "b"));
    site.build().ok();
    let before = site.snapshot("public");
    change(&site);
    let run = site.build().failed();
    for text in expected {
        assert!(
            run.stderr.contains(text),
            "expected {text:?} in:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        site.snapshot("public"),
        before,
        "the previous site is left byte for byte"
    );
    assert!(
        !site.top_level_names().iter().any(|n| n.starts_with('.')),
        "no temp folders left"
    );
}

/// A small deterministic generator (xorshift) for property tests, so every run tries the
/// same cases.
pub struct Gen(pub u64);

impl Gen {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
