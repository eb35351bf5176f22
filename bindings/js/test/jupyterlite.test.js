// JupyterLite: the site scripts/build-jupyterlite.sh builds (jupyterlite-core, its Pyodide
// kernel, Pyodide from npm; nothing fetched from elsewhere) opens witk.ipynb in headless
// Chromium; its cells `%pip install witk-image-io` from the site's piplite index and read
// data/phantom.nrrd from the notebook's files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { launchChromium } from './browser/chromium.js';
import { serve } from './browser/server.js';
import { root } from './vectors.js';

let server, browser;

before(async () => {
  execFileSync('bash', [`${root}scripts/build-jupyterlite.sh`], { stdio: 'pipe' });
  server = await serve(root);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('a JupyterLite notebook installs witk-image-io with %pip and reads the phantom', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const page = await browser.newPage();
  const outside = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) outside.push(u);
  });
  await page.goto(`${base}/build/jupyterlite/notebooks/index.html?path=witk.ipynb`);
  await page.waitForFunction(() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel, null, { timeout: 120_000 });
  await page.waitForFunction(() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle', null, { timeout: 180_000 });
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));
  await page.waitForFunction(() => /witk \[|Error/.test(document.querySelector('.jp-Notebook')?.innerText ?? ''), null, { timeout: 180_000 });
  const text = await page.evaluate(() => [...document.querySelectorAll('.jp-OutputArea-output')].map((e) => e.innerText).join('\n'));
  assert.match(text, /witk \[64, 64, 64\] uint8 262144/, text);
  assert.deepEqual(outside, []);
  await page.close();
});
