// The site behind a real nginx with the configuration the build writes
// (`_gongkai/nginx.conf`): every URL of the manifest, the 301s of former
// slugs, 410 for a withdrawn item, the 404 page, caching, gzip_static, and
// Chromium loading the main kinds of page under the Content-Security-Policy
// with no violation.
//
// The example site at the repository root is copied into a git repository
// of its own, given a former slug (`aliases`), and one item is withdrawn in
// a second commit. nginx (Debian's, `apt-get install nginx`) runs as the
// current user on a free loopback port, its prefix, pid and logs in a
// temporary folder, in the foreground as a child of this process.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromiumPath, launchChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = process.env.GONGKAI_ROOT
  ? resolve(process.env.GONGKAI_ROOT)
  : resolve(here, '..', '..');
const gongkai = process.env.GONGKAI_BIN
  ? resolve(process.env.GONGKAI_BIN)
  : resolve(here, '..', '..', 'target', 'debug', 'gongkai');
const nginxPath = process.env.NGINX_PATH || '/usr/sbin/nginx';
const AS_OF = '2026-11-23';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 'public, max-age=300';

let tmp;
let out;
let nginx;
let origin;
let manifest;
let withdrawnUrl;

function git(cwd, args, date = '2026-11-20T10:00:00+08:00') {
  const run = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: '编辑',
      GIT_AUTHOR_EMAIL: 'editor@example.gov.cn',
      GIT_COMMITTER_NAME: '编辑',
      GIT_COMMITTER_EMAIL: 'editor@example.gov.cn',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((ok) => {
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => {
        c.end();
        ok(true);
      });
      c.on('error', () => ok(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

/** GET `path` without following redirects: { status, headers, body (Buffer) }. */
function get(path, headers = {}) {
  return new Promise((ok, reject) => {
    const req = request(`${origin}${path}`, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The file a site-relative URL path names (decoded, `index.html` for folders). */
function fileOf(url) {
  const rel = decodeURIComponent(url).replace(/^\//, '');
  return join(out, rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel);
}

/** Every `…url` string in the manifest. */
function manifestUrls(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => manifestUrls(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && (k === 'url' || k.endsWith('_url'))) found.add(v);
      else manifestUrls(v, found);
    }
  }
  return found;
}

function expectedType(url) {
  if (url.endsWith('/') || url.endsWith('.html')) return 'text/html; charset=utf-8';
  if (url.endsWith('.md')) return 'text/markdown; charset=utf-8';
  if (url.endsWith('.toml')) return 'text/plain; charset=utf-8';
  return null;
}

before(async () => {
  assert.ok(existsSync(gongkai), `no gongkai binary at ${gongkai}: run \`cargo build\` first`);
  assert.ok(existsSync(nginxPath), `no nginx at ${nginxPath}: run \`apt-get install nginx\``);
  tmp = mkdtempSync(join(tmpdir(), 'gongkai-nginx-'));
  const site = join(tmp, 'site');
  mkdirSync(site);
  cpSync(join(repoRoot, 'content'), join(site, 'content'), { recursive: true });
  cpSync(join(repoRoot, 'site.toml'), join(site, 'site.toml'));
  // A former slug of fgw.
  const dept = join(site, 'content/fgw/department.toml');
  writeFileSync(dept, `aliases = ["fagaiwei"]\n${readFileSync(dept, 'utf8')}`);
  git(site, ['init', '-q', '-b', 'main']);
  git(site, ['add', '-A']);
  git(site, ['commit', '-q', '-m', '发布'], '2026-11-10T10:00:00+08:00');
  // Withdraw one item: its latest revision becomes exempt.
  const catalog = join(site, 'content/wlj/catalog');
  const files = readdirSync(catalog, { recursive: true }).filter((f) => String(f).endsWith('.md'));
  const victim = join(catalog, String(files.sort()[0]));
  const text = readFileSync(victim, 'utf8');
  withdrawnUrl = `/items/${/index_no = "([^"]+)"/.exec(text)[1]}/`;
  writeFileSync(victim, text.replace('+++\n', '+++\ndisclosure = "exempt"\n'));
  git(site, ['commit', '-q', '-am', '撤回'], '2026-11-20T10:00:00+08:00');

  out = join(tmp, 'public');
  const build = spawnSync(gongkai, ['build', '--root', site, '--out', out, '--as-of', AS_OF], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(build.status, 0, `gongkai build failed:\n${build.stderr}`);
  manifest = JSON.parse(readFileSync(join(out, 'api/manifest.json'), 'utf8'));

  const port = await freePort();
  const prefix = join(tmp, 'nginx');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const temp = (name) => `${name}_temp_path ${join(prefix, 'tmp')};`;
  writeFileSync(
    join(prefix, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      // As root, nginx would hand the work to `nobody`, who cannot read
      // the temporary folder: the workers stay the current user.
      ...(process.getuid() === 0 ? ['user root;'] : []),
      `pid ${join(prefix, 'nginx.pid')};`,
      `error_log ${join(prefix, 'logs/error.log')};`,
      'events {}',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `  ${temp(n)}`),
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    root ${out};`,
      `    include ${join(out, '_gongkai/nginx.conf')};`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  nginx = spawn(nginxPath, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  origin = `http://127.0.0.1:${port}`;
  await waitForPort(port);
});

after(() => {
  if (nginx) nginx.kill('SIGQUIT');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('nginx with the generated include', () => {
  it('serves every URL of the manifest with its type, charset and caching', async () => {
    const urls = [...manifestUrls(manifest)].sort();
    assert.ok(urls.length > 50, `${urls.length} URLs`);
    for (const url of urls) {
      const res = await get(url);
      assert.equal(res.status, 200, url);
      const type = expectedType(url);
      if (type) assert.equal(res.headers['content-type'], type, url);
      else assert.match(res.headers['content-type'], /./, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      const revision = /\/[0-9a-f]{40}\.(html|md|toml)$/.test(url);
      assert.equal(res.headers['cache-control'], revision ? IMMUTABLE : SHORT, url);
      assert.deepEqual(res.body, readFileSync(fileOf(url)), url);
    }
  });

  it('sends Memento headers with snapshots and TimeMaps as link-format', async () => {
    const withRevisions = manifest.items.filter((i) => i.revisions.some((r) => r.commit));
    assert.ok(withRevisions.length > 10, `${withRevisions.length} documents with revisions`);
    for (const doc of withRevisions.slice(0, 20)) {
      const timemap = `${doc.url}timemap.link`;
      const tm = await get(timemap);
      assert.equal(tm.status, 200, timemap);
      assert.equal(tm.headers['content-type'], 'application/link-format', timemap);
      const text = tm.body.toString('utf8');
      for (const r of doc.revisions.filter((r) => r.commit)) {
        const res = await get(r.snapshot_url);
        const datetime = res.headers['memento-datetime'];
        assert.match(datetime, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/, r.snapshot_url);
        // The same time as the TimeMap gives the same snapshot.
        assert.ok(text.includes(`${r.snapshot_url}>; rel="`), `${timemap} lists ${r.snapshot_url}`);
        assert.ok(text.includes(`datetime="${datetime}"`), `${timemap}: ${datetime}`);
        const link = res.headers.link;
        assert.ok(link.includes(`${doc.url}>; rel="original"`), link);
        assert.ok(link.includes(`${timemap}>; rel="timemap"; type="application/link-format"`), link);
        assert.equal(res.headers['cache-control'], IMMUTABLE, r.snapshot_url);
        assert.equal(res.headers['x-content-type-options'], 'nosniff', r.snapshot_url);
      }
    }
  });

  it('answers former URLs with a 301 to the current one', async () => {
    const rules = readFileSync(join(out, '_redirects'), 'utf8')
      .split('\n')
      .filter((l) => l.endsWith(' 301'));
    assert.ok(rules.some((l) => l.startsWith('/departments/fagaiwei/ ')), rules.join('\n'));
    for (const line of rules) {
      const [from, to] = line.split(' ');
      const res = await get(from);
      assert.equal(res.status, 301, from);
      assert.equal(res.headers.location, to, from);
      assert.equal((await get(to)).status, 200, to);
    }
  });

  it('answers a withdrawn item with 410 and its neutral page', async () => {
    const res = await get(withdrawnUrl);
    assert.equal(res.status, 410);
    assert.deepEqual(res.body, readFileSync(fileOf(withdrawnUrl)));
    const gone = readFileSync(join(out, '_redirects'), 'utf8')
      .split('\n')
      .filter((l) => l.endsWith(' 410!'));
    assert.ok(gone.length >= 3, gone.join('\n'));
    for (const line of gone) {
      assert.equal((await get(line.split(' ')[0])).status, 410, line);
    }
  });

  it('answers a missing page with 404 and the site’s 404 page', async () => {
    for (const path of ['/no-such-page/', '/items/', '/_gongkai/nginx.conf', '/_redirects']) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, readFileSync(join(out, '404.html')), path);
    }
  });

  it('sends the precompressed copy to a client that accepts gzip', async () => {
    for (const url of ['/', '/search/', '/static/style.css', '/static/search.js', '/sitemap.xml']) {
      const gz = await get(url, { 'accept-encoding': 'gzip' });
      assert.equal(gz.headers['content-encoding'], 'gzip', url);
      assert.match(gz.headers.vary, /Accept-Encoding/, url);
      assert.deepEqual(gz.body, readFileSync(`${fileOf(url)}.gz`), url);
      const plain = await get(url);
      assert.equal(plain.headers['content-encoding'], undefined, url);
      assert.deepEqual(plain.body, readFileSync(fileOf(url)), url);
    }
  });

  it('compresses snapshots and sources, which have no copy, when asked', async () => {
    const revisions = manifest.items
      .flatMap((i) => i.revisions)
      .flatMap((r) => [r.snapshot_url, r.source_url])
      .filter((u) => u)
      .slice(0, 20);
    assert.ok(revisions.length >= 2, revisions.join('\n'));
    for (const url of revisions) {
      assert.ok(!existsSync(`${fileOf(url)}.gz`), url);
      const gz = await get(url, { 'accept-encoding': 'gzip' });
      assert.equal(gz.status, 200, url);
      assert.equal(gz.headers['content-encoding'], 'gzip', url);
      assert.match(gz.headers.vary, /Accept-Encoding/, url);
      assert.equal(gz.headers['cache-control'], IMMUTABLE, url);
      assert.deepEqual(gunzipSync(gz.body), readFileSync(fileOf(url)), url);
    }
  });

  it('compresses history pages, which have no copy, when asked', async () => {
    // A withdrawn item's history page answers 410 (tested above).
    const gone = new Set(
      readFileSync(join(out, '_redirects'), 'utf8')
        .split('\n')
        .filter((l) => l.endsWith(' 410!'))
        .map((l) => l.split(' ')[0]),
    );
    const pages = readdirSync(join(out, 'items'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('/history/index.html'))
      .map((f) => `/items/${f.replace(/index\.html$/, '')}`)
      .filter((url) => !gone.has(url))
      .slice(0, 5);
    assert.ok(pages.length >= 1, 'no history page');
    for (const url of pages) {
      assert.ok(!existsSync(`${fileOf(url)}.gz`), url);
      const gz = await get(url, { 'accept-encoding': 'gzip' });
      assert.equal(gz.status, 200, url);
      assert.equal(gz.headers['content-encoding'], 'gzip', url);
      assert.equal(gz.headers['cache-control'], SHORT, url);
      assert.match(gz.headers['content-security-policy'], /default-src 'self'/, url);
      assert.deepEqual(gunzipSync(gz.body), readFileSync(fileOf(url)), url);
    }
  });

  it('compresses the manifest, which has no copy, when asked', async () => {
    const url = '/api/manifest.json';
    assert.ok(!existsSync(`${fileOf(url)}.gz`), url);
    const gz = await get(url, { 'accept-encoding': 'gzip' });
    assert.equal(gz.status, 200, url);
    assert.equal(gz.headers['content-encoding'], 'gzip', url);
    assert.match(gz.headers['content-type'], /^application\/json/, url);
    assert.equal(gz.headers['cache-control'], SHORT, url);
    assert.match(gz.headers['content-security-policy'], /default-src 'self'/, url);
    assert.deepEqual(gunzipSync(gz.body), readFileSync(fileOf(url)), url);
    const plain = await get(url);
    assert.equal(plain.headers['content-encoding'], undefined, url);
    assert.deepEqual(plain.body, readFileSync(fileOf(url)), url);
  });

  it('sends attachments as downloads', async () => {
    const files = readdirSync(join(out, 'departments'), { recursive: true })
      .map(String)
      .filter((f) => f.includes('/files/') && !f.endsWith('.gz'))
      .filter((f) => statSync(join(out, 'departments', f)).isFile());
    assert.ok(files.length > 0);
    for (const f of files) {
      const url = `/departments/${f.split('/').map(encodeURIComponent).join('/')}`;
      const res = await get(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers['content-disposition'], 'attachment', url);
    }
  });

  it('loads the main pages in Chromium with no Content-Security-Policy violation', async () => {
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath}`);
    const csp = (await get('/')).headers['content-security-policy'];
    assert.match(csp, /default-src 'self'/);
    const item = manifest.items.find((i) => i.type === 'catalog').url;
    const power = manifest.items.find((i) => i.type === 'power').url;
    const report = readdirSync(join(out, 'departments/fgw/reports'))
      .filter((y) => /^\d{4}$/.test(y))
      .sort()
      .pop();
    assert.ok(report, 'a report page');
    const pages = ['/', item, power, `/departments/fgw/reports/${report}/`, '/search/?q=通知'];
    const browser = await launchChromium();
    try {
      for (const path of pages) {
        const page = await browser.newPage();
        const problems = [];
        page.on('console', (m) => {
          if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
        });
        await page.addInitScript(() => {
          window.__violations = [];
          document.addEventListener('securitypolicyviolation', (e) =>
            window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
          );
        });
        const res = await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
        assert.equal(res.status(), 200, path);
        if (path.startsWith('/search/')) {
          // search.js ran and fetched the index: results are listed.
          await page.waitForSelector('#search-results li, .search-results li', { timeout: 10_000 });
        }
        problems.push(...(await page.evaluate(() => window.__violations)));
        assert.deepEqual(problems, [], path);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
