//! `cargo bench --bench search -- SITE_DIR...` (run by bench/search.sh): how long `quire build`
//! takes on each site and how much of that is search indexing. Prints one JSON line per site.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quire::content::{self, LoadOptions};
use quire::markdown::{self, LinkTargets, Rendered};
use quire::pipeline::{self, BuildOptions};
use quire::search;

/// Wall-clock and CPU time (all threads, user and system) of the fastest of three runs, so a
/// busy moment of a shared machine counts as little as possible.
fn fastest(mut run: impl FnMut()) -> (Duration, Duration) {
    (0..3)
        .map(|_| {
            let (start, cpu) = (Instant::now(), cpu_time());
            run();
            (start.elapsed(), cpu_time() - cpu)
        })
        .min()
        .expect("three runs")
}

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

fn main() {
    for root in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        let options = BuildOptions {
            root: PathBuf::from(&root),
            ..BuildOptions::default()
        };
        let build = fastest(|| {
            pipeline::build(&options).expect("the site builds");
        });

        // Indexing alone, on the same markdown output the build indexes.
        let config = pipeline::load_config(&options).expect("site.yaml");
        let load = LoadOptions {
            drafts: false,
            home_title: config.title.clone(),
            languages: Vec::new(),
        };
        let site = content::load(&options.root, &load).expect("content");
        // Callout titles do not change the text search indexes, so no theme strings are needed.
        let strings = Default::default();
        let targets = LinkTargets {
            pages_by_source: &site.paths_by_source,
            contacts: &config.contacts,
            strings: &strings,
            language: None,
        };
        let render = |doc, path| Arc::new(markdown::render(doc, path, &targets).0);
        let pages: Vec<Arc<Rendered>> =
            site.pages.iter().map(|p| render(&p.doc, &p.path)).collect();
        let sections: Vec<Arc<Rendered>> = site
            .sections
            .iter()
            .map(|s| render(&s.doc, &s.path))
            .collect();
        let mut files = 0;
        let index = fastest(|| files = search::site_index(&site, &pages, &sections).len());

        let ms = |d: Duration| (d.as_secs_f64() * 1000.0).round();
        let share = |index: Duration, build: Duration| {
            let percent = index.as_secs_f64() / (build - index.min(build)).as_secs_f64() * 100.0;
            (percent * 10.0).round() / 10.0
        };
        println!(
            "{}",
            serde_json::json!({
                "site": root,
                "pages": site.pages.len() + site.sections.len(),
                "build_ms": ms(build.0),
                "index_ms": ms(index.0),
                "build_cpu_ms": ms(build.1),
                "index_cpu_ms": ms(index.1),
                "index_files": files,
                "indexing_adds_percent": share(index.0, build.0),
                "indexing_adds_percent_cpu": share(index.1, build.1),
            })
        );
    }
}
