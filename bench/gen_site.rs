//! Writes a deterministic documentation site of any size, for benchmarks: `sections` folders
//! of pages mixing Chinese and English text, headings, lists and links between pages.

use std::fmt::Write as _;
use std::path::Path;

/// Site path of a generated page, as `quire` publishes it.
pub fn page_site_path(section: usize, page: usize) -> String {
    format!("s{section:03}/p{page:05}/")
}

/// The markdown source of a generated page; `marker` is written into a middle paragraph so
/// an edit changes the body without touching the summary, title or links.
pub fn page_source(page: usize, pages_per_section: usize, marker: &str) -> String {
    let mut text = format!(
        "---\ntitle: 第 {page} 篇 Article {page}\ndescription: 关于账户与钱包设置的说明 {page}\nweight: {page}\ndate: 2026-{:02}-{:02}\ntags: [钱包, wallet]\n---\n\n",
        page % 12 + 1,
        page % 28 + 1
    );
    text.push_str("这是一篇用于性能测试的文章。This article exists to measure how fast quire rebuilds a large site.\n\n");
    for part in 0..4 {
        let _ = writeln!(text, "## 第 {part} 部分 Part {part}\n");
        for line in 0..3 {
            let _ = writeln!(
                text,
                "数字钱包的安全设置非常重要，请妥善保管密码与验证码。Keep your recovery phrase offline, line {line} of part {part}; **bold**, `code` and _emphasis_ appear in every paragraph so the renderer does real work."
            );
        }
        text.push('\n');
        if part == 1 {
            let _ = writeln!(text, "编辑标记 Edit marker: {marker}\n");
        }
        if part == 2 {
            text.push_str("- 第一步 first step\n- 第二步 second step\n- 第三步 third step\n\n");
            let next = (page + 1) % pages_per_section;
            let _ = writeln!(
                text,
                "See [the next article](p{next:05}.md) and [this section](_index.md).\n"
            );
        }
    }
    text
}

/// Writes the site into `dir` (which must be empty or absent).
pub fn generate(dir: &Path, sections: usize, pages_per_section: usize) -> std::io::Result<()> {
    let content = dir.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        dir.join("site.yaml"),
        "title: 基准站点 Benchmark site\nbase_url: https://bench.example.org/docs/\nlanguage: zh-CN\n",
    )?;
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: 首页 Home\n---\n\nGenerated for benchmarks.\n",
    )?;
    for s in 0..sections {
        let folder = content.join(format!("s{s:03}"));
        std::fs::create_dir_all(&folder)?;
        let next_section = (s + 1) % sections;
        std::fs::write(
            folder.join("_index.md"),
            format!(
                "---\ntitle: 第 {s} 章 Section {s}\nweight: {s}\n---\n\nSection {s}; see [section {next_section}](../s{next_section:03}/_index.md).\n"
            ),
        )?;
        for p in 0..pages_per_section {
            std::fs::write(
                folder.join(format!("p{p:05}.md")),
                page_source(p, pages_per_section, "original"),
            )?;
        }
    }
    Ok(())
}
