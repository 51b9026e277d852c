// Writes a gongkai site whose every editor-written place holds XSS
// vectors, as a git repository with history (so that snapshots, revision
// diffs, history pages, retirement notes and commit messages are built too).
//
// One catalog item per vector: the vector is its title, 文号, publisher,
// keyword, first heading, a body paragraph (raw), a link's text and an
// attachment's name; its second revision changes the body, so the vector
// also reaches the snapshot and the diff. Site settings, departments,
// guides, the home page, powers (name, basis, steps, branches), a report
// narrative and commit messages get vectors in turn.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Vectors written for Markdown itself (not in the public lists). */
export const MARKDOWN_VECTORS = [
  '## 小标题 {tabindex=0 autofocus onfocus=alert(1)}',
  '## 小标题 {onmouseover=alert(1) style=position:fixed;inset:0}',
  '## 小标题 {#content .x onclick=alert(1) href=javascript:alert(1)}',
  '[点我](javascript:alert(1))',
  '[点我](JaVa\tScRiPt:alert(1))',
  '[点我](&#106;avascript:alert(1))',
  '[点我](java&#x09;script:alert(1))',
  '[点我](vbscript:msgbox(1))',
  '[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<javascript:alert(1)>',
  '[引用][r]\n\n[r]: javascript:alert(1)',
  '![图](x" onerror="alert(1))',
  '![图](javascript:alert(1))',
  '![图](https://evil.example.com/pixel.png)',
  '[链接](https://example.com/ "title\\" onmouseover=\\"alert(1)")',
  '| 表 {onclick=alert(1)} |\n|---|\n| <img src=x onerror=alert(1)> |',
  '```html\n<script>alert(1)</script>\n```',
  '[^1]\n\n[^1]: <img src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>x</details>',
  '<a href="#" id="search-form">钓鱼</a> <a name="content" id="main">重名</a>',
  '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<form action="https://evil.example.com/"><button formaction="javascript:alert(1)">x</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="https://evil.example.com/">',
  '<link rel="stylesheet" href="https://evil.example.com/x.css">',
  '<style>body{background:url(https://evil.example.com/x.png)}</style>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
];

export function loadVectors() {
  const data = JSON.parse(readFileSync(join(here, 'vectors.json'), 'utf8'));
  const listed = data.vectors.map((v) => ({ name: `${v.source}-${v.id}`, vector: v.vector }));
  const markdown = MARKDOWN_VECTORS.map((vector, i) => ({ name: `markdown-${i + 1}`, vector }));
  return [...listed, ...markdown];
}

/**
 * Characters that XML 1.0 forbids are a `check` error by design, so a
 * vector carrying one cannot be published as is: they are replaced by
 * U+FFFD here, and the caller reports how many vectors that touched.
 */
export function xmlSafe(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

/** A TOML basic string holding `text` exactly. */
function tomlString(text) {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** The first line of `text`, for places that hold one line. */
function oneLine(text) {
  return text.split(/\r?\n/).find((l) => l.trim() !== '') ?? text;
}

/** A file name carrying the vector, within the path-segment rule: no `/`, `\`, `:` or control characters, at most 120 bytes. */
function fileName(text) {
  let name = oneLine(text).replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[/\\]/g, '∕').replace(/:/g, '∶').replace(/^\.+/, '');
  while (Buffer.byteLength(name) > 120) name = name.slice(0, -1);
  return name.trim() === '' ? 'x' : name;
}

// The smallest valid PDF header: the attachment check reads the bytes.
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

const DEPT = 'xss';
const CODE = '11530100MB0A00001B';

function write(root, rel, text) {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function item(seq, v, revision) {
  const line = oneLine(v);
  const lines = [
    '+++',
    `index_no = "${CODE}/2024-${String(seq).padStart(5, '0')}"`,
    `title = ${tomlString(`通知 ${v}`)}`,
    'published = 2024-03-01',
    `doc_no = ${tomlString(v)}`,
    'kind = "通知"',
    "category = '综合政务\\政务公开'",
    `publisher = ${tomlString(v)}`,
    `keywords = [${tomlString(v)}]`,
    `attachments = [${tomlString(`${seq}/${fileName(v)}.pdf`)}]`,
  ];
  if (seq % 7 === 3) {
    lines.push('status = "repealed"', 'retired = 2025-01-01', `retired_reason = ${tomlString(v)}`);
  }
  lines.push('+++', '', `## ${line}`, '', v, '', `[链接 ${line.replace(/[[\]]/g, '')}](./)`, '');
  lines.push(revision === 1 ? '第一版正文。' : `第二版正文：${line}`);
  return lines.join('\n') + '\n';
}

function power(n, v) {
  const line = oneLine(v);
  return `code = "XK-${String(n).padStart(3, '0')}"
name = ${tomlString(`许可 ${line}`)}
category = "行政许可"
basis = [${tomlString(v)}]
subject = ${tomlString(v)}
office = ${tomlString(line)}
legal_limit_days = 20
promised_limit_days = 10
materials = [${tomlString(v)}]
responsibilities = [${tomlString(v)}]
accountability = [${tomlString(v)}]
supervision = ${tomlString(v)}

[[steps]]
name = ${tomlString(`受理 ${line}`)}
actor = ${tomlString(line)}
limit_days = 1
question = ${tomlString(line)}
next = [
  { step = ${tomlString(`审查 ${line}`)}, when = ${tomlString(line)} },
  { step = "补正", when = "不齐全" },
]

[[steps]]
name = "补正"
actor = "申请人"
limit_days = 5
next = [${tomlString(`受理 ${line}`)}]

[[steps]]
name = ${tomlString(`审查 ${line}`)}
actor = "秘书科"
limit_days = 6
`;
}

function git(root, args, env = {}) {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'editor',
      GIT_AUTHOR_EMAIL: 'editor@example.gov.cn',
      GIT_COMMITTER_NAME: 'editor',
      GIT_COMMITTER_EMAIL: 'editor@example.gov.cn',
      ...env,
    },
  });
}

