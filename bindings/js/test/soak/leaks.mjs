// The leak measurement of test/soak.test.js, run by it in a child `node --single-threaded
// --expose-gc`: every npm package called 10,000 times on small inputs. Prints one JSON
// line, per package: the resident-memory floors after the first 1,000 calls (of every
// package) and after the last, the active handles before and after, and the first and
// the last answer of call 0.
import { smallCalls } from './calls.js';

const CALLS = 10_000;
const WARMUP = 1_000;
const { packages, calls } = await smallCalls();

// Every package warms up first: V8 compiles hot wasm functions again, optimized, which
// grows resident memory once.
const first = {};
for (const [name, call] of Object.entries(calls)) {
  first[name] = await call(0);
  for (let i = 1; i < WARMUP; i++) await call(i);
}
// What is compared is resident memory's floor, the least of three samples each after a
// full collection, at the start of the 9,000 measured calls and at their end: freed memory
// is given back to the system lazily, so single samples swing; a leak raises the floor.
const sample = () => {
  globalThis.gc();
  return process.memoryUsage().rss;
};
const results = {};
for (const [name, call] of Object.entries(calls)) {
  const handlesBefore = process.getActiveResourcesInfo().length;
  const start = [];
  const last = [];
  for (let i = WARMUP; i < CALLS; i++) {
    await call(i);
    if (i < WARMUP + 300 && i % 100 === 99) start.push(sample());
    if (i >= CALLS - 300 && i % 100 === 99) last.push(sample());
  }
  results[name] = {
    base: Math.min(...start),
    end: Math.min(...last),
    start,
    last,
    handlesBefore,
    handlesAfter: process.getActiveResourcesInfo().length,
    first: first[name],
    again: await call(0),
  };
}
for (const p of packages) p.terminate?.();
console.log(JSON.stringify(results));
