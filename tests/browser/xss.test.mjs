// Hostile content: a site whose every editor-written place holds XSS
// vectors from public lists (tests/browser/xss/vectors.json: cure53's HTML5
// Security Cheatsheet and OWASP's XSS Filter Evasion Cheat Sheet, plus
// Markdown-specific vectors) builds, and then
//
// - statically: no output file (HTML, SVG, XML, JSON) holds an event-handler
//   attribute, a script or frame element other than the theme's own, a
//   script or data URL, or a request to another origin, as an HTML or XML
//   parser reads it (not as a regex reads text: a title that *says*
//   `onerror=` is text, escaped, and harmless);
// - in Chromium: opening every page (and searching for the vectors' words)
//   opens no dialog, leaves no handler or script URL in the live DOM and
//   sends no request outside the site's origin.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DOMParser } from '@xmldom/xmldom';
import { parse as parseHtml, parseFragment } from 'parse5';
import { launchChromium } from './chromium.mjs';

import { startServer } from './server.mjs';
import { makeSite } from './xss/make-site.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const gongkai = process.env.GONGKAI_BIN
  ? resolve(process.env.GONGKAI_BIN)
  : resolve(here, '..', '..', 'target', 'debug', 'gongkai');

let work;
let siteDir;
let outDir;
let made;
let server;
let browser;

function allFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...allFiles(path));
    else found.push(path);
  }
  return found;
}

const rel = (file) => relative(outDir, file).split(sep).join('/');

// ---------------------------------------------------------------------------
// What only the theme may contain.

/** Attributes whose value is a URL a browser may fetch or navigate to. */
const URL_ATTRIBUTES = new Set([
  'href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'background',
  'data', 'srcset', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'longdesc',
  'manifest', 'ping', 'icon', 'profile', 'usemap', 'classid', 'archive',
]);
/** Elements that run, embed or redirect. */
const ACTIVE_ELEMENTS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'base', 'link', 'style', 'meta', 'form', 'button', 'input', 'textarea',
  'select', 'handler', 'listener', 'set', 'animate', 'foreignobject',
  'portal', 'template', 'svg', 'math',
]);

/** Whether `value` is a script, data or other active URL. */
function isScriptUrl(value) {
  // Browsers drop ASCII whitespace and controls inside the scheme.
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase();
  return /^(javascript|vbscript|data|livescript|mocha|jar|mhtml|view-source):/.test(cleaned);
}

function isOtherOrigin(value) {
  const v = value.trim().toLowerCase();
  return v.startsWith('//') || /^[a-z][a-z0-9+.-]*:\/\//.test(v) && !v.startsWith('https://xxgk.example.gov.cn/');
}

/**
 * The theme's own active elements, recognised by exactly what the theme
 * writes: its stylesheet and search script, its JSON script data, its
 * search forms, its viewport/robots/refresh meta, its feed and canonical
 * links. Anything else of these kinds came from content.
 */
function isThemeElement(name, attrs, file) {
  const a = Object.fromEntries(attrs.map((x) => [x.name.toLowerCase(), x.value]));
  switch (name) {
    case 'script':
      // search.js and care.js (长辈版) by their own URLs, or JSON data and
      // JSON-LD (checked to stay JSON below).
      return (a.src !== undefined && /(^|\/)(search|care)\.js(\?[^/]*)?$/.test(a.src) && !isOtherOrigin(a.src) && !isScriptUrl(a.src))
        || (['application/json', 'application/ld+json'].includes(a.type) && a.src === undefined);
    case 'link':
      return ['stylesheet', 'alternate', 'canonical', 'icon', 'timemap', 'original', 'sitemap', 'search'].includes((a.rel || '').toLowerCase())
        && !isOtherOrigin(a.href || '') && !isScriptUrl(a.href || '');
    case 'meta': {
      if (a['http-equiv'] === undefined) return a.charset !== undefined || a.name !== undefined || a.property !== undefined;
      // A redirect page forwards to a page of the same site.
      const target = /^0; url=(.*)$/.exec(a.content || '');
      return (a['http-equiv'] || '').toLowerCase() === 'refresh' && target !== null
        && !isScriptUrl(target[1]) && (target[1].startsWith('https://xxgk.example.gov.cn/') || !isOtherOrigin(target[1]));
    }
    case 'form':
      return ['site-search', 'search-form'].includes(a.class) && !isOtherOrigin(a.action || '') && !isScriptUrl(a.action || '');
    case 'button':
      // The search page's 更多结果 button, outside its form.
      return a.type === 'button' && a.id === 'search-more';
    case 'input':
      // The 长辈版 switch in the header.
      return a.type === 'checkbox' && a.id === 'care-mode' && attrs.length === 2;
    case 'select':
      return false; // only inside a theme form, see judgeElement()
    case 'svg':
      return a.class !== undefined || a['aria-hidden'] === 'true' || a.role === 'img';
    default:
      return false;
  }
}

