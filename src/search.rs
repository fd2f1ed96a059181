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

/// Raw bytes a shard aims at, counting what stays in it (about 4.5 KB gzip-compressed).
const SHARD_BYTES: usize = 6 * 1024;
/// A token whose postings pass this gets a file of its own, so a query never downloads another
/// token's long list.
const OWN_FILE_BYTES: usize = 2 * 1024;
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
    let Postings { lists, bytes } = merge_postings(&counted, avg_section, avg_title);

    // A shard holds each token's header (its text and a few varints) and its postings, unless
    // they are a file of their own.
    let in_shards = |l: &TokenList| {
        let postings = l.bytes.len();
        l.token.as_bytes().len()
            + 8
            + if postings > OWN_FILE_BYTES {
                0
            } else {
                postings
            }
    };
    let total: usize = lists.iter().flatten().map(in_shards).sum();
    let shard_count = total.div_ceil(SHARD_BYTES).max(1);
    let mut shards: Vec<Vec<&TokenList>> = vec![Vec::new(); shard_count];
    for list in lists.iter().flatten() {
        shards[bucket(list.token.as_bytes(), shard_count)].push(list);
    }
    let mut files: Vec<IndexFile> = shards
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(n, shard)| shard_files(n, shard, &bytes))
        .map(IndexFile::new)
        .collect();
    let (words, completion_files) = completion_files(&lists);
    files.par_extend(completion_files.into_par_iter().map(IndexFile::new));
    files.par_extend(
        pages
            .par_iter()
            .enumerate()
            .map(|(i, p)| IndexFile::new((format!("p/{i}.json"), fragment(p)))),
    );
    // The hash of the files' hashes: the same for the same files.
    let version = (files.iter()).fold(FNV64_OFFSET, |h, f| fnv64(h, &f.hash.to_le_bytes()));
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
        .map(|f| OutputFile::shared(format!("search/{version}/{}", f.path), f.bytes))
        .collect();
    out.push(OutputFile::bytes("search/meta.json", meta.to_string()));
    out
}

/// A file of the index, in the form the output keeps, with its hash; both are made by the
/// thread that wrote its bytes, while they are in its cache. (At 10,000 pages the index is
/// 60 MB: copying it into the output's form in a pass of its own took 25 ms.)
struct IndexFile {
    path: String,
    bytes: Arc<[u8]>,
    hash: u64,
}

impl IndexFile {
    fn new((path, bytes): (String, Vec<u8>)) -> Self {
        IndexFile {
            hash: fnv64(file_hash(&bytes), path.as_bytes()),
            bytes: bytes.into(),
            path,
        }
    }
}

/// A shard's file, `s/N.bin`: each token's header (length and bytes of the token, title
/// hits, section hits kept, sections found in, bitmap bytes, postings bytes) and postings,
/// in the order of the tokens' 64-bit keys; a long list goes to a file of its own (`t/N-K.bin`, postings bytes 0).
fn shard_files(
    n: usize,
    mut shard: Vec<&TokenList>,
    postings: &[Vec<u8>],
) -> Vec<(String, Vec<u8>)> {
    shard.sort_unstable_by_key(|l| l.key);
    let mut files = Vec::new();
    let mut bytes = Vec::new();
    for list in shard {
        let token = list.token.as_bytes();
        write_varint(&mut bytes, token.len() as u64);
        bytes.extend_from_slice(token);
        write_varint(&mut bytes, list.titles as u64);
        write_varint(&mut bytes, list.sections as u64);
        write_varint(&mut bytes, list.found_in as u64);
        write_varint(&mut bytes, list.bitmap as u64);
        let postings = &postings[list.group][list.bytes.clone()];
        if postings.len() > OWN_FILE_BYTES {
            write_varint(&mut bytes, 0);
            files.push((format!("t/{n}-{}.bin", files.len()), postings.to_vec()));
        } else {
            write_varint(&mut bytes, postings.len() as u64);
            bytes.extend_from_slice(postings);
        }
    }
    files.push((format!("s/{n}.bin"), bytes));
    files
}

