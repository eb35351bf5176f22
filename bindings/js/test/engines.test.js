// The npm packages in three browser engines: Chromium (playwright-core), Firefox ESR
// (puppeteer-core over WebDriver BiDi) and WebKitGTK's MiniBrowser (selenium-webdriver
// through WebKitWebDriver, under Xvfb: MiniBrowser has no headless mode). Each opens
// test/runtimes/page.html, which makes the 45 calls of test/runtimes/checks.js (every
// package, typed errors, worker mode) and must give exactly Node's digests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { launchChromium } from './browser/chromium.js';
import { serve } from './browser/server.js';
import { runChecks } from './runtimes/checks.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

let server, url, node, xvfb;

before(async () => {
  server = await serve(root);
  url = `http://127.0.0.1:${server.address().port}/bindings/js/test/runtimes/page.html`;
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

function same(got, engine) {
  const parsed = JSON.parse(got);
  assert.equal(parsed.failed, undefined, `${engine}: ${parsed.failed}`);
  const differ = Object.keys(node).filter((k) => parsed[k] !== node[k]).map((k) => `${k}: ${parsed[k]} (Node ${node[k]})`);
  assert.deepEqual(differ, [], engine);
  assert.equal(Object.keys(parsed).length, Object.keys(node).length);
}

test('Chromium gives Node\'s answers', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    same(await page.evaluate(() => window.results), 'Chromium');
  } finally {
    await browser.close();
  }
});

test('Firefox gives Node\'s answers', { skip: !existsSync(FIREFOX) && `no ${FIREFOX}` }, async () => {
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: { 'network.proxy.type': 0, 'app.update.enabled': false, 'browser.shell.checkDefaultBrowser': false },
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    same(await page.evaluate(() => window.results), 'Firefox');
  } finally {
    await browser.close();
  }
});

test('WebKit gives Node\'s answers', { skip: !existsSync(WEBKIT_DRIVER) && `no ${WEBKIT_DRIVER}` }, async () => {
  // MiniBrowser needs a display: a private Xvfb.
  const display = `:${90 + (process.pid % 9)}`;
  xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1000));
  process.env.DISPLAY = display;
  // selenium-webdriver has no WebKitGTK module: start WebKitWebDriver and talk to it.
  const port = 4444 + (process.pid % 1000);
  const wd = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const { Builder, Capabilities } = await import('selenium-webdriver');
  const caps = new Capabilities();
  caps.set('browserName', 'MiniBrowser');
  caps.set('webkitgtk:browserOptions', { binary: MINIBROWSER, args: ['--automation'] });
  let driver;
  try {
    driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(caps).build();
  } catch (e) {
    wd.kill();
    throw e;
  }
  try {
    await driver.get(url);
    const got = await driver.executeAsyncScript('const done = arguments[arguments.length - 1]; window.results.then(done);');
    same(got, 'WebKit');
  } finally {
    await driver.quit();
    wd.kill();
  }
});
