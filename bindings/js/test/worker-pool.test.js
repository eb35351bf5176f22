// The worker pool's faults, with stand-in worker modules that speak its protocol
// ({ id, fn, args } in, { id, ok } or { id, error } out): a worker that dies in a call is
// replaced for the next call, and one that cannot even load rejects each call with why,
// without being started again and again in the background.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Pipeline, WitkError } from '../runtime/witk-runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'witk-pool-'));
const starts = join(dir, 'starts');

/** A worker module with this body, which first counts its start in `starts`. */
function workerModule(name, body) {
  const path = join(dir, name);
  writeFileSync(path, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(starts)}, 'x');\n${body}\n`);
  return new Pipeline({ name, component: null, worker: { url: pathToFileURL(path) } });
}

const started = () => {
  try {
    return readFileSync(starts, 'utf8').length;
  } catch {
    return 0;
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a worker that dies in a call rejects it as a trap and is replaced for the next call', async () => {
  writeFileSync(starts, '');
  const p = workerModule(
    'mortal.mjs',
    `import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ id, fn, args }) => {
  if (fn === 'exit') process.exit(3);
  parentPort.postMessage({ id, ok: args[0] * 2 });
});`,
  );
  p.configure({ workers: 1 });
  assert.equal(await p.call('double', [21], { worker: true }), 42);
  await assert.rejects(p.call('exit', [], { worker: true }), (e) => {
    assert.ok(e instanceof WitkError, String(e));
    assert.equal(e.code, 'trap');
    assert.match(e.message, /exited \(code 3\)/);
    return true;
  });
  assert.equal(await p.call('double', [5], { worker: true }), 10);
  assert.equal(started(), 2, 'the first worker and its replacement');
  p.terminate();
});

test('a worker module that cannot load rejects each call with why, and is not restarted in a loop', async () => {
  writeFileSync(starts, '');
  const p = workerModule('broken.mjs', `throw new Error('this worker cannot start');`);
  p.configure({ workers: 2 });
  for (let i = 0; i < 3; i++) {
    await assert.rejects(p.call('anything', [], { worker: true }), (e) => {
      assert.ok(e instanceof WitkError, String(e));
      assert.equal(e.code, 'trap');
      assert.match(e.message, /cannot start/);
      return true;
    });
  }
  const after = started();
  // The pool's two workers, and at most one more per call.
  assert.ok(after >= 2 && after <= 5, `${after} starts for 3 calls`);
  await sleep(1500);
  assert.equal(started(), after, 'workers kept starting after the calls');
  p.terminate();
});

test('warm({ worker: true }) sends every worker of the pool one call of no function', async () => {
  const seen = join(dir, 'seen');
  writeFileSync(seen, '');
  const p = workerModule(
    'counting.mjs',
    `import { parentPort, threadId } from 'node:worker_threads';
parentPort.on('message', ({ id, fn }) => {
  appendFileSync(${JSON.stringify(seen)}, JSON.stringify([threadId, fn]) + '\\n');
  parentPort.postMessage({ id, ok: fn === null ? null : 7 });
});`,
  );
  p.configure({ workers: 3 });
  assert.equal(await p.warm({ worker: true }), undefined);
  const calls = readFileSync(seen, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(calls.length, 3);
  assert.equal(new Set(calls.map(([thread]) => thread)).size, 3, 'one to each worker');
  assert.ok(calls.every(([, fn]) => fn === null));
  assert.equal(await p.call('seven', [], { worker: true }), 7);
  p.terminate();
});

test('warm() on a real package instantiates its component; calls then run on it', async () => {
  const m = await import('../../../build/npm/compress-stringify/index.js');
  await m.warm();
  await m.warm({ worker: true });
  const input = new Uint8Array([33, 44, 55]);
  const inWorker = await m.compressStringify(input, { stringify: true, worker: true });
  assert.deepEqual(inWorker, await m.compressStringify(input, { stringify: true }));
  assert.equal(new TextDecoder().decode(inWorker), "data:application/zstd;base64,KLUv/SADGQAAISw3");
  m.terminate();
});
