// Every HTML page of the example site, not one per type: at 360×740 none
// scrolls horizontally, and axe-core finds no WCAG 2.0/2.1 A or AA
// violation. Redirect pages (former slugs) are left out: they only forward.
// The widest document seen is reported, for the record.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './chromium.mjs';

import { startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = process.env.GONGKAI_ROOT ? resolve(process.env.GONGKAI_ROOT) : resolve(here, '..', '..');
const gongkai = process.env.GONGKAI_BIN
  ? resolve(process.env.GONGKAI_BIN)
  : resolve(here, '..', '..', 'target', 'debug', 'gongkai');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { width: 360, height: 740 };
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let outDir;
let server;
let browser;
let paths = [];

function htmlFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...htmlFiles(path));
    else if (entry.name.endsWith('.html')) found.push(path);
  }
  return found;
}

/** The URL path a static host serves `file` at. */
function urlPath(file) {
  const rel = relative(outDir, file).split(sep).map(encodeURIComponent).join('/');
  return '/' + rel.replace(/(^|\/)index\.html$/, '$1');
}

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'gongkai-every-page-'));
  const build = spawnSync(gongkai, ['build', '--root', repoRoot, '--out', outDir, '--as-of', '2026-11-23'], {
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, `gongkai build failed:\n${build.stderr}`);
  paths = htmlFiles(outDir)
    .filter((f) => !/http-equiv="refresh"/.test(readFileSync(f, 'utf8')))
    .map(urlPath)
    .sort();
  server = await startServer(outDir);
  browser = await launchChromium();
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

it('finds the pages of the example site', () => {
  assert.ok(paths.length > 100, `only ${paths.length} pages`);
  assert.ok(paths.includes('/'), 'the home page');
  assert.ok(paths.includes('/404.html'), 'the 404 page');
});

it('no page scrolls horizontally at 360 px, and axe finds no A/AA violation', { timeout: 1_200_000 }, async (t) => {
  const failures = [];
  let widest = { width: 0, path: '' };
  // Two tabs at a time: the machine running CI has two cores.
  const queue = [...paths];
  const worker = async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        const response = await page.goto(server.origin + path, { waitUntil: 'load' });
        if (response.status() !== 200) {
          failures.push(`${path}: HTTP ${response.status()}`);
          continue;
        }
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > widest.width) widest = { width, path };
        if (width > PHONE.width) failures.push(`${path}: document is ${width} px wide at 360 px`);
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async (tags) => {
          const result = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags } });
          return result.violations.map((v) => `${v.id} (${v.nodes.length}× e.g. ${v.nodes[0].html.slice(0, 120)})`);
        }, WCAG_TAGS);
        for (const v of violations) failures.push(`${path}: axe ${v}`);
      }
    } finally {
      await context.close();
    }
  };
  await Promise.all([worker(), worker()]);
  failures.sort();
  t.diagnostic(`${paths.length} pages; widest document at 360 px: ${widest.width} px (${widest.path})`);
  assert.deepEqual(failures, [], `problems on ${failures.length} page(s):\n${failures.join('\n')}`);
});
