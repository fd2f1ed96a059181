#!/usr/bin/env python3
"""Writes a deterministic N-page documentation site for benchmarks, in the layout each tool needs.

usage: gen.py PAGES OUT_DIR
OUT_DIR/quire   site.yaml + content/ (+ a minimal bench theme)
OUT_DIR/hugo    the same pages with minimal Hugo layouts
OUT_DIR/mdbook  the same pages as an mdBook (src/ + SUMMARY.md)
Pages: mixed Chinese and English paragraphs, front matter, headings, lists, tables, fenced code,
internal links between pages, 100 pages per section. Same seed, same bytes, every run.
"""
import os
import random
import sys

ZH = ("数字钱包的使用在全球范围内呈现出日益增长的趋势尤其是在移动支付不断普及的今天用户在充值提现转账等环节"
      "可能会遇到支付失败资金未到账等情况这时拨打官方客服电话能够帮助用户冻结账户保护个人资产安全并获取详细的使用指导")
EN = ("the quick brown fox jumps over the lazy dog while documentation generators render markdown into html "
      "pages with search indexes navigation tables of contents and feeds for every section of the site").split()
PER_SECTION = 100


def paragraph(rng):
    start = rng.randrange(0, len(ZH) - 40)
    return ZH[start:start + rng.randrange(20, 40)] + "。" + " ".join(rng.choice(EN) for _ in range(rng.randrange(12, 30))) + "."


def body(rng, i, n):
    out = []
    for h in range(4):
        out.append(f"## 第 {h + 1} 部分 Part {h + 1}\n")
        for _ in range(3):
            out.append(paragraph(rng) + "\n")
        if h == 1:
            out.append("- " + paragraph(rng) + "\n- " + paragraph(rng) + "\n- item three\n")
        if h == 2:
            out.append("| 项目 | value |\n|---|---|\n| 余额 | 100 |\n| 限额 | 5000 |\n")
        if h == 3:
            out.append("```rust\nfn main() {\n    println!(\"hello {}\", 42);\n}\n```\n")
        target = rng.randrange(n)
        out.append(f"See [page {target}](../s{target // PER_SECTION:03d}/p{target:05d}.md).\n")
    return "\n".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20261124)
    sections = (n + PER_SECTION - 1) // PER_SECTION
    write(f"{out}/quire/site.yaml", "title: Bench\nbase_url: https://example.org/\nlanguage: zh-CN\ntheme: bench\n")
    write(f"{out}/quire/themes/bench/templates/page.html",
          "<!DOCTYPE html><html><head><title>{{ page.title }}</title></head><body><h1>{{ page.title }}</h1>"
          "{{ page.content | safe }}<ul>{% for p in section.pages %}<li><a href=\"{{ root }}{{ p.path }}\">{{ p.title }}</a></li>{% endfor %}</ul></body></html>")
    for name in ("section.html", "index.html"):
        write(f"{out}/quire/themes/bench/templates/{name}",
              "<!DOCTYPE html><html><head><title>{{ section.title }}</title></head><body>{{ section.content | safe }}"
              "<ul>{% for p in section.pages %}<li><a href=\"{{ root }}{{ p.path }}\">{{ p.title }}</a></li>{% endfor %}"
              "{% for s in section.subsections %}<li><a href=\"{{ root }}{{ s.path }}\">{{ s.title }}</a></li>{% endfor %}</ul></body></html>")
    write(f"{out}/hugo/hugo.yaml", "baseURL: https://example.org/\ntitle: Bench\nlanguageCode: zh-CN\ndisableKinds: [taxonomy, term]\n")
    write(f"{out}/hugo/layouts/_default/single.html",
          "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}"
          "<ul>{{ range .CurrentSection.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>")
    write(f"{out}/hugo/layouts/_default/list.html",
          "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ .Content }}"
          "<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>")
    write(f"{out}/mdbook/book.toml", "[book]\ntitle = \"Bench\"\nlanguage = \"zh-CN\"\nsrc = \"src\"\n\n[output.html]\n")
    summary = ["# Summary\n"]
    home = "---\ntitle: Bench\n---\n\nBenchmark home.\n"
    write(f"{out}/quire/content/_index.md", home)
    write(f"{out}/hugo/content/_index.md", home)
    write(f"{out}/mdbook/src/README.md", "# Bench\n\nBenchmark home.\n")
    summary.append("[Bench](README.md)\n")
    for s in range(sections):
        index = f"---\ntitle: Section {s}\nweight: {s}\n---\n\nSection {s}.\n"
        for tool in ("quire", "hugo"):
            write(f"{out}/{tool}/content/s{s:03d}/_index.md", index)
        write(f"{out}/mdbook/src/s{s:03d}/README.md", f"# Section {s}\n")
        summary.append(f"- [Section {s}](s{s:03d}/README.md)\n")
        for p in range(min(PER_SECTION, n - s * PER_SECTION)):
            i = s * PER_SECTION + p
            text = body(rng, i, n)
            front = f"---\ntitle: Page {i} 第 {i} 页\ndate: 2026-01-{1 + i % 28:02d}\nweight: {p}\ntags: [bench]\n---\n\n"
            for tool in ("quire", "hugo"):
                write(f"{out}/{tool}/content/s{s:03d}/p{i:05d}.md", front + text)
            write(f"{out}/mdbook/src/s{s:03d}/p{i:05d}.md", f"# Page {i} 第 {i} 页\n\n" + text)
            summary.append(f"    - [Page {i}](s{s:03d}/p{i:05d}.md)\n")
    write(f"{out}/mdbook/src/SUMMARY.md", "".join(summary))


if __name__ == "__main__":
    main()
