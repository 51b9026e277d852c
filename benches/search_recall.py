#!/usr/bin/env python3
"""Known-item test of gongkai's browser search on a built corpus.

    python3 benches/search_recall.py CORPUS_DIR OUT_DIR [--samples 200] [--seed 1]

Picks random items of the corpus (gen_corpus.py --format gongkai), takes a
random 4–6 character substring of each title (and, separately, the whole
title), exactly as ../shared/bench/pf_recall.py picks them on the Hugo
corpus of the same seed (same items, same substrings, so the figures stand
next to Pagefind's), and searches it with
search_query.mjs (the page's own search.js, cold) with the 有效性 filter at
"all" (retired items included, as Pagefind has no such filter). Reports how
often the item is in the top 3 and found at all, in Simplified and, when
the `opencc` module is installed (pip install opencc), Traditional (s2t).
Prints one JSON object.
"""
import argparse
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile

here = pathlib.Path(__file__).resolve().parent
ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("out")
ap.add_argument("--samples", type=int, default=200)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--misses", action="store_true",
                help="also print each query whose item is not in the top 3 (stderr)")
args = ap.parse_args()

items = []
for f in sorted(pathlib.Path(args.corpus, "content").glob("*/catalog/*.md")):
    text = f.read_text(encoding="utf-8")
    front = text.split("+++")[1]
    if re.search(r'^disclosure\s*=\s*"exempt"', front, re.M) or re.search(r"^draft\s*=\s*true", front, re.M):
        continue
    title = re.search(r'^title\s*=\s*"(.*)"', front, re.M).group(1)
    index_no = re.search(r'^index_no\s*=\s*"(.*)"', front, re.M).group(1)
    url = f"/{f.parent.parent.name}/{f.stem}/"  # the item's URL in the Hugo corpus
    items.append((index_no, title, url))
ids = sorted(i for i, _, _ in items)
title_of = {n: t for n, (_, t, _) in enumerate(sorted(items))}
title_by_id = {i: t for i, t, _ in items}
number = {i: n for n, i in enumerate(ids)}
by_url = {url: (i, t) for i, t, url in items}

# pf_recall.py's draw: sorted URLs, a sample, then per item a CJK-only substring.
CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
rng = random.Random(args.seed)
picked = [by_url[url] for url in rng.sample(sorted(by_url), min(args.samples, len(items)))]
queries = []
for index_no, title in picked:
    while True:
        n = rng.randint(4, 6)
        start = rng.randint(0, len(title) - n)
        if CJK.match(title[start:start + n]):
            break
    queries.append({"query": title[start:start + n], "doc": number[index_no], "status": "all"})
whole = [{"query": title, "doc": number[index_no], "status": "all"} for index_no, title in picked]
try:
    import opencc
    s2t = opencc.OpenCC("s2t")
    to_t = lambda qs: [dict(q, query=s2t.convert(q["query"]), simplified=q["query"]) for q in qs]
except ImportError:
    to_t = lambda qs: []


def run(qs):
    if not qs:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(qs, f, ensure_ascii=False)
    out = subprocess.run(["node", str(here / "search_query.mjs"), args.out, f.name],
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, NO_GZIP="1")).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    n = len(rows)
    if args.misses:
        for r in rows:
            if not 0 <= r["rank"] < 3:
                print(f'miss: {r["query"]} rank={r["rank"]} results={r["results"]}', file=sys.stderr)
    return {
        "queries": n,
        "top3": sum(1 for r in rows if 0 <= r["rank"] < 3) / n,
        # Items with the very same title cannot be told apart by it: the
        # item counts as found when fewer than 3 differently titled ones
        # rank above it.
        "top3_up_to_same_title": sum(
            1 for r, q in zip(rows, qs)
            if 0 <= r["rank"] < 20
            and sum(1 for d in r.get("above") or [] if title_of.get(d) != title_of[q["doc"]]) < 3
        ) / n,
        # Pagefind's RESULTS.md column: does the top 3 hold only pages
        # whose title contains the query (substring queries)?
        "top3_titles_contain_query": sum(
            1 for r, q in zip(rows, qs)
            if r["top"] and all(q.get("simplified", q["query"]) in title_by_id.get(i, "") for i in r["top"][:3])
        ) / n,
        "found": sum(1 for r in rows if r["rank"] >= 0) / n,
        "no_result": sum(1 for r in rows if r["results"] == 0) / n,
        "median_results": sorted(r["results"] for r in rows)[n // 2],
    }


print(json.dumps({
    "substring_simplified": run(queries),
    "substring_traditional": run(to_t(queries)),
    "title_simplified": run(whole),
    "title_traditional": run(to_t(whole)),
}, ensure_ascii=False))
