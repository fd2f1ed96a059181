#!/usr/bin/env python3
"""Writes a deterministic N-page documentation site for benchmarks, in the layout each tool needs.
Every bench script generates its sites with this one file.

usage: gen.py PAGES OUT_DIR
OUT_DIR/quire          site.yaml + content/ + a minimal bench theme (title, content, section list)
OUT_DIR/quire-default  the same content with quire's default theme
OUT_DIR/hugo           the same pages with minimal Hugo layouts (title, content, section list)
OUT_DIR/mdbook         the same pages as an mdBook (src/ + SUMMARY.md)
OUT_DIR/queries.txt    queries a reader might type, for the search benchmarks
Pages: mixed Chinese and English paragraphs, front matter, headings, lists, tables, fenced code,
internal links between pages, 100 pages per section. Words are drawn with Zipf's law from a
12,000-word Chinese vocabulary and a small English one, as in natural text, so search indexes
grow as they would on real documentation. Same seed, same bytes, every run.
"""
import itertools
import os
import random
import sys

PER_SECTION = 100
rng = random.Random(20261124)
# 2,500 characters of the common block, spread so words look varied, like the characters an
# everyday Chinese text uses; words of two to four of them.
CHARS = [chr(0x4E00 + (i * 7919) % 20902) for i in range(2500)]
CJK_WORDS = ["".join(rng.choice(CHARS) for _ in range(rng.choice((2, 2, 2, 3, 4)))) for _ in range(12000)]
LATIN = ["account", "payment", "withdrawal", "failed", "balance", "transfer", "security", "password",
         "verify", "support", "network", "settings", "device", "update", "install", "error", "refund",
         "limit", "card", "bank", "wallet", "login", "identity", "message", "service", "order"]
LATIN += [a + b for a in ("re", "pre", "un", "over", "multi") for b in LATIN[:20]]


def cumulative(words):
    """Cumulative weights 1/rank: a word's chance falls with its rank, as in natural text."""
    return list(itertools.accumulate(1.0 / rank for rank in range(1, len(words) + 1)))


CJK_WEIGHTS, LATIN_WEIGHTS = cumulative(CJK_WORDS), cumulative(LATIN)


def cjk(count):
    return rng.choices(CJK_WORDS, cum_weights=CJK_WEIGHTS, k=count)


def latin(count):
    return rng.choices(LATIN, cum_weights=LATIN_WEIGHTS, k=count)


def paragraph():
    words = cjk(rng.randrange(8, 20))
    chinese = "".join(w + ("，" if rng.random() < 0.15 else "") for w in words).rstrip("，") + "。"
    return chinese + " " + " ".join(latin(rng.randrange(8, 20))).capitalize() + "."


def body(n):
    out = []
    for h in range(4):
        out.append(f"## 第 {h + 1} 部分 {''.join(cjk(2))} {' '.join(latin(2)).title()}\n")
        for _ in range(3):
            out.append(paragraph() + "\n")
        if h == 1:
            out.append("- " + paragraph() + "\n- " + paragraph() + "\n- item three\n")
        if h == 2:
            out.append("| 项目 | value |\n|---|---|\n| 余额 | 100 |\n| 限额 | 5000 |\n")
        if h == 3:
            # Different on every page, so no tool can highlight one block and reuse it.
            words = ", ".join(f'"{w}"' for w in latin(3))
            out.append(f"```rust\nfn main() {{\n    let limit = {rng.randrange(100, 100000)};\n"
                       f"    let words = [{words}];\n"
                       f"    println!(\"{{}} words, limit {{}}\", words.len(), limit);\n}}\n```\n")
        target = rng.randrange(n)
        out.append(f"See [page {target}](../s{target // PER_SECTION:03d}/p{target:05d}.md).\n")
    return "\n".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


QUIRE_SITE = "title: Bench\nbase_url: https://example.org/\nlanguage: zh-CN\ntheme: {}\n"
QUIRE_PAGE = ("<!DOCTYPE html><html><head><title>{{ page.title }}</title></head><body><h1>{{ page.title }}</h1>"
              "{{ page.content | safe }}<ul>{% for p in section.pages %}<li><a href=\"{{ root }}{{ p.path }}\">{{ p.title }}</a></li>"
              "{% endfor %}</ul></body></html>")
