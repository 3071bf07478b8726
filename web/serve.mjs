#!/usr/bin/env node
// A small static file server with no dependencies: correct MIME types (application/wasm
// included), no caching surprises, and an optional live-reload channel for development.
//
//   node web/serve.mjs [DIR] [--port N] [--host H]     (defaults: web/dist, $PORT or 8080, 127.0.0.1)

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.svm': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
};

const RELOAD_PATH = '/__livereload';
const RELOAD_SCRIPT = `new EventSource(${JSON.stringify(RELOAD_PATH)}).addEventListener('reload', () => location.reload());\n`;

/**
 * Serves `root`. With `liveReload`, HTML pages get a script that reloads them when
 * `reload()` of the returned object is called. Returns { server, reload, close }.
 */
export function createServer({ root, liveReload = false }) {
  root = path.resolve(root);
  const clients = new Set();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (liveReload && url.pathname === RELOAD_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (liveReload && url.pathname === `${RELOAD_PATH}.js`) {
      res.writeHead(200, { 'Content-Type': TYPES['.js'], 'Cache-Control': 'no-store' });
      res.end(RELOAD_SCRIPT);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let rel;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    let file = path.join(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        file = path.join(file, 'index.html');
      }
      fs.readFile(file, (err2, body) => {
        if (err2) {
          res.writeHead(404, { 'Content-Type': TYPES['.txt'] }).end('not found');
          return;
        }
        const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
        if (liveReload && type.startsWith('text/html')) {
          body = Buffer.from(String(body).replace('</body>', `<script src="${RELOAD_PATH}.js"></script></body>`));
        }
        res.writeHead(200, {
          'Content-Type': type,
          'Content-Length': body.length,
          'Cache-Control': 'no-cache',
          'X-Content-Type-Options': 'nosniff',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      });
    });
  });

  return {
    server,
    reload() {
      for (const res of clients) res.write('event: reload\ndata: now\n\n');
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of clients) res.end();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Starts serving; resolves to { url, port, reload, close }. Port 0 picks a free one. */
export function serve({ root, port = 8080, host = '127.0.0.1', liveReload = false }) {
  const s = createServer({ root, liveReload });
  return new Promise((resolve, reject) => {
    s.server.once('error', reject);
    s.server.listen(port, host, () => {
      const actual = s.server.address().port;
      resolve({ ...s, port: actual, url: `http://${host}:${actual}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    if (i < 0) return dflt;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const port = Number(opt('--port', process.env.PORT || 8080));
  const host = opt('--host', '127.0.0.1');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = args[0] || path.join(here, 'dist');
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error(`serve: ${root}/index.html not found (build first: npm --prefix web run build)`);
    process.exit(1);
  }
  serve({ root, port, host }).then(
    ({ url }) => console.log(`serving ${path.relative(process.cwd(), root) || '.'} at ${url}  (Ctrl+C stops)`),
    (e) => {
      console.error(`serve: cannot listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use (set PORT)' : e.message}`);
      process.exit(1);
    },
  );
}
