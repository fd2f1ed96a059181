#!/usr/bin/env python3
"""The benchmark in one command: quire against Hugo, mdBook and Pagefind on the same pages.

usage: python3 bench/run.py [--pages 1000,10000,50000] [--runs 3] [--peers hugo,hugo-new,mdbook,pagefind]
                            [--edits 20] [--mdbook-max 4000] [--out bench/out]
Install the peers first with bench/setup.sh; a peer that is missing is left out with a note.

For each page count: bench/gen.py writes the site (on BENCH_TMP, default /dev/shm) in each
tool's layout; quire (release build) builds it with the minimal bench theme and with the default
theme, and each peer builds it, interleaved (quire, quire default, hugo, ..., quire, ...), `--runs`
cold builds each (output folder removed first). Recorded per tool: wall and CPU time (user +
system, all threads) as median (min-max), peak RSS, output size and bytes per page, search index
size and the gzip bytes a first query downloads. Pagefind indexes quire's bench-theme output (the
same pages through the same minimal template as Hugo's); "hugo + pagefind" adds its time to
Hugo's, the nearest peer to quire's build with search. Then `quire serve` runs on the
default-theme site and `--edits` one-article body edits are timed from save to served
(bench/serve.py). Ratios are quire's figure divided by the peer's, from the same run. Zola cannot
be installed here: its figures are quoted from issue 7, not measured.
Prints a table per page count and writes OUT/results.md.
"""
import argparse
import glob
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import serve  # noqa: E402  (bench/serve.py: the save-to-served measurement)

# Quoted from issue 7 (Zola 0.22 on this 2-core machine, pages on tmpfs): not measured here.
ZOLA_QUOTED = {10000: (2.8, 6.0)}


def timed(cmd, cwd):
    """Runs cmd; returns (wall s, cpu s, peak RSS MiB)."""
    with tempfile.NamedTemporaryFile("r") as stats:
        started = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", stats.name] + cmd, cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stderr[-2000:]}")
        user, system, rss = stats.read().split()[-3:]
    return wall, float(user) + float(system), int(rss) / 1024


def files_under(path):
    for base, _, files in os.walk(path):
        for name in files:
            yield os.path.join(base, name)


def size(path, skip=None):
    """Bytes under path, leaving out the folder `skip`."""
    return sum(os.path.getsize(f) for f in files_under(path) if not (skip and f.startswith(skip + os.sep)))


def gz(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 6))


def peers_available(wanted):
    """name -> executable for each wanted peer found, and notes for the others."""
    found, notes = {}, []
    where = {
        "hugo": shutil.which("hugo"),
        "hugo-new": next(iter(glob.glob(os.path.join(HERE, ".venv/lib/python*/site-packages/hugo/binaries/hugo"))), None),
        "mdbook": shutil.which("mdbook") or (os.path.expanduser("~/.cargo/bin/mdbook")
                                             if os.path.exists(os.path.expanduser("~/.cargo/bin/mdbook")) else None),
        "pagefind": next(iter(glob.glob(os.path.join(HERE, "node_modules/@pagefind/*/bin/pagefind"))), None)
        or (os.path.join(HERE, "node_modules/.bin/pagefind") if os.path.exists(os.path.join(HERE, "node_modules/.bin/pagefind")) else None),
    }
    for name in wanted:
        if name not in where:
            sys.exit(f"unknown peer {name}; known: {', '.join(where)}")
        if where[name]:
            found[name] = where[name]
        else:
            notes.append(f"{name}: not installed (bench/setup.sh installs it); left out")
    return found, notes