/// Token counts of one page: its title and each heading section. A CJK token is its key; the
/// text of the page's words is kept once each, so memory grows with distinct tokens, not text.
struct PageCounts {
    /// The page's distinct words, one after another; `word_at` says where each one is.
    words: String,
    /// (key, start in `words`, length in bytes) of each distinct word, sorted by key.
    word_at: Vec<(u64, u32, u8)>,
    title_length: usize,
    section_lengths: Vec<usize>,
    /// Every field's distinct tokens, grouped by merge bucket (the top bits of the key):
    /// bucket `b` is `postings[starts[b]..starts[b + 1]]`, the title's first, then each
    /// section's in order.
    postings: Vec<Count>,
    starts: Vec<u32>,
}

impl PageCounts {
    fn bucket(&self, b: usize) -> &[Count] {
        &self.postings[self.starts[b] as usize..self.starts[b + 1] as usize]
    }

    /// The text of a token this page holds.
    fn token(&self, key: u64) -> TokenText<'_> {
        let raw = key.wrapping_mul(KEY_UNMIX);
        if raw & WORD_BIT == 0 {
            return TokenText::cjk(raw);
        }
        let at = self.word_at.partition_point(|w| w.0 < key);
        let (_, start, len) = self.word_at[at];
        TokenText::Word(&self.words[start as usize..start as usize + len as usize])
    }
}

/// A distinct token of a field: its key, the field (0 for the title, else the section's
/// index plus one), and how often the text has it, with `IN_HEADING` set when the heading has
/// it too. Sites hold millions, so it is 16 bytes; the merge reads a token's text only for
/// its first hit.
#[derive(Clone, Copy, Default)]
struct Count {
    key: u64,
    field: u32,
    tf: u32,
}

const IN_HEADING: u32 = 1 << 31;

/// One field's tokens by key.
type FieldCounts = HashMap<u64, Count, BuildHasherDefault<HashAsIs>>;

fn count_page(page: &SearchPage) -> PageCounts {
    let mut words = String::new();
    let mut word_at = Vec::new();
    // Room for the distinct tokens of a usual section, so the map does not grow in steps.
    let mut counts = FieldCounts::with_capacity_and_hasher(512, Default::default());
    let mut fields = Vec::new();
    let mut add = |counts: &mut FieldCounts, text: &str, heading| {
        add_tokens(&mut words, &mut word_at, counts, text, heading)
    };
    let title_length = add(&mut counts, page.title, false);
    fields.extend(counts.drain().map(|(_, c)| Count { field: 0, ..c }));
    let section_lengths = (page.sections.iter().enumerate())
        .map(|(s, section)| {
            let length = add(&mut counts, &section.text, false);
            add(&mut counts, &section.heading, true);
            let field = s as u32 + 1;
            fields.extend(counts.drain().map(|(_, c)| Count { field, ..c }));
            length
        })
        .collect();
    // A word in several fields was kept once per field.
    word_at.sort_unstable_by_key(|w| w.0);
    word_at.dedup_by_key(|w| w.0);
    // A stable counting sort by bucket keeps each bucket's fields in order.
    let mut starts = vec![0u32; MERGE_BUCKETS + 1];
    for c in &fields {
        starts[merge_group(c.key) + 1] += 1;
    }
    for b in 0..MERGE_BUCKETS {
        starts[b + 1] += starts[b];
    }
    let mut next = starts.clone();
    let mut postings = vec![Count::default(); fields.len()];
    for c in fields {
        let at = &mut next[merge_group(c.key)];
        postings[*at as usize] = c;
        *at += 1;
    }
    PageCounts {
        words,
        word_at,
        title_length,
        section_lengths,
        postings,
        starts,
    }
}

fn merge_group(key: u64) -> usize {
    (key >> MERGE_SHIFT) as usize
}

