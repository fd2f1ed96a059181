#!/usr/bin/env python3
"""Save-to-served latency of `quire serve`: how long after an article is saved its new text is
served, on the help site (this repository's content) and on a generated 10,000-page site.

usage: python3 bench/serve.py [--edits 40] [--pages 10000] [--out bench/out]
Builds quire in release mode, copies the help site and generates the large one (bench/gen.py,
default theme) into temporary folders, starts `quire serve --port 0` on each, then edits one
article body at a time (a paragraph appended at the end, as an author adds text): the clock
starts just before the file is written and stops when a GET of the page returns the new text.
The page is fetched as soon as the server's live-reload endpoint reports the rebuild (what a
browser does), and again until the text is there. Prints p50/p95/min/max per site and writes
OUT/serve-results.md.
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def request(address, target):
    conn = http.client.HTTPConnection(address, timeout=60)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """A running `quire serve`, its address and base path, and its live-reload position."""

    def __init__(self, quire, root):
        self.proc = subprocess.Popen([quire, "--root", root, "serve", "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        for line in self.proc.stdout:
            if line.startswith("Serving "):
                url = line.split(" at http://", 1)[1].strip()
                self.address, self.base = url.split("/", 1)[0], "/" + url.split("/", 1)[1]
                break
        else:
            sys.exit(f"quire serve did not start:\n{self.proc.stderr.read()}")
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=stream.read, daemon=True).start()
        news = self.poll(wait=False, instance="", since=0)
        self.instance, self.since = news["instance"], news["generation"]

    def poll(self, wait=True, instance=None, since=None):
        target = (f"{self.base}__quire/live?instance={self.instance if instance is None else instance}"
                  f"&since={self.since if since is None else since}&wait={1 if wait else 0}")
        status, body = request(self.address, target)
        assert status == 200, (status, body)
        return json.loads(body)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def measure(server, root, articles, edits):
    """Latencies in ms of `edits` saves, round-robin over `articles` (paths below root)."""
    latencies = []
    for i in range(edits):
        rel = articles[i % len(articles)]
        path = os.path.join(root, rel)
        with open(path, encoding="utf-8") as f:
            original = f.read()
        marker = f"bench-edit-{i}-{time.monotonic_ns()}"
        site_path = rel[len("content/"):-len(".md")] + "/"
        url = f"{server.base}{site_path}"
        page_file = f"{server.base}{site_path}index.html"
        rebuilt = threading.Event()

        def wait_for_rebuild():
            while True:
                news = server.poll()
                server.since = news["generation"]
                if page_file in news["changed"] or news["reload"]:
                    rebuilt.set()
                    return

        waiter = threading.Thread(target=wait_for_rebuild, daemon=True)
        waiter.start()
        start = time.perf_counter()
        with open(path, "w", encoding="utf-8") as f:
            f.write(original.rstrip("\n") + f"\n\n{marker}\n")
        rebuilt.wait(60)
        while True:
            status, body = request(server.address, url)
            if status == 200 and marker.encode() in body:
                break
            if time.perf_counter() - start > 60:
                sys.exit(f"{url} never showed the edit")
        latencies.append((time.perf_counter() - start) * 1000)
        waiter.join(60)
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        server.since = server.poll()["generation"]  # the restore's rebuild, not timed
    return latencies


def articles_in(root, limit):
    found = []
    for base, _, files in os.walk(os.path.join(root, "content")):
        for name in sorted(files):
            # Articles of the default language only: their URL is their path (`a.en.md` is
            # under en/, `_index.en.md` is a home page).
            if name.endswith(".md") and name.count(".") == 1 and name not in ("_index.md", "index.md", "README.md"):
                found.append(os.path.relpath(os.path.join(base, name), root))
    found.sort()
    step = max(1, len(found) // limit)
    return found[::step][:limit]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    quire = os.path.join(REPO, "target", "release", "quire")
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="quire-serve-bench-", dir=os.environ.get("BENCH_TMP"))
    sites = []
    help_site = os.path.join(work, "help")
    os.makedirs(help_site)
    for entry in ("site.yaml", "content", "themes", "templates", "static"):
        source = os.path.join(REPO, entry)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(help_site, entry))
        elif os.path.isfile(source):
            shutil.copy(source, help_site)
    sites.append(("help site", help_site))
    subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), str(args.pages), os.path.join(work, "gen")], check=True)
    big = os.path.join(work, "gen", "quire")
    with open(os.path.join(big, "site.yaml"), "w") as f:
        f.write("title: Bench\nbase_url: https://example.org/\nlanguage: zh-CN\ntheme: default\n")
    shutil.rmtree(os.path.join(big, "themes"))
    sites.append((f"{args.pages} pages", big))

    lines = ["| site | pages | edits | p50 ms | p95 ms | min ms | max ms |", "|---|---|---|---|---|---|---|"]
    try:
        for name, root in sites:
            started = time.perf_counter()
            server = Server(quire, root)
            startup = (time.perf_counter() - started) * 1000
            try:
                articles = articles_in(root, 20)
                latencies = measure(server, root, articles, args.edits)
            finally:
                server.stop()
            pages = sum(1 for _ in articles_in(root, 10**9))
            lines.append(f"| {name} | {pages} | {len(latencies)} | {statistics.median(latencies):.1f} | "
                         f"{percentile(latencies, 95):.1f} | {min(latencies):.1f} | {max(latencies):.1f} |")
            print(f"{name}: first build and start {startup:.0f} ms; save-to-served p50 {statistics.median(latencies):.1f} ms",
                  file=sys.stderr)
    finally:
        shutil.rmtree(work)
    report = "\n".join(lines) + f"\n\n{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the end.\n"
    print(report)
    with open(os.path.join(args.out, "serve-results.md"), "w") as f:
        f.write(report)


if __name__ == "__main__":
    main()
