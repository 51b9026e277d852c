#!/usr/bin/env python3
"""Requests and bytes of cold first queries beyond the two fixed ones:
random 2-, 3- and 4-character substrings of titles and texts of the corpus.

    python3 benches/search_requests.py CORPUS_DIR OUT_DIR [--queries 300] [--seed 7]

Runs them through search_query.mjs (the page's own search.js; the entry
comes with the search page and is not counted) and prints one JSON object:
how many queries need at most 4 requests, the median, 90th percentile and
largest request count, and the median and 90th percentile of raw bytes;
the share needing at most 4 requests by where the query came from (a
title or a text) and by its length.
"""
import argparse
import json
import os
import pathlib
import random
import re
import subprocess
import tempfile

here = pathlib.Path(__file__).resolve().parent
ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("out")
ap.add_argument("--queries", type=int, default=300)
ap.add_argument("--seed", type=int, default=7)
args = ap.parse_args()

rng = random.Random(args.seed)
files = sorted(pathlib.Path(args.corpus, "content").glob("*/catalog/*.md"))
queries = []
sources = []
for f in rng.sample(files, min(args.queries, len(files))):
    front, body = f.read_text(encoding="utf-8").split("+++")[1:3]
    title = re.search(r'^title\s*=\s*"(.*)"', front, re.M).group(1)
    source = rng.choice(["title", "text"])
    text = re.sub(r"[^\u4e00-\u9fff]", "", title if source == "title" else body)
    n = rng.choice([2, 3, 4])
    start = rng.randint(0, max(0, len(text) - n))
    queries.append(text[start:start + n])
    sources.append(source)

with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(queries, f, ensure_ascii=False)
out = subprocess.run(["node", str(here / "search_query.mjs"), args.out, f.name],
                     capture_output=True, text=True, check=True,
                     env=dict(os.environ, NO_GZIP="1")).stdout
rows = [json.loads(line) for line in out.splitlines() if line.strip()]
requests = sorted(r["requests"] for r in rows)
size = sorted(r["bytes"] for r in rows)
n = len(rows)


def share(pick):
    """Of the queries `pick` selects, the share needing at most 4 requests."""
    chosen = [r["requests"] for r, s in zip(rows, sources) if pick(r, s)]
    return round(sum(1 for x in chosen if x <= 4) / max(1, len(chosen)), 3)


print(json.dumps({
    "queries": n,
    "at_most_4_requests": round(sum(1 for r in requests if r <= 4) / n, 3),
    "requests_median": requests[n // 2],
    "requests_p90": requests[int(n * 0.9)],
    "requests_max": requests[-1],
    "at_most_4_by_source": {src: share(lambda r, s: s == src) for src in ("title", "text")},
    "at_most_4_by_length": {k: share(lambda r, s: len(r["query"]) == k) for k in (2, 3, 4)},
    "kB_median": round(size[n // 2] / 1e3),
    "kB_p90": round(size[int(n * 0.9)] / 1e3),
}))
