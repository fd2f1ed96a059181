//! `quire check --external`: asks every `http(s)://` link an article makes whether it still
//! answers, with a bounded number of requests in flight and a time limit for each.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::Diagnostic;

/// How hard the checker may push.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub concurrency: usize,
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrency: 8,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Where a URL is written: (file, line, column).
pub type Place = (PathBuf, usize, usize);

/// Checks each distinct URL once; every place that links to a dead URL gets an error.
pub fn check(urls: BTreeMap<String, Vec<Place>>, limits: Limits) -> Vec<Diagnostic> {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_global(Some(limits.timeout))
            .http_status_as_error(false)
            .max_redirects(5)
            .user_agent("quire-link-check")
            .build(),
    );
    let queue = Mutex::new(urls.into_iter());
    let found = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..limits.concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().expect("queue lock").next();
                    let Some((url, places)) = next else { break };
                    if let Some(problem) = probe(&agent, &url) {
                        let mut found = found.lock().expect("results lock");
                        for (path, line, column) in places {
                            found.push(
                                Diagnostic::error(path, format!("the external link `{url}` {problem}"))
                                    .at(line, column)
                                    .help("update or remove the link; if the site is only down for now, check again later"),
                            );
                        }
                    }
                }
            });
        }
    });
    found.into_inner().expect("results lock")
}

/// `None` when the URL answers with success; else what went wrong, phrased for the author.
fn probe(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = match agent.head(url).call() {
        // Some servers refuse HEAD; ask again with GET before calling the link dead.
        Ok(r) if matches!(r.status().as_u16(), 405 | 501) => {
            agent.get(url).call().map(|r| r.status().as_u16())
        }
        other => other.map(|r| r.status().as_u16()),
    };
    match status {
        Ok(s) if s < 400 => None,
        Ok(s) => Some(format!("answers with HTTP status {s}")),
        Err(e) => Some(format!("cannot be reached: {e}")),
    }
}
