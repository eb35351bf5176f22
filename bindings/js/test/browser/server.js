// A static file server over the repository root on 127.0.0.1 (random port), for the
// browser tests and the demo. Nothing is fetched from anywhere else.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, normalize, join } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.whl': 'application/octet-stream',
  '.zip': 'application/zip',
  '.tar': 'application/x-tar',
  '.css': 'text/css',
  '.png': 'image/png',
  '.nrrd': 'application/octet-stream',
};

export function serve(root, port = 0) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path);
    let stat;
    try {
      stat = statSync(file);
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    if (!stat.isFile()) {
      res.writeHead(404).end('not a file');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// `node server.js [port]` serves the repository for the demo page and the viewer.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = new URL('../../../../', import.meta.url).pathname;
  const server = await serve(root, Number(process.argv[2] ?? 8765));
  const at = `http://127.0.0.1:${server.address().port}`;
  console.log(`serving ${root}: the demo at ${at}/bindings/js/demo/, the viewer at ${at}/bindings/js/viewer/?url=/data/phantom.nrrd`);
}
