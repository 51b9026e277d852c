// The Nu Html Checker (vnu-jar, the W3C validator's engine) over every HTML
// page of the example site, redirect pages included: 0 errors. Needs Java
// (scripts/test.sh installs default-jre-headless when it is missing).

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import vnuJar from 'vnu-jar';

const vnu = String(vnuJar);

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = process.env.GONGKAI_ROOT ? resolve(process.env.GONGKAI_ROOT) : resolve(here, '..', '..');
const gongkai = process.env.GONGKAI_BIN
  ? resolve(process.env.GONGKAI_BIN)
  : resolve(here, '..', '..', 'target', 'debug', 'gongkai');

let outDir;

function htmlFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...htmlFiles(path));
    else if (entry.name.endsWith('.html')) found.push(path);
  }
  return found;
}

before(() => {
  outDir = mkdtempSync(join(tmpdir(), 'gongkai-vnu-'));
  const build = spawnSync(gongkai, ['build', '--root', repoRoot, '--out', outDir, '--as-of', '2026-11-23'], {
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, `gongkai build failed:\n${build.stderr}`);
});

after(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

it('the Nu Html Checker finds no error on any page', { timeout: 600_000 }, () => {
  const files = htmlFiles(outDir);
  assert.ok(files.length > 100, `only ${files.length} pages`);
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  assert.equal(java.status, 0, 'Java is needed: apt-get install -y --no-install-recommends default-jre-headless');
  const run = spawnSync(
    'java',
    // The schema's regular expressions need a deeper stack than 512k.
    ['-Xss8m', '-jar', vnu, '--format', 'json', '--errors-only', '--skip-non-html', outDir],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 580_000 },
  );
  const report = [run.stderr, run.stdout].find((s) => s.trim().startsWith('{'));
  assert.ok(report, `vnu did not report JSON (status ${run.status}):\n${run.stderr}\n${run.stdout}`);
  const { messages } = JSON.parse(report);
  const errors = messages
    .filter((m) => m.type === 'error' || m.subType === 'fatal')
    .map((m) => `${relative(outDir, fileURLToPath(m.url))}:${m.lastLine ?? '?'}: ${m.message}`);
  assert.deepEqual(errors, [], `${errors.length} error(s) in ${files.length} pages:\n${errors.join('\n')}`);
});
