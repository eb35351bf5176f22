// PyScript: a page built on npm's @pyscript/core (served here, with Pyodide from npm as its
// interpreter) whose <script type="py"> installs the witk wheels with micropip and runs
// the seed example, compress_stringify_async, in headless Chromium.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { launchChromium } from './browser/chromium.js';
import { serve } from './browser/server.js';
import { root } from './vectors.js';

let server, browser;

before(async () => {
  server = await serve(root);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('a PyScript page installs witk with micropip and runs compress_stringify_async', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const micropip = readdirSync(`${root}build/pyodide-wheels`).find((f) => f.startsWith('micropip-'));
  const wheels = [
    ...readdirSync(`${root}dist/pyodide`).map((f) => `${base}/dist/pyodide/${f}`),
    ...readdirSync(`${root}dist/python`)
      .filter((f) => /^witk_compress_stringify(_emscripten)?-.*-none-any\.whl$/.test(f))
      .map((f) => `${base}/dist/python/${f}`),
  ];
  assert.equal(wheels.length, 3, wheels.join(' '));
  const page = await browser.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.addInitScript(({ micropipUrl, wheels }) => {
    window.MICROPIP_URL = micropipUrl;
    window.WITK_WHEELS = wheels;
  }, { micropipUrl: `${base}/build/pyodide-wheels/${micropip}`, wheels });
  await page.goto(`${base}/bindings/js/test/browser/pyscript.html`);
  await page.waitForFunction(() => window.pyscriptResult !== undefined, null, { timeout: 120_000 });
  const result = await page.evaluate(() => window.pyscriptResult);
  assert.equal(result, 'data:application/zstd;base64,KLUv/SADGQAAISw3 [33, 44, 55]');
  assert.deepEqual(errors, []);
  // Nothing came from anywhere but this server.
  assert.deepEqual(requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')), []);
  await page.close();
});
