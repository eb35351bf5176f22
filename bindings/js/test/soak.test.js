// Soak, concurrency and faults in Node, bounded in time (the Python side is
// tests/python/test_soak.py):
//  - every npm package called 10,000 times on small inputs: resident memory after the last
//    call is within 5% of what it was after the first 1,000 (of every package), with the
//    same active handles;
//  - 8 workers (two packages' pools of 4) running every package at once give the
//    sequential calls' answers;
//  - a pool terminated while its calls run rejects them with a `terminated` WitkError
//    (never a pending promise), and no other call's answer changes: calls on this thread,
//    another package's workers, and the same package's next pool.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { smallCalls } from './soak/calls.js';

test('10,000 calls of every npm package leak no memory and no handles', { timeout: 900_000 }, () => {
  // In a child V8 without background threads: concurrent compilers' malloc arenas swing
  // resident memory by tens of MB otherwise, which would hide a leak or fake one.
  const out = execFileSync(process.execPath, ['--single-threaded', '--expose-gc', '--liftoff-only', '--max-opt=0', new URL('./soak/leaks.mjs', import.meta.url).pathname], {
    encoding: 'utf8',
    timeout: 900_000,
  });
  const results = JSON.parse(out.trim().split('\n').pop());
  assert.equal(Object.keys(results).length, 9);
  for (const [name, r] of Object.entries(results)) {
    assert.ok(r.end < r.base * 1.05, `${name}: resident memory grew ${r.base} -> ${r.end} bytes (floors of ${r.start} and ${r.last})`);
    assert.equal(r.handlesAfter, r.handlesBefore, `${name}: active handles`);
    assert.equal(r.again, r.first, `${name}: the last call's answer`);
  }
});

test('8 workers running every package at once give the sequential answers', { timeout: 300_000 }, async () => {
  const { packages, calls } = await smallCalls();
  for (const p of packages) p.configure?.({ workers: 4 });
  const jobs = [];
  for (let i = 0; i < 40; i++) for (const name of Object.keys(calls)) jobs.push([name, i]);
  const expected = [];
  for (const [name, i] of jobs) expected.push(await calls[name](i));
  const got = await Promise.all(jobs.map(([name, i]) => calls[name](i, { worker: true })));
  assert.deepEqual(got, expected);
  for (const p of packages) p.terminate?.();
});

test('a pool terminated mid-call rejects its calls and changes no other answer', { timeout: 300_000 }, async () => {
  const { packages, calls } = await smallCalls();
  const [cs, io] = packages;
  const expected = { cs: await calls['compress-stringify'](7), io: await calls['image-io'](7) };
  cs.configure({ workers: 2 });
  io.configure({ workers: 2 });
  // Long calls in compress-stringify's pool (level 19 over 16 MiB of two random bits a byte:
  // many short matches for its optimal parser, many seconds on any machine), small ones in
  // image-io's.
  let state = 1;
  const slow = new Uint8Array(16 << 20).map(() => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state & 3;
  });
  const doomed = Array.from({ length: 4 }, () => cs.compressStringify(slow, { compressionLevel: 19, worker: true }));
  const others = Array.from({ length: 8 }, () => calls['image-io'](7, { worker: true }));
  await new Promise((r) => setTimeout(r, 200));
  cs.terminate();
  const settled = await Promise.allSettled(doomed);
  for (const s of settled) {
    assert.equal(s.status, 'rejected');
    assert.equal(s.reason.name, 'WitkError');
    assert.equal(s.reason.code, 'terminated');
  }
  assert.deepEqual(await Promise.all(others), Array(8).fill(expected.io));
  assert.equal(await calls['compress-stringify'](7), expected.cs, 'this thread');
  assert.equal(await calls['compress-stringify'](7, { worker: true }), expected.cs, 'a new pool');
  for (const p of packages) p.terminate?.();
});
