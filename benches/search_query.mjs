// Replays searches of the browser (themes/default/static/search.js, the
// same code the page runs) in Node against a built site and reports, per
// query, every file it fetches: requests, raw bytes, gzip -9 bytes (what a
// server with compression sends), result count and the top 10 ids.
//
//   node benches/search_query.mjs OUT_DIR QUERIES.json
//
// QUERIES.json: ["政务公开", …] or [{"query": "…", "doc": N, "status": "all"}, …];
// with `doc` (a document number: the position of its 索引号 in sorted
// order) the output has its `rank` among all results (-1: not found) and
// the documents ranked `above` it.
//
// Each query runs cold (a new searcher, empty cache), as a first query
// after the page: the entry comes with the page (not counted). Output: one JSON object per line.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const [outDir, queriesFile] = process.argv.slice(2);
if (!outDir || !queriesFile) {
  console.error('usage: node search_query.mjs OUT_DIR QUERIES.json');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, '..', 'themes', 'default', 'static', 'search.js');
new Function(fs.readFileSync(script, 'utf8'))();
const api = globalThis.gongkaiSearch;

// NO_GZIP=1 skips the gzip sizes (the known-item test needs only ranks).
const noGzip = Boolean(process.env.NO_GZIP);
let loads = [];
globalThis.fetch = async (url) => {
  const rel = String(url).split('?')[0].replace(/^\//, '');
  const buf = fs.readFileSync(path.join(outDir, rel));
  const gzip = noGzip ? 0 : zlib.gzipSync(buf, { level: 9 }).length;
  loads.push({ file: rel, bytes: buf.length, gzip });
  return new Response(buf, { status: 200 });
};

// The entry, as the search page carries it (the page is not counted).
const page = fs.readFileSync(path.join(outDir, 'search', 'index.html'), 'utf8');
const inline = page.match(/<script type="application\/json" id="search-entry">([^<]*)<\/script>/);
const entry = inline ? JSON.parse(inline[1]) : null;

const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));
for (const q of queries) {
  const { query, doc, status } = typeof q === 'string' ? { query: q } : q;
  loads = [];
  const searcher = api.createSearcher('/search/', entry);
  const t0 = performance.now();
  const result = await searcher.search(query, status ? { status } : {});
  const rows = await searcher.details(result.entry, result.hits.slice(0, 10));
  const ms = performance.now() - t0;
  const sum = (k) => loads.reduce((a, l) => a + l[k], 0);
  const rank = doc === undefined ? undefined : result.hits.findIndex((h) => h.doc === doc);
  console.log(JSON.stringify({
    query,
    results: result.hits.length,
    requests: loads.length,
    bytes: sum('bytes'),
    gzip_bytes: sum('gzip'),
    ms: Math.round(ms),
    files: loads.map((l) => [l.file, l.bytes]),
    top: rows.map((r) => r[0]),
    rank,
    // The documents ranked above it (the first 20), for the known-item
    // test's "up to identical titles" figure.
    above: rank > 0 ? result.hits.slice(0, Math.min(rank, 20)).map((h) => h.doc) : undefined,
  }));
}
