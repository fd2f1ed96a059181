//! The client-side search index, built from the plain text the markdown stage already
//! extracted (no second parse). Each heading section is a document, so a hit links to its
//! heading; page titles and headings are fields of their own. The index is cut into shards by
//! token, so a query fetches only the few shards its tokens hash to, plus the text of the pages
//! it shows. Ranking happens in the browser (`themes/default/static/search.js`); README.md,
//! "Search", describes every file.

pub(crate) mod tokenizer;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::content::Site;
use crate::markdown::{Rendered, TextSection};
use crate::output::OutputFile;
use tokenizer::{normalize, tokenize};

/// A page or section as search sees it.
pub struct SearchPage<'a> {
    /// Site path, `faq/withdrawal-failed/`.
    pub path: &'a str,
    pub title: &'a str,
    pub sections: &'a [TextSection],
}

/// Raw bytes a shard aims at; a token whose postings alone pass a quarter of it gets a file
/// of its own, so a query never downloads another token's long list.
const SHARD_BYTES: usize = 8 * 1024;
/// Section hits kept for one token; a query for a token found nearly everywhere needs the
/// strongest hits, and only a page bitmap of the rest.
const MAX_SECTION_HITS: usize = 2000;
const WORDS_FILE_BYTES: usize = 6 * 1024;
/// Text of a section kept for its snippet (cut at a character): all of any usual section, and
/// a bounded page file for a huge one, whose hits past it show its start.
const SNIPPET_TEXT_BYTES: usize = 4 * 1024;
/// BM25 parameters, applied at build time: postings store the term-frequency part, quantized.
const K1: f64 = 1.2;
/// Postings are merged in parallel, one group of tokens per task: 64 groups, by the top six
/// bits of the token's hash (more groups cost more visits of every page's counts).
const MERGE_SHIFT: u32 = 58;
const MERGE_BUCKETS: usize = 1 << (64 - MERGE_SHIFT);
const B_BODY: f64 = 0.75;
const B_TITLE: f64 = 0.5;

/// The search files for every page and section of a site, from their rendered markdown
/// (parallel to `Site::pages` and `Site::sections`).
pub fn site_index(
    site: &Site,
    pages: &[Arc<Rendered>],
    sections: &[Arc<Rendered>],
) -> Vec<OutputFile> {
    let docs = site
        .pages
        .iter()
        .map(|p| (&p.path, &p.doc))
        .chain(site.sections.iter().map(|s| (&s.path, &s.doc)));
    let searchable: Vec<SearchPage> = docs
        .zip(pages.iter().chain(sections))
        .map(|((path, doc), rendered)| SearchPage {
            path,
            title: &doc.title,
            sections: &rendered.sections,
        })
        .collect();
    index_files(&searchable)
}

/// The tokens one page contributes to the index, counted once: `quire serve` keeps them while
/// the page's title and text are unchanged.
pub struct PageTokens(PageCounts);

/// Counts the tokens of one page.
pub fn page_tokens(page: &SearchPage) -> PageTokens {
    PageTokens(count_page(page))
}

