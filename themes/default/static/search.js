// gongkai search: runs in the browser on the static files under search/
// (written by `gongkai build`, see src/index/export.rs). No framework, no
// request to another origin. The analyzer below is the same as
// src/index/analyzer.rs; tests/search.rs checks that both give the same
// tokens.
(function () {
  'use strict';

  // ------------------------------------------------------------ analyzer
  var FOLD = new Map();

  function setFold(pairs) {
    FOLD = new Map();
    var cps = Array.from(pairs, function (c) { return c.codePointAt(0); });
    for (var i = 0; i + 1 < cps.length; i += 2) FOLD.set(cps[i], cps[i + 1]);
  }

  function fold(cp) {
    if (cp >= 0xff01 && cp <= 0xff5e) {
      cp -= 0xfee0;
      return cp >= 65 && cp <= 90 ? cp + 32 : cp;
    }
    if (cp === 0x3000) return 32;
    if (cp >= 65 && cp <= 90) return cp + 32;
    if (cp >= 0xc0 && cp <= 0xde && cp !== 0xd7) return cp + 0x20;
    var to = FOLD.get(cp);
    return to === undefined ? cp : to;
  }

  var OTHER = 0, CJK = 1, WORD = 2;

  function classOf(cp) {
    if (cp === 0x3005 || cp === 0x3007 ||
        (cp >= 0x3041 && cp <= 0x309f) || (cp >= 0x30a1 && cp <= 0x30fa) ||
        (cp >= 0x30fc && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
        (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) ||
        (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f)) return CJK;
    if ((cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) ||
        (cp >= 0xc0 && cp <= 0x24f && cp !== 0xd7 && cp !== 0xf7) ||
        (cp >= 0x370 && cp <= 0x4ff)) return WORD;
    return OTHER;
  }

  // The tokens of a text, in order (duplicates kept).
  function analyze(text) {
    var tokens = [];
    var run = [];
    var runClass = OTHER;
    function flush() {
      if (runClass === CJK) {
        if (run.length === 1) tokens.push(String.fromCodePoint(run[0]));
        for (var i = 0; i + 1 < run.length; i++) tokens.push(String.fromCodePoint(run[i], run[i + 1]));
      } else if (runClass === WORD) {
        tokens.push(String.fromCodePoint.apply(null, run));
      }
      run = [];
    }
    for (var ch of text) {
      var cp = fold(ch.codePointAt(0));
      var k = classOf(cp);
      if (k !== runClass) { flush(); runClass = k; }
      if (k !== OTHER) run.push(cp);
    }
    flush();
    return tokens;
  }

  // Distinct, in order; lone CJK characters only when nothing longer is
  // there (as query_tokens in analyzer.rs).
  function queryTokens(query) {
    var seen = new Set();
    var tokens = analyze(query).filter(function (t) {
      if (seen.has(t)) return false;
      seen.add(t);
      return true;
    });
    var unigram = function (t) {
      var cps = Array.from(t);
      return cps.length === 1 && classOf(cps[0].codePointAt(0)) === CJK;
    };
    return tokens.every(unigram) ? tokens : tokens.filter(function (t) { return !unigram(t); });
  }

  var encoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;

  // FNV-1a (32 bits) of the UTF-8 bytes: the shard that holds a token.
  function shardOf(token, shards) {
    var h = 0x811c9dc5;
    var bytes = encoder.encode(token);
    for (var i = 0; i < bytes.length; i++) {
      h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    }
    return h % shards;
  }

  var api = { analyze: analyze, queryTokens: queryTokens, setFold: setFold, shardOf: shardOf };
  globalThis.gongkaiSearch = api;

  // ------------------------------------------------------------ data
  // The value of a base64 character (bit sets and posting lists).
  function digit(c) {
    return c >= 97 ? c - 71 : c >= 65 ? c - 65 : c >= 48 ? c + 4 : c === 43 ? 62 : 63;
  }

  // The varint at `at.i` of `text` (base-32 digits, lowest first, 32 added
  // to each digit that more follow), moving `at.i` past it.
  function varint(text, at) {
    var value = 0;
    var scale = 1;
    for (;;) {
      var d = digit(text.charCodeAt(at.i++));
      value += (d & 31) * scale;
      if (d < 32) return value;
      scale *= 32;
    }
  }

  // A searcher over the files under `base` (the folder of index.json).
  // `inline`: the entry as the search page carries it (then index.json is
  // not fetched).
  function createSearcher(base, inline) {
    var entryPromise = null;
    var files = new Map();
    // Result rows that came with term shards, by document.
    var cards = new Map();

    function getJSON(url) {
      if (!files.has(url)) {
        files.set(url, fetch(url, { credentials: 'same-origin' }).then(function (r) {
          if (!r.ok) throw new Error(url + ': ' + r.status);
          return r.json();
        }));
      }
      return files.get(url);
    }

    function entry() {
      if (!entryPromise) {
        entryPromise = (inline ? Promise.resolve(inline) : getJSON(base + 'index.json')).then(function (e) {
          setFold(e.fold);
          e.isRetired = function (doc) {
            return (digit(e.retired.charCodeAt(doc / 6 | 0)) >> (doc % 6)) & 1;
          };
          return e;
        });
      }
      return entryPromise;
    }

    function part(e, path) { return getJSON(base + path + '?v=' + e.stamp); }

    function filterData(e) {
      return e.filters ? Promise.resolve(e.filters) : part(e, 'filters.json');
    }

    // Every document with all tokens of the query that passes the filters,
    // best first (ties by number, which is 索引号 order).
    function search(query, chosen) {
      return entry().then(function (e) {
        var tokens = queryTokens(query);
        if (!tokens.length) return { entry: e, tokens: tokens, hits: [] };
        var needFilters = Object.keys(FACETS).some(function (f) { return chosen[f] && chosen[f] !== 'all'; });
        var loads = tokens.map(function (t) { return part(e, 't/' + shardOf(t, e.shards) + '.json'); });
        loads.push(needFilters ? filterData(e) : Promise.resolve(null));
        return Promise.all(loads).then(function (got) {
          var filters = got.pop();
          var scores = null;
          tokens.forEach(function (t, i) {
            var shard = got[i];
            for (var d in shard.c) cards.set(Number(d), shard.c[d]);
            var list = shard.t[t] || '';
            var next = new Map();
            var doc = 0;
            var at = { i: 0 };
            while (at.i < list.length) {
              doc += varint(list, at);
              var score = varint(list, at);
              if (scores === null) next.set(doc, score);
              else if (scores.has(doc)) next.set(doc, scores.get(doc) + score);
            }
            scores = next;
          });
          var facets = function (doc) {
            for (var f in FACETS) {
              var want = chosen[f];
              if (!want || want === 'all') continue;
              var facet = filters[FACETS[f]];
              if (facet.values[facet.docs[doc]] !== want) return false;
            }
            return true;
          };
          // Retired matches are left out unless a validity is chosen, but
          // counted, so that the page can offer them (like `gongkai search`).
          var hits = [];
          var retired = 0;
          scores.forEach(function (score, doc) {
            if (!facets(doc)) return;
            if (!chosen.status && e.isRetired(doc)) retired++;
            else hits.push({ doc: doc, score: score });
          });
          hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
          return { entry: e, tokens: tokens, hits: hits, retired: retired };
        });
      });
    }

    // [id, title, url, department, date, 文号, state, text] of each hit.
    function details(e, hits) {
      return Promise.all(hits.map(function (h) {
        if (cards.has(h.doc)) return cards.get(h.doc);
        var g = Math.floor(h.doc / e.group);
        return part(e, 'd/' + g + '.json').then(function (rows) { return rows[h.doc - g * e.group]; });
      }));
    }

    return { search: search, details: details };
  }

  var FACETS = { department: 'department', category: 'category', kind: 'kind', year: 'year', status: 'state' };
  api.createSearcher = createSearcher;

  if (typeof document === 'undefined') return;
  var form = document.getElementById('search-form');
  if (!form) return;
  var inlineEntry = document.getElementById('search-entry');
  var searcher = createSearcher(form.getAttribute('data-index').replace(/index\.json$/, ''),
    inlineEntry ? JSON.parse(inlineEntry.textContent) : null);
  var search = searcher.search;
  var details = searcher.details;
  var strings = JSON.parse(document.getElementById('search-strings').textContent);
  var S = strings.search || {};

  // ------------------------------------------------------------ display
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var retiredNote = document.getElementById('search-retired');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  var PAGE = 10;
  var current = null;
  var shown = 0;
  var generation = 0;

  function fill(template, values) {
    return String(template || '').replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  // Text as nodes, with the parts that match a query token in <mark>.
  function marked(text, tokens, parent) {
    var chars = Array.from(text);
    var folded = chars.map(function (c) { return String.fromCodePoint(fold(c.codePointAt(0))); });
    var hit = new Array(chars.length).fill(false);
    tokens.forEach(function (t) {
      var tc = Array.from(t);
      for (var i = 0; i + tc.length <= chars.length; i++) {
        var same = true;
        for (var j = 0; j < tc.length && same; j++) same = folded[i + j] === tc[j];
        if (same) for (j = 0; j < tc.length; j++) hit[i + j] = true;
      }
    });
    var i = 0;
    while (i < chars.length) {
      var j = i;
      while (j < chars.length && hit[j] === hit[i]) j++;
      var piece = chars.slice(i, j).join('');
      if (hit[i]) {
        var m = document.createElement('mark');
        m.textContent = piece;
        parent.appendChild(m);
      } else {
        parent.appendChild(document.createTextNode(piece));
      }
      i = j;
    }
    return hit;
  }

  // Where the most distinct query tokens meet within 60 characters:
  // { at: UTF-16 offset in the folded text or -1, n: how many tokens }.
  function bestMatch(folded, tokens) {
    var best = { at: -1, n: 0 };
    tokens.forEach(function (t) {
      for (var i = folded.indexOf(t); i >= 0; i = folded.indexOf(t, i + 1)) {
        var window = folded.substr(i, 60);
        var n = tokens.filter(function (u) { return window.indexOf(u) >= 0; }).length;
        if (n > best.n) best = { at: i, n: n };
      }
    });
    return best;
  }

  function foldText(text) {
    return Array.from(text, function (c) { return String.fromCodePoint(fold(c.codePointAt(0))); }).join('');
  }

  function excerpt(text, tokens) {
    var chars = Array.from(text.replace(/\s+/g, ' '));
    var at = bestMatch(foldText(chars.join('')), tokens).at;
    // indexOf counts UTF-16 units; the text is mostly BMP, and the start is
    // only approximate anyway.
    var start = at > 40 ? at - 40 : 0;
    var piece = chars.slice(start, start + 140).join('');
    return (start > 0 ? '…' : '') + piece + (start + 140 < chars.length ? '…' : '');
  }

  // The row carries the first 160 characters of the text. When the match
  // lies further down, the item's own page (same origin) gives the passage
  // around it, after the results are shown.
  // `shown`: how many query tokens the excerpt on screen has.
  function deepen(url, p, tokens, shown) {
    var mine = generation;
    fetch(url, { credentials: 'same-origin' }).then(function (r) {
      return r.ok ? r.text() : '';
    }).then(function (html) {
      if (mine !== generation || !html) return;
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var text = doc.querySelector('.prose.body') || doc.querySelector('main');
      if (!text) return;
      var passage = document.createElement('p');
      var piece = excerpt(text.textContent, tokens);
      if (bestMatch(foldText(piece), tokens).n <= shown) return;
      marked(piece, tokens, passage);
      p.textContent = '';
      while (passage.firstChild) p.appendChild(passage.firstChild);
    }).catch(function () {});
  }

  function render(result, rows, from) {
    rows.forEach(function (row) {
      var li = document.createElement('li');
      li.className = 'search-result';
      var h = document.createElement('h2');
      var a = document.createElement('a');
      a.href = row[2];
      marked(row[1], result.tokens, a);
      h.appendChild(a);
      li.appendChild(h);
      var meta = document.createElement('p');
      meta.className = 'search-result__meta';
      var badge = document.createElement('span');
      badge.className = 'badge badge--' + row[6];
      badge.textContent = (strings.validity || {})[row[6]] || row[6];
      meta.appendChild(badge);
      var parts = [row[3]];
      if (row[4]) parts.push((S.published || '') + ' ' + row[4]);
      if (row[5]) parts.push((S.doc_no || '') + ' ' + row[5]);
      meta.appendChild(document.createTextNode(' ' + parts.join(' · ')));
      li.appendChild(meta);
      if (row[7]) {
        var p = document.createElement('p');
        p.className = 'search-result__excerpt';
        var piece = excerpt(row[7], result.tokens);
        marked(piece, result.tokens, p);
        li.appendChild(p);
        var shown = bestMatch(foldText(piece), result.tokens).n;
        if (shown < result.tokens.length) deepen(row[2], p, result.tokens, shown);
      }
      list.appendChild(li);
    });
    if (from === 0 && list.firstChild) list.setAttribute('aria-busy', 'false');
  }

  // "N more in repealed or expired documents", with a link to them: the
  // same query with 有效性 set to all.
  function showRetired(n) {
    if (!retiredNote) return;
    retiredNote.textContent = '';
    retiredNote.hidden = n === 0;
    if (n === 0) return;
    var params = new URLSearchParams(location.search);
    params.set('q', input.value.trim());
    params.set('status', 'all');
    var link = document.createElement('a');
    link.href = location.pathname + '?' + params.toString();
    link.textContent = S.retired_show || '';
    link.addEventListener('click', function (event) {
      event.preventDefault();
      form.elements.status.value = 'all';
      toURL();
      run();
    });
    retiredNote.append(fill(S.retired_more, { n: n }) + ' ', link);
  }

  function showMore() {
    var result = current;
    var from = shown;
    var page = result.hits.slice(from, from + PAGE);
    shown = from + page.length;
    more.hidden = shown >= result.hits.length;
    var mine = generation;
    return details(result.entry, page).then(function (rows) {
      if (mine !== generation) return;
      render(result, rows, from);
      if (from > 0 && list.children[from]) list.children[from].querySelector('a').focus();
    });
  }

  function chosenFromForm() {
    var chosen = {};
    Object.keys(FACETS).forEach(function (f) {
      var el = form.elements[f];
      chosen[f] = el ? el.value : '';
    });
    return chosen;
  }

  function run() {
    var query = input.value.trim();
    var mine = ++generation;
    list.textContent = '';
    more.hidden = true;
    showRetired(0);
    status.removeAttribute('data-done');
    if (!query) {
      status.textContent = S.empty || '';
      status.setAttribute('data-done', '');
      return Promise.resolve();
    }
    status.textContent = S.loading || '';
    return search(query, chosenFromForm()).then(function (result) {
      if (mine !== generation) return;
      current = result;
      shown = 0;
      status.textContent = result.hits.length
        ? fill(S.results, { n: result.hits.length })
        : fill(S.no_results, { q: query });
      showRetired(result.retired || 0);
      return showMore();
    }).catch(function () {
      if (mine === generation) status.textContent = S.failed || '';
    }).then(function () {
      // Tests wait for this: the results of `query` are on the page.
      if (mine === generation) status.setAttribute('data-done', query);
    });
  }

  function fromURL() {
    var params = new URLSearchParams(location.search);
    input.value = params.get('q') || '';
    Object.keys(FACETS).forEach(function (f) {
      var el = form.elements[f];
      if (!el) return;
      var v = params.get(f) || '';
      el.value = Array.from(el.options).some(function (o) { return o.value === v; }) ? v : '';
    });
    var header = document.getElementById('site-search-q');
    if (header) header.value = input.value;
  }

  function toURL() {
    var params = new URLSearchParams();
    params.set('q', input.value.trim());
    Object.keys(FACETS).forEach(function (f) {
      var el = form.elements[f];
      if (el && el.value) params.set(f, el.value);
    });
    var url = location.pathname + '?' + params.toString();
    if (url !== location.pathname + location.search) history.pushState(null, '', url);
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    toURL();
    run();
  });
  Object.keys(FACETS).forEach(function (f) {
    var el = form.elements[f];
    if (el) el.addEventListener('change', function () { toURL(); run(); });
  });
  more.addEventListener('click', showMore);
  window.addEventListener('popstate', function () { fromURL(); run(); });

  api.ready = (function () {
    fromURL();
    return input.value ? run() : Promise.resolve();
  })();
})();
