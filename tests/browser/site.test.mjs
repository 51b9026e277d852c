// Browser tests of the site gongkai builds from the example content at the
// repository root. Run with `npm ci && node --test` in this folder, after
// `cargo build` at the root. They need Chromium at /usr/bin/chromium
// (Debian: `apt-get install -y chromium`), or at $CHROMIUM_PATH.
//
// The site is built into a temporary folder, served by a small static server
// on 127.0.0.1, and visited with headless Chromium through playwright-core.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromiumPath, launchChromium } from './chromium.mjs';

import { startServer } from './server.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
// GONGKAI_ROOT and GONGKAI_BIN let a run use another checkout or binary.
const repoRoot = process.env.GONGKAI_ROOT
  ? resolve(process.env.GONGKAI_ROOT)
  : resolve(here, '..', '..');
const gongkai = process.env.GONGKAI_BIN
  ? resolve(process.env.GONGKAI_BIN)
  : resolve(here, '..', '..', 'target', 'debug', 'gongkai');
const axePath = require.resolve('axe-core/axe.min.js');

const AS_OF = '2026-11-23';
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const TIMEOUT = 120_000;

let outDir;
let server;
let origin;
let browser;
/** @type {{name: string, path: string, status: number}[]} */
let pages = [];

// ---------------------------------------------------------------- setup

before(async () => {
  assert.ok(
    existsSync(gongkai),
    `gongkai binary not found at ${gongkai}: run \`cargo build\` at the repository root first`,
  );
  assert.ok(
    existsSync(chromiumPath),
    `Chromium not found at ${chromiumPath}: run \`apt-get install -y chromium\``,
  );

  outDir = mkdtempSync(join(tmpdir(), 'gongkai-browser-'));
  const build = spawnSync(
    gongkai,
    ['build', '--root', repoRoot, '--out', outDir, '--as-of', AS_OF],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(
    build.status,
    0,
    `gongkai build failed (status ${build.status}, signal ${build.signal}):\n${build.stdout}\n${build.stderr}`,
  );

  server = await startServer(outDir);
  origin = server.origin;

  browser = await launchChromium(['--disable-quic', '--disable-sync']);

  pages = await discoverPages();
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function get(path) {
  const res = await fetch(origin + path);
  return { status: res.status, text: await res.text() };
}

function firstMatch(html, re, what, where) {
  const m = html.match(re);
  assert.ok(m, `could not find ${what} in ${where}`);
  return m[1];
}

/** Finds the URLs of the pages under test through /api/manifest.json. */
async function discoverPages() {
  const manifest = JSON.parse((await get('/api/manifest.json')).text);
  const items = manifest.items;
  assert.ok(Array.isArray(items) && items.length > 0, 'manifest has no items');

  // An in-force item whose page has a wide table and attachments.
  let inForce;
  for (const item of items.filter((i) => i.type !== 'power' && i.status === 'in-force')) {
    const { text } = await get(item.url);
    if (text.includes('class="table-scroll"') && /class="attachments"/.test(text)) {
      inForce = { item, html: text };
      break;
    }
  }
  assert.ok(inForce, 'no in-force item in the manifest has both a table and attachments');

  const repealed = items.find((i) => i.type !== 'power' && i.status === 'repealed');
  assert.ok(repealed, 'no repealed item in the manifest');

  const snapshot = inForce.item.revisions?.[0]?.snapshot_url;
  assert.ok(snapshot, `item ${inForce.item.id} has no revisions[0].snapshot_url`);

  const department = firstMatch(
    inForce.html,
    /href="(\/departments\/[^"/]+\/)"/,
    'a link to a department page',
    inForce.item.url,
  );
  const deptHtml = (await get(department)).text;
  const guide = firstMatch(
    deptHtml,
    new RegExp(`href="(${department.replace(/[/]/g, '\\/')}[^"]*guide[^"]*)"`),
    'a link to the guide page',
    department,
  );

  // Annual reports: linked from the home page, a report from their index.
  const homeHtml = (await get('/')).text;
  const reports = firstMatch(homeHtml, /href="(\/reports\/)"/, 'a link to the annual reports', '/');
  const report = firstMatch(
    (await get(reports)).text,
    /href="(\/departments\/[^"]+\/reports\/\d{4}\/)"/,
    'a link to an annual report',
    reports,
  );

  // A power whose flowchart forks (a decision diamond), and the power
  // catalog linked from the home page.
  let power;
  for (const item of items.filter((i) => i.type === 'power')) {
    const { text } = await get(item.url);
    if (text.includes('class="decision"')) {
      power = item;
      break;
    }
  }
  assert.ok(power, 'no power in the manifest has a flowchart with a decision');
  const powers = firstMatch(
    (await get('/')).text,
    /href="(\/powers\/)"/,
    'a link to the power catalog',
    '/',
  );

  // The search page, linked from the header of every page, with a query.
  const search = firstMatch(homeHtml, /href="(\/search\/)"/, 'a link to the search page', '/');

  return [
    { name: 'home', path: '/', status: 200 },
    { name: 'catalog', path: '/catalog/', status: 200 },
    { name: 'archive', path: '/archive/', status: 200 },
    { name: 'department', path: department, status: 200 },
    { name: 'guide', path: guide, status: 200 },
    { name: 'in-force item (table, attachments)', path: inForce.item.url, status: 200 },
    { name: 'repealed item', path: repealed.url, status: 200 },
    { name: 'snapshot', path: snapshot, status: 200 },
    { name: 'annual reports', path: reports, status: 200 },
    { name: 'annual report (tables, charts)', path: report, status: 200 },
    { name: 'power catalog', path: powers, status: 200 },
    { name: 'power (flowchart with a decision)', path: power.url, status: 200 },
    { name: '404', path: '/no-such-page/', status: 404 },
    { name: 'search', path: `${search}?q=${encodeURIComponent('公开')}`, status: 200 },
  ];
}