/// The search files of these pages: `search/meta.json` plus a folder named by the index's hash.
pub fn index_files(pages: &[SearchPage<'_>]) -> Vec<OutputFile> {
    let tokens: Vec<PageTokens> = pages.par_iter().map(page_tokens).collect();
    index_from_tokens(pages, &tokens.iter().collect::<Vec<_>>())
}

/// `index_files` from tokens already counted: `tokens[i]` is `page_tokens(&pages[i])`.
pub fn index_from_tokens(pages: &[SearchPage<'_>], tokens: &[&PageTokens]) -> Vec<OutputFile> {
    let counted: Vec<&PageCounts> = tokens.iter().map(|t| &t.0).collect();
    let sections: usize = counted.iter().map(|p| p.section_lengths.len()).sum();
    let avg_section = average(
        counted
            .iter()
            .flat_map(|p| p.section_lengths.iter().copied()),
    );
    let avg_title = average(counted.iter().map(|p| p.title_length));
    let lists = merge_postings(&counted, avg_section, avg_title);

    let total: usize = lists.iter().map(|l| l.bytes.len()).sum();
    let shard_count = total.div_ceil(SHARD_BYTES).max(1);
    let mut shards: Vec<Vec<&TokenList>> = vec![Vec::new(); shard_count];
    for list in &lists {
        shards[bucket(list.token, shard_count)].push(list);
    }
    let mut files: Vec<(String, Vec<u8>)> = shards
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(n, shard)| shard_files(n, shard))
        .collect();
    let (words, word_files) = word_files(&lists);
    files.extend(word_files);
    files.par_extend(
        pages
            .par_iter()
            .enumerate()
            .map(|(i, p)| (format!("p/{i}.json"), fragment(p))),
    );

    // Each file's hash, then the hash of those: the same for the same files, in parallel.
    let hashes: Vec<u64> = files
        .par_iter()
        .map(|(path, bytes)| fnv64(fnv64(FNV64_OFFSET, path.as_bytes()), bytes))
        .collect();
    let version = hashes
        .iter()
        .fold(FNV64_OFFSET, |h, f| fnv64(h, &f.to_le_bytes()));
    let version = format!("{:08x}", version as u32);
    let meta = serde_json::json!({
        "version": version,
        "shards": shard_count,
        "words": words,
        "sections": sections,
        "pages": pages.len(),
    });
    let mut out: Vec<OutputFile> = files
        .into_par_iter()
        .map(|(path, bytes)| OutputFile::bytes(format!("search/{version}/{path}"), bytes))
        .collect();
    out.push(OutputFile::bytes("search/meta.json", meta.to_string()));
    out
}

/// A shard's file, `s/N.bin`: each token's header (length and bytes of the token, title
/// hits, section hits kept, sections found in, bitmap bytes, postings bytes) and postings,
/// in the order of the tokens' 64-bit hashes; a long list goes to a file of its own (`t/N-K.bin`, postings bytes 0).
fn shard_files(n: usize, mut shard: Vec<&TokenList>) -> Vec<(String, Vec<u8>)> {
    shard.sort_unstable_by_key(|l| l.hash);
    let mut files = Vec::new();
    let mut bytes = Vec::new();
    for list in shard {
        write_varint(&mut bytes, list.token.len() as u64);
        bytes.extend_from_slice(list.token.as_bytes());
        write_varint(&mut bytes, list.titles as u64);
        write_varint(&mut bytes, list.sections as u64);
        write_varint(&mut bytes, list.found_in as u64);
        write_varint(&mut bytes, list.bitmap as u64);
        if list.bytes.len() > SHARD_BYTES / 4 {
            write_varint(&mut bytes, 0);
            files.push((format!("t/{n}-{}.bin", files.len()), list.bytes.clone()));
        } else {
            write_varint(&mut bytes, list.bytes.len() as u64);
            bytes.extend_from_slice(&list.bytes);
        }
    }
    files.push((format!("s/{n}.bin"), bytes));
    files
}

/// Token counts of one page: its title and each heading section. Each field's distinct tokens
/// are ranges of one text arena per page, so memory grows with distinct tokens, not text.
struct PageCounts {
    arena: String,
    title_length: usize,
    section_lengths: Vec<usize>,
    /// Every field's distinct tokens, grouped by merge bucket (the top bits of the hash):
    /// bucket `b` is `postings[starts[b]..starts[b + 1]]`, the title's first, then each
    /// section's in order.
    postings: Vec<Count>,
    starts: Vec<u32>,
}

impl PageCounts {
    fn bucket(&self, b: usize) -> &[Count] {
        &self.postings[self.starts[b] as usize..self.starts[b + 1] as usize]
    }
}

/// A distinct token of a field: its hash, where it is in the arena, the field (0 for the
/// title, else the section's index + 1), how often the text has it and whether the heading
/// does. Sites hold millions: the hash is kept so merging need not read the token's text
/// (scattered through the arena) except for a token's first hit.
#[derive(Clone, Copy, Default)]
struct Count {
    hash: u64,
    start: u32,
    field: u32,
    tf: u32,
    /// Bytes of the token: at most `MAX_WORD_CHARS` characters.
    len: u8,
    heading: bool,
}

impl Count {
    fn token<'a>(&self, arena: &'a str) -> &'a str {
        &arena[self.start as usize..self.start as usize + self.len as usize]
    }
}

/// One field's tokens by hash. Two tokens sharing a 64-bit hash are not expected in any site.
type FieldCounts = HashMap<u64, Count, BuildHasherDefault<HashAsIs>>;

