// compress-stringify in Node, Chromium (main thread and worker) and Pyodide, printed
// beside native zstd (the C library through PyPI zstandard) on the same data, same run.
// Run: bash scripts/bench.sh (or node bench/js/bench.mjs after scripts/test.sh).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../bindings/js/node_modules/playwright-core/index.mjs';
import { serve } from '../../bindings/js/test/browser/server.js';
import { startPyodideWithWitk } from '../../bindings/js/test/browser/pyodide.js';
import * as cs from '../../build/npm/compress-stringify/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = `${root}build/bench`;
const native = JSON.parse(
  execFileSync(`${root}.venv/bin/python`, [`${root}bench/js/native_zstd.py`, dataDir], { encoding: 'utf8' }),
);
const SIZES = [
  [1, 20],
  [64, 3],
];

async function best(reps, f) {
  await f();
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

const rows = [];
const row = (env, mib, ms) =>
  rows.push(`${env.padEnd(22)} ${String(mib).padStart(3)} MiB ${ms.toFixed(1).padStart(9)} ms  ${(ms / native[mib]).toFixed(2).padStart(6)}x native zstd (${native[mib].toFixed(1)} ms)`);

for (const [mib, reps] of SIZES) {
  const data = new Uint8Array(readFileSync(`${dataDir}/volume-${mib}.bin`));
  row('Node', mib, await best(reps, () => cs.compressStringify(data)));
}

const server = await serve(root);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${base}/bindings/js/test/browser/page.html`);
  await page.waitForFunction(() => window.ready === true);
  for (const [mib, reps] of SIZES) {
    for (const worker of [false, true]) {
      const ms = await page.evaluate(
        async ({ url, reps, worker }) => {
          const data = new Uint8Array(await (await fetch(url)).arrayBuffer());
          await window.cs.compressStringify(data, { worker });
          let min = Infinity;
          for (let i = 0; i < reps; i++) {
            const t = performance.now();
            await window.cs.compressStringify(data, { worker });
            min = Math.min(min, performance.now() - t);
          }
          return min;
        },
        { url: `${base}/build/bench/volume-${mib}.bin`, reps, worker },
      );
      row(worker ? 'Chromium (worker)' : 'Chromium', mib, ms);
    }
  }
  await startPyodideWithWitk(page, base, root);
  for (const [mib, reps] of SIZES) {
    const ms = await page.evaluate(
      async ({ url, reps }) => {
        const buf = new Uint8Array(await (await fetch(url)).arrayBuffer());
        window.pyodide.globals.set('js_data', buf);
        window.pyodide.globals.set('reps', reps);
        return window.pyodide.runPythonAsync(`
import time
from witk_compress_stringify import compress_stringify_async
data = js_data.to_py()
await compress_stringify_async(data)
best = float("inf")
for _ in range(reps):
    t = time.perf_counter()
    await compress_stringify_async(data)
    best = min(best, time.perf_counter() - t)
best * 1e3
`);
      },
      { url: `${base}/build/bench/volume-${mib}.bin`, reps },
    );
    row('Pyodide', mib, ms);
  }
} finally {
  await browser.close();
  server.close();
  cs.terminate();
}
console.log('compress-stringify, zstd level 3, best of N (float32 volume of a smooth function with noise)');
for (const r of rows) console.log(r);
