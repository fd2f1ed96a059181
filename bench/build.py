#!/usr/bin/env python3
"""Cold-build benchmark: quire against Hugo, mdBook and Pagefind on the same generated pages.

usage: python3 bench/build.py [--sizes 1000,10000] [--runs 3] [--out bench/out]
Builds quire in release mode, generates each site once (bench/gen.py), then runs every tool
`--runs` times, interleaved (quire, hugo, mdbook, quire, ...), recording wall and CPU time and
peak memory with /usr/bin/time. Prints a table of medians (min-max) with quire's ratio to each
peer and writes it to OUT/build-results.md. Peers that are not installed are skipped with a
note: `apt-get install --no-install-recommends hugo`, `cargo install mdbook`, and
`npm install --prefix bench pagefind` (Zola cannot be installed here; its published figures are
quoted in the README). Code blocks are highlighted by quire and Hugo (both by default) and by
mdBook's highlight.js in the reader's browser; "quire (highlighting off)" is the bench-theme site
with `highlight_code: false`, so the two quire rows give highlighting's share of a build.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def timed(cmd, cwd):
    """Runs cmd; returns (wall s, cpu s, peak RSS MiB)."""
    fmt = "%e %U %S %M"
    with tempfile.NamedTemporaryFile("r") as stats:
        proc = subprocess.run(["/usr/bin/time", "-f", fmt, "-o", stats.name] + cmd, cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stderr[-2000:]}")
        wall, user, system, rss = stats.read().split()[-4:]
    return float(wall), float(user) + float(system), int(rss) / 1024


def du(path):
    total = 0
    for base, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(base, f))
    return total / (1024 * 1024)


def tools(site, quire):
    found = {}
    found["quire (bench theme)"] = (["quire", "build", "--root", f"{site}/quire", "--quiet"], f"{site}/quire/public")
    found["quire (highlighting off)"] = (["quire", "build", "--root", f"{site}/quire-plain", "--quiet"], f"{site}/quire-plain/public")
    found["quire (default theme)"] = (["quire", "build", "--root", f"{site}/quire-default", "--quiet"], f"{site}/quire-default/public")
    if shutil.which("hugo"):
        found["hugo"] = (["hugo", "--quiet", "--source", f"{site}/hugo"], f"{site}/hugo/public")
    if shutil.which("mdbook"):
        found["mdbook"] = (["mdbook", "build", f"{site}/mdbook"], f"{site}/mdbook/book")
    pagefind = os.path.join(HERE, "node_modules", ".bin", "pagefind")
    if os.path.exists(pagefind):
        found["pagefind (index only)"] = ([pagefind, "--site", f"{site}/quire/public", "--output-subdir", "_pagefind"], f"{site}/quire/public/_pagefind")
    return {name: ([quire if c == "quire" else c for c in cmd], out) for name, (cmd, out) in found.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    quire = os.path.join(REPO, "target", "release", "quire")
    os.makedirs(args.out, exist_ok=True)
    lines = ["| pages | tool | wall s median (min-max) | CPU s | peak MiB | output MiB | quire wall ÷ tool wall |", "|---|---|---|---|---|---|---|"]
    notes = [n for n, ok in (("hugo not installed", shutil.which("hugo")), ("mdbook not installed", shutil.which("mdbook"))) if not ok]
    for size in [int(s) for s in args.sizes.split(",")]:
        work = tempfile.mkdtemp(prefix=f"quire-bench-{size}-", dir=os.environ.get("BENCH_TMP"))
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(size), work], check=True)
        shutil.copytree(f"{work}/quire", f"{work}/quire-default")
        with open(f"{work}/quire-default/site.yaml", "w") as f:
            f.write("title: Bench\nbase_url: https://example.org/\nlanguage: zh-CN\ntheme: default\n")
        shutil.rmtree(f"{work}/quire-default/themes")
        shutil.copytree(f"{work}/quire", f"{work}/quire-plain")
        with open(f"{work}/quire-plain/site.yaml", "a") as f:
            f.write("highlight_code: false\n")
        runs = {name: [] for name in tools(work, quire)}
        for _ in range(args.runs):
            for name, (cmd, out) in tools(work, quire).items():
                if not name.startswith("pagefind"):
                    shutil.rmtree(out, ignore_errors=True)
                runs[name].append(timed(cmd, work))
        sizes = {name: du(out) for name, (_, out) in tools(work, quire).items()}
        base = statistics.median(r[0] for r in runs["quire (bench theme)"])
        for name, results in runs.items():
            walls = [r[0] for r in results]
            med = statistics.median(walls)
            ratio = "1.00" if name == "quire (bench theme)" else f"{base / med:.2f}"
            lines.append(f"| {size} | {name} | {med:.2f} ({min(walls):.2f}-{max(walls):.2f}) | {statistics.median(r[1] for r in results):.2f} | "
                         f"{statistics.median(r[2] for r in results):.0f} | {sizes[name]:.1f} | {ratio} |")
        shutil.rmtree(work)
    report = "\n".join(lines + [""] + [f"- {n}" for n in notes]) + "\n"
    print(report)
    with open(os.path.join(args.out, "build-results.md"), "w") as f:
        f.write(report)


if __name__ == "__main__":
    main()