fn count_page(page: &SearchPage) -> PageCounts {
    let mut arena = String::new();
    let mut counts = FieldCounts::default();
    let mut fields = Vec::new();
    let title_length = add_tokens(&mut arena, &mut counts, page.title, false);
    fields.extend(counts.drain().map(|(_, c)| Count { field: 0, ..c }));
    let section_lengths = (page.sections.iter().enumerate())
        .map(|(s, section)| {
            let length = add_tokens(&mut arena, &mut counts, &section.text, false);
            add_tokens(&mut arena, &mut counts, &section.heading, true);
            let field = s as u32 + 1;
            fields.extend(counts.drain().map(|(_, c)| Count { field, ..c }));
            length
        })
        .collect();
    // A stable counting sort by bucket keeps each bucket's fields in order.
    let mut starts = vec![0u32; MERGE_BUCKETS + 1];
    for c in &fields {
        starts[merge_group(c.hash) + 1] += 1;
    }
    for b in 0..MERGE_BUCKETS {
        starts[b + 1] += starts[b];
    }
    let mut next = starts.clone();
    let mut postings = vec![Count::default(); fields.len()];
    for c in fields {
        let at = &mut next[merge_group(c.hash)];
        postings[*at as usize] = c;
        *at += 1;
    }
    PageCounts {
        arena,
        title_length,
        section_lengths,
        postings,
        starts,
    }
}

fn merge_group(hash: u64) -> usize {
    (hash >> MERGE_SHIFT) as usize
}

/// Counts each token of `text`, adding new ones to the arena; returns the text's length.
fn add_tokens(arena: &mut String, counts: &mut FieldCounts, text: &str, heading: bool) -> usize {
    tokenize(&normalize(text), |t| {
        let hash = token_hash(t.as_bytes());
        let count = counts.entry(hash).or_insert_with(|| {
            debug_assert!(
                t.len() <= u8::MAX as usize,
                "tokens are at most 32 characters"
            );
            arena.push_str(t);
            Count {
                start: (arena.len() - t.len()) as u32,
                hash,
                len: t.len() as u8,
                ..Count::default()
            }
        });
        count.tf += u32::from(!heading);
        count.heading |= heading;
    })
}

fn average(values: impl Iterator<Item = usize>) -> f64 {
    let (sum, n) = values.fold((0, 0), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        1.0
    } else {
        (sum as f64 / n as f64).max(1.0)
    }
}

/// One token's postings, encoded: title hits `(page delta, impact)`, then section hits
/// `(page delta, section index in page, impact << 1 | in heading)`, every number a varint;
/// then, for a token in more than `MAX_SECTION_HITS` sections, a bitmap of every page holding
/// it (the section hits then keep only the strongest ones).
struct TokenList<'a> {
    hash: u64,
    token: &'a str,
    titles: usize,
    sections: usize,
    /// Sections holding the token, including hits left out.
    found_in: usize,
    bitmap: usize,
    bytes: Vec<u8>,
}

/// The BM25 term-frequency factor, scaled to 0..=max; at least 1 for any occurrence.
/// `norm` is the field's length normalisation, `K1 * (1 - b + b * length / average)`.
fn impact(tf: u32, norm: f64, max: f64) -> u64 {
    if tf == 0 {
        return 0;
    }
    let tf = tf as f64;
    ((tf / (tf + norm) * max).round() as u64).max(1)
}

fn length_norm(length: usize, average: f64, b: f64) -> f64 {
    K1 * (1.0 - b + b * length as f64 / average)
}

/// Token hashes are already well mixed: the map uses them as they are, turned by half a word
/// because the map's tag comes from the top bits, which within one merge group are all alike.
#[derive(Default)]
struct HashAsIs(u64);

