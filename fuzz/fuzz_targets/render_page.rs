//! Whole-page rendering: the input is one article of a tiny site (home page, this page, a
//! second page it may link to) built by the real pipeline, with the markdown render, the
//! hotline guard, link and heading checks, templates, feeds and the search index. Any input
//! builds or fails with located errors; nothing panics or hangs.
//!
//! The site lives in a temporary folder (on /dev/shm when there is one) and the build cache is
//! kept between runs, as `quire serve` keeps it, so each run re-reads and re-renders only the
//! page: the same stages, fast enough to fuzz.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use quire::memo::FileChanges;
use quire::pipeline::{BuildCache, BuildOptions, render_site_cached};

struct Fixture {
    options: BuildOptions,
    page: PathBuf,
    cache: BuildCache,
}

fn fixture() -> &'static Mutex<Fixture> {
    static FIXTURE: OnceLock<Mutex<Fixture>> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let tmp = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        // libFuzzer ends the process without running destructors: clear the folders that
        // earlier runs left, whose processes are gone.
        for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("quire-fuzz-")
                && Path::new("/proc/self").exists()
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let root = tmp.join(format!("quire-fuzz-{}", std::process::id()));
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "site.yaml",
            "title: Fuzz\nbase_url: https://example.org/docs/\nlanguage: zh-CN\n",
        );
        write(
            "content/_index.md",
            "---\ntitle: Home\n---\n\n[page](faq/page.md) [other](faq/other.md)\n",
        );
        write(
            "content/faq/_index.md",
            "---\ntitle: FAQ\n---\n\nQuestions.\n",
        );
        write(
            "content/faq/other.md",
            "---\ntitle: Other\n---\n\n## 提现失败\n\n## Second heading\n\nText.\n",
        );
        write("content/faq/page.md", "");
        Mutex::new(Fixture {
            options: BuildOptions {
                root: root.clone(),
                ..BuildOptions::default()
            },
            page: root.join("content/faq/page.md"),
            cache: BuildCache::default(),
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let mut fixture = fixture().lock().unwrap_or_else(|p| p.into_inner());
    let Fixture {
        options,
        page,
        cache,
    } = &mut *fixture;
    std::fs::write(&*page, data).unwrap();
    cache.forget(&FileChanges {
        paths: [page.clone()].into(),
        ..FileChanges::default()
    });
    match render_site_cached(options, cache) {
        Ok(built) => {
            assert!(built.files.iter().any(|f| f.path == "index.html"));
        }
        Err(e) => {
            assert!(e.error_count() > 0);
            for d in &e.diagnostics {
                assert!(!d.message.is_empty(), "{d:?}");
                assert!(!d.path.as_os_str().is_empty(), "{d:?}");
            }
        }
    }
});