/// Counts each token of `text`, keeping the text of new words; returns the text's length. A
/// CJK character is counted alone only where it is in no bigram: elsewhere its bigrams find it,
/// and a query of one character looks them up (`completion_files`). Single characters were 43%
/// of the bench site's postings.
fn add_tokens(
    words: &mut String,
    word_at: &mut Vec<(u64, u32, u8)>,
    counts: &mut FieldCounts,
    text: &str,
    heading: bool,
) -> usize {
    tokenize(&normalize(text), |token| {
        if let tokenizer::Token::Cjk {
            second: None,
            alone: false,
            ..
        } = token
        {
            return;
        }
        let key = token_key(token);
        let count = counts.entry(key).or_insert_with(|| {
            if let tokenizer::Token::Word(word) = token {
                debug_assert!(
                    word.len() <= u8::MAX as usize,
                    "words are at most 32 characters"
                );
                word_at.push((key, words.len() as u32, word.len() as u8));
                words.push_str(word);
            }
            Count {
                key,
                ..Count::default()
            }
        });
        count.tf += u32::from(!heading);
        if heading {
            count.tf |= IN_HEADING;
        }
    })
}

/// Keys are multiplied by this odd number, a bijection of 64-bit numbers: every bit of a key
/// depends on the token (the top ones pick its merge group), and a CJK token's characters
/// come back from its key (`KEY_UNMIX` is the inverse).
const KEY_MIX: u64 = 0x9e37_79b9_7f4a_7c15;
const KEY_UNMIX: u64 = inverse(KEY_MIX);
/// Set in the unmixed key of a word (a hash of its text), never in a CJK token's.
const WORD_BIT: u64 = 1 << 63;
/// Tells one CJK character from two in an unmixed key.
const ONE_CJK: u64 = 1 << 42;
const TWO_CJK: u64 = 2 << 42;

/// The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration doubles the
/// correct low bits each step: 3, 6, 12, 24, 48, 96).
const fn inverse(odd: u64) -> u64 {
    let mut x = odd;
    let mut i = 0;
    while i < 5 {
        x = x.wrapping_mul(2u64.wrapping_sub(odd.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// A token's identity in the index. One or two CJK characters (`tokenize` makes nothing else
/// of them) are their code points, exact and cheaper than hashing; a word is a 63-bit hash of
/// its text. Two words sharing a hash are not expected in any site.
fn token_key(token: tokenizer::Token) -> u64 {
    let raw = match token {
        tokenizer::Token::Word(word) => hash64(word.as_bytes()) | WORD_BIT,
        tokenizer::Token::Cjk {
            first,
            second: None,
            ..
        } => ONE_CJK | u64::from(first),
        tokenizer::Token::Cjk {
            first,
            second: Some(second),
            ..
        } => TWO_CJK | u64::from(first) << 21 | u64::from(second),
    };
    raw.wrapping_mul(KEY_MIX)
}

/// A token's text for the index files: a word's is in its page's counts, and one or two CJK
/// characters are written out from the key.
#[derive(Clone, Copy)]
enum TokenText<'a> {
    Word(&'a str),
    Cjk { bytes: [u8; 8], len: u8 },
}

impl TokenText<'_> {
    fn cjk(raw: u64) -> Self {
        let mut bytes = [0u8; 8];
        let mut len = 0;
        let chars = match raw & TWO_CJK {
            0 => [None, char::from_u32((raw & 0x1f_ffff) as u32)],
            _ => [
                char::from_u32((raw >> 21 & 0x1f_ffff) as u32),
                char::from_u32((raw & 0x1f_ffff) as u32),
            ],
        };
        for c in chars.into_iter().flatten() {
            len += c.encode_utf8(&mut bytes[len..]).len();
        }
        TokenText::Cjk {
            bytes,
            len: len as u8,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            TokenText::Word(word) => word.as_bytes(),
            TokenText::Cjk { bytes, len } => &bytes[..*len as usize],
        }
    }

    /// The first character of a CJK bigram, as UTF-8; `None` for a word or a single character.
    fn bigram_start(&self) -> Option<&[u8]> {
        let TokenText::Cjk { bytes, len } = self else {
            return None;
        };
        let first = match bytes[0] {
            0..0x80 => 1,
            0x80..0xE0 => 2,
            0xE0..0xF0 => 3,
            _ => 4,
        };
        (first < usize::from(*len)).then(|| &bytes[..first])
    }
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
    key: u64,
    token: TokenText<'a>,
    titles: usize,
    sections: usize,
    /// Sections holding the token, including hits left out.
    found_in: usize,
    bitmap: usize,
    /// Where the encoded postings are: `Postings::bytes[group][bytes]`.
    group: usize,
    bytes: std::ops::Range<usize>,
}

/// Every token's postings; each merge group encodes its lists one after another into a
/// buffer of its own (a vector per token cost more in allocation than in encoding). The lists
/// stay in their groups: joining half a million of them into one vector was a serial copy.
struct Postings<'a> {
    lists: Vec<Vec<TokenList<'a>>>,
    bytes: Vec<Vec<u8>>,
}

/// The BM25 term-frequency factor, scaled to 0..=max; at least 1 for any occurrence.
/// `norm` is the field's length normalisation, `K1 * (1 - b + b * length / average)`.
fn impact(tf: u32, norm: f64, max: f64) -> u8 {
    if tf == 0 {
        return 0;
    }
    let tf = tf as f64;
    ((tf / (tf + norm) * max).round() as u8).max(1)
}

fn length_norm(length: usize, average: f64, b: f64) -> f64 {
    K1 * (1.0 - b + b * length as f64 / average)
}

/// Token keys are already well mixed: the map uses them as they are, turned by half a word
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
    /// A character packed in a number (`ByChar`) is mixed as a key is.
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(KEY_MIX);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Encodes one token's hits (in page order, a page's title before its sections), keeping
/// only the strongest `MAX_SECTION_HITS` section hits plus a page bitmap for a token found
/// nearly everywhere.
fn encode<'a>(
    key: u64,
    token: TokenText<'a>,
    hits: &[MergeHit],
    page_count: usize,
    (group, bytes): (usize, &mut Vec<u8>),
) -> TokenList<'a> {
    let in_sections = || hits.iter().filter(|h| h.field != 0);
    let found_in = in_sections().count();
    let mut bitmap = Vec::new();
    let mut strongest: Vec<MergeHit> = Vec::new();
    if found_in > MAX_SECTION_HITS {
        bitmap = vec![0u8; page_count.div_ceil(8)];
        for h in in_sections() {
            bitmap[h.page as usize / 8] |= 1 << (h.page % 8);
        }
        strongest = strongest_hits(in_sections(), MAX_SECTION_HITS);
    }
    let start = bytes.len();
    let mut last = 0;
    let mut titles = 0;
    for h in hits.iter().filter(|h| h.field == 0) {
        write_varint(bytes, (h.page - last) as u64);
        write_varint(bytes, h.value as u64);
        last = h.page;
        titles += 1;
    }
    let sections = if bitmap.is_empty() {
        write_section_hits(bytes, in_sections())
    } else {
        write_section_hits(bytes, strongest.iter())
    };
    bytes.extend_from_slice(&bitmap);
    TokenList {
        key,
        token,
        titles,
        sections,
        found_in,
        bitmap: bitmap.len(),
        group,
        bytes: start..bytes.len(),
    }
}

