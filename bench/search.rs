//! `cargo bench --bench search -- SITE_DIR...` (run by bench/search.sh): how much search
//! indexing adds to `quire build`. Each site is built as it is and, from a copy beside it
//! (`SITE_DIR.nosearch`), with `search: { enabled: false }`; the builds alternate, five of
//! each, and the medians of wall-clock and CPU time (all threads) are compared. Prints one
//! JSON line per site.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quire::pipeline::{self, BuildOptions};

const RUNS: usize = 5;

/// This process's CPU time so far, from /proc/self/stat (Linux; clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

/// Wall-clock and CPU time of one build.
fn timed(root: &Path) -> (Duration, Duration) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    let (start, cpu) = (Instant::now(), cpu_time());
    pipeline::build(&options).expect("the site builds");
    (start.elapsed(), cpu_time() - cpu)
}

/// The site's content and site.yaml, copied beside it with search turned off.
fn without_search(root: &Path) -> PathBuf {
    let copy = PathBuf::from(format!("{}.nosearch", root.display()));
    let _ = std::fs::remove_dir_all(&copy);
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.expect("readable content");
        let to = copy.join(entry.path().strip_prefix(root).expect("inside the site"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("writable copy");
        } else {
            std::fs::copy(entry.path(), &to).expect("writable copy");
        }
    }
    let config = std::fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
    std::fs::write(
        copy.join("site.yaml"),
        config + "\nsearch: { enabled: false }\n",
    )
    .expect("writable copy");
    copy
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    for root in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        let root = PathBuf::from(root);
        let off = without_search(&root);
        let (mut with, mut without) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            with.push(timed(&root));
            without.push(timed(&off));
        }
        let _ = std::fs::remove_dir_all(&off);
        let wall = |runs: &[(Duration, Duration)]| median(runs.iter().map(|r| r.0).collect());
        let cpu = |runs: &[(Duration, Duration)]| median(runs.iter().map(|r| r.1).collect());
        let ms = |d: Duration| (d.as_secs_f64() * 1000.0).round();
        let adds = |on: Duration, off: Duration| {
            let percent = (on.as_secs_f64() / off.as_secs_f64() - 1.0) * 100.0;
            (percent * 10.0).round() / 10.0
        };
        println!(
            "{}",
            serde_json::json!({
                "site": root,
                "runs": RUNS,
                "build_ms": ms(wall(&with)),
                "build_without_search_ms": ms(wall(&without)),
                "build_cpu_ms": ms(cpu(&with)),
                "build_without_search_cpu_ms": ms(cpu(&without)),
                "indexing_adds_percent": adds(wall(&with), wall(&without)),
                "indexing_adds_percent_cpu": adds(cpu(&with), cpu(&without)),
            })
        );
    }
}
