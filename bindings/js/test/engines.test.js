// Every package in three browser engines: Chromium (playwright-core), Firefox ESR
// (puppeteer-core over WebDriver BiDi) and WebKitGTK's MiniBrowser (selenium-webdriver
// through WebKitWebDriver, under Xvfb: MiniBrowser has no headless mode).
//  - test/runtimes/page.html makes the 45 calls of test/runtimes/checks.js (every npm
//    package, typed errors, worker mode): each engine must give exactly Node's digests;
//  - test/runtimes/pyodide.html installs the witk wheels in Pyodide with micropip and
//    calls every pipeline package from Python (image-io and mesh-io in several formats,
//    the downsamples, both compares, mesh-to-poly-data, transform-io, dicom): each engine
//    must give the same answers (Chromium's Pyodide is checked against the Rust host by
//    browser.test.js and the components' *.pyodide.js);
//  - the demo page (bindings/js/demo/) gets the phantom dropped on it (a real `drop` event
//    with a DataTransfer, as a user's drag does) and must show the sizes, the data URL and
//    an identical round trip, in a Web Worker as it is set by default.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser/chromium.js';
import { serve } from './browser/server.js';
import { runChecks } from './runtimes/checks.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

let server, base, node, xvfb;
const pyodide = {};
const demo = {};

before(async () => {
  server = await serve(root);
  base = `http://127.0.0.1:${server.address().port}`;
  node = await runChecks({
    load: (name) => import(`${root}build/npm/${name}/index.js`),
    readFile: async (path) => new Uint8Array(readFileSync(root + path)),
    sha256: async (bytes) => createHash('sha256').update(bytes).digest('hex'),
  });
});

after(async () => {
  server?.close();
  xvfb?.kill();
});

// A CT slice from pydicom's test files (in the venv, which the server serves with the repository).
const dicomFile = relative(
  root,
  execFileSync(`${root}.venv/bin/python`, ['-c', 'import pydicom.data as d; print(d.get_testdata_file("CT_small.dcm"))'])
    .toString()
    .trim(),
);

function pyodideUrl() {
  const micropip = readdirSync(`${root}build/pyodide-wheels`).find((f) => f.startsWith('micropip-'));
  const wheels = [
    ...readdirSync(`${root}dist/pyodide`).map((f) => `${base}/dist/pyodide/${f}`),
    ...readdirSync(`${root}dist/python`)
      // Every pipeline package and its -emscripten implementation (not the -wasi ones).
      .filter((f) => /^witk_[a-z_]+-.*-none-any\.whl$/.test(f) && !/^witk_[a-z_]+_wasi-/.test(f))
      .map((f) => `${base}/dist/python/${f}`),
  ];
  const q = new URLSearchParams({
    micropip: `${base}/build/pyodide-wheels/${micropip}`,
    wheels: wheels.join(','),
    dicom: `${base}/${dicomFile}`,
  });
  return `${base}/bindings/js/test/runtimes/pyodide.html?${q}`;
}

// What each page is asked for once loaded: an expression whose value (a promise) is the
// page's answer, as a string. The test pages publish `window.results`; the demo is driven.
const RESULTS = 'window.results';
const DROP_ON_DEMO = `(async () => {
  const tick = () => new Promise((r) => setTimeout(r, 50));
  while (!window.ready) await tick();
  const bytes = await (await fetch('/data/phantom.nrrd')).arrayBuffer();
  const files = new DataTransfer();
  files.items.add(new File([bytes], 'phantom.nrrd'));
  const drop = new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true });
  document.getElementById('drop').dispatchEvent(drop);
  const result = document.getElementById('result');
  while (result.dataset.done !== 'true') await tick();
  return result.textContent;
})()`;