impl std::hash::Hasher for HashAsIs {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv64(self.0, bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.rotate_left(32);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Encodes one token's hits (in page order, a page's title before its sections), keeping
/// only the strongest `MAX_SECTION_HITS` section hits plus a page bitmap for a token found
/// nearly everywhere.
fn encode<'a>(hash: u64, token: &'a str, hits: &[MergeHit], page_count: usize) -> TokenList<'a> {
    let in_sections = || hits.iter().filter(|h| h.field != 0);
    let found_in = in_sections().count();
    let mut bitmap = Vec::new();
    let mut strongest: Vec<MergeHit> = Vec::new();
    if found_in > MAX_SECTION_HITS {
        bitmap = vec![0u8; page_count.div_ceil(8)];
        strongest.extend(in_sections());
        for h in &strongest {
            bitmap[h.page as usize / 8] |= 1 << (h.page % 8);
        }
        strongest.sort_by_key(|h| std::cmp::Reverse(h.value));
        strongest.truncate(MAX_SECTION_HITS);
        strongest.sort_by_key(|h| (h.page, h.field));
    }
    // About three varint bytes a hit.
    let mut bytes = Vec::with_capacity(3 * hits.len() + bitmap.len());
    let mut last = 0;
    let mut titles = 0;
    for h in hits.iter().filter(|h| h.field == 0) {
        write_varint(&mut bytes, (h.page - last) as u64);
        write_varint(&mut bytes, h.value as u64);
        last = h.page;
        titles += 1;
    }
    let sections = if bitmap.is_empty() {
        write_section_hits(&mut bytes, in_sections())
    } else {
        write_section_hits(&mut bytes, strongest.iter())
    };
    bytes.extend_from_slice(&bitmap);
    TokenList {
        hash,
        token,
        titles,
        sections,
        found_in,
        bitmap: bitmap.len(),
        bytes,
    }
}

/// Writes section hits as `(page delta, section index, value)` varints; returns how many.
fn write_section_hits<'h>(bytes: &mut Vec<u8>, hits: impl Iterator<Item = &'h MergeHit>) -> usize {
    let mut last = 0;
    let mut count = 0;
    for h in hits {
        write_varint(bytes, (h.page - last) as u64);
        write_varint(bytes, (h.field - 1) as u64);
        write_varint(bytes, h.value as u64);
        last = h.page;
        count += 1;
    }
    count
}

/// A posting while one merge group is gathered: the token's number in the group, the page,
/// the field (0 for the title, else section index + 1) and the encoded impact.
#[derive(Clone, Copy, Default)]
struct MergeHit {
    token: u32,
    page: u32,
    field: u32,
    value: u32,
}

fn merge_postings<'a>(
    pages: &[&'a PageCounts],
    avg_section: f64,
    avg_title: f64,
) -> Vec<TokenList<'a>> {
    // Parallel by token group: each task walks every page in order, so each list comes out
    // sorted by page.
    type ByHash = HashMap<u64, u32, BuildHasherDefault<HashAsIs>>;
    // Each page's length normalisation per field: the title's, then each section's.
    let norms: Vec<Vec<f64>> = pages
        .par_iter()
        .map(|page| {
            std::iter::once(length_norm(page.title_length, avg_title, B_TITLE))
                .chain((page.section_lengths.iter()).map(|&l| length_norm(l, avg_section, B_BODY)))
                .collect()
        })
        .collect();
    let buckets: Vec<Vec<TokenList>> = (0..MERGE_BUCKETS)
        .into_par_iter()
        // Each worker thread reuses its two hit buffers for every group it merges: at 50,000
        // pages a group's are tens of megabytes, and fresh ones each time cost more in page
        // faults than the merge itself.
        .map_init(
            || (Vec::new(), Vec::new()),
            |(hits, sorted): &mut (Vec<MergeHit>, Vec<MergeHit>), b| {
                // Hits are gathered in page order, then put in token order by a stable counting
                // sort, so each list is encoded from consecutive memory (appending to half a
                // million growing lists at random was bound by cache misses).
                let mut by_hash = ByHash::default();
                let mut tokens: Vec<(u64, &str)> = Vec::new();
                hits.clear();
                for (p, (page, norms)) in pages.iter().zip(&norms).enumerate() {
                    for c in page.bucket(b) {
                        let at = *by_hash.entry(c.hash).or_insert_with(|| {
                            tokens.push((c.hash, c.token(&page.arena)));
                            tokens.len() as u32 - 1
                        });
                        let norm = norms[c.field as usize];
                        let value = match c.field {
                            0 => impact(c.tf, norm, 255.0),
                            _ => impact(c.tf, norm, 127.0) << 1 | c.heading as u64,
                        };
                        hits.push(MergeHit {
                            token: at,
                            page: p as u32,
                            field: c.field,
                            value: value as u32,
                        });
                    }
                }
                let mut starts = vec![0usize; tokens.len() + 1];
                for h in hits.iter() {
                    starts[h.token as usize + 1] += 1;
                }
                for t in 0..tokens.len() {
                    starts[t + 1] += starts[t];
                }
                let mut next = starts.clone();
                sorted.clear();
                sorted.resize(hits.len(), MergeHit::default());
                for h in hits.iter() {
                    let at = &mut next[h.token as usize];
                    sorted[*at] = *h;
                    *at += 1;
                }
                (tokens.iter().enumerate())
                    .map(|(t, &(hash, token))| {
                        encode(hash, token, &sorted[starts[t]..starts[t + 1]], pages.len())
                    })
                    .collect()
            },
        )
        .collect();
    buckets.into_iter().flatten().collect()
}

