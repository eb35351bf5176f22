// @witk/compress-stringify in Node: typed errors, worker mode, and recovery after failures
// (its conformance vectors run in vectors.test.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import * as cs from '../../../build/npm/compress-stringify/index.js';
import { loadVectors } from './vectors.js';

const vectors = loadVectors();

test('worker mode gives the same bytes and transfers buffers', async () => {
  const data = vectors.find((v) => v.name === 'phantom level 3');
  const direct = await cs.compressStringify(data.input);
  const copy = data.input.slice();
  const viaWorker = await cs.compressStringify(copy, { worker: true, transfer: true });
  assert.deepEqual(Buffer.from(viaWorker), Buffer.from(direct));
  assert.equal(copy.byteLength, 0, 'the transferred input is detached');
  const back = await cs.parseStringDecompress(viaWorker, { worker: true });
  assert.deepEqual(Buffer.from(back), Buffer.from(data.input));
  await assert.rejects(cs.parseStringDecompress(new Uint8Array([1, 2, 3, 4]), { worker: true }), { code: 'invalid-data' });
  cs.terminate();
});

test('inputs: typed arrays, ArrayBuffer, strings; bad types throw', async () => {
  const expected = await cs.compressStringify(new Uint8Array([33, 44, 55]));
  assert.deepEqual(await cs.compressStringify(new Uint8Array([33, 44, 55]).buffer), expected);
  assert.deepEqual(await cs.compressStringify('!,7'), expected);
  const f32 = new Float32Array([1.5, 2.5, 3.5]);
  const back = await cs.parseStringDecompress(await cs.compressStringify(f32));
  assert.deepEqual(new Float32Array(back.buffer, back.byteOffset, 3), f32);
  await assert.rejects(cs.compressStringify(42), TypeError);
});

test('64 MiB round trip and calls after errors', async () => {
  const big = new Uint8Array(64 << 20);
  for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
  const frame = await cs.compressStringify(big);
  await assert.rejects(cs.parseStringDecompress(frame.subarray(0, 100)), { code: 'invalid-data' });
  const back = await cs.parseStringDecompress(frame);
  assert.equal(Buffer.compare(Buffer.from(back), Buffer.from(big)), 0);
});

test('TypeScript declarations type-check (strict)', () => {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/package.json').replace(/package\.json$/, 'bin/tsc');
  const { execFileSync } = require('node:child_process');
  execFileSync(process.execPath, [tsc, '-p', new URL('./tsconfig.json', import.meta.url).pathname], { stdio: 'pipe' });
});
