// A tiny static file server for the browser tests, as a static host would
// serve a gongkai site: `index.html` for folders, `404.html` with status 404
// for anything else, percent-encoded paths decoded (URLs hold Chinese
// characters), content types by extension. Listens on 127.0.0.1 only, on a
// random free port.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

function contentType(file) {
  if (file.endsWith('atom.xml')) return 'application/atom+xml; charset=utf-8';
  return TYPES[extname(file).toLowerCase()] || 'application/octet-stream';
}

async function fileAt(path) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/**
 * Serves `root`. Resolves to { origin, close(), requests } where `requests`
 * lists every path asked for.
 */
export function startServer(root) {
  const base = resolve(root);
  const requests = [];

  const server = createServer(async (req, res) => {
    requests.push(req.url);
    const send = (status, headers, file) => {
      res.writeHead(status, headers);
      if (req.method === 'HEAD' || !file) return res.end();
      createReadStream(file).pipe(res);
    };
    const notFound = async () => {
      const page = join(base, '404.html');
      const st = await fileAt(page);
      if (st?.isFile()) {
        return send(404, { 'content-type': TYPES['.html'], 'content-length': st.size }, page);
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 Not Found\n');
    };

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      return res.end();
    }

    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end('400 Bad Request\n');
    }
    if (pathname.includes('\0')) return notFound();

    let file = resolve(base, '.' + pathname);
    if (file !== base && !file.startsWith(base + sep)) return notFound();

    let st = await fileAt(file);
    if (st?.isDirectory()) {
      if (!pathname.endsWith('/')) {
        const url = new URL(req.url, 'http://localhost');
        return send(301, { location: url.pathname + '/' + url.search });
      }
      file = join(file, 'index.html');
      st = await fileAt(file);
    }
    if (!st?.isFile()) return notFound();
    send(200, { 'content-type': contentType(file), 'content-length': st.size }, file);
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolvePromise({
        origin: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
