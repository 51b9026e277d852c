// Browser tests of the search page (/search/) on the example site: typing a
// query, filters, Traditional ↔ Simplified, the header box, the back button,
// and that the browser's top 10 equal `gongkai search --json` for many
// queries. Same setup as site.test.mjs: the site is built into a temporary
// folder, served on 127.0.0.1 and visited with headless Chromium.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromiumPath, launchChromium } from './chromium.mjs';

import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = process.env.GONGKAI_ROOT
  ? resolve(process.env.GONGKAI_ROOT)
  : resolve(here, '..', '..');
const gongkai = process.env.GONGKAI_BIN
  ? resolve(process.env.GONGKAI_BIN)
  : resolve(here, '..', '..', 'target', 'debug', 'gongkai');
const AS_OF = '2026-11-23';
const TIMEOUT = 120_000;

let outDir;
let server;
let origin;
let browser;

before(async () => {
  assert.ok(existsSync(gongkai), `gongkai binary not found at ${gongkai}: run \`cargo build\``);
  assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath}`);
  outDir = mkdtempSync(join(tmpdir(), 'gongkai-search-'));
  const build = spawnSync(
    gongkai,
    ['build', '--root', repoRoot, '--out', outDir, '--as-of', AS_OF],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(build.status, 0, `gongkai build failed:\n${build.stdout}\n${build.stderr}`);
  server = await startServer(outDir);
  origin = server.origin;
  browser = await launchChromium();
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** `gongkai search --json` on the example site: [{id, title, url, score}]. */
function cli(query, extra = [], limit = 10) {
  const run = spawnSync(
    gongkai,
    ['search', query, '--json', '--limit', String(limit), '--root', repoRoot, '--as-of', AS_OF, ...extra],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(run.status, 0, `gongkai search failed:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function withPage(fn) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  try {
    return await fn(await context.newPage(), requests);
  } finally {
    await context.close();
  }
}

/** Waits until the results of `query` are on the page; returns them. */
async function results(page, query) {
  await page.waitForFunction(
    (q) => document.getElementById('search-status').getAttribute('data-done') === q,
    query,
    { timeout: 30_000 },
  );
  return page.evaluate(() => ({
    status: document.getElementById('search-status').textContent,
    hits: Array.from(document.querySelectorAll('#search-results > li')).map((li) => ({
      url: li.querySelector('h2 a').getAttribute('href'),
      title: li.querySelector('h2 a').textContent,
      marks: Array.from(li.querySelectorAll('h2 mark')).map((m) => m.textContent),
      badge: li.querySelector('.badge').textContent,
    })),
  }));
}

function countIn(status) {
  const m = status.match(/\d+/);
  assert.ok(m, `no count in ${JSON.stringify(status)}`);
  return Number(m[0]);
}

