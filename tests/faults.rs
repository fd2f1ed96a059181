//! Faults during a build: a build killed at any moment leaves the old site or the new one,
//! whole, and the next build clears what the killed one left; a full disk fails the build with
//! a clear message and the old site intact.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{TestSite, page};

const PAGES: usize = 200;

fn site_with_version(version: &str) -> TestSite {
    let mut site = TestSite::new();
    for i in 0..PAGES {
        site = site.file(
            &format!("content/s{}/p{i}.md", i % 4),
            page(
                &format!("P{i}"),
                &format!("version {version}\n\n{}", "text ".repeat(200)),
            ),
        );
    }
    site
}

/// Which versions the built pages show, and how many pages there are.
fn versions_in_public(site: &TestSite) -> (Vec<String>, usize) {
    let mut versions = Vec::new();
    let mut count = 0;
    for (path, bytes) in site.snapshot("public") {
        // Pages only (`s0/p1/index.html`): section pages list their pages' summaries too.
        let is_page = path.components().count() == 3;
        if is_page
            && (path.starts_with("s0")
                || path.starts_with("s1")
                || path.starts_with("s2")
                || path.starts_with("s3"))
        {
            let text = String::from_utf8(bytes).unwrap();
            // The text of the page (`<p>version x</p>`), not the theme's copies in attributes.
            if let Some(at) = text.find(">version ") {
                count += 1;
                let v = text[at + 9..].split('<').next().unwrap().to_owned();
                if !versions.contains(&v) {
                    versions.push(v);
                }
            }
        }
    }
    (versions, count)
}

#[test]
fn killed_builds_leave_a_whole_site_and_no_litter() {
    let site = site_with_version("old");
    let started = std::time::Instant::now();
    site.build().ok();
    // Kill moments are spread over one and a half build lengths, so some land before the swap,
    // some after; the assertions hold whatever the timing.
    let span_us = (started.elapsed().as_micros() as u64 * 3 / 2).max(1);
    for i in 0..PAGES {
        site.write(
            &format!("content/s{}/p{i}.md", i % 4),
            page(
                &format!("P{i}"),
                &format!("version new\n\n{}", "text ".repeat(200)),
            ),
        );
    }
    let mut delay_us = 0;
    let mut killed = 0;
    for round in 0..12 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .arg("--root")
            .arg(site.root())
            .arg("build")
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(delay_us));
        let _ = child.kill(); // SIGKILL; the build may already have finished
        let status = child.wait().unwrap();
        killed += usize::from(std::os::unix::process::ExitStatusExt::signal(&status) == Some(9));
        delay_us = (delay_us + span_us / 12 + 7_919 * round) % span_us;
        let (versions, count) = versions_in_public(&site);
        assert_eq!(versions.len(), 1, "one version, never a mix: {versions:?}");
        assert_eq!(count, PAGES, "every page present");
    }
    println!("killed {killed} of 12 builds before they finished");
    assert!(
        killed > 0,
        "the kills must land inside builds for this test to mean anything"
    );
    site.build().ok();
    assert_eq!(versions_in_public(&site).0, ["new"]);
    let litter: Vec<String> = site
        .top_level_names()
        .into_iter()
        .filter(|n| n.contains("quire-"))
        .collect();
    assert!(litter.is_empty(), "temp folders left: {litter:?}");
}

/// Mounts a tiny tmpfs for the output; needs root (CI runs as root), else the test skips.
struct TinyDisk(tempfile::TempDir);

impl TinyDisk {
    fn mount(size: &str) -> Option<TinyDisk> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(TinyDisk(dir))
        } else {
            common::browser::skip("mounting a small tmpfs needs root");
            None
        }
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
fn full_disk_fails_cleanly_and_keeps_the_old_site() {
    let Some(disk) = TinyDisk::mount("1m") else {
        return;
    };
    let out = disk.0.path().join("public");
    let out_arg = out.to_str().unwrap();
    let site = TestSite::new().file("content/a.md", page("A", "small"));
    site.quire(&["build", "--output", out_arg]).ok();
    let before = std::fs::read(out.join("a/index.html")).unwrap();
    site.write("content/big.bin", vec![7u8; 2 * 1024 * 1024]);
    let run = site.quire(&["build", "--output", out_arg]).failed();
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("big.bin"),
        "names the file: {}",
        run.stderr
    );
    assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(disk.0.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["public"], "the half-written new site is removed");
}