QUIRE_SECTION = ("<!DOCTYPE html><html><head><title>{{ section.title }}</title></head><body>{{ section.content | safe }}"
                 "<ul>{% for p in section.pages %}<li><a href=\"{{ root }}{{ p.path }}\">{{ p.title }}</a></li>{% endfor %}"
                 "{% for s in section.subsections %}<li><a href=\"{{ root }}{{ s.path }}\">{{ s.title }}</a></li>{% endfor %}</ul></body></html>")
HUGO_SINGLE = ("<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}"
               "<ul>{{ range .CurrentSection.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>")
HUGO_LIST = ("<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ .Content }}"
             "<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>")


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    sections = (n + PER_SECTION - 1) // PER_SECTION
    quires = ("quire", "quire-default")
    write(f"{out}/quire/site.yaml", QUIRE_SITE.format("bench"))
    write(f"{out}/quire-default/site.yaml", QUIRE_SITE.format("default"))
    write(f"{out}/quire/themes/bench/templates/page.html", QUIRE_PAGE)
    for name in ("section.html", "index.html"):
        write(f"{out}/quire/themes/bench/templates/{name}", QUIRE_SECTION)
    write(f"{out}/hugo/hugo.yaml", "baseURL: https://example.org/\ntitle: Bench\nlanguageCode: zh-CN\n"
          "disableKinds: [taxonomy, term]\n")
    write(f"{out}/hugo/layouts/_default/single.html", HUGO_SINGLE)
    write(f"{out}/hugo/layouts/_default/list.html", HUGO_LIST)
    write(f"{out}/mdbook/book.toml", "[book]\ntitle = \"Bench\"\nlanguage = \"zh-CN\"\nsrc = \"src\"\n\n[output.html]\n")
    summary = ["# Summary\n", "[Bench](README.md)\n"]
    home = "---\ntitle: Bench\n---\n\nBenchmark home.\n"
    for tool in quires + ("hugo",):
        write(f"{out}/{tool}/content/_index.md", home)
    write(f"{out}/mdbook/src/README.md", "# Bench\n\nBenchmark home.\n")
    for s in range(sections):
        index = f"---\ntitle: Section {s}\nweight: {s}\n---\n\nSection {s}.\n"
        for tool in quires + ("hugo",):
            write(f"{out}/{tool}/content/s{s:03d}/_index.md", index)
        write(f"{out}/mdbook/src/s{s:03d}/README.md", f"# Section {s}\n")
        summary.append(f"- [Section {s}](s{s:03d}/README.md)\n")
        for p in range(min(PER_SECTION, n - s * PER_SECTION)):
            i = s * PER_SECTION + p
            text = body(n)
            front = f"---\ntitle: Page {i} 第 {i} 页\ndate: 2026-01-{1 + i % 28:02d}\nweight: {p}\ntags: [bench]\n---\n\n"
            for tool in quires + ("hugo",):
                write(f"{out}/{tool}/content/s{s:03d}/p{i:05d}.md", front + text)
            write(f"{out}/mdbook/src/s{s:03d}/p{i:05d}.md", f"# Page {i} 第 {i} 页\n\n" + text)
            summary.append(f"    - [Page {i}](s{s:03d}/p{i:05d}.md)\n")
    write(f"{out}/mdbook/src/SUMMARY.md", "".join(summary))
    # Words of every frequency, two-word queries (joined and spaced), English, a prefix, and one
    # character (completed to the bigrams it starts).
    queries = [CJK_WORDS[rank - 1] for rank in (1, 10, 100, 1000)]
    queries += [CJK_WORDS[20] + CJK_WORDS[50], CJK_WORDS[30] + " " + CJK_WORDS[300], "payment failed", "withdr"]
    queries += [CJK_WORDS[0][0]]
    write(f"{out}/queries.txt", "\n".join(queries) + "\n")


if __name__ == "__main__":
    main()