// The names of the pages under test are fixed, so that node:test can list
// the tests before `before` has discovered the URLs.
const PAGE_NAMES = [
  'home',
  'catalog',
  'archive',
  'department',
  'guide',
  'in-force item (table, attachments)',
  'repealed item',
  'snapshot',
  'annual reports',
  'annual report (tables, charts)',
  'power catalog',
  'power (flowchart with a decision)',
  '404',
  'search',
];

function pageNamed(name) {
  const p = pages.find((x) => x.name === name);
  assert.ok(p, `page ${name} was not discovered`);
  return p;
}

/** Opens `path` in a new context, runs `fn(page)`, and closes the context. */
async function withPage(path, options, fn, expectedStatus) {
  const context = await browser.newContext(options);
  try {
    const page = await context.newPage();
    const response = await page.goto(origin + path, { waitUntil: 'load' });
    assert.ok(response, `no response for ${path}`);
    if (expectedStatus !== undefined) {
      assert.equal(response.status(), expectedStatus, `HTTP status of ${path}`);
    }
    return await fn(page);
  } finally {
    await context.close();
  }
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map(
          (n) =>
            `    - target: ${JSON.stringify(n.target)}\n` +
            `      html: ${n.html}\n` +
            `      ${(n.failureSummary || '').replace(/\n/g, '\n      ')}`,
        )
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

it('has a Chinese font, so that layouts are measured with real glyphs', () => {
  const fc = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  const families = fc.status === 0 ? fc.stdout.trim() : '';
  assert.ok(
    families.length > 0,
    'no font covers Chinese (fc-list :lang=zh is empty): Chromium draws boxes, and the ' +
      'widths measured at 360 px mean little. Run `apt-get install -y fonts-noto-cjk`.',
  );
});

it('finds the pages under test through /api/manifest.json', (t) => {
  assert.deepEqual(pages.map((p) => p.name), PAGE_NAMES);
  for (const p of pages) t.diagnostic(`${p.name}: ${p.path} (HTTP ${p.status})`);
});

// ---------------------------------------------------------------- 1. axe-core

describe('axe-core finds no WCAG 2.0/2.1 A or AA violation', () => {
  for (const name of PAGE_NAMES) {
    it(name, { timeout: TIMEOUT }, async (t) => {
      const { path, status } = pageNamed(name);
      const report = [];
      for (const [label, viewport, care] of [
        ['1280 px', DESKTOP, false],
        ['360 px', PHONE, false],
        ['1280 px, 长辈版', DESKTOP, true],
        ['360 px, 长辈版', PHONE, true],
      ]) {
        const violations = await withPage(path, { viewport }, async (page) => {
          if (care) await page.check('#care-mode');
          await page.addScriptTag({ path: axePath });
          const results = await page.evaluate(
            (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
            WCAG_TAGS,
          );
          return results.violations;
        }, status);
        if (violations.length > 0) {
          report.push(`at ${label}, ${path}:\n${formatViolations(violations)}`);
        }
      }
      if (report.length > 0) t.diagnostic(report.join('\n'));
      assert.equal(report.length, 0, `axe-core violations on ${name}:\n${report.join('\n')}`);
    });
  }
});

// ---------------------------------------------------------------- 2. without JavaScript

describe('without JavaScript', () => {
  for (const name of PAGE_NAMES) {
    it(`${name} shows its h1 and main content`, { timeout: TIMEOUT }, async () => {
      const { path, status } = pageNamed(name);
      await withPage(path, { viewport: DESKTOP, javaScriptEnabled: false }, async (page) => {
        const h1 = page.locator('h1');
        assert.equal(await h1.count(), 1, 'one h1');
        assert.ok(await h1.isVisible(), 'h1 is visible');
        assert.ok((await h1.innerText()).trim().length > 0, 'h1 has text');
        const main = page.locator('main');
        assert.ok(await main.isVisible(), 'main is visible');
        const text = (await main.innerText()).trim();
        const h1Text = (await h1.innerText()).trim();
        assert.ok(
          text.length > h1Text.length + 10,
          `main has content besides its h1; it has: ${JSON.stringify(text)}`,
        );
      }, status);
    });
  }

  it('navigates by links: home → catalog → page 2 → item', { timeout: TIMEOUT }, async () => {
    const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const home = await page.goto(origin + '/');
      assert.equal(home.status(), 200);

      // Home → catalog.
      const toCatalog = page.locator('main a[href="/catalog/"]').first();
      assert.ok(await toCatalog.isVisible(), 'home has a visible link to /catalog/ in main');
      await Promise.all([page.waitForURL(origin + '/catalog/'), toCatalog.click()]);
      assert.ok(await page.locator('h1').isVisible(), 'catalog shows its h1');
      const catalogItems = await page.locator('main a[href^="/items/"]').count();
      assert.ok(catalogItems > 0, 'catalog lists items');

      // Catalog → page 2, when the listing has more than one page.
      const next = page.locator('main a[rel="next"]').first();
      if ((await next.count()) > 0) {
        const href = await next.getAttribute('href');
        assert.ok(await next.isVisible(), 'the link to the next page is visible');
        await Promise.all([page.waitForURL(new URL(href, page.url()).href), next.click()]);
        assert.match(page.url(), /\/2\/$/, 'the next page is page 2');
        assert.ok(await page.locator('h1').isVisible(), 'page 2 shows its h1');
        const prev = page.locator('main a[rel="prev"]');
        assert.ok((await prev.count()) > 0, 'page 2 links back to the previous page');
      }

      // Listing → item.
      const itemLink = page.locator('main a[href^="/items/"]').first();
      const title = (await itemLink.innerText()).trim();
      const itemHref = await itemLink.getAttribute('href');
      const [response] = await Promise.all([
        page.waitForNavigation(),
        itemLink.click(),
      ]);
      assert.equal(response.status(), 200, `status of ${itemHref}`);
      assert.equal(page.url(), new URL(itemHref, origin).href);
      const h1 = (await page.locator('h1').innerText()).trim();
      assert.equal(h1, title, 'the item page h1 is the title of the link followed');
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------- 3. 360 px phone

/**
 * Lists the outermost elements that stick out past the right edge of the
 * viewport, leaving out those clipped by a scroll container (such as a
 * .table-scroll) that itself fits.
 */
function overflowingElements(page, width) {
  return page.evaluate((width) => {
    const past = (el) => el.getBoundingClientRect().right > width + 0.5;
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible' && !past(a)) return true;
      }
      return false;
    };
    const offends = (el) => {
      const r = el.getBoundingClientRect();
      return (r.width > 0 || r.height > 0) && past(el) && !clipped(el);
    };
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (!offends(el)) continue;
      if (el.parentElement !== document.body && offends(el.parentElement)) continue;
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\s+/).join('.')
        : '';
      const right = Math.round(el.getBoundingClientRect().right);
      out.push(`${el.tagName.toLowerCase()}${cls} (right edge at ${right}px): ${el.outerHTML.replace(/\s+/g, " ").slice(0, 200)}`);
    }
    return out;
  }, width);
}

async function checkNoHorizontalScroll(path, status, viewport) {
  await withPage(path, { viewport, isMobile: true, hasTouch: true }, async (page) => {
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const offenders = scrollWidth > viewport.width ? await overflowingElements(page, viewport.width) : [];
    assert.ok(
      scrollWidth <= viewport.width,
      `document scrolls horizontally at ${viewport.width} px: scrollWidth=${scrollWidth}; ` +
        `elements past the right edge:\n  ${offenders.join('\n  ')}`,
    );
    // Wide tables may scroll, but only inside their .table-scroll box, which
    // must itself fit and be reachable by keyboard.
    const boxes = await page.locator('.table-scroll').evaluateAll((els) =>
      els.map((el) => ({
        overflowX: getComputedStyle(el).overflowX,
        right: el.getBoundingClientRect().right,
        tabindex: el.getAttribute('tabindex'),
        scrolls: el.scrollWidth > el.clientWidth,
      })),
    );
    for (const [i, box] of boxes.entries()) {
      assert.ok(
        ['auto', 'scroll'].includes(box.overflowX),
        `.table-scroll #${i} has overflow-x: ${box.overflowX}`,
      );
      assert.ok(box.right <= viewport.width + 0.5, `.table-scroll #${i} ends at ${box.right}px`);
      if (box.scrolls) {
        assert.equal(box.tabindex, '0', `.table-scroll #${i} scrolls, so it must be focusable`);
      }
    }
  }, status);
}

describe('at 360×740 no page scrolls horizontally (except inside .table-scroll)', () => {
  for (const name of PAGE_NAMES) {
    it(name, { timeout: TIMEOUT }, async () => {
      const { path, status } = pageNamed(name);
      await checkNoHorizontalScroll(path, status, PHONE);
    });
  }
});

describe('at 320 px wide no page scrolls horizontally (WCAG 1.4.10 Reflow)', () => {
  for (const name of PAGE_NAMES) {
    it(name, { timeout: TIMEOUT }, async () => {
      const { path, status } = pageNamed(name);
      await checkNoHorizontalScroll(path, status, { width: 320, height: 640 });
    });
  }
});

// ---------------------------------------------------------------- 4. same origin

describe('no request leaves the origin', () => {
  for (const name of PAGE_NAMES) {
    it(name, { timeout: TIMEOUT }, async () => {
      const { path, status } = pageNamed(name);
      const context = await browser.newContext({ viewport: DESKTOP });
      const requests = [];
      context.on('request', (r) => requests.push(r.url()));
      try {
        const page = await context.newPage();
        const response = await page.goto(origin + path, { waitUntil: 'networkidle' });
        assert.equal(response.status(), status);
        // Layouts and media that may load other resources.
        await page.setViewportSize(PHONE);
        await page.waitForLoadState('networkidle');
        await page.emulateMedia({ media: 'print' });
        await page.waitForLoadState('networkidle');
        await page.emulateMedia({ media: 'screen', colorScheme: 'dark', reducedMotion: 'reduce' });
        await page.waitForLoadState('networkidle');
        await page.keyboard.press('Tab');
        await page.waitForLoadState('networkidle');
      } finally {
        await context.close();
      }
      assert.ok(requests.length > 0, 'requests were recorded');
      const foreign = requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:'));
      assert.deepEqual(foreign, [], `requests to other origins from ${path}`);
    });
  }
});

// ---------------------------------------------------------------- 5. structure

describe('structure: one h1, lang, skip link first, landmarks', () => {
  for (const name of PAGE_NAMES) {
    it(name, { timeout: TIMEOUT }, async () => {
      const { path, status } = pageNamed(name);
      await withPage(path, { viewport: DESKTOP, javaScriptEnabled: false }, async (page) => {
        assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');

        const lang = await page.locator('html').getAttribute('lang');
        assert.ok(lang && lang.trim().length > 0, `<html lang> is set (got ${JSON.stringify(lang)})`);

        assert.equal(await page.locator('main').count(), 1, 'exactly one <main>');
        assert.equal(await page.locator('main#main').count(), 1, '<main> has id="main"');
        for (const tag of ['nav', 'header', 'footer']) {
          assert.ok((await page.locator(tag).count()) > 0, `has a <${tag}>`);
        }
        // The header and footer are page landmarks (banner, contentinfo), not
        // sections of an article.
        for (const tag of ['header', 'footer']) {
          const top = await page.locator(`body > ${tag}`).count();
          assert.ok(top > 0, `a <${tag}> is a child of <body>`);
        }

        // The first Tab focuses the skip link, which is visible then and leads to #main.
        await page.keyboard.press('Tab');
        const focused = page.locator(':focus');
        assert.equal(await focused.count(), 1, 'Tab focuses an element');
        assert.equal(
          await focused.evaluate((el) => el.tagName.toLowerCase()),
          'a',
          'the first focusable element is a link',
        );
        assert.equal(await focused.getAttribute('href'), '#main', 'the first focusable element links to #main');
        const box = await focused.boundingBox();
        assert.ok(
          box && box.width > 1 && box.height > 1 && box.x >= 0 && box.y >= 0 && box.x < DESKTOP.width && box.y < DESKTOP.height,
          `the focused skip link is visible in the viewport (box ${JSON.stringify(box)})`,
        );
        await page.keyboard.press('Enter');
        await page.waitForURL(/#main$/);
        const afterSkip = await page.locator(':focus').evaluate((el) => el.id).catch(() => null);
        assert.equal(afterSkip, 'main', 'following the skip link moves focus to <main id="main">');
      }, status);
    });
  }
});

// ---------------------------------------------------------------- 5b. 长辈版 (适老化)

describe('长辈版: large text and high contrast', () => {
  const rootSize = (page) =>
    page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));

  it('works without JavaScript and is three key presses away (Tab, Tab, Space)', { timeout: TIMEOUT }, async () => {
    await withPage(pageNamed('home').path, { viewport: PHONE, javaScriptEnabled: false }, async (page) => {
      const before = await rootSize(page);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      assert.equal(await page.locator(':focus').getAttribute('id'), 'care-mode', 'the second Tab reaches the toggle');
      await page.keyboard.press('Space');
      const after = await rootSize(page);
      assert.ok(after >= before * 1.2, `root font size ${before}px → ${after}px`);
      const color = await page.evaluate(() => getComputedStyle(document.body).color);
      assert.equal(color, 'rgb(0, 0, 0)', 'text is black');
    });
  });

  it('is remembered from page to page with JavaScript', { timeout: TIMEOUT }, async () => {
    const context = await browser.newContext({ viewport: PHONE });
    try {
      const page = await context.newPage();
      await page.goto(origin + pageNamed('home').path);
      const before = await rootSize(page);
      await page.check('#care-mode');
      await page.goto(origin + pageNamed('search').path);
      assert.ok(await page.isChecked('#care-mode'), 'the toggle stays on');
      assert.ok((await rootSize(page)) >= before * 1.2, 'the next page is large too');
      await page.uncheck('#care-mode');
      await page.goto(origin + pageNamed('home').path);
      assert.equal(await rootSize(page), before, 'turning it off is remembered too');
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------- 5c. a phone's first screen

describe('what a phone shows first (360×800)', () => {
  const SCREEN = { width: 360, height: 800 };

  it('an item: its title, validity and 文号; the 索引号 unbroken; CJK fonts first', { timeout: TIMEOUT }, async () => {
    // An in-force item with a 文号.
    const manifest = JSON.parse((await get('/api/manifest.json')).text);
    let path;
    for (const item of manifest.items.filter((i) => i.type !== 'power' && i.status === 'in-force')) {
      if (/<th scope="row">(文号|文號)<\/th>/.test((await get(item.url)).text)) {
        path = item.url;
        break;
      }
    }
    assert.ok(path, 'an in-force item has a 文号');
    await withPage(path, { viewport: SCREEN }, async (page) => {
      const fig = await page.evaluate(() => {
        const rows = [...document.querySelectorAll('table.meta tr')];
        const docNo = rows.find((r) => /^(文号|文號|Document No)/i.test(r.querySelector('th').textContent.trim()));
        return {
          h1: document.querySelector('h1').getBoundingClientRect().bottom,
          validity: document.querySelector('.validity').getBoundingClientRect().bottom,
          docNo: docNo ? docNo.getBoundingClientRect().bottom : null,
          indexParts: [...document.querySelectorAll('.index-no-cell .nowrap')].map((s) => s.getClientRects().length),
          font: getComputedStyle(document.body).fontFamily,
        };
      });
      assert.ok(fig.docNo !== null, 'the item has a 文号 row');
      for (const key of ['h1', 'validity', 'docNo']) {
        assert.ok(fig[key] <= SCREEN.height, `${key} ends at ${fig[key]} px, below the first screen`);
      }
      assert.ok(fig.indexParts.length >= 2, 'the 索引号 is in parts');
      assert.ok(fig.indexParts.every((n) => n === 1), `a part of the 索引号 breaks: ${fig.indexParts}`);
      assert.ok(!fig.font.startsWith('system-ui'), `CJK fonts come before system-ui: ${fig.font}`);
    });
  });

  it('a search: the first result', { timeout: TIMEOUT }, async () => {
    const query = '通知';
    await withPage(`/search/?q=${encodeURIComponent(query)}`, { viewport: SCREEN }, async (page) => {
      await page.waitForFunction(
        (q) => document.getElementById('search-status').getAttribute('data-done') === q,
        query,
        { timeout: 30_000 },
      );
      const bottom = await page.evaluate(
        () => document.querySelector('#search-results > li h2').getBoundingClientRect().bottom,
      );
      assert.ok(bottom <= SCREEN.height, `the first result's title ends at ${bottom} px`);
    });
  });

  it('the header takes less than 145 px', { timeout: TIMEOUT }, async () => {
    await withPage(pageNamed('home').path, { viewport: SCREEN }, async (page) => {
      const height = await page.evaluate(() => document.querySelector('.site-header').getBoundingClientRect().height);
      assert.ok(height < 145, `the header is ${height} px high`);
    });
  });
});

// ---------------------------------------------------------------- 6. print

describe('print stylesheet hides the site navigation', () => {
  for (const name of PAGE_NAMES) {
    it(name, { timeout: TIMEOUT }, async () => {
      const { path, status } = pageNamed(name);
      await withPage(path, { viewport: DESKTOP }, async (page) => {
        const nav = page.locator('.site-nav');
        assert.ok((await nav.count()) > 0, 'the page has a .site-nav');
        assert.ok(await nav.first().isVisible(), '.site-nav is visible on screen');
        await page.emulateMedia({ media: 'print' });
        for (let i = 0; i < (await nav.count()); i++) {
          assert.equal(await nav.nth(i).isVisible(), false, '.site-nav is hidden in print');
        }
        assert.ok(await page.locator('h1').isVisible(), 'the h1 is still printed');
        assert.ok(await page.locator('main').isVisible(), 'the main content is still printed');
      }, status);
    });
  }
});
