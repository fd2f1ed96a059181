//! Times the rebuild `quire serve` runs after one article's body is edited: one cold build to
//! fill the cache, then ROUNDS warm rebuilds, each after appending a paragraph to one article
//! and telling the cache, as the watcher does. Profile it with callgrind or `perf stat`.
//!
//! usage: cargo run --release --example warm_rebuild -- SITE_ROOT [ROUNDS]
//! (SITE_ROOT is changed: articles get paragraphs appended; use a generated copy, bench/gen.py)

use std::path::PathBuf;
use std::time::Instant;

use quire::memo::FileChanges;
use quire::pipeline::{self, BuildCache, BuildOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: warm_rebuild SITE_ROOT [ROUNDS]"))
        .canonicalize()
        .expect("the site folder");
    let rounds: usize = args.next().map_or(5, |n| n.parse().expect("ROUNDS"));
    let options = BuildOptions {
        root: root.clone(),
        defer_search: true,
        serve_origin: Some("http://127.0.0.1:1111".into()),
        ..BuildOptions::default()
    };
    let mut cache = BuildCache::default();
    let started = Instant::now();
    pipeline::render_site_cached(&options, &mut cache).expect("the site builds");
    eprintln!("cold build: {} ms", started.elapsed().as_millis());
    let articles: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md"))
        .take(rounds)
        .collect();
    for (round, article) in articles.iter().enumerate() {
        let mut text = std::fs::read_to_string(article).expect("the article");
        text.push_str(&format!("\nEdit number {round} appended.\n"));
        std::fs::write(article, text).expect("the article is written");
        let changes = FileChanges {
            paths: [article.clone()].into(),
            ..FileChanges::default()
        };
        let (started, cpu) = (Instant::now(), cpu_time_ms());
        cache.forget(&changes);
        let built = pipeline::render_site_cached(&options, &mut cache).expect("the site builds");
        let elapsed = started.elapsed();
        let cpu = cpu_time_ms() - cpu;
        let files = built.files.len();
        let dropped = Instant::now();
        drop(built);
        eprintln!(
            "warm rebuild {round}: {:.1} ms, {cpu:.1} ms of processor time ({files} files; dropping them {:.1} ms)",
            elapsed.as_secs_f64() * 1000.0,
            dropped.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Processor time of all this process's threads so far (Linux), which a busy machine hardly
/// changes, unlike wall time; 0 elsewhere.
fn cpu_time_ms() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let nanos: u64 = tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    nanos as f64 / 1e6
}
