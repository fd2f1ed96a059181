#!/usr/bin/env bash
# Ranking quality on real Chinese documentation nobody here wrote: the Debian Reference and
# the Debian FAQ in Simplified Chinese (Debian packages), one page per numbered section, with
# topic queries whose right page was chosen before tuning (bench/debian_*_queries.tsv).
# Prints, per query, where the expected page ranks, and how many rank first.
# Needs apt-get (Debian's packages) and node. Work files go to bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/quality
mkdir -p "$out"
cargo build --release --quiet
for pkg in debian-reference-zh-cn debian-faq-zh-cn; do
  if [ ! -d "$out/$pkg" ]; then
    (cd "$out" && apt-get download "$pkg" >/dev/null 2>&1)
    dpkg-deb -x "$out"/"$pkg"_*.deb "$out/$pkg"
  fi
done
build() { # SITE: builds it as it is (the hotline guard finds nothing in either manual)
  ./target/release/quire build --root "$1" --quiet
}
for doc in reference faq; do
  site="$out/site-$doc"
  rm -rf "$site"
  if [ $doc = reference ]; then src="$out/debian-reference-zh-cn/usr/share/debian-reference"; else src="$out/debian-faq-zh-cn/usr/share/doc/debian/FAQ/zh-cn"; fi
  python3 bench/debian_docs.py "$src" "$site"
  build "$site"
  echo "== Debian $doc"
  node tests/search/eval.mjs "$site/public" "bench/debian_${doc}_queries.tsv"
done