/** Findings on one element: `what: detail`. */
function judgeElement(name, attrs, file, inThemeForm, inThemeSvg) {
  const found = [];
  const lower = name.toLowerCase();
  if (ACTIVE_ELEMENTS.has(lower)) {
    const allowed = ['input', 'button', 'select'].includes(lower)
      ? inThemeForm || isThemeElement(lower, attrs, file)
      : ['set', 'animate', 'foreignobject'].includes(lower) ? false
        : isThemeElement(lower, attrs, file) || (inThemeSvg && lower === 'svg');
    if (!allowed) found.push(`element <${lower}>`);
  }
  for (const { name: attrName, value } of attrs) {
    const n = attrName.toLowerCase();
    if (n.startsWith('on')) found.push(`handler ${n}="${value.slice(0, 60)}"`);
    if (URL_ATTRIBUTES.has(n) || n.endsWith(':href')) {
      if (isScriptUrl(value)) found.push(`script url ${n}="${value.slice(0, 60)}"`);
      if (['src', 'srcset', 'poster', 'background', 'data', 'lowsrc', 'dynsrc', 'xlink:href'].includes(n) && isOtherOrigin(value)) {
        found.push(`request to another origin ${n}="${value.slice(0, 60)}"`);
      }
    }
    if (n === 'style' && !/^(text-align: (left|center|right)|width: [0-9.]+%|--[a-z-]+: [0-9.]+%?)$/.test(value.trim())) {
      found.push(`style="${value.slice(0, 60)}"`);
    }
    if (['srcdoc', 'autofocus', 'formaction', 'http-equiv', 'contenteditable'].includes(n) && !(n === 'http-equiv' && isThemeElement(lower, attrs, file))) {
      found.push(`attribute ${n}`);
    }
  }
  return found;
}

/** Walks a parse5 tree; content inside the theme's forms and SVGs is theirs. */
function judgeHtml(text, file) {
  const found = [];
  const walk = (node, inForm, inSvg) => {
    if (node.tagName) {
      const attrs = node.attrs.map((x) => ({ name: x.prefix ? `${x.prefix}:${x.name}` : x.name, value: x.value }));
      found.push(...judgeElement(node.tagName, attrs, file, inForm, inSvg));
      const lower = node.tagName.toLowerCase();
      if (lower === 'form' && isThemeElement('form', attrs, file)) inForm = true;
      if (lower === 'svg' && isThemeElement('svg', attrs, file)) inSvg = true;
      if (lower === 'script' && attrs.some((a) => a.name === 'type' && ['application/json', 'application/ld+json'].includes(a.value))) {
        // Script data must stay one JSON text: nothing broke out of it.
        const body = (node.childNodes || []).map((c) => c.value ?? '').join('');
        try {
          JSON.parse(body);
        } catch (e) {
          found.push(`script data that is not JSON: ${e.message}`);
        }
      }
    }
    for (const child of node.childNodes || []) walk(child, inForm, inSvg);
    if (node.content) walk(node.content, inForm, inSvg);
  };
  walk(parseHtml(text), false, false);
  return found;
}

/** XML (feeds, sitemaps, SVG): well-formed, and judged like HTML. */
function judgeXml(text, file) {
  const found = [];
  const errors = [];
  const doc = new DOMParser({
    onError: (level, message) => errors.push(`${level}: ${message}`),
  }).parseFromString(text, 'text/xml');
  if (errors.length > 0) return errors.map((e) => `not well-formed XML: ${e}`);
  const walk = (node, inSvg) => {
    if (node.nodeType === 1) {
      const attrs = Array.from(node.attributes).map((a) => ({ name: a.name, value: a.value }));
      const local = (node.localName || node.nodeName).toLowerCase();
      // An SVG file's own root is the drawing, not an embedded element.
      const isRoot = node === doc.documentElement;
      // Atom and sitemap elements (`<link>` among them) are not HTML: only
      // their attributes are judged.
      const markup = ['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg'].includes(node.namespaceURI);
      if (!markup) {
        found.push(...judgeElement(`xml:${local}`, attrs, file, false, false));
      } else if (!(isRoot && file.endsWith('.svg') && local === 'svg')) {
        found.push(...judgeElement(local, attrs, file, false, inSvg || file.endsWith('.svg')));
      } else {
        found.push(...judgeElement('g', attrs, file, false, true));
      }
      // Feed entries carry HTML that feed readers render.
      const type = node.getAttribute && node.getAttribute('type');
      if (['content', 'summary', 'title', 'subtitle', 'rights'].includes(local) && type === 'html') {
        found.push(...judgeHtmlFragment(node.textContent, file).map((f) => `in <${local} type="html">: ${f}`));
      }
    }
    for (const child of Array.from(node.childNodes || [])) walk(child, inSvg);
  };
  walk(doc, false);
  return found;
}

