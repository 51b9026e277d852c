// Regenerates the README's screenshots: an item page and the catalog, on a
// phone (360×740) and on a desktop (1280×800), from the example site.
// Run through `bash scripts/screenshots.sh` (builds gongkai and installs the
// npm packages first). Not a test: it asserts only that the pages exist.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './chromium.mjs';

import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const gongkai = process.env.GONGKAI_BIN || join(repoRoot, 'target', 'debug', 'gongkai');
const outShots = join(repoRoot, 'docs', 'screenshots');
// The item shown: an in-force notice with a table and attachments.
const ITEM = process.env.SCREENSHOT_ITEM || '11539900MB1D64052N/2025-00006';
const AS_OF = '2026-11-23';

const site = mkdtempSync(join(tmpdir(), 'gongkai-shots-'));
const build = spawnSync(gongkai, ['build', '--root', repoRoot, '--out', site, '--as-of', AS_OF], {
  encoding: 'utf8',
});
assert.equal(build.status, 0, build.stderr);
const server = await startServer(site);
const browser = await launchChromium(['--hide-scrollbars']);
mkdirSync(outShots, { recursive: true });
const shots = [
  ['item', `/items/${ITEM}/`],
  ['catalog', '/catalog/'],
];
const devices = [
  ['phone', { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
  ['desktop', { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }],
];
try {
  for (const [device, options] of devices) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    for (const [name, path] of shots) {
      const response = await page.goto(server.origin + path);
      assert.equal(response.status(), 200, path);
      const file = join(outShots, `${name}-${device}.png`);
      await page.screenshot({ path: file });
      console.log(`${file}  ${path}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(site, { recursive: true, force: true });
}