describe('search page', () => {
  it('typing a query shows the expected results, highlighted, with a count', { timeout: TIMEOUT }, async () => {
    const want = cli('政务公开', [], 1000);
    assert.ok(want.length > 0, 'the CLI finds 政务公开');
    await withPage(async (page, requests) => {
      await page.goto(origin + '/search/');
      await page.getByLabel('搜索关键词').fill('政务公开');
      await page.getByLabel('搜索关键词').press('Enter');
      const got = await results(page, '政务公开');
      assert.equal(countIn(got.status), want.length, got.status);
      assert.equal(got.hits[0].url, want[0].url);
      assert.ok(got.hits[0].title.includes('政务公开'), got.hits[0].title);
      assert.ok(got.hits[0].marks.join('').includes('政务'), `marks: ${got.hits[0].marks}`);
      assert.ok(got.hits[0].badge.length > 0, 'the validity badge has text');
      assert.match(page.url(), /\/search\/\?q=/, 'the query is in the URL');
      const searchFiles = requests.filter((u) => new URL(u).pathname.startsWith('/search/') && u.includes('.json'));
      assert.ok(searchFiles.length <= 4, `at most 4 requests for a first query: ${searchFiles.join(', ')}`);
      assert.ok(!searchFiles.some((u) => new URL(u).pathname === '/search/index.json'),
        `the entry comes with the page, not as a request: ${searchFiles.join(', ')}`);
      for (const u of requests) assert.equal(new URL(u).origin, origin, `request to ${u}`);
    });
  });

  it('the exact title of a repealed item: the page says how many retired items match and shows them in one step', { timeout: TIMEOUT }, async () => {
    const manifest = JSON.parse(readFileSync(join(outDir, 'api', 'manifest.json'), 'utf8'));
    const repealed = manifest.items.find((i) => i.type !== 'power' && i.status === 'repealed');
    assert.ok(repealed, 'the example site has a repealed item');
    const query = repealed.title;
    const current = cli(query, [], 1000).length;
    const all = cli(query, ['--retired'], 1000);
    assert.ok(all.length > current, 'the CLI finds retired matches');
    await withPage(async (page) => {
      await page.goto(origin + '/search/?q=' + encodeURIComponent(query));
      await results(page, query);
      const note = page.locator('#search-retired');
      assert.ok(await note.isVisible(), 'the retired note is shown');
      assert.equal(countIn(await note.textContent()), all.length - current, await note.textContent());
      await note.locator('a').click();
      const got = await results(page, query);
      assert.equal(countIn(got.status), all.length, got.status);
      assert.ok(got.hits.some((h) => h.url === repealed.url), `${repealed.url} is shown`);
      assert.match(page.url(), /status=all/);
      assert.ok(await note.isHidden(), 'nothing more to offer');
    });
  });

  it('a filter changes the count', { timeout: TIMEOUT }, async () => {
    const query = '通知';
    const current = cli(query, [], 1000).length;
    const withRetired = cli(query, ['--retired'], 1000).length;
    const fgw = cli(query, ['--department', 'fgw'], 1000).length;
    assert.notEqual(current, withRetired, 'the example has retired 通知');
    assert.notEqual(current, fgw);
    await withPage(async (page) => {
      await page.goto(origin + '/search/?q=' + encodeURIComponent(query));
      let got = await results(page, query);
      assert.equal(countIn(got.status), current, got.status);
      await page.getByLabel('有效性').selectOption('all');
      got = await results(page, query);
      assert.equal(countIn(got.status), withRetired, got.status);
      assert.match(page.url(), /status=all/);
      await page.getByLabel('有效性').selectOption('');
      await page.getByLabel('发布机构').selectOption('fgw');
      got = await results(page, query);
      assert.equal(countIn(got.status), fgw, got.status);
      // Back: the previous filters and count come back.
      await page.goBack();
      got = await results(page, query);
      assert.equal(countIn(got.status), current, `after back: ${got.status}`);
      assert.equal(await page.getByLabel('发布机构').inputValue(), '');
    });
  });

  it('a Traditional query finds a Simplified item', { timeout: TIMEOUT }, async () => {
    const simplified = cli('政务公开');
    await withPage(async (page) => {
      await page.goto(origin + '/search/?q=' + encodeURIComponent('政務公開'));
      const got = await results(page, '政務公開');
      assert.ok(got.hits.length > 0, got.status);
      assert.deepEqual(got.hits.map((h) => h.url), simplified.map((h) => h.url));
      assert.ok(got.hits[0].title.includes('政务公开'), got.hits[0].title);
      assert.ok(got.hits[0].marks.length > 0, 'the Simplified title is highlighted');
    });
  });

  it('a match far down the text gets an excerpt around it', { timeout: TIMEOUT }, async () => {
    // 经费支出 stands in the 2023 决算 of 教育局 some 400 characters in:
    // beyond the start of the text that the index carries.
    const want = cli('经费支出');
    assert.ok(want.length > 0, 'the CLI finds 经费支出');
    await withPage(async (page) => {
      await page.goto(origin + '/search/?q=' + encodeURIComponent('经费支出'));
      await results(page, '经费支出');
      const first = page.locator('#search-results > li').first();
      await first.locator('.search-result__excerpt mark').first().waitFor({ timeout: 30_000 });
      const marks = await first.locator('.search-result__excerpt mark').allTextContents();
      assert.ok(marks.join('').includes('经费支出'), `marks: ${marks}`);
      const excerpt = await first.locator('.search-result__excerpt').textContent();
      assert.ok(excerpt.startsWith('…'), `the passage is from further down: ${excerpt}`);
    });
  });

  it('the header box searches from any page', { timeout: TIMEOUT }, async () => {
    await withPage(async (page) => {
      await page.goto(origin + '/');
      await page.getByRole('searchbox', { name: '搜索本站信息' }).fill('停车');
      await page.getByRole('searchbox', { name: '搜索本站信息' }).press('Enter');
      await page.waitForURL(/\/search\/\?q=/);
      const got = await results(page, '停车');
      assert.deepEqual(got.hits.map((h) => h.url), cli('停车').map((h) => h.url));
    });
  });
});

// Queries over the example content: words, parts of words, Traditional
// forms, numbers, several words, nothing.
const QUERIES = [
  '政务公开', '公开', '通知', '教育', '招生入学', '义务教育', '旅游', '旅遊景區', '文化', '遺產',
  '停车', '收费', '价格', '项目', '重大建设', '环境', '生态环境', '污染', '臭氧', '决算',
  '预算', '2024', '2025', '规则', '规范性文件', '办法', '公告', '安全', '消防', '監督',
  '发展 改革', '教育 通知', '示例市', '印发', '管理辦法', '汛期', '不存在的词语',
];

describe('the browser ranks like `gongkai search --json`', () => {
  it(`top 10 equal for ${QUERIES.length} queries`, { timeout: 600_000 }, async () => {
    let nonEmpty = 0;
    const differ = [];
    await withPage(async (page) => {
      for (const query of QUERIES) {
        const want = cli(query).map((h) => h.url);
        await page.goto(origin + '/search/?q=' + encodeURIComponent(query));
        const got = (await results(page, query)).hits.slice(0, 10).map((h) => h.url);
        if (want.length > 0) nonEmpty++;
        if (JSON.stringify(got) !== JSON.stringify(want)) differ.push({ query, want, got });
      }
    });
    assert.deepEqual(differ, []);
    assert.ok(nonEmpty >= 20, `only ${nonEmpty} queries found anything`);
  });
});
