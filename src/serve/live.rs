//! Live reload by long polling: each rebuild is a numbered generation with the URLs it changed
//! and the build error, if any. A page asks "what happened since generation N?" and the answer
//! comes at once if something did, or when the next rebuild finishes. Long polling needs only
//! plain responses with a length, which tiny_http delivers reliably (its chunked writer holds
//! small writes back, so server-sent events would arrive late).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde::Serialize;

/// The page script: waits on the hub, reloads or swaps stylesheets, shows the error overlay.
pub(crate) const SCRIPT: &str = include_str!("live.js");

/// Rebuilds remembered for pages that poll late; an older page reloads in full.
const HISTORY: usize = 64;
/// More changed files than this and pages reload instead of checking each URL.
const MOST_URLS: usize = 500;
/// How long a poll waits for a rebuild before answering "nothing new" (under common proxy
/// and browser timeouts).
const POLL_WAIT: Duration = Duration::from_secs(25);
/// Polls waiting at once; each holds a thread, so the rest are told to come back later.
const MOST_WAITING: usize = 64;

/// What one rebuild did.
struct Rebuild {
    generation: u64,
    /// URL paths (decoded, from the server root) whose bytes changed, appeared or vanished;
    /// `None` when too many did.
    urls: Option<Vec<String>>,
}

struct State {
    generation: u64,
    history: VecDeque<Rebuild>,
    /// The last build's error, as the terminal printed it.
    error: Option<String>,
}

/// The rebuilds and the current error, shared by the rebuild loop and the HTTP workers.
pub(crate) struct Hub {
    /// Tells pages from an earlier run of the server (whose generations meant other builds).
    instance: String,
    state: Mutex<State>,
    rebuilt: Condvar,
    waiting: AtomicUsize,
}

/// The answer to a poll, as JSON.
#[derive(Serialize, Debug, PartialEq)]
pub(crate) struct News {
    pub instance: String,
    pub generation: u64,
    pub error: Option<String>,
    /// The page cannot know what changed since its generation: it reloads.
    pub reload: bool,
    pub changed: Vec<String>,
}

impl Hub {
    pub fn new(instance: String) -> Hub {
        Hub {
            instance,
            state: Mutex::new(State {
                generation: 0,
                history: VecDeque::new(),
                error: None,
            }),
            rebuilt: Condvar::new(),
            waiting: AtomicUsize::new(0),
        }
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a rebuild and wakes every waiting page.
    pub fn publish(&self, changed: Vec<String>, error: Option<String>) {
        self.lock().error = error;
        self.note(changed);
    }

    /// Records a change to the served files that is not a build (the search index merged
    /// later), keeping the build error as it is.
    pub fn note(&self, changed: Vec<String>) {
        let mut state = self.lock();
        state.generation += 1;
        let generation = state.generation;
        let urls = (changed.len() <= MOST_URLS).then_some(changed);
        state.history.push_back(Rebuild { generation, urls });
        if state.history.len() > HISTORY {
            state.history.pop_front();
        }
        self.rebuilt.notify_all();
    }

    /// What happened after generation `since`, waiting for the next rebuild if nothing did
    /// and `wait` is set. `None` when too many polls are waiting already.
    pub fn poll(&self, instance: &str, since: u64, wait: bool) -> Option<News> {
        let mut state = self.lock();
        if wait && instance == self.instance && since == state.generation {
            if self.waiting.fetch_add(1, Ordering::SeqCst) >= MOST_WAITING {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                return None;
            }
            let generation = state.generation;
            state = self
                .rebuilt
                .wait_timeout_while(state, POLL_WAIT, |s| s.generation == generation)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
            self.waiting.fetch_sub(1, Ordering::SeqCst);
        }
        let mut news = News {
            instance: self.instance.clone(),
            generation: state.generation,
            error: state.error.clone(),
            reload: false,
            changed: Vec::new(),
        };
        if instance != self.instance || since > state.generation {
            news.reload = true;
            return Some(news);
        }
        let oldest_known = state
            .history
            .front()
            .map_or(state.generation + 1, |r| r.generation);
        if since + 1 < oldest_known && since < state.generation {
            news.reload = true;
            return Some(news);
        }
        for rebuild in state.history.iter().filter(|r| r.generation > since) {
            match &rebuild.urls {
                Some(urls) => news.changed.extend(urls.iter().cloned()),
                None => news.reload = true,
            }
        }
        news.changed.sort();
        news.changed.dedup();
        Some(news)
    }
}

/// The `<script>` element put before `</body>` of every HTML page served.
pub(crate) fn script_tag(base_path: &str, hub: &Hub) -> String {
    format!(
        "<script src=\"{base_path}__quire/live.js\" data-instance=\"{}\" data-generation=\"{}\"></script>",
        hub.instance(),
        hub.generation()
    )
}

/// `html` with the live-reload script before its last `</body>` (or at the end).
pub(crate) fn inject(html: &[u8], tag: &str) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_gets_every_url_changed_since_its_generation() {
        let hub = Hub::new("run1".into());
        hub.publish(vec!["/a/index.html".into()], None);
        hub.publish(vec!["/b/index.html".into(), "/a/index.html".into()], None);
        let news = hub.poll("run1", 0, true).unwrap();
        assert_eq!(news.generation, 2);
        assert_eq!(news.changed, ["/a/index.html", "/b/index.html"]);
        assert!(!news.reload);
        assert_eq!(
            hub.poll("run1", 1, true).unwrap().changed,
            ["/a/index.html", "/b/index.html"]
        );
        hub.publish(Vec::new(), Some("error: broken".into()));
        let news = hub.poll("run1", 2, true).unwrap();
        assert_eq!(news.error.as_deref(), Some("error: broken"));
        assert!(news.changed.is_empty());
    }

    #[test]
    fn pages_from_another_run_or_too_old_reload() {
        let hub = Hub::new("run2".into());
        hub.publish(Vec::new(), None);
        assert!(hub.poll("run1", 1, false).unwrap().reload);
        assert!(hub.poll("run2", 9, false).unwrap().reload);
        for _ in 0..HISTORY + 1 {
            hub.publish(vec!["/x".into()], None);
        }
        assert!(hub.poll("run2", 0, false).unwrap().reload);
        let many = (0..MOST_URLS + 1).map(|i| format!("/{i}")).collect();
        let generation = hub.generation();
        hub.publish(many, None);
        assert!(hub.poll("run2", generation, false).unwrap().reload);
    }

    #[test]
    fn the_script_goes_before_the_last_body_end_tag() {
        let html = b"<p>a</p></BODY></html>";
        assert_eq!(inject(html, "<s>"), b"<p>a</p><s></BODY></html>");
        assert_eq!(inject(b"<p>no body</p>", "<s>"), b"<p>no body</p><s>");
    }
}
