//! Memoization for `quire serve`: the results of pure stages are kept from one build to the
//! next, keyed by a hash of their inputs, so a rebuild after one edit redoes only what that edit
//! reached. Nothing here decides *what* changed; keys do (see ARCHITECTURE.md).

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// Hashing for memo keys: ahash is several times faster than the standard SipHash on the
/// strings pages are made of, and keys never leave the process (so no seed is needed).
type Hashing = ahash::RandomState;

fn hashing() -> Hashing {
    ahash::RandomState::with_seeds(0x7175_6972, 0x6b65_7973, 0x6d65_6d6f, 0x7061_6765)
}

/// A 64-bit hash of `value`, the same for equal values within one process.
pub fn hash_of(value: &(impl Hash + ?Sized)) -> u64 {
    hashing().hash_one(value)
}

/// A value whose hash is known already (the HTML of a page, hashed once when it was rendered):
/// it serializes as the value and hashes as the key, so contexts holding it hash cheaply.
#[derive(Debug, Clone, Copy)]
pub struct Keyed<T> {
    pub value: T,
    pub key: u64,
}

impl<T> Hash for Keyed<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl<T: serde::Serialize> serde::Serialize for Keyed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Results of one stage kept from its previous complete pass. A pass looks every input up
/// (from many threads at once, without locking), then hands back the entries it used, so
/// memory follows the site instead of its history.
#[derive(Debug)]
pub struct Memo<K, V> {
    kept: HashMap<K, V, Hashing>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            kept: HashMap::with_hasher(hashing()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// The value kept for `key`, or `make()`'s.
    pub fn get_or_make(&self, key: &K, make: impl FnOnce() -> V) -> V {
        self.get(key).unwrap_or_else(make)
    }

    /// The value kept for `key`.
    pub fn get(&self, key: &K) -> Option<V> {
        self.kept.get(key).cloned()
    }

    /// Adds or replaces one value, for a pass that knows the other kept values are still used.
    pub fn insert(&mut self, key: K, value: V) {
        self.kept.insert(key, value);
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Ends a pass that looked up every input of the stage: keeps exactly what it used.
    pub fn keep(&mut self, used: impl IntoIterator<Item = (K, V)>) {
        self.kept.clear();
        self.kept.extend(used);
    }
}

impl<V: Clone> Memo<PathBuf, V> {
    /// Drops what was read from files that changed, or from anything below a changed folder.
    pub fn forget(&mut self, changes: &FileChanges) {
        if changes.everything {
            self.kept.clear();
            return;
        }
        for path in &changes.paths {
            if self.kept.remove(path).is_none() {
                self.kept.retain(|k, _| !k.starts_with(path));
            }
        }
    }
}

/// What changed on disk since the last build, as a file watcher saw it. Paths are absolute,
/// under the same site root the build was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileChanges {
    /// Files and folders that were written, created, removed or renamed.
    pub paths: BTreeSet<PathBuf>,
    /// Something was created, removed or renamed: folder listings must be read again.
    pub structure: bool,
    /// The watcher lost track (its queue overflowed): trust nothing kept.
    pub everything: bool,
}

impl FileChanges {
    /// Changes that make every kept file suspect (used for a first build, or after an overflow).
    pub fn everything() -> Self {
        FileChanges {
            everything: true,
            structure: true,
            ..FileChanges::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.structure && !self.everything
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_keeps_only_what_it_used() {
        let mut memo: Memo<u32, &str> = Memo::default();
        assert_eq!(memo.get_or_make(&1, || "one"), "one");
        memo.keep([(1, "one"), (2, "two")]);
        assert_eq!(memo.get_or_make(&1, || "recomputed"), "one");
        memo.keep([(1, "one")]);
        assert_eq!(memo.get(&2), None);
        assert_eq!(memo.get_or_make(&2, || "again"), "again");
    }

    #[test]
    fn forgetting_a_folder_drops_the_files_below_it() {
        let mut memo: Memo<PathBuf, u8> = Memo::default();
        memo.keep(
            [
                "/s/content/a.md",
                "/s/content/faq/b.md",
                "/s/content/faq-2/c.md",
            ]
            .map(|p| (PathBuf::from(p), 1)),
        );
        let changes = FileChanges {
            paths: [PathBuf::from("/s/content/faq")].into(),
            ..FileChanges::default()
        };
        memo.forget(&changes);
        let kept = |p: &str| memo.get(&PathBuf::from(p)).is_some();
        assert!(!kept("/s/content/faq/b.md"));
        assert!(kept("/s/content/faq-2/c.md"), "faq-2 is not below faq");
        assert!(kept("/s/content/a.md"));
        memo.forget(&FileChanges::everything());
        assert_eq!(memo.get(&PathBuf::from("/s/content/a.md")), None);
    }
}