/// The `keep` hits of the highest values, in their order; of the weakest value kept, the first
/// ones. Values are bytes, so counting them finds that value without sorting.
fn strongest_hits<'h>(
    hits: impl Iterator<Item = &'h MergeHit> + Clone,
    keep: usize,
) -> Vec<MergeHit> {
    let mut by_value = [0usize; 256];
    for h in hits.clone() {
        by_value[usize::from(h.value)] += 1;
    }
    let (mut weakest, mut room) = (usize::from(u8::MAX), keep);
    while weakest > 0 && by_value[weakest] < room {
        room -= by_value[weakest];
        weakest -= 1;
    }
    let mut strongest = Vec::with_capacity(keep);
    for h in hits {
        let value = usize::from(h.value);
        if value > weakest || value == weakest && room > 0 {
            room -= usize::from(value == weakest);
            strongest.push(*h);
        }
    }
    strongest
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
/// the field (0 for the title, else section index + 1) and the encoded impact, a byte.
#[derive(Clone, Copy, Default)]
struct MergeHit {
    token: u32,
    page: u32,
    field: u32,
    value: u8,
}

/// How many pages' rows ahead of the one merged are fetched into the cache.
const PREFETCH_ROWS: usize = 4;

/// Asks the processor to bring `counts` into its cache, without waiting for it.
fn prefetch(counts: &[Count]) {
    #[cfg(target_arch = "x86_64")]
    for line in counts.chunks(64 / std::mem::size_of::<Count>()) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint that reads nothing and never faults; SSE, which it
        // needs, is part of every x86-64 processor.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = counts;
}

fn merge_postings<'a>(pages: &[&'a PageCounts], avg_section: f64, avg_title: f64) -> Postings<'a> {
    // Parallel by token group: each task walks every page in order, so each list comes out
    // sorted by page.
    type ByKey = HashMap<u64, u32, BuildHasherDefault<HashAsIs>>;
    // Each page's length normalisation per field (the title's, then each section's), all
    // pages' one after another.
    let norms: Vec<f64> = pages
        .iter()
        .flat_map(|page| {
            std::iter::once(length_norm(page.title_length, avg_title, B_TITLE))
                .chain((page.section_lengths.iter()).map(|&l| length_norm(l, avg_section, B_BODY)))
        })
        .collect();
    let norms_at: Vec<usize> = (pages.iter())
        .scan(0, |at, page| {
            let start = *at;
            *at += 1 + page.section_lengths.len();
            Some(start)
        })
        .collect();
    // Every page's counts of each group, a row per group (`rows[b * pages + p]`): a group
    // reads its row in order instead of chasing each page's lists, a cache miss or two per
    // page, 64 times over.
    let mut rows: Vec<&[Count]> = vec![&[]; MERGE_BUCKETS * pages.len()];
    for (p, page) in pages.iter().enumerate() {
        for b in 0..MERGE_BUCKETS {
            rows[b * pages.len() + p] = page.bucket(b);
        }
    }
    let groups: Vec<(Vec<TokenList>, Vec<u8>)> = (0..MERGE_BUCKETS)
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
                let mut by_key = ByKey::default();
                let mut tokens: Vec<(u64, TokenText)> = Vec::new();
                hits.clear();
                let row = &rows[b * pages.len()..(b + 1) * pages.len()];
                for (p, (counts, &norms_at)) in row.iter().zip(&norms_at).enumerate() {
                    // Each row is another page's memory, a cache miss away (a profile put 40%
                    // of the merge's time on first reads of rows): the next rows are asked for
                    // while this one is read.
                    if let Some(ahead) = row.get(p + PREFETCH_ROWS) {
                        prefetch(ahead);
                    }
                    for c in counts.iter() {
                        let at = *by_key.entry(c.key).or_insert_with(|| {
                            tokens.push((c.key, pages[p].token(c.key)));
                            tokens.len() as u32 - 1
                        });
                        let norm = norms[norms_at + c.field as usize];
                        let (tf, heading) = (c.tf & !IN_HEADING, c.tf & IN_HEADING != 0);
                        let value = match c.field {
                            0 => impact(tf, norm, 255.0),
                            _ => impact(tf, norm, 127.0) << 1 | heading as u8,
                        };
                        hits.push(MergeHit {
                            token: at,
                            page: p as u32,
                            field: c.field,
                            value,
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
                // About three varint bytes a hit.
                let mut bytes = Vec::with_capacity(3 * hits.len());
                let lists = (tokens.iter().enumerate())
                    .map(|(t, &(key, token))| {
                        let hits = &sorted[starts[t]..starts[t + 1]];
                        encode(key, token, hits, pages.len(), (b, &mut bytes))
                    })
                    .collect();
                (lists, bytes)
            },
        )
        .collect();
    let (lists, bytes): (Vec<Vec<TokenList>>, Vec<Vec<u8>>) = groups.into_iter().unzip();
    Postings { lists, bytes }
}

/// Completions of what a query leaves unfinished, in files keyed by its start: every Latin word
/// of over two letters by its first two letters (for the word being typed), and each CJK
/// character's `COMPLETIONS` most frequent bigrams by that character (a query of one character
/// finds its pages through them). Each file is a JSON list of `[completion, hits]`, most
/// frequent first; search.js takes the first three that begin with what was typed.
fn completion_files(lists: &[Vec<TokenList>]) -> (usize, Vec<(String, Vec<u8>)>) {
    let (words, by_char) = lists
        .par_iter()
        .map(|group| {
            let mut words: Vec<Completion> = Vec::new();
            let mut by_char = ByChar::default();
            for list in group {
                let hits = list.titles + list.found_in;
                let text = list.token.as_bytes();
                if let TokenText::Word(word) = list.token {
                    if let Some((third, _)) = word.char_indices().nth(2) {
                        words.push((&text[..third], text, hits));
                    }
                } else if let Some(first) = list.token.bigram_start() {
                    let mut packed = [0u8; 4];
                    packed[..first.len()].copy_from_slice(first);
                    let top = by_char.entry(u32::from_le_bytes(packed)).or_default();
                    keep_strongest(top, (first, text, hits));
                }
            }
            (words, by_char)
        })
        .reduce(
            || (Vec::new(), ByChar::default()),
            |(mut words, mut by_char), (more, theirs)| {
                words.extend(more);
                for (first, top) in theirs {
                    let ours = by_char.entry(first).or_default();
                    for completion in top.into_iter().flatten() {
                        keep_strongest(ours, completion);
                    }
                }
                (words, by_char)
            },
        );
    let completions = (words.into_iter()).chain(by_char.into_values().flatten().flatten());
    let completions: Vec<Completion> = completions.collect();
    let total: usize = completions.iter().map(|c| c.1.len() + 8).sum();
    let count = total.div_ceil(WORDS_FILE_BYTES).max(1);
    let mut groups: Vec<Vec<Completion>> = vec![Vec::new(); count];
    for c in completions {
        groups[bucket(c.0, count)].push(c);
    }
    let files = groups
        .into_par_iter()
        .enumerate()
        .map(|(n, mut group)| {
            group.sort_unstable_by(stronger);
            let list: Vec<(&str, usize)> = (group.iter())
                .map(|&(_, text, hits)| (std::str::from_utf8(text).expect("tokens are text"), hits))
                .collect();
            let json = serde_json::to_vec(&list).expect("plain data");
            (format!("w/{n}.json"), json)
        })
        .collect();
    (count, files)
}

/// Bigrams kept for each CJK character as its completions (search.js uses three).
const COMPLETIONS: usize = 3;

/// A completion: the start of it that names its file (a word's first two letters, a bigram's
/// first character), its text and how many titles and sections hold it.
type Completion<'a> = (&'a [u8], &'a [u8], usize);

/// The order of completions in their files: most hits first, then by text, so a file is the
/// same whatever order its completions were found in.
fn stronger(a: &Completion, b: &Completion) -> std::cmp::Ordering {
    b.2.cmp(&a.2).then(a.1.cmp(b.1))
}

/// Each CJK character's strongest completions so far, by its UTF-8 bytes packed in a number.
type ByChar<'a> = HashMap<u32, [Option<Completion<'a>>; COMPLETIONS], BuildHasherDefault<HashAsIs>>;

