// test/runtimes/checks.js in Node, Bun or Deno (`node|bun check.mjs`, `deno run ...
// check.mjs`): prints its digests as one JSON object.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runChecks } from './checks.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const out = await runChecks({
  load: (name) => import(`${root}build/npm/${name}/index.js`),
  readFile: async (path) => new Uint8Array(readFileSync(root + path)),
  sha256: async (bytes) => createHash('sha256').update(bytes).digest('hex'),
});
console.log(JSON.stringify(out));
