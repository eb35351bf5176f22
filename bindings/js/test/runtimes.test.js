// Bun and Deno (npm packages `bun` and `deno`, whose binaries come as registry packages)
// run every npm package exactly as Node does: test/runtimes/check.mjs makes the same 45
// calls (compress-stringify's conformance vectors, image-io formats, downsample,
// compare-images, mesh-io, mesh-to-poly-data, transform-io, dicom, typed errors, worker
// mode) in each runtime, and every digest must equal Node's (Node's answers are checked
// against the Rust host by the other tests).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
const check = `${here}runtimes/check.mjs`;
const run = (cmd, args) => JSON.parse(execFileSync(cmd, [...args, check], { maxBuffer: 1 << 24, timeout: 300000 }).toString());

const node = run(process.execPath, []);

test('check.mjs covers every package and errors', () => {
  assert.ok(Object.keys(node).length >= 45, Object.keys(node).length);
  assert.ok(Object.values(node).some((v) => v.startsWith('error:invalid-data')));
  assert.ok(Object.keys(node).some((k) => k.endsWith('worker')));
});

for (const [name, cmd, args] of [
  ['Bun', `${bin}bun`, []],
  ['Deno', `${bin}deno`, ['run', '--allow-read', '--allow-env', '--allow-sys', '--allow-run', '--allow-write=/tmp']],
]) {
  test(`${name} gives Node's answers on every call`, () => {
    const got = run(cmd, args);
    const differ = Object.keys(node).filter((k) => got[k] !== node[k]).map((k) => `${k}: ${got[k]} (Node ${node[k]})`);
    assert.deepEqual(differ, []);
  });
}