/// Latin words for completing the word being typed, in files keyed by its first two letters;
/// each file is a JSON list of `[word, pages]`, most frequent first.
fn word_files(lists: &[TokenList]) -> (usize, Vec<(String, Vec<u8>)>) {
    let words: Vec<&TokenList> = lists
        .iter()
        .filter(|l| {
            l.token.chars().count() > 2 && l.token.chars().all(|c| !crate::markdown::is_cjk(c))
        })
        .collect();
    let total: usize = words.iter().map(|w| w.token.len() + 8).sum();
    let count = total.div_ceil(WORDS_FILE_BYTES).max(1);
    let mut groups: Vec<Vec<(&str, usize)>> = vec![Vec::new(); count];
    for w in words {
        let prefix: String = w.token.chars().take(2).collect();
        groups[bucket(&prefix, count)].push((w.token, w.titles + w.found_in));
    }
    let files = groups
        .into_iter()
        .enumerate()
        .map(|(n, mut g)| {
            g.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            (
                format!("w/{n}.json"),
                serde_json::to_vec(&g).expect("plain data"),
            )
        })
        .collect();
    (count, files)
}

/// What the client shows for a page: its title, path and each section's heading, id and text
/// (its first `SNIPPET_TEXT_BYTES`).
fn fragment(page: &SearchPage) -> Vec<u8> {
    #[derive(Serialize)]
    struct Fragment<'a> {
        t: &'a str,
        u: &'a str,
        s: Vec<(&'a str, &'a str, &'a str)>,
    }
    let title = if page.title.is_empty() {
        page.path
    } else {
        page.title
    };
    let s = page
        .sections
        .iter()
        .map(|s| (s.heading.as_str(), s.id.as_str(), snippet_text(&s.text)))
        .collect();
    serde_json::to_vec(&Fragment {
        t: title,
        u: page.path,
        s,
    })
    .expect("plain data")
}

fn snippet_text(text: &str) -> &str {
    let mut end = text.len().min(SNIPPET_TEXT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A token's identity in the index: 64 bits, well mixed in every bit (the top ones pick its
/// merge group), read eight bytes at a time since it runs for every word and character of the
/// site. (FNV, a byte at a time, was a third of counting a page's tokens.)
fn token_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = (bytes.len() as u64).wrapping_mul(K);
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash ^ u64::from_le_bytes(word))
            .wrapping_mul(K)
            .rotate_left(31);
    }
    // The murmur3 finaliser spreads every input bit over the whole word.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ hash >> 33
}

const FNV64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv64(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash = (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// FNV-1a (32 bits) of the token's UTF-8 bytes, modulo `count`; search.js computes the same.
fn bucket(token: &str, count: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in token.as_bytes() {
        hash = (hash ^ b as u32).wrapping_mul(0x0100_0193);
    }
    hash as usize % count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_text_is_cut_at_a_character() {
        let long = "提现".repeat(SNIPPET_TEXT_BYTES);
        let cut = snippet_text(&long);
        assert_eq!(cut.len(), SNIPPET_TEXT_BYTES - SNIPPET_TEXT_BYTES % 3);
        assert!(long.starts_with(cut));
        assert_eq!(snippet_text("short"), "short");
    }

    #[test]
    fn buckets_are_fnv1a() {
        // The published FNV-1a test vectors; search.js's `hash` must agree (tests/search/*.mjs).
        assert_eq!(bucket("", usize::MAX), 0x811c_9dc5);
        assert_eq!(bucket("a", usize::MAX), 0xe40c_292c);
        assert_eq!(bucket("foobar", usize::MAX), 0xbf9c_f968);
    }
}
