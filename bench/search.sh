#!/usr/bin/env bash
# Search benchmark: generated sites of 1,000 and 10,000 pages (bench/gen.py), built with
# the release quire. Reports the index size, the bytes a first query downloads to show five
# results (bench/first_query.mjs), and how much indexing adds to build time (bench/search.rs:
# builds with and without search); beside Pagefind's index on the same pages when
# `npm install pagefind` works. Results go to bench/out/ (not committed).
# Usage: bench/search.sh [PAGES...]
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
cargo build --release --quiet
sizes=${*:-1000 10000}
pagefind=""
if [ -x bench/node_modules/.bin/pagefind ] || npm install --prefix bench --no-save --silent pagefind >/dev/null 2>&1; then
  pagefind=bench/node_modules/.bin/pagefind
fi
for n in $sizes; do
  [ -f "$out/gen-$n/queries.txt" ] || python3 bench/gen.py "$n" "$out/gen-$n"
  site="$out/gen-$n/quire-default"
  ./target/release/quire build --root "$site" --quiet
  {
    echo "{\"pages\": $n,"
    echo "\"timing\": $(cargo bench --quiet --bench search -- "$site" | tail -1),"
    echo "\"index\": $(python3 bench/sizes.py "$site/public/search"),"
    echo "\"first_query\": $(node bench/first_query.mjs "$site/public" "$out/gen-$n/queries.txt"),"
    if [ -n "$pagefind" ]; then
      start=$(date +%s%N)
      "$pagefind" --site "$site/public" --output-subdir _pagefind --quiet >/dev/null
      echo "\"pagefind\": {\"index\": $(python3 bench/sizes.py "$site/public/_pagefind"), \"build_ms\": $((($(date +%s%N) - start) / 1000000))},"
    fi
    echo "\"note\": \"gzip level 6; first_query counts search.js, meta.json, shards and page fragments fetched\"}"
  } > "$out/search-$n.json"
  python3 -c "
import json, sys
r = json.load(open('$out/search-$n.json'))
t, i, q = r['timing'], r['index'], r['first_query']['queries']
print('%d pages: build %d ms (%d ms CPU), without search %d ms (%d ms CPU): indexing adds %.1f%% wall, %.1f%% CPU; index %d files, %.1f MB raw, %.1f MB gzip'
      % ($n, t['build_ms'], t['build_cpu_ms'], t['build_without_search_ms'], t['build_without_search_cpu_ms'], t['indexing_adds_percent'], t['indexing_adds_percent_cpu'], i['files'], i['raw_bytes'] / 1e6, i['gzip_bytes'] / 1e6))
for x in q:
    print('  first query %-14s %5.1f KB gzip (script %.1f, index %.1f, pages %.1f), %d files' % (x['query'], x['total'] / 1024, x['script'] / 1024, x['index'] / 1024, x['pages'] / 1024, x['files']))
if 'pagefind' in r:
    p = r['pagefind']
    print('  pagefind: %d ms, index %d files, %.1f MB raw, %.1f MB gzip' % (p['build_ms'], p['index']['files'], p['index']['raw_bytes'] / 1e6, p['index']['gzip_bytes'] / 1e6))
" | tee "$out/search-$n.txt"
done
