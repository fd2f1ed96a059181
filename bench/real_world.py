#!/usr/bin/env python3
"""Builds markdown nobody here wrote with quire and its peers: every `.md` file of the crates
Cargo.lock names, as `cargo fetch` leaves them in ~/.cargo/registry/src (READMEs, changelogs,
guides, with their links to files the collection lacks, rustdoc code fences, example phone
numbers). Each crate is a section; quire and Hugo read the files as they are, mdBook through a
generated SUMMARY.md. Prints wall and CPU time (median of --runs, interleaved), peak RSS and
what quire reported (pages, warnings). Usage: bench/real_world.py [--runs 3]
Needs bench/setup.sh's peers (a missing one is left out) and a release quire (built here)."""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from run import peers_available, timed, version  # noqa: E402


def crate_dirs():
    """The registry folder of each package Cargo.lock names (after `cargo fetch`)."""
    lock = open(os.path.join(REPO, "Cargo.lock")).read()
    wanted = {f"{n}-{v}" for n, v in re.findall(r'name = "([^"]+)"\nversion = "([^"]+)"', lock)}
    src = os.path.expanduser("~/.cargo/registry/src")
    for index in sorted(os.listdir(src)):
        for name in sorted(os.listdir(os.path.join(src, index))):
            if name in wanted:
                yield name, os.path.join(src, index, name)


def gather(work):
    """Writes the collection in each tool's layout; returns the number of files."""
    count, summary = 0, ["# Summary\n\n[Home](README.md)\n"]
    for tool in ("quire", "hugo"):
        os.makedirs(f"{work}/{tool}/content", exist_ok=True)
    os.makedirs(f"{work}/mdbook/src", exist_ok=True)
    with open(f"{work}/quire/site.yaml", "w") as f:
        # serde_json's README quotes "+44 1234567" as an example: listed, not fatal, here.
        f.write("title: Crates\nbase_url: https://example.org/\nlanguage: en\nchecks: { phone_numbers: warning }\n")
    with open(f"{work}/hugo/hugo.yaml", "w") as f:
        f.write("baseURL: https://example.org/\ntitle: Crates\ndisableKinds: [taxonomy, term]\n")
    with open(f"{work}/mdbook/book.toml", "w") as f:
        f.write('[book]\ntitle = "Crates"\nsrc = "src"\n\n[output.html]\n')
    with open(f"{work}/mdbook/src/README.md", "w") as f:
        f.write("# Crates\n")
    for crate, path in crate_dirs():
        files = []
        for base, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in ("target", ".git"))
            files += [os.path.join(base, n) for n in sorted(names) if n.lower().endswith(".md")]
        if not files:
            continue
        summary.append(f"- [{crate}]({crate}/index.md)\n")
        os.makedirs(f"{work}/mdbook/src/{crate}", exist_ok=True)
        open(f"{work}/mdbook/src/{crate}/index.md", "w").write(f"# {crate}\n")
        for file in files:
            rel = os.path.relpath(file, path)
            for tool in ("quire/content", "hugo/content", "mdbook/src"):
                dest = f"{work}/{tool}/{crate}/{rel}"
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.copyfile(file, dest)
            summary.append(f"    - [{rel}]({crate}/{rel})\n")
            count += 1
    open(f"{work}/mdbook/src/SUMMARY.md", "w").write("".join(summary))
    return count


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["cargo", "fetch", "--quiet"], cwd=REPO, check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    quire = os.path.join(REPO, "target/release/quire")
    work = os.path.join(os.environ.get("BENCH_TMP", "/dev/shm"), "quire-real-world")
    shutil.rmtree(work, ignore_errors=True)
    files = gather(work)
    peers, notes = peers_available(["hugo", "hugo-new", "mdbook"])
    tools = {"quire": ([quire, "build", "--root", f"{work}/quire", "--quiet"], f"{work}/quire/public")}
    for name in ("hugo", "hugo-new"):
        if name in peers:
            out = f"{work}/hugo/public-{name}"
            tools[f"{name} {version(peers[name])}"] = (
                [peers[name], "--source", f"{work}/hugo", "--destination", out], out)
    if "mdbook" in peers:
        tools[f"mdbook {version(peers['mdbook'])}"] = ([peers["mdbook"], "build", f"{work}/mdbook"], f"{work}/mdbook/book")
    samples, failed = {name: [] for name in tools}, {}
    for _ in range(args.runs):
        for name, (cmd, out) in tools.items():
            if name in failed:
                continue
            shutil.rmtree(out, ignore_errors=True)
            try:
                samples[name].append(timed(cmd, work))
            except SystemExit as e:  # the tool could not build the collection: say why
                lines = str(e).splitlines()
                failed[name] = next((l for l in lines[1:] if "error" in l.lower()), lines[-1])[:300]
                del samples[name]
    report = subprocess.run([quire, "build", "--root", f"{work}/quire"], capture_output=True, text=True)
    print(f"{files} markdown files from {len(list(crate_dirs()))} crates ({work})")
    print(f"quire: {report.stdout.strip()}")
    kinds = {}
    for line in report.stderr.splitlines():
        if line.startswith(("warning:", "error:")):
            kind = re.sub(r"`[^`]*`", "`…`", line)
            kinds[kind] = kinds.get(kind, 0) + 1
    for kind, n in sorted(kinds.items(), key=lambda k: -k[1]):
        print(f"  {n:5d} {kind}")
    base = statistics.median(s[0] for s in samples["quire"])
    print("| tool | wall s, median (min-max) | CPU s | peak RSS MiB | quire ÷ tool, wall |")
    print("|---|---|---|---|---|")
    for name, runs in samples.items():
        walls = [r[0] for r in runs]
        wall = statistics.median(walls)
        ratio = "" if name == "quire" else f"{base / wall:.2f}"
        print(f"| {name} | {wall:.2f} ({min(walls):.2f}-{max(walls):.2f}) | "
              f"{statistics.median(r[1] for r in runs):.2f} | {statistics.median(r[2] for r in runs):.0f} | {ratio} |")
    for name, why in failed.items():
        print(f"- {name}: failed to build the collection: {why}")
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