/**
 * Makes the site in `root` (emptied first) and returns what was written:
 * { items, powers, replaced } where `replaced` counts vectors that held a
 * character XML forbids.
 */
export function makeSite(root, gongkai) {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const all = loadVectors();
  const replaced = all.filter((v) => xmlSafe(v.vector) !== v.vector).length;
  const vectors = all.map((v) => ({ ...v, vector: xmlSafe(v.vector) }));
  const at = (i) => vectors[i % vectors.length].vector;

  write(root, 'site.toml', [
    `title = ${tomlString(`安全测试 ${oneLine(at(0))}`)}`,
    'base_url = "https://xxgk.example.gov.cn/"',
    'language = "zh-CN"',
    `organization = ${tomlString(at(1))}`,
    `description = ${tomlString(at(2))}`,
    '',
  ].join('\n'));
  write(root, 'content/_index.md', vectors.slice(0, 40).map((v) => v.vector).join('\n\n') + '\n');
  write(root, `content/${DEPT}/department.toml`, [
    `name = ${tomlString(`示例局 ${oneLine(at(3))}`)}`,
    `short_name = ${tomlString(oneLine(at(4)))}`,
    `address = ${tomlString(at(5))}`,
    'phone = "0871-60000001"',
    `office_hours = ${tomlString(at(6))}`,
    `index_pattern = '^${CODE}/\\d{4}-\\d{5}$'`,
    '',
  ].join('\n'));
  write(root, `content/${DEPT}/guide.md`, vectors.slice(40, 80).map((v) => v.vector).join('\n\n') + '\n');
  write(root, 'content/tw/department.toml', [
    `name = ${tomlString(`示例處 ${oneLine(at(7))}`)}`,
    'language = "zh-TW"',
    "index_pattern = '^11530100MB0Z67890M/\\d{4}-\\d{5}$'",
    '',
  ].join('\n'));
  write(root, 'content/tw/guide.md', vectors.slice(80, 120).map((v) => v.vector).join('\n\n') + '\n');

  vectors.forEach((v, i) => {
    write(root, `content/${DEPT}/catalog/2024-${String(i + 1).padStart(5, '0')}.md`, item(i + 1, v.vector, 1));
    const path = join(root, `content/${DEPT}/files/${i + 1}/${fileName(v.vector)}.pdf`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, PDF);
  });
  const powerVectors = vectors.filter((_, i) => i % 25 === 0);
  powerVectors.forEach((v, n) => write(root, `content/${DEPT}/powers/xk-${n + 1}.toml`, power(n + 1, v.vector)));

  // A report from `gongkai new report` (its tables pass), published, with
  // vectors in its narrative.
  execFileSync(gongkai, ['new', 'report', '--dept', DEPT, '--year', '2024', '--root', root, '--date', '2025-01-15']);
  const reportToml = join(root, `content/${DEPT}/reports/2024.toml`);
  writeFileSync(reportToml, readFileSync(reportToml, 'utf8').replace(/^draft\s*=\s*true\s*$/m, ''));
  write(root, `content/${DEPT}/reports/2024.md`, ['## 一、总体情况', '', ...vectors.slice(120, 160).map((v) => v.vector)].join('\n\n') + '\n');

  git(root, ['init', '-q', '-b', 'main']);
  const commitAs = (message, date) => {
    git(root, ['add', '-A']);
    execFileSync('git', ['commit', '-q', '-F', '-'], {
      cwd: root,
      input: message,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'editor',
        GIT_AUTHOR_EMAIL: 'editor@example.gov.cn',
        GIT_COMMITTER_NAME: 'editor',
        GIT_COMMITTER_EMAIL: 'editor@example.gov.cn',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    });
  };
  commitAs(`首次发布 ${at(8)}\n\n${at(9)}\n\nPublic-Note: ${oneLine(at(10))}`, '2024-03-01T10:00:00+08:00');
  git(root, ['tag', '-a', 'v2024.1', '-m', at(11)]);
  vectors.forEach((v, i) => {
    write(root, `content/${DEPT}/catalog/2024-${String(i + 1).padStart(5, '0')}.md`, item(i + 1, v.vector, 2));
  });
  commitAs(`修订 ${at(12)}\n\n${at(13)}`, '2024-06-01T10:00:00+08:00');
  // Deleted items: retired at their URL with the commit's note.
  for (const seq of [2, 5]) {
    rmSync(join(root, `content/${DEPT}/catalog/2024-${String(seq).padStart(5, '0')}.md`));
  }
  commitAs(`删除 ${at(14)}\n\nPublic-Note: ${oneLine(at(15))}`, '2024-09-01T10:00:00+08:00');
  return { items: vectors.length, powers: powerVectors.length, replaced };
}