def version(exe):
    out = subprocess.run([exe, "--version"], capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        out = subprocess.run([exe, "version"], capture_output=True, text=True)
    found = re.search(r"v?(\d+\.\d+\.\d+)", out.stdout)
    return found.group(1) if found else "?"


def tools_for(site, quire, peers, pages, mdbook_max, notes):
    """name -> (command, output folder, search index folder or None), in the order they run."""
    tools = {
        "quire (bench theme)": ([quire, "build", "--root", f"{site}/quire", "--quiet"], f"{site}/quire/public", "search"),
        "quire (default theme)": ([quire, "build", "--root", f"{site}/quire-default", "--quiet"], f"{site}/quire-default/public", "search"),
    }
    for name in ("hugo", "hugo-new"):
        if name in peers:
            tools[name] = ([peers[name], "--quiet", "--source", f"{site}/hugo", "--destination", f"{site}/hugo/public-{name}"],
                           f"{site}/hugo/public-{name}", None)
    if "mdbook" in peers:
        if pages <= mdbook_max:
            tools["mdbook"] = ([peers["mdbook"], "build", f"{site}/mdbook"], f"{site}/mdbook/book", None)
        else:
            notes.append(f"mdbook: not run above {mdbook_max} pages (--mdbook-max): every page lists every page, "
                         "so its time grows with the square of the page count (24 s at 4,000 pages per issue 7)")
    if "pagefind" in peers:
        # Indexes the bench-theme output that quire wrote just before it in the same round.
        tools["pagefind (index only)"] = ([peers["pagefind"], "--site", f"{site}/quire/public", "--output-subdir", "_pagefind"],
                                          f"{site}/quire/public/_pagefind", "")
    return tools


def quire_first_query(public, queries):
    """KiB gzip a first query downloads (median and max over the queries), from first_query.mjs."""
    out = subprocess.run(["node", os.path.join(HERE, "first_query.mjs"), public, queries],
                         capture_output=True, text=True, cwd=REPO)
    if out.returncode != 0:
        return None
    totals = [q["total"] / 1024 for q in json.loads(out.stdout)["queries"]]
    return statistics.median(totals), max(totals)


def pagefind_first_query(index):
    """An estimate, in KiB gzip, of what Pagefind's UI-less API fetches for a first query: its
    script, entry file, WebAssembly, metadata, one index chunk (median size) and five result
    fragments (median size). Its .pf_* files are served gzip-compressed as written."""
    def median_size(pattern):
        sizes = [os.path.getsize(f) for f in glob.glob(os.path.join(index, pattern))]
        return statistics.median(sizes) if sizes else 0
    fixed = sum(gz(f) for f in glob.glob(os.path.join(index, "pagefind.js")) + glob.glob(os.path.join(index, "pagefind-entry.json")))
    fixed += sum(os.path.getsize(f) for f in glob.glob(os.path.join(index, "wasm.*.pagefind"))[:1])
    fixed += sum(os.path.getsize(f) for f in glob.glob(os.path.join(index, "pagefind.*.pf_meta"))[:1])
    total = fixed + median_size("index/*.pf_index") + 5 * median_size("fragment/*.pf_fragment")
    return total / 1024


def fmt_time(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def bench_size(n, args, quire, peers, notes):
    work = tempfile.mkdtemp(prefix=f"quire-bench-{n}-", dir=os.environ.get("BENCH_TMP", "/dev/shm"))
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(n), work], check=True)
        tools = tools_for(work, quire, peers, n, args.mdbook_max, notes)
        runs = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, (cmd, out, _) in tools.items():
                shutil.rmtree(out, ignore_errors=True)
                runs[name].append(timed(cmd, work))
        rows = {}
        for name, (cmd, out, index) in tools.items():
            index_dir = os.path.join(out, index) if index else (out if index == "" else None)
            total = size(out, skip=os.path.join(out, "_pagefind"))
            search_bytes = size(index_dir) if index_dir else None
            content_bytes = total - (search_bytes if index else 0)
            rows[name] = {
                "wall": [r[0] for r in runs[name]], "cpu": [r[1] for r in runs[name]], "rss": [r[2] for r in runs[name]],
                "output": total if index != "" else None,
                "per_page": content_bytes / n if index != "" else None,
                "search": search_bytes, "search_files": sum(1 for _ in files_under(index_dir)) if index_dir else None,
            }
        query = quire_first_query(f"{work}/quire-default/public", f"{work}/queries.txt")
        rows["quire (default theme)"]["query"] = rows["quire (bench theme)"]["query"] = query
        if "pagefind (index only)" in rows:
            rows["pagefind (index only)"]["query"] = (pagefind_first_query(f"{work}/quire/public/_pagefind"),) * 2
        serve_ms = None
        if args.edits:
            server = serve.Server(quire, f"{work}/quire-default")
            try:
                latencies = serve.measure(server, f"{work}/quire-default", serve.articles_in(f"{work}/quire-default", 20), args.edits)
            finally:
                server.stop()
            serve_ms = (statistics.median(latencies), serve.percentile(latencies, 95), min(latencies), max(latencies))
        return rows, serve_ms
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(n, rows, serve_ms, runs):
    mib = 1024 * 1024
    base = rows["quire (default theme)"]
    med = statistics.median
    lines = [f"### {n:,} pages", "",
             "| tool | wall s, median (min-max) | CPU s | peak RSS MiB | output MiB | bytes/page | search index MiB (files) | first query KiB gzip, median (max) | quire default ÷ tool: wall | CPU | RSS |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    if "hugo" in rows and "pagefind (index only)" in rows:
        pf = rows["pagefind (index only)"]
        rows = dict(rows)
        rows["hugo + pagefind"] = {
            "wall": [a + b for a, b in zip(rows["hugo"]["wall"], pf["wall"])],
            "cpu": [a + b for a, b in zip(rows["hugo"]["cpu"], pf["cpu"])],
            "rss": [max(a, b) for a, b in zip(rows["hugo"]["rss"], pf["rss"])],
            "output": None, "per_page": None, "search": pf["search"], "search_files": pf["search_files"], "query": pf.get("query"),
        }
    for name, r in rows.items():
        ratio = ["", "", ""] if name.startswith("quire") else [
            f"{med(base[k]) / med(r[k]):.2f}" for k in ("wall", "cpu", "rss")]
        cells = [name, fmt_time(r["wall"]), f"{med(r['cpu']):.2f}", f"{med(r['rss']):.0f}",
                 f"{r['output'] / mib:.1f}" if r["output"] is not None else "",
                 f"{r['per_page']:,.0f}" if r["per_page"] is not None else "",
                 f"{r['search'] / mib:.1f} ({r['search_files']:,})" if r["search"] is not None else "",
                 f"{r['query'][0]:.1f} ({r['query'][1]:.1f})" if r.get("query") else "",
                 *ratio]
        lines.append("| " + " | ".join(cells) + " |")
    if n in ZOLA_QUOTED:
        without, with_search = ZOLA_QUOTED[n]
        q = med(base["wall"])
        lines.append(f"| zola 0.22 (quoted from issue 7, not measured) | {without:.1f} without search, {with_search:.1f} with | | | | | | | "
                     f"{q / without:.2f} (vs without search) | | |")
    if serve_ms:
        lines += ["", f"`quire serve`, default theme, one-article body edit, save to served: p50 {serve_ms[0]:.0f} ms, "
                      f"p95 {serve_ms[1]:.0f} ms (min {serve_ms[2]:.0f}, max {serve_ms[3]:.0f})."]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", default="1000,10000,50000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peers", default="hugo,hugo-new,mdbook,pagefind")
    ap.add_argument("--edits", type=int, default=20, help="serve edits to time per page count (0: none)")
    ap.add_argument("--mdbook-max", type=int, default=4000)
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    quire = os.path.join(REPO, "target", "release", "quire")
    peers, notes = peers_available([p for p in args.peers.split(",") if p])
    load_before = os.getloadavg()[0]
    lines = ["## Benchmark results", ""]
    scaling = []
    for n in [int(p) for p in args.pages.split(",")]:
        rows, serve_ms = bench_size(n, args, quire, peers, notes)
        section = table(n, rows, serve_ms, args.runs)
        print("\n".join(section) + "\n", flush=True)
        lines += section + [""]
        for name in ("quire (bench theme)", "quire (default theme)"):
            scaling.append((name, n, statistics.median(rows[name]["wall"]), statistics.median(rows[name]["cpu"])))
    if len({n for _, n, _, _ in scaling}) > 1:
        lines += ["Scaling (time per page relative to the smallest site; 1.00 is linear):", ""]
        for name in ("quire (bench theme)", "quire (default theme)"):
            points = [(n, w, c) for t, n, w, c in scaling if t == name]
            n0, w0, c0 = points[0]
            lines.append(f"- {name}: " + ", ".join(f"{n:,} pages wall {(w / n) / (w0 / n0):.2f}, CPU {(c / n) / (c0 / n0):.2f}"
                                                   for n, w, c in points[1:]))
        lines.append("")
    versions = [f"{name} {version(exe)}" for name, exe in peers.items() if name != "pagefind"]
    lines += [f"- {note}" for note in dict.fromkeys(notes)]
    lines += [f"- {args.runs} cold builds per tool, interleaved; pages on {os.environ.get('BENCH_TMP', '/dev/shm')}; "
              f"{os.cpu_count()} CPUs; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
              f"- peers: {'; '.join(versions) or 'none'}" + ("; pagefind " + version(peers["pagefind"]) if "pagefind" in peers else "") + "."]
    report = "\n".join(lines) + "\n"
    print("\n".join(lines[-len(notes) - 2:]))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(report)
    print(f"written to {os.path.relpath(os.path.join(args.out, 'results.md'))}")


if __name__ == "__main__":
    main()