/// Puts `completion` in `top` (most hits first) if it has more hits than one there; of equal
/// ones, the first found stays, so merging in order gives the same as one pass.
fn keep_strongest<'a>(top: &mut [Option<Completion<'a>>], completion: Completion<'a>) {
    if let Some(at) = top
        .iter()
        .position(|t| t.is_none_or(|t| t.2 < completion.2))
    {
        top[at..].rotate_right(1);
        top[at] = Some(completion);
    }
}

/// What the client shows for a page, as JSON: `{"t": title, "u": path, "s": [[heading, id,
/// text], ...]}`, each section's text cut at `SNIPPET_TEXT_BYTES`. These are most of the
/// index's bytes, so they are written here rather than by serde_json, escaping eight bytes at a
/// time; the output is serde_json's to the byte (see `push_json_string`).
fn fragment(page: &SearchPage) -> Vec<u8> {
    let title = if page.title.is_empty() {
        page.path
    } else {
        page.title
    };
    let texts: usize = (page.sections.iter())
        .map(|s| s.heading.len() + s.id.len() + s.text.len().min(SNIPPET_TEXT_BYTES) + 16)
        .sum();
    let mut out = Vec::with_capacity(title.len() + page.path.len() + texts + 32);
    out.extend_from_slice(b"{\"t\":");
    push_json_string(&mut out, title);
    out.extend_from_slice(b",\"u\":");
    push_json_string(&mut out, page.path);
    out.extend_from_slice(b",\"s\":[");
    for (i, section) in page.sections.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"[" } else { b",[" });
        push_json_string(&mut out, &section.heading);
        out.push(b',');
        push_json_string(&mut out, &section.id);
        out.push(b',');
        push_json_string(&mut out, snippet_text(&section.text));
        out.push(b']');
    }
    out.extend_from_slice(b"]}");
    out
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it: `"` and `\` with a
/// backslash, the control characters as `\b \t \n \f \r` or `\u00xx`, nothing else.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x80 * ONES;
    let has_zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & TOPS != 0;
    let bytes = text.as_bytes();
    let (mut at, mut copied) = (0, 0);
    out.push(b'"');
    while at < bytes.len() {
        // Eight bytes at a time while none is below 0x20, a quote or a backslash.
        if let Some(chunk) = bytes.get(at..at + 8) {
            let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if !(x.wrapping_sub(0x20 * ONES) & !x & TOPS != 0
                || has_zero_byte(x ^ (b'"' as u64 * ONES))
                || has_zero_byte(x ^ (b'\\' as u64 * ONES)))
            {
                at += 8;
                continue;
            }
        }
        let b = bytes[at];
        if b < 0x20 || b == b'"' || b == b'\\' {
            out.extend_from_slice(&bytes[copied..at]);
            let short = match b {
                b'"' | b'\\' => b,
                0x08 => b'b',
                b'\t' => b't',
                b'\n' => b'n',
                0x0c => b'f',
                b'\r' => b'r',
                _ => 0,
            };
            if short == 0 {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
            } else {
                out.extend_from_slice(&[b'\\', short]);
            }
            copied = at + 1;
        }
        at += 1;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
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

/// The multiplier of one step of `hash64` and `file_hash`.
const HASH_STEP: u64 = 0x9e37_79b9_7f4a_7c15;

/// A hash of 64 bits, well mixed in every bit (the top ones pick a word's merge group), read
/// eight bytes at a time since it runs for every word of the site and every byte of the index.
/// (FNV, a byte at a time, was a third of counting a page's tokens.)
fn hash64(bytes: &[u8]) -> u64 {
    const K: u64 = HASH_STEP;
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

/// `hash64` for a whole file: four lanes of its step side by side, since one lane waits on
/// its multiply every eight bytes (hashing the 60 MB index of 10,000 pages took 30 ms with one
/// lane, 6 ms with four).
fn file_hash(bytes: &[u8]) -> u64 {
    const K: u64 = HASH_STEP;
    let mut lanes = [K, K ^ 1, K ^ 2, K ^ 3];
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            *lane = (*lane ^ word).wrapping_mul(K).rotate_left(31);
        }
    }
    let mut last = [0u8; 40];
    for (at, lane) in lanes.iter().enumerate() {
        last[at * 8..at * 8 + 8].copy_from_slice(&lane.to_le_bytes());
    }
    last[32..].copy_from_slice(&hash64(blocks.remainder()).to_le_bytes());
    hash64(&last) ^ bytes.len() as u64
}

const FNV64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv64(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash = (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// FNV-1a (32 bits) of the token's UTF-8 bytes, modulo `count`; search.js computes the same.
fn bucket(token: &[u8], count: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in token {
        hash = (hash ^ b as u32).wrapping_mul(0x0100_0193);
    }
    hash as usize % count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index's version changes with any byte of any file: every byte goes into the hash,
    /// whichever lane or the tail it falls in, and so does the length.
    #[test]
    fn a_file_hash_changes_with_every_byte_and_the_length() {
        let file: Vec<u8> = (0..75u8).collect();
        let hash = file_hash(&file);
        for at in 0..file.len() {
            let mut changed = file.clone();
            changed[at] ^= 1;
            assert_ne!(file_hash(&changed), hash, "byte {at}");
        }
        for len in [0, 1, 31, 32, 33, 64] {
            assert_ne!(
                file_hash(&vec![0; len]),
                file_hash(&vec![0; len + 1]),
                "{len} bytes"
            );
        }
    }

    /// Selecting by counting values keeps what a stable sort by strength would: the strongest,
    /// ties going to the earliest hits, in page order.
    #[test]
    fn strongest_hits_are_the_ones_a_stable_sort_keeps() {
        let mut seed = 7u64;
        for (count, values, keep) in [(50, 4, 20), (300, 40, 100), (100, 3, 100), (10, 256, 3)] {
            let hits: Vec<MergeHit> = (0..count)
                .map(|page| {
                    seed = seed.wrapping_mul(KEY_MIX).wrapping_add(1);
                    MergeHit {
                        token: 0,
                        page,
                        field: 1,
                        value: ((seed >> 40) % values) as u8,
                    }
                })
                .collect();
            let mut sorted = hits.clone();
            sorted.sort_by_key(|h| std::cmp::Reverse(h.value));
            sorted.truncate(keep);
            sorted.sort_by_key(|h| h.page);
            let kept = strongest_hits(hits.iter(), keep);
            let pages =
                |hits: &[MergeHit]| hits.iter().map(|h| (h.page, h.value)).collect::<Vec<_>>();
            assert_eq!(
                pages(&kept),
                pages(&sorted),
                "{count} hits, {values} values"
            );
        }
    }

    /// A CJK token is read back from its key alone, so the key must keep every character
    /// (the four-byte one too) and tell one character from two.
    #[test]
    fn cjk_tokens_come_back_from_their_keys() {
        for text in ["提现", "提", "失败", "𠀀", "提𠀀", "カ", "가나"] {
            let mut chars = text.chars();
            let token = tokenizer::Token::Cjk {
                text,
                first: chars.next().unwrap(),
                second: chars.next(),
                alone: false,
            };
            let raw = token_key(token).wrapping_mul(KEY_UNMIX);
            assert_eq!(raw & WORD_BIT, 0, "{text}");
            let back = TokenText::cjk(raw);
            assert_eq!(back.as_bytes(), text.as_bytes());
            let bigram = text.chars().nth(1).and(text.chars().next());
            let first = bigram.map(|c| &text.as_bytes()[..c.len_utf8()]);
            assert_eq!(back.bigram_start(), first, "{text}");
        }
        let word = token_key(tokenizer::Token::Word("failed"));
        assert_ne!(word.wrapping_mul(KEY_UNMIX) & WORD_BIT, 0);
        assert_eq!(
            TokenText::Word("失败").bigram_start(),
            None,
            "a word is no bigram"
        );
    }

    /// Bigrams, words and characters that stand alone are counted; a character inside a run is
    /// found through its bigrams only, and its length still counts for ranking.
    #[test]
    fn characters_inside_runs_are_not_counted_alone() {
        let section = TextSection {
            heading: "锁".into(),
            id: "lock".into(),
            text: "提现 wallet “锁”".into(),
        };
        let page = SearchPage {
            path: "a/",
            title: "",
            sections: std::slice::from_ref(&section),
        };
        let counts = count_page(&page);
        let mut tokens: Vec<(String, u32)> = (counts.postings.iter())
            .map(|c| {
                let text = counts.token(c.key).as_bytes().to_vec();
                (String::from_utf8(text).unwrap(), c.tf)
            })
            .collect();
        tokens.sort();
        let expected = [("wallet", 1), ("提现", 1), ("锁", 1 | IN_HEADING)];
        assert_eq!(tokens, expected.map(|(t, tf)| (t.to_owned(), tf)));
        assert_eq!(counts.section_lengths, [4], "提, 现, wallet and 锁");
    }

    /// Page fragments are written by hand; each string must come out as serde_json writes it.
    #[test]
    fn json_strings_are_escaped_as_serde_json_escapes_them() {
        let alphabet: Vec<char> = "ab \"\\/\u{0}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f}提现€\u{2028}'<>&"
            .chars()
            .collect();
        let mut seed = 7u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..seed % 40 {
                seed = seed.wrapping_mul(KEY_MIX).wrapping_add(1);
                text.push(alphabet[(seed >> 40) as usize % alphabet.len()]);
            }
            seed = seed.wrapping_mul(KEY_MIX).wrapping_add(1);
            let mut ours = Vec::new();
            push_json_string(&mut ours, &text);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
        }
    }

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
        assert_eq!(bucket(b"", usize::MAX), 0x811c_9dc5);
        assert_eq!(bucket(b"a", usize::MAX), 0xe40c_292c);
        assert_eq!(bucket(b"foobar", usize::MAX), 0xbf9c_f968);
    }
}