/** The answer of each page in `pages` ({ name: [url, expression] }), opened in turn in a puppeteer or playwright browser. */
async function results(browser, pages) {
  try {
    const out = {};
    for (const [k, [url, expression]] of Object.entries(pages)) {
      const page = await browser.newPage();
      await page.goto(url);
      out[k] = await page.evaluate(expression);
      await page.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** Each engine: the answers of `pages` ({ npm, pyodide, demo }). */
const ENGINES = {
  Chromium: async (pages) => results(await launchChromium(), pages),
  async Firefox(pages) {
    const puppeteer = (await import('puppeteer-core')).default;
    return results(await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true }), pages);
  },
  async WebKit(pages) {
    // MiniBrowser needs a display: a private Xvfb. selenium-webdriver has no WebKitGTK
    // module: start WebKitWebDriver and talk to it.
    const display = `:${90 + (process.pid % 9)}`;
    xvfb ??= spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 1000));
    const port = 4444 + (process.pid % 1000);
    const wd = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: display } });
    await new Promise((r) => setTimeout(r, 500));
    const { Builder, Capabilities } = await import('selenium-webdriver');
    const caps = new Capabilities();
    caps.set('browserName', 'MiniBrowser');
    caps.set('webkitgtk:browserOptions', { binary: MINIBROWSER, args: ['--automation'] });
    let driver;
    try {
      driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(caps).build();
      await driver.manage().setTimeouts({ script: 300_000 });
      const out = {};
      for (const [k, [url, expression]] of Object.entries(pages)) {
        await driver.get(url);
        out[k] = await driver.executeAsyncScript(
          `const done = arguments[arguments.length - 1]; Promise.resolve(${expression}).then(done, (e) => done(String(e)));`,
        );
      }
      return out;
    } finally {
      await driver?.quit();
      wd.kill();
    }
  },
};

const available = { Chromium: true, Firefox: existsSync(FIREFOX), WebKit: existsSync(WEBKIT_DRIVER) && existsSync(MINIBROWSER) };

for (const engine of Object.keys(ENGINES)) {
  test(`${engine}: every npm package gives Node's answers, Pyodide answers as in Chromium, the demo works`, {
    skip: !available[engine] && `${engine} is not installed`,
  }, async () => {
    const got = await ENGINES[engine]({
      npm: [`${base}/bindings/js/test/runtimes/page.html`, RESULTS],
      pyodide: [pyodideUrl(), RESULTS],
      demo: [`${base}/bindings/js/demo/index.html`, DROP_ON_DEMO],
    });
    assert.match(got.demo, /phantom\.nrrd, 262 384 bytes/, `${engine} demo: ${got.demo}`);
    assert.match(got.demo, /Zstandard frame\d[\d ]* bytes \([\d.]+x smaller\)/, `${engine} demo: ${got.demo}`);
    assert.match(got.demo, /data:application\/zstd;base64,KLUv/, `${engine} demo`);
    assert.match(got.demo, /round trip: identical/, `${engine} demo`);
    // The same frame and data URL in every engine; only the timing differs.
    demo[engine] = got.demo.replace(/[\d.]+ ms/, '… ms');
    if (engine !== 'Chromium' && demo.Chromium) assert.equal(demo[engine], demo.Chromium);
    const npm = JSON.parse(got.npm);
    assert.equal(npm.failed, undefined, `${engine}: ${npm.failed}`);
    const differ = Object.keys(node).filter((k) => npm[k] !== node[k]).map((k) => `${k}: ${npm[k]} (Node ${node[k]})`);
    assert.deepEqual(differ, [], engine);
    assert.equal(Object.keys(npm).length, Object.keys(node).length);
    const py = JSON.parse(got.pyodide);
    assert.equal(py.failed, undefined, `${engine} Pyodide: ${py.failed}`);
    assert.equal(py['compress-stringify'], 'data:application/zstd;base64,KLUv/SADGQAAISw3');
    assert.deepEqual(py.parse, [33, 44, 55]);
    assert.deepEqual(py.read.slice(0, 2), [[64, 64, 64], 'uint8']);
    pyodide[engine] = py;
    if (engine !== 'Chromium' && pyodide.Chromium) assert.deepEqual(py, pyodide.Chromium);
  });
}