function judgeHtmlFragment(text, file) {
  const found = [];
  const walk = (node) => {
    if (node.tagName) {
      const attrs = node.attrs.map((x) => ({ name: x.name, value: x.value }));
      found.push(...judgeElement(node.tagName, attrs, file, false, false));
    }
    for (const child of node.childNodes || []) walk(child);
  };
  walk(parseFragment(text));
  return found;
}

// ---------------------------------------------------------------------------

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'gongkai-xss-'));
  siteDir = join(work, 'site');
  outDir = join(work, 'public');
  made = makeSite(siteDir, gongkai);
  const build = spawnSync(gongkai, ['build', '--root', siteDir, '--out', outDir, '--as-of', '2026-11-23'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(build.status, 0, `gongkai build of the XSS site failed:\n${build.stderr.slice(0, 4000)}`);
  server = await startServer(outDir);
  browser = await launchChromium();
}, { timeout: 600_000 });

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

it('puts every vector of the public lists into the site', () => {
  assert.ok(made.items >= 300, `only ${made.items} vectors`);
  // Vectors with a character XML forbids are published with U+FFFD in its
  // place (that character is a `check` error); say how many, never hide it.
  assert.ok(made.replaced <= 2, `${made.replaced} vectors changed for XML`);
  const items = allFiles(outDir).filter((f) => /\/items\/.+\/index\.html$/.test(f));
  assert.ok(items.length >= made.items, `${items.length} item pages for ${made.items} vectors`);
});

it('no output file holds active content (HTML, SVG, XML, JSON, as parsers read them)', () => {
  const found = [];
  let scanned = 0;
  for (const file of allFiles(outDir)) {
    const name = rel(file);
    let findings = [];
    if (name.endsWith('.html')) findings = judgeHtml(readFileSync(file, 'utf8'), name);
    else if (name.endsWith('.xml') || name.endsWith('.svg')) findings = judgeXml(readFileSync(file, 'utf8'), name);
    else if (name.endsWith('.json')) {
      try {
        JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        findings = [`not JSON: ${e.message}`];
      }
    } else continue;
    scanned += 1;
    for (const f of findings) found.push(`${name}: ${f}`);
  }
  assert.ok(scanned > 600, `only ${scanned} files scanned`);
  assert.deepEqual(found.slice(0, 40), [], `${found.length} findings`);
});

it('opening every page in Chromium runs nothing and requests nothing elsewhere', async () => {
  const pages = allFiles(outDir)
    .filter((f) => f.endsWith('.html'))
    .map((f) => '/' + rel(f).split('/').map(encodeURIComponent).join('/').replace(/(^|\/)index\.html$/, '$1'));
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Any of these called by content is script that ran.
  await context.addInitScript(() => {
    for (const name of ['alert', 'confirm', 'prompt', 'print']) {
      window[name] = () => {
        window.__ran = (window.__ran || 0) + 1;
      };
    }
  });
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(server.origin) && !url.startsWith('data:image/') && !url.startsWith('about:')) {
      problems.push(`request to ${url.slice(0, 100)}`);
    }
  });
  const visit = async (path) => {
    const page = await context.newPage();
    page.on('dialog', async (dialog) => {
      problems.push(`${path}: dialog ${dialog.message()}`);
      await dialog.dismiss();
    });
    try {
      await page.goto(server.origin + path, { waitUntil: 'load' });
      const live = await page.evaluate(() => {
        const out = [];
        for (const el of document.querySelectorAll('*')) {
          for (const attr of el.attributes) {
            const n = attr.name.toLowerCase();
            if (n.startsWith('on')) out.push(`${el.localName} ${n}`);
            if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'].includes(n)
              && /^\s*(javascript|vbscript|data):/i.test(attr.value.replace(/[\u0000-\u001f]/g, ''))) {
              out.push(`${el.localName} ${n}=${attr.value.slice(0, 40)}`);
            }
          }
        }
        if (window.__ran) out.push(`script ran ${window.__ran} times`);
        return out;
      });
      for (const l of live) problems.push(`${path}: ${l}`);
    } finally {
      await page.close();
    }
  };
  // Two pages at a time: the machine has two cores.
  for (let i = 0; i < pages.length; i += 2) {
    await Promise.all(pages.slice(i, i + 2).map(visit));
  }
  // Search results are drawn by search.js from the index: search for words
  // the vectors carry and look at what it drew.
  for (const query of ['onerror', 'script alert', 'javascript', 'svg onload', '通知 img']) {
    await visit(`/search/?q=${encodeURIComponent(query)}`);
  }
  await context.close();
  assert.ok(pages.length > 400, `only ${pages.length} pages`);
  assert.deepEqual(problems.slice(0, 40), [], `${problems.length} problems`);
});
